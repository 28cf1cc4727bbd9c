#include "sim/io/h5.hpp"
