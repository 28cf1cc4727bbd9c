# One place for the warning flags every target of ours uses.
add_library(scamsim_warnings INTERFACE)
target_compile_options(scamsim_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  $<$<BOOL:${SCAMSIM_WERROR}>:-Werror>)
