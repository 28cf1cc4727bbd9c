#include "sim/app/cli.hpp"

int main(int argc, char** argv) { return scamsim::app::main(argc, argv); }
