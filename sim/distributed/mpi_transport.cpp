#include "sim/distributed/mpi_transport.hpp"

#include <mpi.h>

#include <chrono>
#include <climits>
#include <stdexcept>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace scamsim::distributed {

namespace {

// Half a millisecond is far below a run's length and costs nothing measurable when idle.
constexpr auto poll_interval = std::chrono::microseconds(500);

void wait_politely(MPI_Request& request) {
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  while (done == 0) {
    std::this_thread::sleep_for(poll_interval);
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

}  // namespace

MpiSession::MpiSession() {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_politely(request);
  MPI_Finalize();
}

int MpiSession::share_exit_code(int code) {
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD, &request);
  wait_politely(request);
  return code;
}

void MpiSession::abort(int code) {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::terminate();  // MPI_Abort does not return; this tells the compiler so
}

void MpiTransport::send(int destination, Tag tag, std::span<const std::byte> bytes) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error(fmt::format("a message of {} bytes is too long for MPI", bytes.size()));
  }
  MPI_Request request = MPI_REQUEST_NULL;
  // MPI takes a non-const buffer in older bindings; it only reads it.
  MPI_Isend(const_cast<std::byte*>(bytes.data()), static_cast<int>(bytes.size()), MPI_BYTE, destination,
            static_cast<int>(tag), MPI_COMM_WORLD, &request);
  wait_politely(request);
}

std::optional<Message> MpiTransport::poll(int source, std::optional<Tag> tag) {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(source == any_source ? MPI_ANY_SOURCE : source, tag ? static_cast<int>(*tag) : MPI_ANY_TAG, MPI_COMM_WORLD,
             &flag, &status);
  if (flag == 0) return std::nullopt;
  int count = 0;
  MPI_Get_count(&status, MPI_BYTE, &count);
  Message m{status.MPI_SOURCE, static_cast<Tag>(status.MPI_TAG),
            std::vector<std::byte>(static_cast<std::size_t>(count))};
  MPI_Recv(m.bytes.data(), count, MPI_BYTE, m.source, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return m;
}

}  // namespace scamsim::distributed
