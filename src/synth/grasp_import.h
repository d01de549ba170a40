// Grasps made by other tools, read into dexvlg's grasp rows (docs/grasp_file.md): CSV pose
// rows and DexGraspBench's .npy files; `dexvlg import` writes them as a grasp file.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"
#include "synth/synth.h"

namespace dexvlg {

/// A CSV with the header x,y,z,qw,qx,qy,qz,<joint names> (`rename` maps a column's joint name
/// to the hand's), one grasp per line in the object frame. The rows carry no pregrasp or squeeze:
/// the pregrasp opens the fingers halfway to rest and backs the palm 2 cm, the squeeze continues
/// the closing motion 0.5 rad on the largest joint. Errors name the file, line and column.
Expected<std::vector<Grasp>> ReadCsvGrasps(const std::string& path, const HandModel& hand,
                                           const std::map<std::string, std::string>& rename = {});

/// DexGraspBench grasp files: one .npy, or every .npy under a folder (sorted), their rows taken
/// as they are, pregrasp and squeeze included, moved into the object frame (dexgraspbench.h).
/// Every file must name the same object at the same scale, which `*obj_scale` receives.
Expected<std::vector<Grasp>> ReadBenchGrasps(const std::string& path, const HandModel& hand,
                                             double* obj_scale);

/// Imported grasps on part `part` of `object` as a synthesis result (the mode's contacts where
/// each grasp puts them and the parts they are nearest, no energies): what WriteGraspFile takes.
Expected<SynthResult> ImportedResult(const HandModel& hand, const LabeledMesh& object,
                                     const std::string& part, GraspMode mode,
                                     std::vector<Grasp> grasps);

}  // namespace dexvlg
