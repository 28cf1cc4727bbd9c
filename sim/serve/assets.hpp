#pragma once
// The page's files (sim/serve/www/), built into the binary by cmake/EmbedFiles.cmake, so that an installed or
// copied scamsim serves its page with no folder to find, and no request path ever reaches the file system.
// Internal to the serve module.

#include <span>
#include <string_view>

namespace scamsim::serve {

/// One file of the page.
struct Asset {
  std::string_view path;          ///< the URL path, e.g. "/vendor/uplot/uPlot.iife.min.js"
  std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
  std::string_view bytes;
};

/// Every file of the page; "/index.html" is the page itself.
std::span<const Asset> assets();

}  // namespace scamsim::serve
