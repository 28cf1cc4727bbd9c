// SweepWriter and finish_sweep: record finished runs into a sweep's in-progress file, then write the final
// file from it (layout in sweep_layout.hpp).
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <span>

#include <fmt/format.h>

#include "sim/io/file_support.hpp"
#include "sim/io/group_coordinates.hpp"
#include "sim/io/h5.hpp"
#include "sim/io/open_file.hpp"
#include "sim/io/sweep_checksum.hpp"
#include "sim/io/sweep_layout.hpp"
#include "sim/io/sweep_results.hpp"

namespace scamsim::io {

namespace fs = std::filesystem;
using namespace detail;  // the helpers every scamsim file shares
using namespace sweep_layout;
using sweep::RunStatus;

namespace {

hsize_t extent(std::int64_t n) { return static_cast<hsize_t>(n); }
hsize_t extent(std::size_t n) { return static_cast<hsize_t>(n); }

// A run's run.scale: its value of the parameter run.scale where the design varies it, else the base scenario's.
double run_scale_of(const sweep::SweepSpec& spec, const sweep::RunPlan& run) {
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    if (spec.parameters[k].range.key == "run.scale") return run.values[k];
  }
  return spec.base.run.scale;
}

}  // namespace

fs::path partial_path(const fs::path& output) {
  fs::path partial = output;
  partial += ".partial";
  return partial;
}

// ---------------------------------------------------------------- the writer

struct SweepWriter::Impl {
  fs::path path;
  sweep::SweepSpec spec;
  std::int64_t steps = 0;
  std::size_t countries = 0;
  h5::File file;
  Datasets datasets;
  std::vector<RunStatus> status;
  bool failed_write = false;            // a write threw: what is in the file is no longer known
  bool created_here = false;            // this writer made the file (create), rather than resuming one
  bool durable = true;                  // each run synced to disk before the next (off: set_durable)
  std::int64_t recorded = 0;            // runs recorded by this writer
  std::vector<std::int64_t> discarded;  // finished runs whose rows failed their checksum on resume

  // A failed write into a file this writer made and recorded nothing in leaves nothing worth resuming, only
  // a file as large as the whole sweep (on a full disk, the reason it failed) that would block the next try:
  // it goes. One that holds finished runs stays, for --resume.
  std::int64_t done_or_failed() const {
    return std::count_if(status.begin(), status.end(), [](RunStatus s) { return s != RunStatus::pending; });
  }

  void remove_if_worthless() noexcept {
    if (!created_here || recorded > 0) return;
    datasets = {};
    file = {};
    std::error_code ignored;
    fs::remove(path, ignored);
  }

  void record(const sweep::RunOutput& out) {
    if (failed_write) throw h5::Error(fmt::format("'{}': an earlier write failed", path.string()));
    if (out.run < 0 || static_cast<std::size_t>(out.run) >= status.size()) {
      throw h5::Error(fmt::format("'{}': there is no run {}", path.string(), out.run));
    }
    const auto run = static_cast<std::size_t>(out.run);
    if (status[run] != RunStatus::pending) {
      throw h5::Error(fmt::format("'{}': run {} is recorded already", path.string(), out.run));
    }
    if (out.status == RunStatus::pending) throw h5::Error(fmt::format("run {} has not finished", out.run));
    const bool done = out.status == RunStatus::done;
    if (out.outcomes.size() != spec.outcomes.size() || (done && out.series.size() != spec.keep_series.size())) {
      throw h5::Error(fmt::format("run {}: {} outcomes and {} series where the sweep has {} and {}", out.run,
                                  out.outcomes.size(), out.series.size(), spec.outcomes.size(),
                                  spec.keep_series.size()));
    }
    try {
      // The rows and their checksum first, on disk; only then the status that says they are there.
      RunChecksum checksum = start_checksum(out.status, out.outcomes);
      for (std::size_t o = 0; o < spec.outcomes.size(); ++o) {
        datasets.outcomes[o].write_block<double>({run}, {1}, std::span(&out.outcomes[o], 1));
      }
      if (done) {
        for (std::size_t m = 0; m < spec.keep_series.size(); ++m) {
          write_series(datasets.series[m], spec.keep_series[m], out.run, out.series[m], steps, countries, &checksum);
        }
      }
      const std::string message = fit_message(out.message);
      datasets.message.write_block<std::string>({run}, {1}, std::span(&message, 1));
      finish_checksum(checksum, message);
      const std::int64_t sum = checksum.value();
      datasets.checksum.write_block<std::int64_t>({run}, {1}, std::span(&sum, 1));
      file.flush();
      if (durable) sync_to_disk(path);
      const auto code = static_cast<std::int8_t>(out.status);
      write_elements(datasets.status, status_memory_type(datasets.status).get(), &code, run, 1);
      file.flush();
      if (durable) sync_to_disk(path);
    } catch (const h5::Error& e) {
      failed_write = true;
      remove_if_worthless();
      if (file.valid() && done_or_failed() > 0) {
        // Kept: say what it holds and how to go on, or the next try only meets "holds an unfinished sweep".
        throw h5::Error(
            fmt::format("{}; the {} runs finished so far are kept in '{}': make room and add "
                        "--resume to go on",
                        e.what(), done_or_failed(), path.string()));
      }
      throw;
    } catch (...) {
      failed_write = true;
      remove_if_worthless();
      throw;
    }
    status[run] = out.status;
    ++recorded;
  }
};

SweepWriter::SweepWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SweepWriter::SweepWriter(SweepWriter&&) noexcept = default;
SweepWriter& SweepWriter::operator=(SweepWriter&&) noexcept = default;
SweepWriter::~SweepWriter() = default;

SweepWriter SweepWriter::create(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                                const std::string& command_line, const std::optional<sweep::Shard>& shard) {
  // Built whole under a temporary name, then renamed: a crash while creating leaves no half-made file at `path`.
  fs::path building = path;
  building += fmt::format(".tmp-{}", getpid());
  try {
    h5::File file = h5::File::create(building);
    const std::string created = utc_now();
    write_root(file, spec, plan, {created, command_line, fmt::format("{} {}", created, command_line), false});
    if (shard) write_shard(file, *shard);
    (void)create_layout(file, spec, plan, false);
    file.close();
    sync_to_disk(building);
    fs::rename(building, path);
    sync_folder(fs::absolute(path).parent_path());
  } catch (...) {
    std::error_code ignored;
    fs::remove(building, ignored);
    throw;
  }
  try {
    SweepWriter writer = resume(path, spec, plan, shard);
    writer.impl_->created_here = true;
    return writer;
  } catch (...) {
    std::error_code ignored;
    fs::remove(path, ignored);
    throw;
  }
}

SweepWriter SweepWriter::resume(const fs::path& path, const sweep::SweepSpec& spec, const sweep::SweepPlan& plan,
                                const std::optional<sweep::Shard>& shard) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->spec = spec;
  impl->steps = spec.base.run.steps();
  impl->countries = spec.base.countries.size();
  impl->file = open_scamsim_file(path, FileKind::sweep_in_progress, true);
  try {
    check_same_sweep(impl->file, path, spec, plan);
    const std::optional<sweep::Shard> holds = read_shard(impl->file, path);
    if (holds != shard) {
      const auto what = [](const std::optional<sweep::Shard>& s) {
        return s ? fmt::format("shard {}", sweep::shard_text(*s)) : std::string("the whole sweep");
      };
      refuse(path, fmt::format("holds {}{}, not {}; go on with the command that started it, or start over with "
                               "--force",
                               what(holds), holds ? " of this sweep" : "", what(shard)));
    }
    impl->datasets = open_layout(impl->file, path, spec);
    impl->status = read_status(impl->datasets.status);
    if (impl->status.size() != plan.runs.size()) refuse(path, "/design/status does not have one row per run");
    if (!impl->datasets.checksum.valid()) {
      refuse(path,
             "has no /design/checksum (an in-progress file of an older scamsim), so its finished runs cannot be "
             "checked; start over with --force");
    }
    // Finished runs whose rows do not match their checksum are run again: set back to pending, on disk.
    impl->discarded = runs_failing_checksum(impl->datasets, spec, impl->status);
    for (const std::int64_t run : impl->discarded) {
      const auto pending = static_cast<std::int8_t>(RunStatus::pending);
      write_elements(impl->datasets.status, status_memory_type(impl->datasets.status).get(), &pending,
                     static_cast<hsize_t>(run), 1);
      impl->status[static_cast<std::size_t>(run)] = RunStatus::pending;
    }
    if (!impl->discarded.empty()) {
      impl->file.flush();
      sync_to_disk(path);
    }
  } catch (const h5::Error& e) {
    refuse(path, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  return SweepWriter(std::move(impl));
}

std::vector<std::int64_t> SweepWriter::pending() const {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < impl_->status.size(); ++i) {
    if (impl_->status[i] == RunStatus::pending) out.push_back(static_cast<std::int64_t>(i));
  }
  return out;
}

const std::vector<std::int64_t>& SweepWriter::discarded() const { return impl_->discarded; }

std::int64_t SweepWriter::done() const {
  return std::count(impl_->status.begin(), impl_->status.end(), RunStatus::done);
}

std::int64_t SweepWriter::failed() const {
  return std::count(impl_->status.begin(), impl_->status.end(), RunStatus::failed);
}

void SweepWriter::write_run(const sweep::RunOutput& output) { impl_->record(output); }

void SweepWriter::set_durable(bool durable) { impl_->durable = durable; }

void SweepWriter::close() {
  if (!impl_ || !impl_->file.valid()) return;
  impl_->datasets = {};
  impl_->file.close();
  if (!impl_->durable) sync_to_disk(impl_->path);
}

// ---------------------------------------------------------------- finishing

void publish(const fs::path& from, const fs::path& to) {
  fs::rename(from, to);
  sync_folder(fs::absolute(to).parent_path());
}

void finish_sweep(const fs::path& partial, const fs::path& output, const sweep::SweepSpec& spec,
                  const sweep::SweepPlan& plan, const std::string& command_line) {
  const h5::File in = open_scamsim_file(partial, FileKind::sweep);
  RootFacts facts;
  std::vector<RunStatus> status;
  std::vector<std::string> messages;
  std::vector<double> outcomes;  // [run][outcome]
  const std::size_t runs = plan.runs.size();
  const std::size_t o_count = spec.outcomes.size();
  Datasets source;
  try {
    check_same_sweep(in, partial, spec, plan);
    facts.created_utc = attribute<std::string>(in, partial, "created_utc");
    facts.command_line = attribute<std::string>(in, partial, "command_line");
    facts.history = attribute<std::string>(in, partial, "history");
    facts.complete = true;
    source = open_layout(in, partial, spec);
    status = read_status(source.status);
    messages = source.message.read<std::string>();
    outcomes.assign(runs * o_count, 0);
    for (std::size_t o = 0; o < o_count; ++o) {
      const std::vector<double> column = source.outcomes[o].read<double>();
      if (column.size() != runs)
        refuse(partial, fmt::format("'/outcomes/{}' has the wrong size", spec.outcomes[o].name));
      for (std::size_t r = 0; r < runs; ++r) outcomes[r * o_count + o] = column[r];
    }
  } catch (const h5::Error& e) {
    refuse(partial, fmt::format("sweep file is truncated or corrupt ({})", e.what()));
  }
  if (status.size() != runs || messages.size() != runs) refuse(partial, "/design does not have one row per run");
  const auto pending = std::count(status.begin(), status.end(), RunStatus::pending);
  if (pending > 0) refuse(partial, fmt::format("{} runs have not finished", pending));
  if (command_line != facts.command_line) facts.history += fmt::format("\n{} {}", utc_now(), command_line);

  const std::optional<sweep::Sensitivity> sensitivity = sweep::analyse(spec, plan, outcomes, status);

  h5::File out = h5::File::create(output);
  write_root(out, spec, plan, facts);
  Datasets d = create_layout(out, spec, plan, true);
  {
    std::vector<std::int8_t> codes;
    for (const RunStatus s : status) codes.push_back(static_cast<std::int8_t>(s));
    const h5::Handle memory = status_memory_type(d.status);
    write_elements(d.status, memory.get(), codes.data(), 0, runs);
  }
  d.message.write<std::string>(messages);
  for (std::size_t o = 0; o < o_count; ++o) {
    std::vector<double> column(runs);
    for (std::size_t r = 0; r < runs; ++r) column[r] = outcomes[r * o_count + o];
    d.outcomes[o].write<double>(column);
  }
  // Series run by run, in run order, so memory stays at one run's block whatever the sweep's size. Counts and
  // dollars are divided by the run's run.scale, as its outcomes are (counts_at_scale is 1).
  const std::int64_t steps = spec.base.run.steps();
  const std::size_t countries = spec.base.countries.size();
  std::vector<double> block(static_cast<std::size_t>(steps) * countries);
  for (std::size_t r = 0; r < runs; ++r) {
    if (status[r] != RunStatus::done) continue;
    const double scale = run_scale_of(spec, plan.runs[r]);
    for (std::size_t m = 0; m < spec.keep_series.size(); ++m) {
      read_block(source.series[m], H5T_NATIVE_DOUBLE, block.data(), {r, 0, 0}, {1, extent(steps), countries});
      if (stored_as_integer(model::country_metrics()[static_cast<std::size_t>(spec.keep_series[m])].kind)) {
        for (double& value : block) value /= scale;
      }
      d.series[m].write_block<double>({r, 0, 0}, {1, extent(steps), countries}, block);
    }
  }
  if (sensitivity) {
    h5::Group group = out.create_group(sensitivity_group);
    group.set_attribute("method", sensitivity->method);
    group.set_attribute("confidence", spec.confidence);
    group.set_attribute("bootstrap", spec.bootstrap);
    group.set_attribute("description",
                        sensitivity->method == "sobol"
                            ? "Sobol first-order (Saltelli 2010) and total-order (Jansen 1999) indices of each "
                              "outcome's mean over a point's replicates, with percentile bootstrap intervals"
                            : "Morris elementary effects (mu, mu* = mean |EE|, sigma) of each outcome's mean over a "
                              "point's replicates, per unit of the parameter's unit interval, with a percentile "
                              "bootstrap interval of mu*");
    const auto k = extent(spec.parameters.size());
    const h5::Dataset group_outcome = copy_coordinate(group, d.outcome_scale, outcome_path);
    const h5::Dataset group_parameter = copy_coordinate(group, d.parameter_scale, parameter_path);
    for (const auto& [name, values] : sensitivity->tables) {
      h5::Dataset table = group.create_dataset<double>(name, {extent(o_count), k});
      table.write<double>(values);
      table.set_attribute("long_name", name);
      attach(table, {{&group_outcome, "outcome"}, {&group_parameter, "parameter"}});
    }
    h5::Dataset used = group.create_dataset<std::int64_t>("used", {extent(o_count)});
    used.write<std::int64_t>(sensitivity->used);
    used.set_attribute("long_name", sensitivity->method == "sobol" ? "base rows used" : "trajectories used");
    used.set_attribute("description",
                       "base rows (sobol) or trajectories (morris) whose every point had a finished "
                       "run; the others were left out");
    attach(used, {{&group_outcome, "outcome"}});
  }
  d = {};
  out.close();
  sync_to_disk(output);
}

}  // namespace scamsim::io
