// `dexvlg hand ...` subcommands: printing what the hand library computes.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "hand/hand_model.h"

namespace dexvlg::cli {

/// --hand FILE resolution: empty means the built-in hand.
Expected<HandModel> ResolveHand(const std::string& path);

/// `hand info`: joints with limits, links, contact sets, self-collision pairs.
void PrintHandInfo(const HandModel& hand, bool as_json, std::ostream& out);

/// Options of `hand fk`.
struct FkOptions {
  std::vector<double> q;        ///< explicit joint values (nq), or empty
  std::string preset = "rest";  ///< "rest", "mid", "open" or "closed" when q is empty
  std::vector<double> pose;     ///< x y z qw qx qy qz, or empty for identity
  bool as_json = false;
};

/// `hand fk`: link frames and contact points for one configuration.
Status PrintHandFk(const HandModel& hand, const FkOptions& options, std::ostream& out);

/// Joint vector for a named preset: rest (model pose), mid (mid-range), open (lower limits of
/// flexion), closed (upper limits).
std::vector<double> PresetJoints(const HandModel& hand, const std::string& preset);

}  // namespace dexvlg::cli
