# Run at build time: writes scamsim's man page with help2man from the built executable's --help and --version, so
# the page says what the binary does. help2man reads only the top-level --help, which lists the commands; each
# command's own --help is added as a section (COMMANDS) through help2man's --include file, written here.
# Inputs: SCAMSIM (the executable), HELP2MAN, OUTPUT (the page), WORK_DIR (for the include file).
# In a sanitizer build (scripts/check's build-san) a leak report at exit would fail the build itself; leaks are
# the test suite's to find, under its suppressions, not a build step's.
if(DEFINED ENV{ASAN_OPTIONS} AND NOT "$ENV{ASAN_OPTIONS}" STREQUAL "")
  set(ENV{ASAN_OPTIONS} "$ENV{ASAN_OPTIONS}:detect_leaks=0")
else()
  set(ENV{ASAN_OPTIONS} "detect_leaks=0")
endif()
execute_process(COMMAND "${SCAMSIM}" --help OUTPUT_VARIABLE top_help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SCAMSIM} --help failed (exit ${rc})")
endif()
# The command names: the first word of each line of the "Subcommands:" section, which ends the help.
string(FIND "${top_help}" "\nSubcommands:\n" start)
if(start EQUAL -1)
  message(FATAL_ERROR "${SCAMSIM} --help has no 'Subcommands:' section to list the commands from")
endif()
string(SUBSTRING "${top_help}" ${start} -1 listing)
string(REGEX MATCHALL "\n  [a-z]+ " commands "${listing}")

set(include "[COMMANDS]\nEach command has its own options; \\fBscamsim\\fR \\fICOMMAND\\fR \\fB--help\\fR prints them.\n")
foreach(entry ${commands})
  string(STRIP "${entry}" command)
  execute_process(COMMAND "${SCAMSIM}" ${command} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SCAMSIM} ${command} --help failed (exit ${rc})")
  endif()
  # roff: a backslash is an escape and a line starting with '.' or "'" a request; shown as typed, unfilled.
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND include ".SS \"scamsim ${command}\"\n.nf\n${help}.fi\n")
endforeach()
string(APPEND include "[EXIT STATUS]\n0 success, 1 a problem in the input (scenario, file), 2 a problem with the command \
line, 3 an internal error, 130 or 143 interrupted by SIGINT or SIGTERM.\n")
string(APPEND include "[SEE ALSO]\n\\fBscamsim-report --help\\fR, the report of result files \
(share/scamsim/analysis/README.md). The documentation in share/doc/scamsim: README.md, MODEL.md (the model), \
SCENARIOS.md (scenario files), OUTPUT.md (result files), SWEEPS.md, CALIBRATION.md, CLUSTER.md (MPI and Slurm).\n")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/scamsim.h2m" "${include}")

execute_process(COMMAND "${HELP2MAN}" --no-info --section=1 --source=scamsim
                        "--name=agent-based simulation of scam compounds and their displacement by enforcement"
                        "--include=${WORK_DIR}/scamsim.h2m" "--output=${OUTPUT}.tmp" "${SCAMSIM}"
                RESULT_VARIABLE rc ERROR_VARIABLE help2man_error)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (exit ${rc}): ${help2man_error}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
