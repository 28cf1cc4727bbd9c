# Run at build time: writes the bash completion that the built scamsim prints (`scamsim --bash-completion`), so
# that it completes exactly the commands and flags that binary has. Inputs: SCAMSIM, OUTPUT.
# In a sanitizer build (scripts/check's build-san) a leak report at exit would fail the build itself; leaks are
# the test suite's to find, under its suppressions, not a build step's.
if(DEFINED ENV{ASAN_OPTIONS} AND NOT "$ENV{ASAN_OPTIONS}" STREQUAL "")
  set(ENV{ASAN_OPTIONS} "$ENV{ASAN_OPTIONS}:detect_leaks=0")
else()
  set(ENV{ASAN_OPTIONS} "detect_leaks=0")
endif()
get_filename_component(folder "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${folder}")
execute_process(COMMAND "${SCAMSIM}" --bash-completion OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SCAMSIM} --bash-completion failed (exit ${rc})")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
