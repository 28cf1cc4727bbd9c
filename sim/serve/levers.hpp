#pragma once
// The levers of a scenario: the inputs the explorer shows beside it, each a scenario key that `--set` can address,
// described by its row of the parameter table (the one `scamsim params` prints), and a run request built from a
// client's choices. A request's changes become `--set key=value` flags and go through the scenario loader, so the
// browser is checked by exactly the rules a file is. Internal to the serve module.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/error.hpp"
#include "sim/scenario/parameters.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/serve/catalogue.hpp"
#include "sim/serve/json.hpp"

namespace scamsim::serve {

/// One input of a scenario.
struct Lever {
  std::string key;                        ///< the --set key path, e.g. "events.kh_crackdown.capacity_factor"
  std::string group;                      ///< the heading it is shown under
  std::string label;                      ///< a short name in words
  const scenario::ParameterInfo* info{};  ///< its row of the parameter table: unit, range, meaning, source
  double value = 0;                       ///< its value in the scenario
};

/// The levers of `s`, in the order shown: the events' amounts, then per host country, then model-wide ones.
std::vector<Lever> scenario_levers(const scenario::Scenario& s);

/// What the server allows a run to be; larger only when the server is started with larger limits.
struct RunLimits {
  std::int64_t max_replicates = 20;
  double max_years = 10;
  double max_scale = 1;
};

/// A client's run, checked: the scenario by id, its replicates, and its changes as key -> value.
struct RunRequest {
  const CatalogueEntry* entry{};
  std::int64_t replicates = 1;
  std::optional<std::int64_t> seed;
  std::optional<double> years;
  std::optional<double> scale;
  std::map<std::string, double> changes;  ///< lever key -> value, each a lever of the scenario
};

/// A problem with a request, beside the field or lever it is about ("" when none).
struct FieldError {
  std::string key;
  std::string message;
};

/// Reads a run request from its JSON body; returns the problems found (all of them) in `errors`. Unknown fields,
/// unknown scenarios, levers the scenario does not have and values outside the limits are errors here; the
/// values' own ranges are left to the loader (load_request).
std::optional<RunRequest> read_run_request(const Json& body, const class Catalogue& catalogue, const RunLimits& limits,
                                           std::vector<FieldError>& errors);

/// The `--set` flags of a request: run settings first, then the changes in key order.
std::vector<std::string> request_overrides(const RunRequest& request, bool with_changes);

/// The request's scenario loaded with its overrides (with_changes false: the unchanged scenario, with the same
/// run settings, for the paired comparison). Throws SetupError.
scenario::Scenario load_request(const RunRequest& request, bool with_changes);

/// The loader's diagnostics as field errors, each placed beside the lever its key path names.
std::vector<FieldError> field_errors(const SetupError& error);

/// The `scamsim run` command that gives the same file: the scenario's path, the replicates and every --set.
std::string equivalent_command(const RunRequest& request);

/// A number as a --set value: whole numbers without a fraction, others in the shortest form that reads back.
std::string set_value(double value);

}  // namespace scamsim::serve
