#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace scamsim {

/// Index of a country in the scenario's country list (sorted by id).
enum class CountryId : std::uint16_t {};
/// Index of a site in the scenario's site list (sorted by id).
enum class SiteId : std::uint16_t {};
/// Index of a criminal network (syndicate) in the scenario (sorted by id).
enum class NetworkId : std::uint16_t {};

/// The vector index behind a strong id.
template <class Id>
requires std::is_enum_v<Id>
constexpr std::size_t index_of(Id id) noexcept { return static_cast<std::size_t>(id); }

/// The strong id for a vector index.
template <class Id>
requires std::is_enum_v<Id>
constexpr Id id_at(std::size_t index) noexcept { return static_cast<Id>(index); }

}  // namespace scamsim
