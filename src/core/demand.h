// Checked programming-error assertions (DESIGN.md §4.4, tier 1).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace dexvlg {

/// Thrown by DEXVLG_DEMAND when a caller breaks a documented precondition. This is a bug in the
/// calling code, never a reaction to bad input files (those return an Error instead).
class ContractViolation : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace internal {
[[noreturn]] void FailDemand(const char* condition, const std::string& message, const char* file,
                             int line);
}  // namespace internal

}  // namespace dexvlg

/// DEXVLG_DEMAND(cond, msg): checks a precondition; `msg` may use `<<`, e.g.
/// DEXVLG_DEMAND(q.size() == n, "joint vector: expected " << n << ", got " << q.size()).
#define DEXVLG_DEMAND(cond, msg)                                                              \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::ostringstream dexvlg_demand_stream_;                                               \
      dexvlg_demand_stream_ << msg;                                                           \
      ::dexvlg::internal::FailDemand(#cond, dexvlg_demand_stream_.str(), __FILE__, __LINE__); \
    }                                                                                         \
  } while (false)
