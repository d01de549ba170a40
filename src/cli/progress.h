// The command line's progress bar.
#pragma once

#include <algorithm>
#include <iostream>
#include <string>

namespace dexvlg::cli {

/// Redraws "[#####.....] done/total unit" on stderr (call again to update, then end the line).
inline void ShowProgress(int done, int total, const char* unit) {
  const int width = 30, filled = total > 0 ? width * std::min(done, total) / total : width;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << done
            << "/" << total << " " << unit << std::flush;
}

}  // namespace dexvlg::cli
