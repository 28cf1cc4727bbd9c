#pragma once
// Counts kept by (row, country): the step's flows (by CountryMetric) and the
// people per state (by WorkerState). One type for the engine's table, for
// each chunk outbox of the worker phase, and for merging the two, so that
// "count one more of this in that country" is written one way everywhere.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/core/ids.hpp"
#include "sim/model/metrics.hpp"
#include "sim/model/world.hpp"

namespace scamsim::model {

/// Whole counts by (row, country), stored row-major: [row * countries + country].
/// `Row` is an enum class with `rows` values.
template <class Row, std::size_t rows>
class ByCountry {
 public:
  /// Sized for `countries` countries, every count zero.
  void reset(std::size_t countries) {
    countries_ = countries;
    counts_.assign(rows * countries, 0);
    moves_ = 0;
  }
  /// Adds n to (row, country).
  void add(Row row, CountryId country, std::int64_t n = 1) { counts_[slot(row, index_of(country))] += n; }
  /// Adds n to (row, country index).
  void add(Row row, std::size_t country, std::int64_t n = 1) { counts_[slot(row, country)] += n; }
  /// One person moves from one (state, country) to another.
  void move(Row from, CountryId from_country, Row to, CountryId to_country) {
    --counts_[slot(from, index_of(from_country))];
    ++counts_[slot(to, index_of(to_country))];
    ++moves_;
  }
  /// The count at (row, country).
  [[nodiscard]] std::int64_t get(Row row, CountryId country) const { return counts_[slot(row, index_of(country))]; }
  [[nodiscard]] std::int64_t get(Row row, std::size_t country) const { return counts_[slot(row, country)]; }
  /// The count at (row, country), set back to zero (a flow read at the step's end).
  std::int64_t take(Row row, std::size_t country) {
    std::int64_t& count = counts_[slot(row, country)];
    const std::int64_t value = count;
    count = 0;
    return value;
  }
  /// Adds every count of `other` (same shape): outboxes merged into the engine's table.
  void add_all(const ByCountry& other) {
    assert(other.counts_.size() == counts_.size());
    for (std::size_t j = 0; j < counts_.size(); ++j) counts_[j] += other.counts_[j];
    moves_ += other.moves_;
  }
  /// Calls of move() since the reset, with those of tables added by add_all (people's transitions).
  [[nodiscard]] std::int64_t moves() const noexcept { return moves_; }
  /// Number of countries.
  [[nodiscard]] std::size_t countries() const noexcept { return countries_; }
  /// The raw counts, row-major (tests compare them with a recount).
  [[nodiscard]] const std::vector<std::int64_t>& raw() const noexcept { return counts_; }

 private:
  [[nodiscard]] std::size_t slot(Row row, std::size_t country) const {
    assert(static_cast<std::size_t>(row) < rows && country < countries_);
    return static_cast<std::size_t>(row) * countries_ + country;
  }

  std::size_t countries_ = 0;
  std::vector<std::int64_t> counts_;
  std::int64_t moves_ = 0;
};

/// The step's flow counts by (CountryMetric, country): the phases add, bookkeeping takes.
using Flows = ByCountry<CountryMetric, country_metric_count>;
/// People by (WorkerState, country), or changes to them in an outbox.
using Stocks = ByCountry<WorkerState, worker_state_count>;

}  // namespace scamsim::model
