#pragma once
// Counter-based random numbers (MODEL.md section 5). Every draw is a pure
// function of (seed, replicate) and (step, agent, purpose, draw index):
// no engine state is shared between threads, so results do not depend on
// scheduling or on how agents are split among threads or processes.
//
// The generator is Philox4x32-10 (Salmon et al. 2011, "Parallel random
// numbers: as easy as 1, 2, 3"), checked against Random123's known-answer
// vectors. The distributions are our own code, since std:: distributions
// differ between standard libraries.

#include <array>
#include <cstdint>
#include <span>

namespace scamsim::model {

/// What a draw is for; part of the counter, so two purposes never share numbers.
///
/// The numeric values are part of every random stream (they sit in the
/// counter's word 2): NEVER renumber, reorder or reuse a value, or every
/// result of every scenario changes. Append new purposes at the end with the
/// next free number; a purpose no longer drawn stays, marked reserved.
/// tests/model/test_random.cpp pins these values.
enum class Purpose : std::uint16_t {
  init_nationality = 0,
  reserved_init_vulnerability = 1,  ///< reserved: never drawn (new workers get a fixed vulnerability)
  init_escape = 2,
  escape = 3,
  raids_count = 4,
  raid_target = 5,
  reserved_raid_leak = 6,     ///< reserved: the leak is drawn from raid_target's sequence
  reserved_raid_success = 7,  ///< reserved: the outcome is drawn from raid_target's sequence
  release = 8,
  relocation_choice = 9,
  relocation_abandon = 10,
  reserved_aftercare = 11,  ///< reserved: never drawn (beds go first released, first served)
  repatriation = 12,
  rerecruitment = 13,
  rerecruit_target = 14,
  retrafficking = 15,
  recruits_count = 16,
  recruit_target = 17,
  vulnerability = 18,  ///< a new worker's vulnerability, at the start or when trafficked (workers.vulnerability_spread)
  split = 19,
  entry = 20,       ///< openings in a host: their count, networks and sites
  withdrawal = 21,  ///< an operation's network closing it where returns are below normal (entry.exit_rate_per_year)
  init_operations = 22,  ///< how many of a group's operations a world at run.scale below 1 has
  risk_perception = 23,  ///< an operator's factor on the risk signals it reads (enforcement.risk_perception_spread)
  abc_prior = 24,        ///< ABC-SMC: a proposal drawn from the prior (agent: proposal index, step: generation)
  abc_pick = 25,         ///< ABC-SMC: which particle of the last generation a proposal perturbs
  abc_perturb = 26,      ///< ABC-SMC: the kernel's move from it
  posterior_draw = 27,   ///< run --posterior: the offset of the systematic resampling of the final population
  // Next free value: 28.
  test = 0xffff,  ///< for tests only
};

/// The 128-bit Philox4x32 block: counter in, four random words out.
using Block = std::array<std::uint32_t, 4>;

/// Philox4x32 with 10 rounds of a 128-bit counter under a 64-bit key.
Block philox4x32_10(Block counter, std::array<std::uint32_t, 2> key) noexcept;

/// The key of one run: the scenario's seed and the replicate number.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;
};

/// A short sequence of draws for one (step, agent, purpose). Cheap to make
/// on the stack wherever a draw is needed; never shared.
class Draws {
 public:
  Draws(StreamKey key, std::uint32_t step, std::uint32_t agent, Purpose purpose) noexcept
      : key_{static_cast<std::uint32_t>(key.seed), static_cast<std::uint32_t>(key.seed >> 32)},
        counter_{agent, step, static_cast<std::uint32_t>(purpose) << 16, key.replicate} {}

  /// 32 random bits.
  std::uint32_t bits() noexcept {
    if (used_ == 4) refill();
    return block_[used_++];
  }
  /// Uniform on the open interval (0, 1), with 53 bits of resolution.
  double uniform() noexcept {
    const std::uint64_t hi = bits() >> 5;  // 27 bits
    const std::uint64_t lo = bits() >> 6;  // 26 bits
    return (static_cast<double>((hi << 26) | lo) + 0.5) * 0x1.0p-53;
  }
  /// True with probability p.
  bool bernoulli(double p) noexcept { return uniform() < p; }
  /// An exponential waiting time with the given rate (per unit of time); infinity if rate <= 0.
  double exponential(double rate) noexcept;
  /// A standard normal draw (Box-Muller, from two uniforms).
  double normal() noexcept;
  /// A Poisson count with the given mean.
  std::uint64_t poisson(double mean) noexcept;
  /// An index drawn with probability proportional to its weight (weights >= 0,
  /// not all zero): binary search of the running sums.
  std::size_t categorical(std::span<const double> cumulative_weights) noexcept;
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) noexcept;

 private:
  void refill() noexcept {
    block_ = philox4x32_10(counter_, key_);
    ++counter_[2];  // the low 16 bits of word 2 count blocks within a purpose
    used_ = 0;
  }

  std::array<std::uint32_t, 2> key_;
  Block counter_;
  Block block_{};
  unsigned used_ = 4;
};

}  // namespace scamsim::model
