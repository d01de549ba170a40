// Settling synthesised grasps in simulation: each grasp is re-expressed where the free object
// comes to rest in the closing hand (SimScene::Settle), so that the fingers, replayed, reach
// the object where their forces balance instead of pushing it there (docs/synth.md).
#pragma once

#include "sim/sim.h"
#include "synth/synth.h"

namespace dexvlg {

/// A GraspRefiner for Synthesize that settles every accepted grasp in `scene` (which must
/// outlive it): once with a gentle squeeze from the grasp itself, then up to `rounds` times at
/// the protocol's pace until closing the hand moves the object less than 1 cm and 5 degrees
/// (a fixed point: replayed, the grasp closes where the object already balances). A grasp the
/// hand loses, that does not come to rest or does not converge is rejected, the reason
/// prefixed "settle: ". Thread-safe (one MuJoCo state per thread).
GraspRefiner Settler(const SimScene& scene, int rounds = 2);

}  // namespace dexvlg
