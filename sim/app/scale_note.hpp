#pragma once
// The line every summary prints about run.scale (issue 13): findings come
// from 1:1 runs, and a file made at a smaller scale says it is a preview.

#include <string>
#include <string_view>

namespace scamsim::app {

/// "  scale    run.scale = S: ..." and, below 1, a second line `counts` saying how the file's counts relate to
/// the full region; both end in a newline.
std::string scale_note(double scale, std::string_view counts);

}  // namespace scamsim::app
