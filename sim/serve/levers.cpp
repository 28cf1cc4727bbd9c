#include "sim/serve/levers.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/scenario/events/kinds.hpp"
#include "sim/scenario/loader.hpp"

namespace scamsim::serve {

namespace {

// The model-wide levers: the questions the explorer is for (pressure that fades, crypto freezes, AI uplift,
// aftercare's reach), each a row of the parameter table.
constexpr std::string_view model_lever_keys[] = {
    "pressure.half_life_days",
    "money.frozen_share",
    "ai.uplift",
    "aftercare.effectiveness",
    "aftercare.cost_usd_per_person_day",
    "aftercare.programme_days",
    "enforcement.intelligence_detection_gain",
};
// The levers of each host country (countries.<id>.host exists in the scenario).
constexpr std::string_view host_lever_keys[] = {
    "countries.<id>.host.aftercare_budget_usd_per_year",
    "countries.<id>.enforcement_capacity_raids_per_year",
};

const toml::node* child(const toml::node* node, std::string_view key) {
  const toml::table* table = node != nullptr ? node->as_table() : nullptr;
  return table != nullptr ? table->get(key) : nullptr;
}

double number_or(const toml::node* node, const scenario::ParameterInfo& info) {
  if (node != nullptr) {
    if (const auto v = node->value<double>()) return *v;
  }
  return info.default_value.value_or(0);
}

std::string words(std::string_view key) {
  std::string out(key);
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

}  // namespace

std::vector<Lever> scenario_levers(const scenario::Scenario& s) {
  const toml::table root = toml::parse(s.resolved_toml);
  std::vector<Lever> levers;

  // Each event's amounts, addressed by its id (or position) as --set addresses them.
  const toml::array* events = root["events"].as_array();
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const scenario::EventSpec& event = s.events[i];
    const std::string_view kind = scenario::event_kind_name(event.payload);
    // The file's element of this event: s.events is sorted by date, the file's array is not.
    const toml::node* element = nullptr;
    std::string address = event.id;
    if (events != nullptr) {
      for (std::size_t k = 0; k < events->size(); ++k) {
        const toml::node* e = events->get(k);
        const auto id = child(e, "id") != nullptr ? child(e, "id")->value<std::string>() : std::nullopt;
        if (!event.id.empty() && id == event.id) element = e;
        if (event.id.empty() && element == nullptr && id == std::nullopt) {
          // An event without an id is addressed by position; the first unnamed one of its kind and date.
          const auto date = child(e, "date");
          const auto k_kind = child(e, "kind") != nullptr ? child(e, "kind")->value<std::string>() : std::nullopt;
          if (k_kind == std::string(kind) && date != nullptr) {
            element = e;
            address = std::to_string(k);
          }
        }
      }
    }
    if (address.empty()) continue;
    const std::string prefix = fmt::format("events.{}.", kind);
    const std::string group = fmt::format("{} ({}, {})", scenario::event_headline(s, event.payload),
                                          event.id.empty() ? "event " + address : event.id, event.date.to_string());
    for (const auto& info : scenario::parameter_table()) {
      if (!info.key.starts_with(prefix) || info.kind == scenario::ValueKind::date) continue;
      const std::string_view field = info.key.substr(prefix.size());
      levers.push_back({fmt::format("events.{}.{}", address, field), group, words(field), &info,
                        number_or(child(element, field), info)});
    }
  }

  // Per host country.
  for (const scenario::CountrySpec& country : s.countries) {
    const toml::node* node = root["countries"][country.id].node();
    if (child(node, "host") == nullptr) continue;
    for (const std::string_view pattern : host_lever_keys) {
      const scenario::ParameterInfo* info = scenario::find_parameter(pattern);
      if (info == nullptr) continue;
      const std::string rest(pattern.substr(std::string_view("countries.<id>.").size()));
      const toml::node* value =
          rest.starts_with("host.") ? child(child(node, "host"), rest.substr(5)) : child(node, rest);
      levers.push_back({fmt::format("countries.{}.{}", country.id, rest), "In " + country.name,
                        words(rest.starts_with("host.") ? rest.substr(5) : rest), info, number_or(value, *info)});
    }
  }

  // Model-wide.
  for (const std::string_view key : model_lever_keys) {
    const scenario::ParameterInfo* info = scenario::find_parameter(key);
    if (info == nullptr) continue;
    const auto dot = key.find('.');
    const toml::node* value = child(child(&root, key.substr(0, dot)), key.substr(dot + 1));
    levers.push_back({std::string(key), "Whole region", words(key.substr(dot + 1)), info, number_or(value, *info)});
  }
  return levers;
}

std::optional<RunRequest> read_run_request(const Json& body, const Catalogue& catalogue, const RunLimits& limits,
                                           std::vector<FieldError>& errors) {
  const Json::Object* object = body.object();
  if (object == nullptr) {
    errors.push_back({"", "the body must be a JSON object"});
    return std::nullopt;
  }
  RunRequest request;
  for (const auto& [name, value] : *object) {
    if (name != "scenario" && name != "replicates" && name != "seed" && name != "years" && name != "scale" &&
        name != "set")
      errors.push_back({name, fmt::format("unknown field '{}'", name.substr(0, 64))});
  }
  const auto whole = [&](const char* name, double min, double max) -> std::optional<std::int64_t> {
    const auto it = object->find(name);
    if (it == object->end()) return std::nullopt;
    const double* v = it->second.number();
    if (v == nullptr || std::trunc(*v) != *v || *v < min || *v > max) {
      errors.push_back({name, fmt::format("{}: a whole number from {} to {}", name, set_value(min), set_value(max))});
      return std::nullopt;
    }
    return static_cast<std::int64_t>(*v);
  };
  const auto real = [&](const char* name, double max, const char* flag) -> std::optional<double> {
    const auto it = object->find(name);
    if (it == object->end()) return std::nullopt;
    const double* v = it->second.number();
    if (v == nullptr || !(*v > 0) || *v > max) {
      errors.push_back({name, fmt::format("{}: a number above 0 and at most {} (the server's limit; start it with {} "
                                          "for more)",
                                          name, set_value(max), flag)});
      return std::nullopt;
    }
    return *v;
  };

  const auto scenario_it = object->find("scenario");
  const std::string* id = scenario_it != object->end() ? scenario_it->second.string() : nullptr;
  if (id == nullptr) {
    errors.push_back({"scenario", "scenario: the id of a scenario is required"});
  } else if ((request.entry = catalogue.find(*id)) == nullptr) {
    errors.push_back({"scenario", "scenario: no scenario has this id (GET /api/scenarios lists them)"});
  }
  if (object->contains("replicates")) {
    const auto r = whole("replicates", 1, static_cast<double>(limits.max_replicates));
    if (r) request.replicates = *r;
  }
  request.seed = whole("seed", 0, 9e15);
  request.years = real("years", limits.max_years, "--max-years");
  request.scale = real("scale", limits.max_scale, "--max-scale");

  if (const auto set = object->find("set"); set != object->end()) {
    const Json::Object* changes = set->second.object();
    if (changes == nullptr) errors.push_back({"set", "set: an object of lever keys and numbers"});
    if (changes != nullptr && request.entry != nullptr) {
      const std::vector<Lever> levers = scenario_levers(request.entry->scenario);
      for (const auto& change : *changes) {
        const std::string& key = change.first;  // not a structured binding: clang 14's lambdas cannot capture one
        const Json& value = change.second;
        const std::string shown = key.substr(0, 100);
        const bool known = std::any_of(levers.begin(), levers.end(), [&](const Lever& l) { return l.key == key; });
        if (!known) {
          errors.push_back({shown, fmt::format("'{}' is not a lever of this scenario", shown)});
        } else if (const double* v = value.number()) {
          request.changes[key] = *v;
        } else {
          errors.push_back({shown, fmt::format("{}: expected a number", shown)});
        }
      }
    }
  }
  if (!errors.empty()) return std::nullopt;
  // The scenario's own run settings only matter for the limits: a scenario file may ask for more years.
  const scenario::Scenario& s = request.entry->scenario;
  if (!request.years && s.run.years > limits.max_years)
    errors.push_back({"years", fmt::format("the scenario runs {:g} years, more than this server's limit of {:g}",
                                           s.run.years, limits.max_years)});
  if (!request.scale && s.run.scale > limits.max_scale)
    errors.push_back({"scale", fmt::format("the scenario's scale {:g} is above this server's limit of {:g}",
                                           s.run.scale, limits.max_scale)});
  if (!errors.empty()) return std::nullopt;
  return request;
}

std::string set_value(double value) {
  if (std::trunc(value) == value && std::abs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{}", value);
}

std::vector<std::string> request_overrides(const RunRequest& request, bool with_changes) {
  std::vector<std::string> flags;
  flags.push_back(fmt::format("run.replicates={}", request.replicates));
  if (request.seed) flags.push_back(fmt::format("run.seed={}", *request.seed));
  if (request.years) flags.push_back(fmt::format("run.years={}", set_value(*request.years)));
  if (request.scale) flags.push_back(fmt::format("run.scale={}", set_value(*request.scale)));
  if (with_changes) {
    for (const auto& [key, value] : request.changes) flags.push_back(fmt::format("{}={}", key, set_value(value)));
  }
  return flags;
}

scenario::Scenario load_request(const RunRequest& request, bool with_changes) {
  return scenario::load_scenario(request.entry->file, request_overrides(request, with_changes));
}

std::vector<FieldError> field_errors(const SetupError& error) {
  std::vector<FieldError> out;
  for (const Diagnostic& d : error.diagnostics()) {
    // A problem with a --set flag is about the lever the flag set, however the loader names the key (an event by
    // position: "events.7.budget_usd_per_year" for the lever "events.aftercare.budget_usd_per_year").
    const std::string_view flag = d.where.file;
    const bool from_flag = flag.starts_with("--set ") && flag.find('=') != std::string_view::npos;
    // A file is named by its name alone: the client never sees where the server keeps its scenarios.
    Diagnostic shown = d;
    if (!from_flag && !shown.where.file.empty()) {
      shown.where.file = std::filesystem::path(shown.where.file).filename().string();
    }
    out.push_back({from_flag ? std::string(flag.substr(6, flag.find('=') - 6)) : d.key_path, shown.format()});
  }
  if (out.empty()) out.push_back({"", error.what()});  // a problem with no file behind it (SetupError)
  return out;
}

std::string equivalent_command(const RunRequest& request) {
  std::string command = fmt::format("scamsim run {} -o {}.h5 --replicates {}", request.entry->shown_path,
                                    request.entry->id, request.replicates);
  if (request.seed) command += fmt::format(" --seed {}", *request.seed);
  if (request.years) command += fmt::format(" --set run.years={}", set_value(*request.years));
  if (request.scale) command += fmt::format(" --set run.scale={}", set_value(*request.scale));
  for (const auto& [key, value] : request.changes) command += fmt::format(" --set {}={}", key, set_value(value));
  return command;
}

}  // namespace scamsim::serve
