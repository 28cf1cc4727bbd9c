#pragma once
// The protocol of a sweep spread over ranks (docs/CLUSTER.md), independent of
// how messages travel: rank 0 (the coordinator) holds the work queue and
// records every run; the other ranks (workers) run what it hands them.
//
// Every message a worker sends but its last gets exactly one answer from
// rank 0, run or stop; stop is the last message rank 0 sends a worker, and the
// worker answers it with bye, its last. Rank 0 may also send stop unasked, to
// a worker in the middle of a run, which then drops the run.
//
// A Transport carries the messages: MPI in the scamsim binary
// (mpi_transport.hpp), an in-memory fake in the tests.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace scamsim::distributed {

/// What a message is; the values travel as MPI tags.
enum class Tag : int {
  ready = 1,    ///< worker -> 0: loaded the sweep, give me a run
  result,       ///< worker -> 0: an encoded RunOutput (sweep::encode), give me the next run
  error,        ///< worker -> 0: a problem that is not a failed run: kind ('s' setup, 'i' internal), then text
  interrupted,  ///< worker -> 0: a signal stopped my run: the signal (int)
  bye,          ///< worker -> 0: stopped; nothing more comes from me
  run,          ///< 0 -> worker: run this run (int64 index)
  stop,         ///< 0 -> worker: no more runs; drop the one in flight and say bye
};

/// One received message.
struct Message {
  int source = 0;  ///< the sending rank
  Tag tag = Tag::ready;
  std::vector<std::byte> bytes;
};

/// Polls for any sender.
inline constexpr int any_source = -1;

/// Moves messages between the ranks of one job. Only one thread of a rank calls it.
class Transport {
 public:
  virtual ~Transport() = default;
  /// This process's rank, 0 .. size() - 1.
  [[nodiscard]] virtual int rank() const = 0;
  /// The ranks of the job.
  [[nodiscard]] virtual int size() const = 0;
  /// Sends `bytes` to `destination`; returns once the bytes may be reused.
  virtual void send(int destination, Tag tag, std::span<const std::byte> bytes) = 0;
  /// The next message from `source` (any_source: from any rank), with `tag` if given; nullopt when none has
  /// arrived. Never blocks. Messages from one sender arrive in the order sent.
  virtual std::optional<Message> poll(int source = any_source, std::optional<Tag> tag = std::nullopt) = 0;
};

/// Waits, sleeping between polls rather than spinning (the runs want the cores), for the next message from
/// `source`.
Message wait_for(Transport& transport, int source);

/// A run index as the bytes of a run message, and back (throws std::invalid_argument on a bad size).
std::vector<std::byte> encode_index(std::int64_t index);
std::int64_t decode_index(std::span<const std::byte> bytes);

/// An error message's bytes: its kind ('s' the sweep cannot be loaded there, 'i' internal) then its text.
std::vector<std::byte> encode_error(char kind, const std::string& text);
/// The kind and text of an error message ('i' and no text for an empty one).
std::pair<char, std::string> decode_error(std::span<const std::byte> bytes);

/// A signal number as the bytes of an interrupted message, and back (SIGTERM when the bytes are not one).
std::vector<std::byte> encode_signal(int signal);
int decode_signal(std::span<const std::byte> bytes);

}  // namespace scamsim::distributed
