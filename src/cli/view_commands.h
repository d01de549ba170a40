// `dexvlg view`: the web viewer page (docs/view.md) for a grasp file, a dataset or an eval report.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "view/view.h"

namespace dexvlg::cli {

struct ViewRequest {
  std::string input;  ///< grasp file, dataset folder or eval report folder
  std::string out;    ///< the page (.html)
  std::string hand;   ///< "" = the grasp file's hand, else the built-in one
  ViewOptions options;
};

/// Writes the viewer page (atomically; the output path is checked before any work).
Status RunView(const ViewRequest& request, std::ostream& log);

}  // namespace dexvlg::cli
