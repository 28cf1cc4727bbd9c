#include "sim/serve/api.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "sim/scenario/parameters.hpp"
#include "sim/serve/assets.hpp"
#include "sim/serve/json.hpp"

namespace scamsim::serve {

namespace {

Reply json_reply(std::string body, unsigned status = 200) { return Reply{status, "application/json", std::move(body)}; }

// A run id as the server makes them (jobs.cpp): anything else is not looked up at all.
bool valid_run_id(std::string_view id) {
  return id.size() == 16 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string range_json(const scenario::Range& r) {
  return fmt::format("{{\"min\":{},\"max\":{},\"min_exclusive\":{},\"text\":{}}}", json_number(r.min),
                     json_number(r.max), r.min_exclusive, json_string(r.describe()));
}

std::string parameter_json(const scenario::ParameterInfo& p) {
  return fmt::format("\"unit\":{},\"range\":{},\"integer\":{},\"description\":{},\"source\":{},\"default\":{}",
                     json_string(p.unit), range_json(p.range), p.kind == scenario::ValueKind::integer,
                     json_string(p.description), json_string(p.source),
                     p.default_value ? json_number(*p.default_value) : "null");
}

std::string status_json(const std::string& id, const JobStatus& s) {
  return fmt::format("{{\"id\":{},\"state\":{},\"position\":{},\"steps_done\":{},\"steps_total\":{},\"message\":{}}}",
                     json_string(id), json_string(state_name(s.state)), s.position, s.steps_done, s.steps_total,
                     json_string(s.message));
}

bool ended(JobState s) { return s != JobState::queued && s != JobState::running; }

}  // namespace

Reply error_reply(unsigned status, const std::vector<FieldError>& errors) {
  std::string body = "{\"errors\":[";
  for (std::size_t i = 0; i < errors.size(); ++i) {
    body += fmt::format("{}{{\"key\":{},\"message\":{}}}", i ? "," : "", json_string(errors[i].key),
                        json_string(errors[i].message));
  }
  return json_reply(body + "]}", status);
}

Reply Api::handle(std::string_view method, std::string_view target, std::string_view content_type,
                  const std::string& body) {
  // The query string plays no part in routing (the page keeps its state in the fragment, which browsers never
  // send); paths are compared as given, never decoded, so "%2e%2e" is just a path that matches nothing.
  const std::string_view path = target.substr(0, target.find('?'));
  const bool get = method == "GET" || method == "HEAD";

  if (!path.starts_with("/api/")) {
    const std::string_view file = path == "/" ? std::string_view("/index.html") : path;
    for (const Asset& a : assets()) {
      if (a.path == file) {
        if (!get) return error_reply(405, {{"", "only GET here"}});
        Reply r{200, std::string(a.content_type), std::string(a.bytes)};
        r.immutable = file != "/index.html";
        return r;
      }
    }
    return error_reply(404, {{"", "no such page"}});
  }

  if (method == "POST" && !content_type.starts_with("application/json")) {
    // Also what keeps another site's form from posting runs to a server on this machine: a browser sends
    // application/json across sites only after asking (CORS), which this server never allows.
    return error_reply(415, {{"", "send the body as application/json"}});
  }

  if (path == "/api/scenarios") return get ? scenario_list() : error_reply(405, {{"", "only GET here"}});
  if (path.starts_with("/api/scenarios/")) {
    if (!get) return error_reply(405, {{"", "only GET here"}});
    const CatalogueEntry* entry = catalogue_.find(path.substr(std::string_view("/api/scenarios/").size()));
    if (entry == nullptr) return error_reply(404, {{"scenario", "no scenario has this id"}});
    return scenario_detail(*entry);
  }
  if (path == "/api/params") return get ? parameters() : error_reply(405, {{"", "only GET here"}});
  if (path == "/api/status") return get ? json_reply(jobs_.usage_json()) : error_reply(405, {{"", "only GET here"}});
  if (path == "/api/resolve") return method == "POST" ? resolve(body) : error_reply(405, {{"", "only POST here"}});
  if (path == "/api/runs") return method == "POST" ? submit(body) : error_reply(405, {{"", "only POST here"}});
  if (path.starts_with("/api/runs/")) {
    const std::string_view rest = path.substr(std::string_view("/api/runs/").size());
    const std::string id(rest.substr(0, rest.find('/')));
    if (!valid_run_id(id)) return error_reply(404, {{"", "no such run"}});
    return run_route(method, id, rest.substr(id.size()));
  }
  return error_reply(404, {{"", "no such route"}});
}

Reply Api::scenario_list() const {
  std::string body = "{\"scenarios\":[";
  bool first = true;
  for (const CatalogueEntry& e : catalogue_.entries()) {
    body += fmt::format("{}{{\"id\":{},\"name\":{},\"description\":{}}}", first ? "" : ",", json_string(e.id),
                        json_string(e.name), json_string(e.description));
    first = false;
  }
  return json_reply(body + "]}");
}

Reply Api::scenario_detail(const CatalogueEntry& entry) const {
  const scenario::Scenario& s = entry.scenario;
  std::string body = fmt::format(
      "{{\"id\":{},\"name\":{},\"description\":{},\"file\":{},\"run\":{{\"start\":{},\"years\":{},\"seed\":{},"
      "\"replicates\":{},\"scale\":{},\"dt_days\":{}}},\"limits\":{{\"max_replicates\":{},\"max_years\":{},"
      "\"max_scale\":{}}},\"levers\":[",
      json_string(entry.id), json_string(s.name), json_string(s.description), json_string(entry.shown_path),
      json_string(s.run.start_date.to_string()), json_number(s.run.years), s.run.seed, s.run.replicates,
      json_number(s.run.scale), s.run.dt_days, limits_.max_replicates, json_number(limits_.max_years),
      json_number(limits_.max_scale));
  const std::vector<Lever> levers = scenario_levers(s);
  for (std::size_t i = 0; i < levers.size(); ++i) {
    const Lever& l = levers[i];
    body += fmt::format("{}{{\"key\":{},\"group\":{},\"label\":{},\"value\":{},\"table_key\":{},{}}}", i ? "," : "",
                        json_string(l.key), json_string(l.group), json_string(l.label), json_number(l.value),
                        json_string(l.info->key), parameter_json(*l.info));
  }
  return json_reply(body + "]}");
}

Reply Api::parameters() const {
  // The table `scamsim params` prints, whole.
  std::string body = "{\"parameters\":[";
  bool first = true;
  for (const scenario::ParameterInfo& p : scenario::parameter_table()) {
    body += fmt::format("{}{{\"key\":{},{}}}", first ? "" : ",", json_string(p.key), parameter_json(p));
    first = false;
  }
  return json_reply(body + "]}");
}

Reply Api::resolve(const std::string& body) {
  std::vector<FieldError> errors;
  try {
    const auto request = read_run_request(parse_json(body), catalogue_, limits_, errors);
    if (!request) return error_reply(400, errors);
    const scenario::Scenario s = load_request(*request, true);
    return json_reply(fmt::format("{{\"command\":{},\"resolved_toml\":{}}}", json_string(equivalent_command(*request)),
                                  json_string(s.resolved_toml)));
  } catch (const JsonError& e) {
    return error_reply(400, {{"", e.what()}});
  } catch (const SetupError& e) {
    return error_reply(400, field_errors(e));
  }
}

Reply Api::submit(const std::string& body) {
  std::vector<FieldError> errors;
  try {
    const auto request = read_run_request(parse_json(body), catalogue_, limits_, errors);
    if (!request) return error_reply(400, errors);
    auto submitted = jobs_.submit(*request);
    if (auto* refusal = std::get_if<Refusal>(&submitted)) return error_reply(refusal->status, refusal->errors);
    const std::string& id = std::get<std::string>(submitted);
    const auto status = jobs_.status(id);
    return json_reply(fmt::format("{{\"id\":{},\"command\":{},\"status\":{}}}", json_string(id),
                                  json_string(equivalent_command(*request)), status_json(id, *status)),
                      202);
  } catch (const JsonError& e) {
    return error_reply(400, {{"", e.what()}});
  } catch (const SetupError& e) {
    return error_reply(400, field_errors(e));
  }
}

std::optional<std::pair<std::string, bool>> Api::status_event(const std::string& id) {
  const auto status = jobs_.status(id);
  if (!status) return std::nullopt;
  return std::pair{status_json(id, *status), ended(status->state)};
}

Reply Api::run_route(std::string_view method, const std::string& id, std::string_view rest) {
  const bool get = method == "GET" || method == "HEAD";
  const auto status = jobs_.status(id);
  if (!status) return error_reply(404, {{"", "no such run"}});
  if (rest.empty()) {
    if (method == "DELETE") {
      jobs_.cancel(id);
      return json_reply(status_json(id, *jobs_.status(id)));
    }
    return get ? json_reply(status_json(id, *status)) : error_reply(405, {{"", "GET or DELETE here"}});
  }
  if (rest == "/cancel") {
    if (method != "POST") return error_reply(405, {{"", "only POST here"}});
    jobs_.cancel(id);
    return json_reply(status_json(id, *jobs_.status(id)));
  }
  if (!get) return error_reply(405, {{"", "only GET here"}});
  if (rest == "/events") {
    Reply r{200, "text/event-stream"};
    r.event_stream = id;
    return r;
  }
  if (rest == "/scenario.toml") {
    const auto text = jobs_.resolved_toml(id);
    return Reply{200, "text/plain; charset=utf-8", text.value_or("")};
  }
  const auto not_ready = [&] {
    if (status->state == JobState::evicted)
      return error_reply(410, {{"", "this run's results were evicted to make room; run it again"}});
    return error_reply(409, {{"", fmt::format("the run is {}", state_name(status->state))}});
  };
  if (rest == "/results") {
    auto results = jobs_.results(id);
    return results ? json_reply(std::move(*results)) : not_ready();
  }
  if (rest == "/file.h5") {
    const auto file = jobs_.results_file(id);
    if (!file) return not_ready();
    Reply r{200, "application/x-hdf5"};
    r.file = file->first;
    r.download_name = file->second;
    return r;
  }
  if (rest.starts_with("/csv/")) {
    const CsvLookup csv = jobs_.csv_file(id, std::string(rest.substr(5)));
    switch (csv.state) {
      case CsvLookup::State::missing:
        return status->state == JobState::done ? error_reply(404, {{"", "no such table"}}) : not_ready();
      case CsvLookup::State::preparing:
        // The export runs on the pool; ask again.
        return json_reply("{\"state\":\"preparing\",\"retry_after_s\":1}", 202);
      case CsvLookup::State::failed:
        return error_reply(500, {{"", csv.message}});
      case CsvLookup::State::ready:
        break;
    }
    Reply r{200, "text/csv; charset=utf-8"};
    r.file = csv.file;
    r.download_name = csv.file.filename().string();
    return r;
  }

  return error_reply(404, {{"", "no such route"}});
}

}  // namespace scamsim::serve
