#include "sim/app/mpi_launch.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace scamsim::app {

namespace {

/// A count from the environment variable `name`; 1 when unset or not a positive whole number.
int count_from(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return 1;
  const std::string_view s(text);
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  return ec == std::errc() && end == s.data() + s.size() && n > 0 ? n : 1;
}

}  // namespace

MpiLaunch mpi_launch() {
  // An MPI launcher's own word first: it describes this launch. mpirun inside a Slurm job may itself start its
  // daemons with srun, so its ranks can carry an srun step's variables too, which describe the daemons' step.
  for (const auto& [variable, launcher] : {std::pair{"OMPI_COMM_WORLD_SIZE", "mpirun"}, {"PMI_SIZE", "PMI"}}) {
    if (const int n = count_from(variable); n > 1) return {n, fmt::format("{} ({}={})", launcher, variable, n)};
  }
  // srun --mpi=pmix exports PMIX_RANK and PMIX_NAMESPACE but no size (a PMIx client asks the server for it), so
  // the size is the step's: SLURM_STEP_NUM_TASKS, which srun sets for the tasks it starts, with SLURM_PROCID.
  // Not SLURM_NTASKS: a batch script runs as one process with the job's SLURM_NTASKS (say 8) and SLURM_PROCID=0
  // but no SLURM_STEP_NUM_TASKS, and a `scamsim sweep` typed there (no srun, no mpirun) is one process; taken for
  // rank 0 of 8 it would wait for seven ranks that never come. PMIX_RANK is not required either: under srun
  // without PMI (--mpi=none) the tasks would each run the whole sweep into the same file; taken as MPI ranks,
  // each finds itself alone in MPI and says so (sweep_mpi.cpp).
  if (std::getenv("SLURM_PROCID") != nullptr) {
    if (const int n = count_from("SLURM_STEP_NUM_TASKS"); n > 1) {
      return {n, fmt::format("srun (SLURM_STEP_NUM_TASKS={})", n)};
    }
  }
  return {};
}

}  // namespace scamsim::app
