#pragma once
// Test helper: the message of the exception an action throws.

#include <catch2/catch.hpp>

#include <string>

namespace scamsim::test {

/// The what() of the `Error` that `action` throws; fails the test if it throws nothing.
template <class Error, class Action>
std::string error_message(Action action) {
  try {
    action();
  } catch (const Error& error) {
    return error.what();
  }
  FAIL("expected an exception");
  return {};
}

}  // namespace scamsim::test
