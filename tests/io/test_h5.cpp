#include <catch2/catch.hpp>
#include "sim/io/h5.hpp"
