#pragma once
// The protocol's messages over MPI (built only with MPI). MPI is initialised
// only by an MpiSession, which the sweep command makes when launched by mpirun
// with more than one rank: `scamsim run`, the tests and a sweep outside mpirun
// never touch MPI.

#include <optional>
#include <span>

#include "sim/distributed/protocol.hpp"

namespace scamsim::distributed {

/// MPI for the lifetime of the command. Only the thread that created it calls MPI (rank 0's runs and every
/// rank's engine threads never do), which is what MPI_THREAD_FUNNELED promises.
class MpiSession {
 public:
  MpiSession();
  /// Waits (without spinning) until every rank is here, then finalises.
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

  /// Rank 0's exit code, to every rank.
  static int share_exit_code(int code);
  /// Ends every rank of the job at once with `code`: the last resort when the protocol itself broke.
  [[noreturn]] static void abort(int code);

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Messages as MPI byte messages on MPI_COMM_WORLD, the tag as the MPI tag. Blocking calls busy-poll a core,
/// which the runs want, so sends wait by testing and sleeping.
class MpiTransport final : public Transport {
 public:
  /// Over the session's world.
  explicit MpiTransport(const MpiSession& session) : rank_(session.rank()), size_(session.size()) {}
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }
  void send(int destination, Tag tag, std::span<const std::byte> bytes) override;
  std::optional<Message> poll(int source = any_source, std::optional<Tag> tag = std::nullopt) override;

 private:
  int rank_;
  int size_;
};

}  // namespace scamsim::distributed
