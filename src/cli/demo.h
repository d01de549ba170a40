// README command 1: the built-in demo. For now it shows the hand and its kinematics; later stages
// grow it into grasp synthesis on a procedural mug.
#pragma once

#include <ostream>

#include "hand/hand_model.h"

namespace dexvlg::cli {

/// Prints the hand, forward kinematics of a closing grasp, self-collision clearance, the
/// kinematics throughput and the demo mug's parts; writes pictures to out/demo/. Returns false
/// when a step fails.
bool RunDemo(const HandModel& hand, std::ostream& out);

}  // namespace dexvlg::cli
