#pragma once
// The explorer's HTTP/1.1 server (Boost.Beast over Asio): accepts connections, reads each request within a size
// and a time limit, hands it to the Api and writes the reply, a file, or a stream of server-sent events. One
// thread does all the I/O; runs happen on the JobServer's pool, so a request never waits for a run. Internal to
// the serve module.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "sim/serve/api.hpp"

namespace scamsim::serve {

/// Limits of the HTTP layer.
struct HttpLimits {
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;             ///< a run request is well under 4 KiB
  std::chrono::milliseconds request_timeout{10'000};  ///< to receive a whole request, headers and body
  std::size_t max_connections = 256;                  ///< more are closed at once
  bool check_host = true;  ///< on a loopback address, answer only Host: localhost, 127.0.0.1 or [::1]
};

/// The server: bind, then run until stop() (or a signal the caller turns into stop()).
class HttpServer {
 public:
  /// Binds `host`:`port` (port 0: any free one); throws SetupError when it cannot.
  HttpServer(Api& api, const std::string& host, std::uint16_t port, const HttpLimits& limits);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port bound.
  [[nodiscard]] std::uint16_t port() const;
  /// Whether the address bound is a loopback one.
  [[nodiscard]] bool loopback() const;
  /// Serves until stop() or SIGINT/SIGTERM; `on_signal` is called with the signal first.
  void run(const std::function<void(int)>& on_signal);
  /// Stops accepting and closes every connection; run() then returns.
  void stop();

  struct Impl;  ///< the sockets (http_server.cpp); public so that its connections can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace scamsim::serve
