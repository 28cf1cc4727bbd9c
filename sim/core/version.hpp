#pragma once
#include <string_view>

namespace scamsim {
/// Semantic version of scamsim, from the top-level CMakeLists.txt.
std::string_view version() noexcept;
/// Short git commit the binary was built from ("-dirty" if the tree had changes).
std::string_view git_commit() noexcept;
}  // namespace scamsim
