#pragma once
// The explorer's JSON API and its page, as a function from a request (method, target, body) to a reply, with no
// sockets: http_server.cpp carries requests to it. Every route is listed in docs/SERVE.md. Internal to the serve
// module.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sim/serve/catalogue.hpp"
#include "sim/serve/jobs.hpp"
#include "sim/serve/levers.hpp"

namespace scamsim::serve {

/// What to send back.
struct Reply {
  explicit Reply(unsigned status_ = 200, std::string content_type_ = "application/json", std::string body_ = {})
      : status(status_), content_type(std::move(content_type_)), body(std::move(body_)) {}
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::optional<std::filesystem::path> file;  ///< send this file as the body instead
  std::string download_name;                  ///< set: the browser saves the body under this name
  std::optional<std::string> event_stream;    ///< set: stream this run's status as server-sent events
  bool immutable = false;                     ///< a file of the page, which never changes while the server runs
};

/// The routes.
class Api {
 public:
  Api(const Catalogue& catalogue, JobServer& jobs, const RunLimits& limits)
      : catalogue_(catalogue), jobs_(jobs), limits_(limits) {}

  /// The reply to one request. `content_type` is the request's Content-Type header.
  Reply handle(std::string_view method, std::string_view target, std::string_view content_type,
               const std::string& body);

  /// The status event of run `id` for a stream, and whether it is the last (the run has ended); nullopt when
  /// there is no such run.
  std::optional<std::pair<std::string, bool>> status_event(const std::string& id);

 private:
  Reply scenario_list() const;
  Reply scenario_detail(const CatalogueEntry& entry) const;
  Reply parameters() const;
  Reply resolve(const std::string& body);
  Reply submit(const std::string& body);
  Reply run_route(std::string_view method, const std::string& id, std::string_view rest);

  const Catalogue& catalogue_;
  JobServer& jobs_;
  RunLimits limits_;
};

/// A JSON error reply: {"errors":[{"key":..,"message":..}]}.
Reply error_reply(unsigned status, const std::vector<FieldError>& errors);

}  // namespace scamsim::serve
