#include "sim/app/serve_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "sim/app/cli.hpp"
#include "sim/app/shipped_files.hpp"
#include "sim/core/error.hpp"
#include "sim/serve/api.hpp"
#include "sim/serve/catalogue.hpp"
#include "sim/serve/http_server.hpp"
#include "sim/serve/jobs.hpp"

namespace scamsim::app {

namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int workers = 2;
  std::vector<std::string> scenario_folders;
  std::int64_t max_replicates = 20;
  double max_years = 10;
  double max_scale = 1;
  std::int64_t memory_cap_mib = 4096;
  std::int64_t disk_cap_mib = 2048;
  std::int64_t max_queue = 64;
  std::int64_t max_kept = 100;
  double request_timeout_s = 10;
  std::string work_dir;
};

// A folder for this server's results, which no one else uses and which it removes at the end.
std::filesystem::path results_folder(const std::string& parent) {
  const std::filesystem::path base =
      parent.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(parent);
  std::random_device device;
  return base / fmt::format("scamsim-serve-{}-{:08x}", ::getpid(), device());
}

int serve(const ServeOptions& o, std::ostream& out, std::ostream& err) {
  std::vector<serve::ScenarioFolder> folders = {{shipped_scenarios_folder(), "scenarios"}};
  for (const std::string& f : o.scenario_folders) {
    if (!std::filesystem::is_directory(f)) throw SetupError(fmt::format("--scenarios: '{}' is not a folder", f));
    folders.push_back({f, f});
  }
  std::vector<std::string> notes;
  const serve::Catalogue catalogue = serve::Catalogue::scan(folders, notes);
  for (const std::string& note : notes) err << "scamsim serve: " << note << '\n';
  if (catalogue.entries().empty()) throw SetupError("no scenario to serve (the shipped folder is missing or empty)");

  serve::JobLimits job_limits;
  job_limits.workers = o.workers;
  const auto cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  job_limits.threads_per_run = std::max(1, cores / o.workers);
  job_limits.max_queue = static_cast<std::size_t>(o.max_queue);
  job_limits.max_kept = static_cast<std::size_t>(o.max_kept);
  job_limits.memory_cap_bytes = static_cast<std::uint64_t>(o.memory_cap_mib) << 20;
  job_limits.disk_cap_bytes = static_cast<std::uint64_t>(o.disk_cap_mib) << 20;
  const serve::RunLimits run_limits{o.max_replicates, o.max_years, o.max_scale};
  serve::HttpLimits http_limits;
  http_limits.request_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.request_timeout_s * 1000));

  serve::JobServer jobs(job_limits, results_folder(o.work_dir));
  serve::Api api(catalogue, jobs, run_limits);
  serve::HttpServer server(api, o.host, static_cast<std::uint16_t>(o.port), http_limits);

  const std::string shown_host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  out << fmt::format("scamsim serve: the what-if explorer is at http://{}:{}/\n", shown_host, server.port());
  out << (server.loopback()
              ? std::string("scamsim serve: listening on this machine only (--host 0.0.0.0 to serve others)\n")
              : fmt::format("scamsim serve: listening on {}, reachable from other machines\n", o.host));
  out << fmt::format(
             "scamsim serve: {} scenarios; {} runs at once of {} thread{}; at most {} replicates, {:g} years, scale "
             "{:g}; "
             "caps {} MiB memory, {} MiB disk; Ctrl-C stops\n",
             catalogue.entries().size(), job_limits.workers, job_limits.threads_per_run,
             job_limits.threads_per_run == 1 ? "" : "s", o.max_replicates, o.max_years, o.max_scale, o.memory_cap_mib,
             o.disk_cap_mib)
      << std::flush;

  int stopped_by = 0;
  server.run([&](int signal) { stopped_by = signal; });
  jobs.shutdown();
  out << fmt::format("scamsim serve: stopped{}; results removed\n",
                     stopped_by != 0 ? fmt::format(" by signal {}", stopped_by) : "")
      << std::flush;
  return exit_ok;
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* command =
      app.add_subcommand("serve",
                         "Serve the what-if explorer: a web page to run scenarios with changed levers and "
                         "compare them with the unchanged ones (docs/SERVE.md)");
  command->add_option("--host", o->host, "Address to listen on (default 127.0.0.1: this machine only)");
  command->add_option("--port", o->port, "Port (default 8080; 0: any free port, printed at start)")
      ->check(whole_number(0, 65535, "a port from 0 to 65535", "PORT"));
  command->add_option("--workers", o->workers, "Runs at once (default 2); more wait in a queue")
      ->check(whole_number(1, 256, "from 1 to 256", "INT"));
  command->add_option("--scenarios", o->scenario_folders,
                      "A folder of scenario files to offer besides the shipped ones (repeatable)");
  command->add_option("--max-replicates", o->max_replicates, "Most replicates a run may ask for (default 20)")
      ->check(whole_number(1, 100000, "from 1 to 100000", "INT"));
  command->add_option("--max-years", o->max_years, "Longest run in years a client may ask for (default 10)")
      ->check(positive_number());
  command->add_option("--max-scale", o->max_scale, "Largest run.scale a client may ask for (default 1: 1:1)")
      ->check(positive_number());
  command
      ->add_option("--memory-cap", o->memory_cap_mib,
                   "MiB for runs in flight (estimated) and results kept (default 4096)")
      ->check(whole_number(16, 1 << 24, "from 16 to 16777216", "MIB"));
  command->add_option("--disk-cap", o->disk_cap_mib, "MiB of result files kept (default 2048)")
      ->check(whole_number(16, 1 << 24, "from 16 to 16777216", "MIB"));
  command->add_option("--max-queue", o->max_queue, "Runs that may wait (default 64); more are refused")
      ->check(whole_number(1, 100000, "from 1 to 100000", "INT"));
  command
      ->add_option("--max-kept", o->max_kept,
                   "Finished runs kept (default 100); beyond, and beyond the caps, the least recently used go")
      ->check(whole_number(1, 100000, "from 1 to 100000", "INT"));
  command
      ->add_option("--request-timeout", o->request_timeout_s,
                   "Seconds a client has to send a whole request (default 10)")
      ->check(positive_number());
  command->add_option("--work-dir", o->work_dir,
                      "Where to make the server's own results folder (default: the system's temporary folder)");
  return {command, [o](std::ostream& out, std::ostream& err) { return serve(*o, out, err); }};
}

}  // namespace scamsim::app
