// DexGraspBench's grasp files (JYChen18/DexGraspBench: output/NAME/graspdata/OBJECT/
// scaleSSS_poseNNN/K.npy): one pickled dict per grasp with the hand's qpos at pregrasp, grasp and
// squeeze ([x, y, z, qw, qx, qy, qz, joints], MuJoCo's quaternion order, in the world frame) and
// the object's obj_path, obj_scale and obj_pose (the same 7 numbers). docs/grasp_file.md.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/npy_dict.h"
#include "core/status.h"
#include "hand/hand_model.h"

namespace dexvlg {

/// One grasp as DexGraspBench stores it.
struct BenchGrasp {
  std::string obj_path;
  double obj_scale = 1;
  std::array<double, 7> obj_pose = {0, 0, 0, 1, 0, 0, 0};  ///< x y z qw qx qy qz
  std::vector<double> pregrasp, grasp, squeeze;            ///< qpos, world frame
  std::vector<std::string> joint_names;  ///< names of the qpos joints (dexvlg writes them; "")
};

/// The dict of one grasp file (DexGraspBench's keys, plus "joint_names" when known).
NpyDict ToNpy(const BenchGrasp& g);
/// Reads the dict of one grasp file; errors name `label` and the key that is missing or wrong.
Expected<BenchGrasp> FromNpy(const NpyDict& dict, const std::string& label);

/// A dexvlg grasp (pose rows in the object frame, `hand`'s joint order) with the object at the
/// origin at scale `obj_scale`. DexGraspBench poses the hand MJCF's whole model (its worldbody
/// on a free joint), dexvlg the root link: the qpos root is the model frame
/// (HandModel::model_R_root), so the same MJCF replays the same grasp in both.
BenchGrasp ToBench(const HandModel& hand, const std::vector<double>& pregrasp,
                   const std::vector<double>& grasp, const std::vector<double>& squeeze,
                   const std::string& obj_path, double obj_scale);

/// The rows of `g` in the object frame (relative to obj_pose), rooted at `hand`'s root link
/// (the file poses the MJCF's model frame), in `hand`'s joint order: joints
/// matched by name when the file names them (a side prefix such as "rh_" dropped, any case),
/// else by position, which needs exactly hand.nq() joints. Quaternions are normalised; a zero
/// one is an error.
Expected<std::array<std::vector<double>, 3>> FromBench(const BenchGrasp& g, const HandModel& hand,
                                                       const std::string& label);

}  // namespace dexvlg
