// Error values for untrusted input (DESIGN.md §4.4, tier 2): files, MJCF, specs, requests.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/demand.h"

namespace dexvlg {

/// What went wrong with an input, in words a user can act on: names the file and the problem.
struct Error {
  std::string message;
};

/// Either a value or an Error. Library code returns this for anything that reads outside data.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    DEXVLG_DEMAND(ok(), "value() on an error: " << error().message);
    return std::get<0>(state_);
  }
  T& value() & {
    DEXVLG_DEMAND(ok(), "value() on an error: " << error().message);
    return std::get<0>(state_);
  }
  T&& value() && {
    DEXVLG_DEMAND(ok(), "value() on an error: " << error().message);
    return std::get<0>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    DEXVLG_DEMAND(!ok(), "error() on a value");
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

/// Expected<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    DEXVLG_DEMAND(!ok(), "error() on success");
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace dexvlg
