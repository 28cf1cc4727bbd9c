# Run at build time: writes the bash completion that the built scamsim prints (`scamsim --bash-completion`), so
# that it completes exactly the commands and flags that binary has. Inputs: SCAMSIM, OUTPUT.
get_filename_component(folder "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${folder}")
execute_process(COMMAND "${SCAMSIM}" --bash-completion OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SCAMSIM} --bash-completion failed (exit ${rc})")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
