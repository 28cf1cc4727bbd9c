#pragma once
// Whether this process is one of several that an MPI launcher started, read from the environment the launchers
// export, before (and without) initialising MPI: a sweep initialises MPI only then (sweep_mpi.hpp). Internal to
// the app module.

#include <string>

namespace scamsim::app {

/// How this process was started, as far as an MPI job goes.
struct MpiLaunch {
  int ranks = 1;         ///< processes of the job, this one included; 1 when no launcher started several
  std::string launcher;  ///< what said so, for messages: "srun (SLURM_STEP_NUM_TASKS=4)"; empty when ranks is 1
};

/// The launch of this process: Open MPI's mpirun (OMPI_COMM_WORLD_SIZE), a PMI launcher (PMI_SIZE: MPICH's
/// hydra, srun --mpi=pmi2), or a task of an srun step (SLURM_STEP_NUM_TASKS with SLURM_PROCID: srun --mpi=pmix,
/// which exports no size of its own); otherwise one process. Never a batch script's SLURM_NTASKS (see the .cpp).
MpiLaunch mpi_launch();

}  // namespace scamsim::app
