// Which environments make a sweep an MPI job (sim/app/mpi_launch.hpp): each launcher's own variables, and the
// ones that must not, a Slurm batch script's above all. ctest runs each test in its own process, so setting the
// environment here touches no other test.

#include <cstdlib>
#include <initializer_list>
#include <utility>

#include <catch2/catch.hpp>

#include "sim/app/mpi_launch.hpp"

namespace {

/// Sets exactly `variables` among those a launcher may export, for the life of the object.
class LaunchEnvironment {
 public:
  LaunchEnvironment(std::initializer_list<std::pair<const char*, const char*>> variables) {
    for (const char* name : all) unsetenv(name);
    for (const auto& [name, value] : variables) setenv(name, value, 1);
  }
  ~LaunchEnvironment() {
    for (const char* name : all) unsetenv(name);
  }
  LaunchEnvironment(const LaunchEnvironment&) = delete;
  LaunchEnvironment& operator=(const LaunchEnvironment&) = delete;

 private:
  static constexpr const char* all[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE",     "PMI_RANK",     "PMIX_RANK",
                                        "SLURM_STEP_NUM_TASKS", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_JOB_ID",
                                        "SLURM_STEP_ID"};
};

}  // namespace

TEST_CASE("Outside any launcher a sweep is one process", "[unit]") {
  const LaunchEnvironment none({});
  CHECK(scamsim::app::mpi_launch().ranks == 1);
  CHECK(scamsim::app::mpi_launch().launcher.empty());
}

TEST_CASE("mpirun's and PMI's sizes make an MPI job", "[unit]") {
  {
    const LaunchEnvironment mpirun({{"OMPI_COMM_WORLD_SIZE", "3"}});
    CHECK(scamsim::app::mpi_launch().ranks == 3);
    CHECK(scamsim::app::mpi_launch().launcher == "mpirun (OMPI_COMM_WORLD_SIZE=3)");
  }
  {
    const LaunchEnvironment pmi2({{"PMI_SIZE", "4"}, {"PMI_RANK", "1"}});
    CHECK(scamsim::app::mpi_launch().ranks == 4);
  }
  {
    const LaunchEnvironment one({{"OMPI_COMM_WORLD_SIZE", "1"}});
    CHECK(scamsim::app::mpi_launch().ranks == 1);
  }
}

TEST_CASE("A task of an srun step is a rank of the step, with or without PMIx's variables", "[unit]") {
  {
    const LaunchEnvironment pmix(
        {{"SLURM_STEP_NUM_TASKS", "2"}, {"SLURM_PROCID", "1"}, {"SLURM_NTASKS", "2"}, {"PMIX_RANK", "1"}});
    CHECK(scamsim::app::mpi_launch().ranks == 2);
    CHECK(scamsim::app::mpi_launch().launcher == "srun (SLURM_STEP_NUM_TASKS=2)");
  }
  {
    const LaunchEnvironment bare({{"SLURM_STEP_NUM_TASKS", "5"}, {"SLURM_PROCID", "0"}});
    CHECK(scamsim::app::mpi_launch().ranks == 5);
  }
}

TEST_CASE("A Slurm batch script with several tasks but no srun is one process", "[unit]") {
  // What sbatch --ntasks=8 exports to the script itself: the job's task count and a process id, no step.
  const LaunchEnvironment batch({{"SLURM_NTASKS", "8"}, {"SLURM_PROCID", "0"}, {"SLURM_JOB_ID", "42"}});
  CHECK(scamsim::app::mpi_launch().ranks == 1);
}

TEST_CASE("mpirun's size wins over the srun step that started its daemons", "[unit]") {
  const LaunchEnvironment nested(
      {{"OMPI_COMM_WORLD_SIZE", "16"}, {"SLURM_STEP_NUM_TASKS", "2"}, {"SLURM_PROCID", "0"}});
  CHECK(scamsim::app::mpi_launch().ranks == 16);
}

TEST_CASE("A launcher's size that is not a positive whole number is no launch", "[unit]") {
  for (const char* bad : {"0", "-2", "3x", "", "99999999999999"}) {
    const LaunchEnvironment odd({{"SLURM_STEP_NUM_TASKS", bad}, {"SLURM_PROCID", "0"}});
    CHECK(scamsim::app::mpi_launch().ranks == 1);
  }
}
