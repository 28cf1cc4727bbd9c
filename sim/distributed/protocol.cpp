#include "sim/distributed/protocol.hpp"

#include <chrono>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace scamsim::distributed {

namespace {

// Half a millisecond is far below a run's length and costs nothing measurable when idle.
constexpr auto poll_interval = std::chrono::microseconds(500);

template <class T>
std::vector<std::byte> bytes_of(const T& value) {
  std::vector<std::byte> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return bytes;
}

}  // namespace

Message wait_for(Transport& transport, int source) {
  for (;;) {
    if (std::optional<Message> m = transport.poll(source)) return std::move(*m);
    std::this_thread::sleep_for(poll_interval);
  }
}

std::vector<std::byte> encode_index(std::int64_t index) { return bytes_of(index); }

std::int64_t decode_index(std::span<const std::byte> bytes) {
  std::int64_t index = 0;
  if (bytes.size() != sizeof index) {
    throw std::invalid_argument(fmt::format("a run message of {} bytes, not {}", bytes.size(), sizeof index));
  }
  std::memcpy(&index, bytes.data(), sizeof index);
  return index;
}

std::vector<std::byte> encode_error(char kind, const std::string& text) {
  std::vector<std::byte> bytes(1 + text.size());
  bytes[0] = static_cast<std::byte>(kind);
  std::memcpy(bytes.data() + 1, text.data(), text.size());
  return bytes;
}

std::pair<char, std::string> decode_error(std::span<const std::byte> bytes) {
  if (bytes.empty()) return {'i', std::string()};
  return {static_cast<char>(bytes.front()),
          std::string(reinterpret_cast<const char*>(bytes.data()) + 1, bytes.size() - 1)};
}

std::vector<std::byte> encode_signal(int signal) { return bytes_of(signal); }

int decode_signal(std::span<const std::byte> bytes) {
  int signal = SIGTERM;
  if (bytes.size() == sizeof signal) std::memcpy(&signal, bytes.data(), sizeof signal);
  return signal == SIGINT || signal == SIGTERM ? signal : SIGTERM;
}

}  // namespace scamsim::distributed
