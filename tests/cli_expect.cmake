# Runs scamsim and checks its exit code and a fragment of its stderr, since
# add_test alone can check one or the other but not both.
if(DEFINED SCENARIO)
  set(ARGS validate ${SCENARIO})
endif()
execute_process(COMMAND ${SCAMSIM} ${ARGS} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "expected exit code ${EXPECT_RC}, got ${rc}\nstdout:\n${out}\nstderr:\n${err}")
endif()
string(FIND "${err}" "${EXPECT_STDERR}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr lacks '${EXPECT_STDERR}':\n${err}")
endif()
