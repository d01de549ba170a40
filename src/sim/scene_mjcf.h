// Internal to the sim library: the scene's MJCF and guarded calls into MuJoCo (the public
// headers name no MuJoCo type).
#pragma once

#include <mujoco/mujoco.h>

#include <string>
#include <vector>

#include "hand/hand_model.h"
#include "object/mesh.h"
#include "sim/sim.h"

namespace dexvlg::sim_detail {

extern const char* const kObjectBody;     ///< the object's free body
extern const char* const kMocapBody;      ///< the mocap body the hand root is welded to
extern const char* const kHandRootJoint;  ///< the hand root's free joint

/// <asset> meshes of the object's convex pieces.
std::string ObjectAssets(const std::vector<TriMesh>& pieces);
/// The object's free body: its pieces, with the mass and inertia of its closed surface.
std::string ObjectBody(const LabeledMesh& object, size_t pieces, double mass);
/// The whole scene: the hand (root welded to a mocap body, one actuator per channel) and the
/// object, under the protocol's options.
std::string SceneMjcf(const HandModel& hand, const LabeledMesh& object,
                      const std::vector<TriMesh>& pieces, const SimParams& params);

/// The first fatal MuJoCo error of this thread's current simulation ("" while there is none);
/// clear it before a run. Once one happened, Step and Forward do nothing.
std::string& MujocoError();
/// `steps` calls of mj_step, guarded (GuardMujoco): a fatal error lands in MujocoError().
void Step(const mjModel* m, mjData* d, int steps = 1);
/// mj_forward, guarded.
void Forward(const mjModel* m, mjData* d);
/// mj_makeData, guarded: MuJoCo's fatal error (out of memory) becomes std::bad_alloc.
mjData* MakeData(const mjModel* m);

}  // namespace dexvlg::sim_detail
