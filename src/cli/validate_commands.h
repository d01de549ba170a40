// `dexvlg validate`.
#pragma once

#include <ostream>
#include <string>

#include "core/status.h"
#include "sim/sim.h"

namespace dexvlg::cli {

/// What `dexvlg validate` was asked.
struct ValidateRequest {
  std::string grasps;  ///< grasp file (HDF5); results are added to it
  std::string object;  ///< object source; default: the file's object_source attribute
  std::string hand;    ///< hand spec or MJCF; default: the file's hand_source attribute
  SimParams params;
};

/// Simulates every grasp of the file (TBB threads, progress bar on stderr), adds sim_* datasets
/// and captions to the file and prints the success rate, penetration statistics and failure
/// reasons.
Status RunValidate(const ValidateRequest& request, std::ostream& log);

}  // namespace dexvlg::cli
