#include "core/demand.h"

namespace dexvlg::internal {

void FailDemand(const char* condition, const std::string& message, const char* file, int line) {
  std::ostringstream out;
  out << file << ":" << line << ": requirement (" << condition << ") failed: " << message;
  throw ContractViolation(out.str());
}

}  // namespace dexvlg::internal
