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

namespace dexvlg::cli {

/// What `dexvlg import` was asked.
struct ImportRequest {
  std::string rows;    ///< CSV: header x,y,z,qw,qx,qy,qz,<joint names>, one grasp per line
  std::string object;  ///< object source (the rows' object frame)
  std::string part;    ///< target part name
  std::string mode = "wrap";
  std::string hand;       ///< hand spec or MJCF; default built-in
  std::string joint_map;  ///< optional JSON {"their joint name": "our joint name", ...}
  std::string out;        ///< grasp file to write
};

/// Converts pose rows made by other tools into a grasp file (pregrasp: fingers opened halfway to
/// rest and the palm 2 cm back; squeeze: the closing motion continued by 0.1 rad) ready for
/// `dexvlg validate`.
Status RunImport(const ImportRequest& request, std::ostream& log);

}  // namespace dexvlg::cli
