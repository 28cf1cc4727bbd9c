#pragma once
// Test helper: every run of a sweep plan, run here and kept by run number.

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace scamsim::test {

/// The output of each run of `plan`, on `threads` threads, by run number.
inline std::map<std::int64_t, sweep::RunOutput> run_all(const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                                                        int threads = 2) {
  std::vector<std::int64_t> todo;
  for (const sweep::RunPlan& r : plan.runs) todo.push_back(r.run);
  std::map<std::int64_t, sweep::RunOutput> out;
  sweep::SweepRunOptions options;
  options.threads = threads;
  sweep::run_sweep(spec, plan, todo, options, [&](sweep::RunOutput&& o) { out.emplace(o.run, std::move(o)); });
  return out;
}

}  // namespace scamsim::test
