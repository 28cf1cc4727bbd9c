#include "sim/serve/http_server.hpp"

#include <csignal>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "sim/core/error.hpp"

namespace scamsim::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How often a stream of server-sent events reports a run's progress.
constexpr auto event_interval = std::chrono::milliseconds(250);
// The time a client has to take each part of a reply before the connection is dropped.
constexpr auto write_timeout = std::chrono::seconds(30);

// The Host header of a request to a loopback server: a name that a web page elsewhere cannot make point here
// (DNS rebinding), optionally with a port.
std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

bool local_host(std::string_view host) {
  if (host.starts_with("[::1]")) return host.size() == 5 || host[5] == ':';
  const std::string_view name = host.substr(0, host.find(':'));
  return name == "localhost" || name == "127.0.0.1";
}

}  // namespace

class Session;

struct HttpServer::Impl {
  Api& api;
  HttpLimits limits;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  net::signal_set signals{io, SIGINT, SIGTERM};
  bool is_loopback = false;
  std::set<std::shared_ptr<Session>> sessions;
  bool stopping = false;

  Impl(Api& a, const HttpLimits& l) : api(a), limits(l) {}
  void accept();
  void close_all();
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, tcp::socket socket) : server_(server), stream_(std::move(socket)) {}

  void start() { read(); }
  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    timer_.cancel();
  }

 private:
  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  net::steady_timer timer_{stream_.get_executor()};
  std::string event_run_;
  std::string event_text_;
  std::shared_ptr<void> reply_;  // the response being written, alive until written

  void done() { server_.sessions.erase(shared_from_this()); }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.limits.max_header_bytes));
    parser_->body_limit(server_.limits.max_body_bytes);
    // One deadline for the whole request, headers and body: a client that sends part of it and stalls, or
    // trickles it a byte at a time, is cut off when it passes.
    stream_.expires_after(server_.limits.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      close();
      return done();
    }
    if (ec == http::error::body_limit) return send_error(413, "the body is larger than this server accepts", false);
    if (ec == http::error::header_limit)
      return send_error(431, "the headers are larger than this server accepts", false);
    if (ec) return send_error(400, fmt::format("not a valid HTTP request ({})", ec.message()), false);

    const auto& request = parser_->get();
    if (server_.is_loopback && server_.limits.check_host && !local_host(view(request[http::field::host]))) {
      return send_error(403, "this server answers only requests to localhost", false);
    }
    Reply reply = server_.api.handle(view(request.method_string()), view(request.target()),
                                     view(request[http::field::content_type]), request.body());
    if (reply.event_stream) return start_events(*reply.event_stream, request.version());
    send(std::move(reply), request.version(), request.keep_alive(), request.method() == http::verb::head);
  }

  template <class Response>
  void write(std::shared_ptr<Response> response, bool keep_alive) {
    reply_ = response;
    stream_.expires_after(write_timeout);
    http::async_write(stream_, *response, [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      self->reply_.reset();
      if (ec || !keep_alive || self->server_.stopping) {
        self->close();
        return self->done();
      }
      self->read();
    });
  }

  void send_error(unsigned status, const std::string& message, bool keep_alive) {
    send(error_reply(status, {{"", message}}), 11, keep_alive, false);
  }

  template <class Response>
  void set_headers(Response& response, const Reply& reply, bool keep_alive) {
    response.set(http::field::server, "scamsim");
    response.set(http::field::content_type, reply.content_type);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    // The page loads nothing from elsewhere; a result can never run script.
    response.set("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
    response.set(http::field::cache_control, reply.immutable ? "max-age=3600" : "no-store");
    if (!reply.download_name.empty()) {
      response.set(http::field::content_disposition, fmt::format("attachment; filename=\"{}\"", reply.download_name));
    }
    response.keep_alive(keep_alive);
  }

  void send(Reply reply, unsigned version, bool keep_alive, bool head) {
    if (reply.file && head) {
      // HEAD of a file: its headers and length, not its bytes (the page asks this while a CSV export is made).
      std::error_code error;
      const auto size = std::filesystem::file_size(*reply.file, error);
      if (error)
        return send(error_reply(410, {{"", "this run's results were evicted; run it again"}}), version, keep_alive,
                    head);
      auto response =
          std::make_shared<http::response<http::empty_body>>(static_cast<http::status>(reply.status), version);
      set_headers(*response, reply, keep_alive);
      response->content_length(size);
      return write(response, keep_alive);
    }
    if (reply.file) {
      beast::error_code ec;
      http::file_body::value_type file;
      file.open(reply.file->c_str(), beast::file_mode::scan, ec);
      if (ec) {
        // Evicted between the lookup and here.
        return send(error_reply(410, {{"", "this run's results were evicted; run it again"}}), version, keep_alive,
                    head);
      }
      auto response = std::make_shared<http::response<http::file_body>>(
          std::piecewise_construct, std::make_tuple(std::move(file)),
          std::make_tuple(static_cast<http::status>(reply.status), version));
      set_headers(*response, reply, keep_alive);
      response->prepare_payload();
      return write(response, keep_alive);
    }
    auto response =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status), version);
    set_headers(*response, reply, keep_alive);
    response->body() = head ? std::string() : std::move(reply.body);
    response->prepare_payload();
    if (head) response->content_length(reply.body.size());
    write(response, keep_alive);
  }

  // Server-sent events: the headers, then the run's status every event_interval until it ends.
  void start_events(const std::string& id, unsigned version) {
    event_run_ = id;
    event_text_ = fmt::format(
        "HTTP/1.{} 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n"
        "X-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n",
        version == 10 ? 0 : 1);
    write_event(false);
  }

  void write_event(bool last) {
    stream_.expires_after(write_timeout);
    net::async_write(stream_, net::buffer(event_text_),
                     [self = shared_from_this(), last](beast::error_code ec, std::size_t) {
                       if (ec || last || self->server_.stopping) {
                         self->close();
                         return self->done();
                       }
                       self->timer_.expires_after(event_interval);
                       self->timer_.async_wait([self](beast::error_code wait_error) {
                         if (wait_error || self->server_.stopping) {
                           self->close();
                           return self->done();
                         }
                         self->next_event();
                       });
                     });
  }

  void next_event() {
    const auto event = server_.api.status_event(event_run_);
    if (!event) {
      event_text_ = "event: gone\ndata: {}\n\n";
      return write_event(true);
    }
    event_text_ = fmt::format("event: status\ndata: {}\n\n", event->first);
    write_event(event->second);
  }
};

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec || stopping) return;
    if (sessions.size() >= limits.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);  // too many at once: the client may try again
    } else {
      auto session = std::make_shared<Session>(*this, std::move(socket));
      sessions.insert(session);
      session->start();
    }
    accept();
  });
}

void HttpServer::Impl::close_all() {
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  const auto open = sessions;  // close() may end sessions, which erase themselves
  for (const auto& s : open) s->close();
}

HttpServer::HttpServer(Api& api, const std::string& host, std::uint16_t port, const HttpLimits& limits)
    : impl_(std::make_unique<Impl>(api, limits)) {
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) throw SetupError(fmt::format("--host: '{}' is not an IP address (e.g. 127.0.0.1, or 0.0.0.0 for all)", host));
  impl_->is_loopback = address.is_loopback();
  const tcp::endpoint endpoint(address, port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw SetupError(fmt::format("--host/--port: cannot listen on {}:{}: {}", host, port, ec.message()));
}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
bool HttpServer::loopback() const { return impl_->is_loopback; }

void HttpServer::run(const std::function<void(int)>& on_signal) {
  impl_->signals.async_wait([this, on_signal](beast::error_code ec, int signal) {
    if (ec) return;
    on_signal(signal);
    impl_->close_all();
  });
  impl_->accept();
  impl_->io.run();
}

void HttpServer::stop() {
  net::post(impl_->io, [this] { impl_->close_all(); });
}

}  // namespace scamsim::serve
