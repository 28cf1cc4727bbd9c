#include "sim/app/scale_note.hpp"

#include <fmt/format.h>

namespace scamsim::app {

std::string scale_note(double scale, std::string_view counts) {
  if (scale == 1) return "  scale    run.scale = 1: the whole region, one agent per person (1:1)\n";
  if (scale > 1)
    return fmt::format("  scale    run.scale = {:g}: a stress run, {:g} times the region's size\n", scale, scale);
  // Shares and sizes of a smaller world differ measurably from 1:1 (docs/MODEL.md section 8).
  return fmt::format(
      "  scale    run.scale = {:g}: a preview at reduced scale; findings come from 1:1 runs\n"
      "           ({})\n",
      scale, counts);
}

}  // namespace scamsim::app
