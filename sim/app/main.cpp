#include <array>

#include "sim/app/cli.hpp"
#include "sim/app/serve_command.hpp"

// `serve` lives in its own library (sim/serve/), which the engine's does not link; it joins the command line here.
int main(int argc, char** argv) {
  static constexpr std::array<scamsim::app::AddCommand, 1> more = {scamsim::app::add_serve_command};
  return scamsim::app::main(argc, argv, more);
}
