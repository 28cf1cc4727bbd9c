#pragma once
// What `scamsim summary` (and `scamsim calibrate --method abc-smc` when it ends) prints of a posterior file:
// the generations, each parameter's posterior median and 90% credible interval beside its prior's, and how
// well the final population meets each target.

#include <string>

#include "sim/io/posterior_file.hpp"

namespace scamsim::app {

/// The posterior as tables for the terminal.
std::string summarize_posterior(const io::Posterior& posterior);

}  // namespace scamsim::app
