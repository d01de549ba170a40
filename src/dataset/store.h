// The dataset store (docs/dataset.md): one HDF5 shard per object, written to a temporary name and
// renamed when complete, so a finished shard is never rewritten and a killed run leaves none
// half-written; index.json lists the shards.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/status.h"
#include "dataset/scene.h"
#include "object/mesh.h"

namespace dexvlg {

inline constexpr const char* kShardFormat = "dexvlg-dataset-shard";
inline constexpr int kShardVersion = 1;
inline constexpr const char* kShardDir = "shards";

/// The grasps of one object (object frame), every validated one, with its simulation result;
/// each was synthesised for one scene (the object resting on the table in that scene's pose).
struct ShardGrasps {
  int pose_size = 0;
  std::vector<double> pregrasp, grasp, squeeze;  ///< N x pose_size
  std::vector<int> part;                         ///< part label of the grasp's target
  std::vector<int> mode;                         ///< 0 wrap, 1 pinch
  std::vector<int> scene;                        ///< the scene (table) it was made for
  std::vector<int> success;                      ///< 0/1: held in simulation (all checks)
  std::vector<int> held;                         ///< N x 6: per direction 1 / 0 / -1 not run
  std::vector<double> penetration;               ///< m, MuJoCo at the grasp
  std::vector<std::string> reason, caption;
  int count() const { return static_cast<int>(part.size()); }
};

/// What goes into one shard.
struct ShardContent {
  std::string object, object_source, hand_name;
  std::vector<std::string> joint_names;
  const LabeledMesh* mesh = nullptr;
  ShardGrasps grasps;
  std::vector<Scene> scenes;
  std::vector<std::vector<int>>
      scene_grasps;    ///< per scene: its successful grasps clear of the table
  double seconds = 0;  ///< time it took to make
};

/// Writes `dataset/shards/<name>.h5` atomically (a .tmp file renamed over).
Status WriteShard(const std::string& path, const ShardContent& content);

/// One shard's summary (from its attributes).
struct ShardSummary {
  std::string file, object;
  int parts = 0;
  long long grasps = 0, successful = 0, scenes = 0, scene_grasps = 0, bytes = 0;
  double seconds = 0;
};
Expected<ShardSummary> SummariseShard(const std::string& path);

/// Finished shard files of a dataset, sorted by name.
std::vector<std::string> ListShards(const std::string& dataset);

/// Rebuilds dataset/index.json from the shards present (atomically).
Status WriteIndex(const std::string& dataset);

/// Checks every shard (format, version, shapes, value ranges, finite numbers) and the index;
/// writes one line per problem to `report`. Returns the number of problems.
int VerifyDataset(const std::string& dataset, std::ostream& report);

/// Writes each scene view as a PLY point cloud (x y z, RGB, label) and every grasp as CSV rows
/// (`format` "csv") or JSON (`format` "json") into `out`.
Status ExportDataset(const std::string& dataset, const std::string& out, const std::string& format,
                     std::ostream& log);

}  // namespace dexvlg
