// The grasp file: synthesised grasps in HDF5 (format "dexvlg-grasps", version 1;
// docs/grasp_file.md), readable with h5py alone, and the 29-value row export.
#pragma once

#include <string>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"
#include "synth/synth.h"

namespace dexvlg {

inline constexpr const char* kGraspFormat = "dexvlg-grasps";
inline constexpr int kGraspVersion = 1;

/// Writes `result` to `path` (via a temporary file renamed at the end).
Status WriteGraspFile(const std::string& path, const HandModel& hand, const LabeledMesh& object,
                      const SynthOptions& options, const SynthResult& result);

/// Writes the grasp poses as CSV rows "x,y,z,qw,qx,qy,qz,<joint names>" (the BODex /
/// DexGraspBench 29-value layout for the Shadow Hand), one line per grasp; `which` is
/// "pregrasp", "grasp" or "squeeze".
Status WritePoseRows(const std::string& path, const HandModel& hand, const SynthResult& result,
                     const std::string& which);

}  // namespace dexvlg
