// The grasp file: synthesised grasps in HDF5 (format "dexvlg-grasps", version 1;
// docs/grasp_file.md), readable with h5py alone, and the 29-value row export.
#pragma once

#include <string>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"
#include "object/object_source.h"
#include "synth/synth.h"

namespace dexvlg {

inline constexpr const char* kGraspFormat = "dexvlg-grasps";
inline constexpr int kGraspVersion = 1;

/// Writes `result` to `path` (via a temporary file renamed at the end). `object_source` (what
/// OBJECT was: a path or a procedural spec) and the scale it was loaded at are recorded so that
/// `dexvlg validate` can reload it as it was.
Status WriteGraspFile(const std::string& path, const HandModel& hand, const LabeledMesh& object,
                      const SynthOptions& options, const SynthResult& result,
                      const std::string& object_source = "", const ObjectScale& scale = {});

/// The poses and provenance of a grasp file.
struct GraspSet {
  std::string object, object_source, hand, hand_source, part, mode;
  ObjectScale object_scale;  ///< how object_source was scaled as it was loaded
  int target_label = 0;
  std::vector<std::string> joint_names, part_names;
  int count = 0, pose_size = 0;
  std::vector<double> pregrasp, grasp, squeeze;  ///< count x pose_size, row-major
};

/// Reads a grasp file (format and version checked; errors name the file).
Expected<GraspSet> ReadGraspFile(const std::string& path);

/// `set` with its joint columns in `hand`'s joint order (a file may list its joints in another
/// order); an error names the file (`path`) and the hand's joint the file lacks.
Expected<GraspSet> InHandOrder(const GraspSet& set, const HandModel& hand, const std::string& path);

/// Simulation results of every grasp of a file, in its order (docs/grasp_file.md, "sim_*").
struct GraspValidation {
  std::vector<int> success;                       ///< 0/1: the DexGraspBench protocol held (Suc)
  std::vector<int> valid;                         ///< 0/1: held and passed the DexVLG checks
  std::vector<int> part_aligned;                  ///< 0/1
  std::vector<int> held;                          ///< count x 6: 1 held, 0 dropped, -1 not run
  std::vector<double> translation, rotation_deg;  ///< count x 6
  std::vector<double> penetration, self_penetration, pregrasp_penetration;
  std::vector<std::string> reason, caption;
  std::string params;  ///< the protocol's parameters, "name=value,..."
};

/// The simulation results stored in a grasp file, the counterpart of WriteValidation; every
/// vector is empty when the file was never validated. Errors name the file and the dataset.
Expected<GraspValidation> ReadValidation(const std::string& path);

/// Adds (or replaces) the sim_* datasets of `path` (a copy is written and renamed over it).
Status WriteValidation(const std::string& path, const GraspValidation& v);

/// Writes the grasp poses as CSV rows "x,y,z,qw,qx,qy,qz,<joint names>" (the BODex /
/// DexGraspBench 29-value layout for the Shadow Hand), one line per grasp; `which` is
/// "pregrasp", "grasp" or "squeeze".
Status WritePoseRows(const std::string& path, const HandModel& hand, const SynthResult& result,
                     const std::string& which);

}  // namespace dexvlg
