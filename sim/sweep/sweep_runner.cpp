#include "sim/sweep/sweep_runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include "sim/model/simulation.hpp"
#include "sim/run/runner.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/sensitivity.hpp"

namespace scamsim::sweep {

namespace {

// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection that spreads nearby inputs far apart.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e37'79b9'7f4a'7c15u;
  x = (x ^ (x >> 30)) * 0xbf58'476d'1ce4'e5b9u;
  x = (x ^ (x >> 27)) * 0x94d0'49bb'1331'11ebu;
  return x ^ (x >> 31);
}

double nan() { return std::numeric_limits<double>::quiet_NaN(); }

// A value as the scenario will hold it: whole numbers and dates rounded to the nearest.
double applied(const SweepParameter& p, double value) {
  return p.type == ValueType::real ? value : static_cast<double>(std::llround(value));
}

}  // namespace

std::int64_t run_seed(std::uint64_t sweep_seed, std::uint64_t index) {
  return static_cast<std::int64_t>(splitmix64(splitmix64(sweep_seed) + index + 1) >> 2);
}

SweepPlan plan_sweep(const SweepSpec& spec) {
  SweepPlan plan;
  const auto k = static_cast<std::int64_t>(spec.parameters.size());
  const auto ku = static_cast<std::size_t>(k);
  // Rows of unit coordinates and of values, one per point.
  UnitDesign unit;
  std::vector<std::vector<double>> values;
  switch (spec.design) {
    case DesignKind::grid: {
      std::vector<std::vector<double>> grids;
      std::vector<std::int32_t> sizes;
      for (const SweepParameter& p : spec.parameters) {
        grids.push_back(grid_values(p.range));
        sizes.push_back(static_cast<std::int32_t>(grids.back().size()));
      }
      const auto combinations = full_factorial(sizes);
      unit.resize(static_cast<Eigen::Index>(combinations.size()), k);
      for (std::size_t row = 0; row < combinations.size(); ++row) {
        std::vector<double> v(ku);
        for (std::size_t j = 0; j < ku; ++j) {
          const auto index = static_cast<std::size_t>(combinations[row][j]);
          v[j] = grids[j][index];
          unit(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(j)) =
              sizes[j] > 1 ? static_cast<double>(index) / static_cast<double>(sizes[j] - 1) : 0.0;
        }
        values.push_back(std::move(v));
      }
      break;
    }
    case DesignKind::lhs:
      unit = latin_hypercube(spec.points, k, spec.seed);
      break;
    case DesignKind::saltelli:
      unit = saltelli(spec.base_points, k, spec.seed);
      break;
    case DesignKind::morris:
      plan.morris = morris(spec.trajectories, k, spec.morris_levels, spec.seed);
      unit = plan.morris.points;
      break;
  }
  if (values.empty()) {
    for (Eigen::Index row = 0; row < unit.rows(); ++row) {
      std::vector<double> v(ku);
      for (std::size_t j = 0; j < ku; ++j) {
        v[j] = value_at(spec.parameters[j].range, unit(row, static_cast<Eigen::Index>(j)));
      }
      values.push_back(std::move(v));
    }
  }
  plan.points = unit.rows();
  plan.replicates = spec.replicates;
  plan.runs.reserve(static_cast<std::size_t>(plan.points * plan.replicates));
  for (std::int64_t point = 0; point < plan.points; ++point) {
    for (std::int64_t r = 0; r < plan.replicates; ++r) {
      RunPlan run;
      run.run = point * plan.replicates + r;
      run.point = point;
      run.replicate = r;
      const std::int64_t index = spec.common_random_numbers ? r : run.run;
      run.seed = run_seed(spec.seed, static_cast<std::uint64_t>(index));
      run.unit.resize(ku);
      run.values.resize(ku);
      for (std::size_t j = 0; j < ku; ++j) {
        run.unit[j] = unit(static_cast<Eigen::Index>(point), static_cast<Eigen::Index>(j));
        run.values[j] = applied(spec.parameters[j], values[static_cast<std::size_t>(point)][j]);
      }
      plan.runs.push_back(std::move(run));
    }
  }
  return plan;
}

std::vector<std::string> run_overrides(const SweepSpec& spec, const RunPlan& run) {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < spec.parameters.size(); ++j) {
    const SweepParameter& p = spec.parameters[j];
    out.push_back(fmt::format("{}={}", p.range.key, value_text(spec, p, run.values[j])));
  }
  out.push_back(fmt::format("run.seed={}", run.seed));
  out.push_back("run.replicates=1");
  return out;
}

std::vector<std::string> all_overrides(const SweepSpec& spec, const RunPlan& run) {
  std::vector<std::string> out = spec.overrides;
  const std::vector<std::string> own = run_overrides(spec, run);
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

scenario::Scenario run_scenario(const SweepSpec& spec, const RunPlan& run) {
  return scenario::load_scenario(spec.scenario, all_overrides(spec, run));
}

RunOutput execute_run(const SweepSpec& spec, const RunPlan& run, const std::atomic<bool>* stop,
                      const std::function<void()>& on_step) {
  RunOutput out;
  out.run = run.run;
  const auto fail = [&](std::string message) {
    out.status = RunStatus::failed;
    out.message = std::move(message);
    out.outcomes.assign(spec.outcomes.size(), nan());
    out.series.clear();
    return out;
  };
  try {
    const scenario::Scenario s = run_scenario(spec, run);
    if (s.run.steps() != spec.base.run.steps() || s.countries.size() != spec.base.countries.size()) {
      return fail(fmt::format("the run has {} steps and {} countries where the base scenario has {} and {}",
                              s.run.steps(), s.countries.size(), spec.base.run.steps(), spec.base.countries.size()));
    }
    // Replicate 0 of a one-replicate scenario with the run's seed: exactly what `scamsim run` does with it.
    model::Simulation sim(s, 0);
    while (!sim.finished()) {
      if (stop && stop->load(std::memory_order_relaxed)) throw run::Interrupted();
      sim.step();
      if (on_step) on_step();
    }
    const model::RunRecord record = sim.take_record();
    const auto dt_days = static_cast<double>(s.run.dt_days);
    for (const run::OutcomeSpec& o : spec.outcomes) {
      out.outcomes.push_back(run::at_full_scale(o, run::evaluate(o, record, dt_days), s.run.scale));
    }
    const auto block = static_cast<std::size_t>(record.steps * record.countries);
    for (const model::CountryMetric m : spec.keep_series) {
      const auto first = record.by_country.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(m) * block);
      out.series.emplace_back(first, first + static_cast<std::ptrdiff_t>(block));
    }
    out.status = RunStatus::done;
  } catch (const run::Interrupted&) {
    throw;
  } catch (const SetupError& e) {
    std::string message;
    for (const Diagnostic& d : e.diagnostics()) message += (message.empty() ? "" : "\n") + d.format();
    return fail(message.empty() ? e.what() : message);
  } catch (const std::exception& e) {
    return fail(fmt::format("the run stopped with an error: {}", e.what()));
  }
  return out;
}

void run_sweep(const SweepSpec& spec, const SweepPlan& plan, std::span<const std::int64_t> todo,
               const SweepRunOptions& options, const std::function<void(RunOutput&&)>& finished) {
  const auto stop_requested = [&] { return options.stop && options.stop->load(std::memory_order_relaxed); };
  // Runs in flight stop at their next step when the caller asks, or when recording a run failed (no point
  // finishing runs that cannot be recorded).
  std::atomic<bool> halt{stop_requested()};
  std::exception_ptr failure;
  std::mutex reporting;
  const std::function<void()> on_step = [&] {
    if (options.on_step) options.on_step();
    if (stop_requested()) halt = true;
  };
  tbb::task_arena arena(run::effective_threads(options.threads));
  try {
    arena.execute([&] {
      // One run per task: runs are long, and each run's own phases use the same arena's threads.
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, todo.size(), 1),
          [&](const tbb::blocked_range<std::size_t>& range) {
            for (std::size_t i = range.begin(); i != range.end(); ++i) {
              const auto index = static_cast<std::size_t>(todo[i]);
              RunOutput output = execute_run(spec, plan.runs.at(index), &halt, on_step);
              const std::lock_guard lock(reporting);
              if (failure) return;
              try {
                finished(std::move(output));
              } catch (...) {
                failure = std::current_exception();
                halt = true;
              }
            }
          },
          tbb::simple_partitioner());
    });
  } catch (const run::Interrupted&) {
    if (!failure && !stop_requested()) throw;
  }
  if (failure) std::rethrow_exception(failure);
  if (stop_requested()) throw run::Interrupted();
}

// ---------------------------------------------------------------- bytes

namespace {

class Encoder {
 public:
  template <class T>
  void put(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const std::byte*>(&value);
    bytes_.insert(bytes_.end(), p, p + sizeof(T));
  }
  void put_doubles(const std::vector<double>& values) {
    put<std::uint64_t>(values.size());
    const auto* p = reinterpret_cast<const std::byte*>(values.data());
    bytes_.insert(bytes_.end(), p, p + values.size() * sizeof(double));
  }
  std::vector<std::byte> take() { return std::move(bytes_); }

 private:
  std::vector<std::byte> bytes_;
};

class Decoder {
 public:
  explicit Decoder(std::span<const std::byte> bytes) : bytes_(bytes) {}
  template <class T>
  T get() {
    T value;
    take(&value, sizeof(T));
    return value;
  }
  std::vector<double> get_doubles() {
    const auto n = get<std::uint64_t>();
    if (n > (bytes_.size() - at_) / sizeof(double)) throw std::invalid_argument("not an encoded run: too short");
    std::vector<double> values(n);
    take(values.data(), n * sizeof(double));
    return values;
  }
  std::string get_string() {
    const auto n = get<std::uint64_t>();
    if (n > bytes_.size() - at_) throw std::invalid_argument("not an encoded run: too short");
    std::string text(n, '\0');
    take(text.data(), n);
    return text;
  }
  [[nodiscard]] bool done() const { return at_ == bytes_.size(); }

 private:
  void take(void* out, std::size_t n) {
    if (n > bytes_.size() - at_) throw std::invalid_argument("not an encoded run: too short");
    if (n == 0) return;  // an empty vector's data() may be null, which memcpy must not see
    std::memcpy(out, bytes_.data() + at_, n);
    at_ += n;
  }
  std::span<const std::byte> bytes_;
  std::size_t at_ = 0;
};

constexpr std::uint32_t encoding_tag = 0x5357'5255;  // "SWRU": a sweep run

}  // namespace

std::vector<std::byte> encode(const RunOutput& output) {
  Encoder e;
  e.put(encoding_tag);
  e.put(output.run);
  e.put(static_cast<std::int8_t>(output.status));
  e.put<std::uint64_t>(output.message.size());
  for (const char c : output.message) e.put(c);
  e.put_doubles(output.outcomes);
  e.put<std::uint64_t>(output.series.size());
  for (const auto& s : output.series) e.put_doubles(s);
  return e.take();
}

RunOutput decode(std::span<const std::byte> bytes) {
  Decoder d(bytes);
  if (d.get<std::uint32_t>() != encoding_tag) throw std::invalid_argument("not an encoded run: wrong tag");
  RunOutput out;
  out.run = d.get<std::int64_t>();
  const auto status = d.get<std::int8_t>();
  if (status < 0 || status > 2) throw std::invalid_argument("not an encoded run: bad status");
  out.status = static_cast<RunStatus>(status);
  out.message = d.get_string();
  out.outcomes = d.get_doubles();
  const auto series = d.get<std::uint64_t>();
  if (series > bytes.size()) throw std::invalid_argument("not an encoded run: too short");
  for (std::uint64_t i = 0; i < series; ++i) out.series.push_back(d.get_doubles());
  if (!d.done()) throw std::invalid_argument("not an encoded run: trailing bytes");
  return out;
}

// ---------------------------------------------------------------- analysis

std::vector<double> point_means(std::int64_t points, std::int64_t replicates, std::int64_t outcome_count,
                                std::span<const double> outcomes, std::span<const RunStatus> status) {
  const auto o_count = static_cast<std::size_t>(outcome_count);
  std::vector<double> means(static_cast<std::size_t>(points) * o_count, nan());
  for (std::int64_t p = 0; p < points; ++p) {
    for (std::size_t o = 0; o < o_count; ++o) {
      // Replicates in order, so the sum repeats whatever order the runs finished in.
      double sum = 0;
      std::int64_t n = 0;
      for (std::int64_t r = 0; r < replicates; ++r) {
        const auto run = static_cast<std::size_t>(p * replicates + r);
        if (status[run] != RunStatus::done) continue;
        sum += outcomes[run * o_count + o];
        ++n;
      }
      if (n > 0) means[static_cast<std::size_t>(p) * o_count + o] = sum / static_cast<double>(n);
    }
  }
  return means;
}

std::optional<Sensitivity> analyse(const SweepSpec& spec, const SweepPlan& plan, std::span<const double> outcomes,
                                   std::span<const RunStatus> status) {
  if (spec.design != DesignKind::saltelli && spec.design != DesignKind::morris) return std::nullopt;
  const auto o_count = spec.outcomes.size();
  const auto k = static_cast<std::int64_t>(spec.parameters.size());
  const auto ku = static_cast<std::size_t>(k);
  const std::vector<double> means =
      point_means(plan.points, plan.replicates, static_cast<std::int64_t>(o_count), outcomes, status);
  Sensitivity out;
  const std::vector<std::string> names =
      spec.design == DesignKind::saltelli
          ? std::vector<std::string>{"first", "first_low", "first_high", "total", "total_low", "total_high"}
          : std::vector<std::string>{"mu", "mu_star", "sigma", "mu_star_low", "mu_star_high"};
  out.method = spec.design == DesignKind::saltelli ? "sobol" : "morris";
  for (const std::string& name : names) out.tables.emplace_back(name, std::vector<double>(o_count * ku, nan()));
  const auto set = [&](std::size_t table, std::size_t o, std::size_t j, double v) {
    out.tables[table].second[o * ku + j] = v;
  };
  for (std::size_t o = 0; o < o_count; ++o) {
    std::vector<double> y(static_cast<std::size_t>(plan.points));
    for (std::size_t p = 0; p < y.size(); ++p) y[p] = means[p * o_count + o];
    if (spec.design == DesignKind::saltelli) {
      const SobolIndices s = sobol_indices(y, spec.base_points, k, spec.bootstrap, spec.confidence, spec.seed);
      for (std::size_t j = 0; j < ku; ++j) {
        set(0, o, j, s.first[j].estimate);
        set(1, o, j, s.first[j].low);
        set(2, o, j, s.first[j].high);
        set(3, o, j, s.total[j].estimate);
        set(4, o, j, s.total[j].low);
        set(5, o, j, s.total[j].high);
      }
      out.used.push_back(s.base_rows_used);
    } else {
      const MorrisIndices m = morris_indices(plan.morris, y, spec.bootstrap, spec.confidence, spec.seed);
      for (std::size_t j = 0; j < ku; ++j) {
        set(0, o, j, m.mu[j]);
        set(1, o, j, m.mu_star[j]);
        set(2, o, j, m.sigma[j]);
        set(3, o, j, m.mu_star_ci[j].low);
        set(4, o, j, m.mu_star_ci[j].high);
      }
      out.used.push_back(m.trajectories_used);
    }
  }
  return out;
}

}  // namespace scamsim::sweep
