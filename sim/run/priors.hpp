#pragma once
// Priors of calibrated parameters (docs/CALIBRATION.md): what is believed of a parameter before the record is
// consulted, as a distribution within bounds. ABC-SMC (abc_smc.hpp) samples them, perturbs particles and weighs
// them in a *working space*: the logarithm of the value for log-uniform and log-normal priors, the value itself
// otherwise, so that a kernel's step is relative where the prior is.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scamsim::run {

/// The shape of a prior.
enum class PriorKind {
  uniform,      ///< flat on [min, max]
  log_uniform,  ///< flat in log on [min, max], min > 0
  normal,       ///< normal(mean, sd) truncated to [min, max]
  log_normal,   ///< log of the value normal(mean, sd) (mean and sd of the log), truncated to [min, max], min > 0
};

/// The prior kind of that name ("uniform", "log_uniform", "normal", "log_normal"); nullopt otherwise.
[[nodiscard]] std::optional<PriorKind> prior_kind_named(std::string_view name);
/// The name of a prior kind, as files write it.
[[nodiscard]] std::string_view prior_kind_name(PriorKind kind);

/// A prior on one parameter. For the normal kinds `mean` and `sd` are those of the value (normal) or of its
/// natural log (log_normal), before truncation to [min, max].
struct Prior {
  PriorKind kind = PriorKind::uniform;
  double min = 0;
  double max = 1;
  double mean = 0;
  double sd = 1;

  /// What is wrong with these settings (min not below max, a log kind with min <= 0, sd <= 0, a truncation that
  /// leaves almost none of the normal's mass), or nullopt.
  [[nodiscard]] std::optional<std::string> problem() const;
  /// A short text, e.g. "log_uniform on [1, 100]" or "normal(0.5, 0.1) on [0, 1]".
  [[nodiscard]] std::string describe() const;

  /// Whether the prior works on the log of the value.
  [[nodiscard]] bool logarithmic() const { return kind == PriorKind::log_uniform || kind == PriorKind::log_normal; }
  /// The value in working space (its log for the log kinds), and back.
  [[nodiscard]] double to_work(double value) const;
  [[nodiscard]] double from_work(double work) const;
  /// The prior's draw from a uniform u in (0, 1), by its inverse distribution function; in working space.
  [[nodiscard]] double quantile_work(double u) const;
  /// The log density in working space (normalised, truncation included; -infinity outside the bounds).
  [[nodiscard]] double log_density_work(double work) const;
};

/// The joint log density of independent priors at a point of working space (-infinity outside any bound).
[[nodiscard]] double log_density_work(std::span<const Prior> priors, std::span<const double> work);

}  // namespace scamsim::run
