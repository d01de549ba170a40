// The dataset store (docs/dataset.md): one HDF5 shard per object, written to a temporary name and
// renamed when complete, so a finished shard is never rewritten and a killed run leaves none
// half-written; index.json lists the shards.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "dataset/scene.h"
#include "object/mesh.h"

namespace dexvlg {

class H5Reader;

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
  std::string generate_params;  ///< GenerateParamsText of the run that made it
  std::vector<std::string> joint_names;
  const LabeledMesh* mesh = nullptr;
  ShardGrasps grasps;
  std::vector<Scene> scenes;
  std::vector<std::vector<int>>
      scene_grasps;    ///< per scene: its successful grasps clear of the table
  double seconds = 0;  ///< time it took to make
};

/// Writes `dataset/shards/<name>.h5` atomically (core/atomic_file.h: temporary, fsync, rename).
Status WriteShard(const std::string& path, const ShardContent& content);

/// A shard's header: its root attributes and the object's part names.
struct ShardInfo {
  std::string object, object_source, hand;
  std::string generate_params;  ///< the generation parameters ("" in shards made before them)
  std::vector<std::string> joint_names, part_names;
  long long grasp_count = 0, success_count = 0, scene_count = 0;
};

/// A shard opened for reading (docs/dataset.md), the typed counterpart of WriteShard. Every
/// accessor reads its datasets whole and checks them (shapes against each other, finite
/// numbers, indices and labels in range, counts against the attributes); a problem is an error
/// naming the file and the dataset, never a crash. The model's data loader and `dataset
/// verify` read through it.
class ShardReader {
 public:
  static Expected<ShardReader> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const ShardInfo& info() const { return info_; }
  int num_scenes() const { return static_cast<int>(scenes_.size()); }

  /// The object (object frame, metres) with its face labels and part names.
  Expected<LabeledMesh> Object() const;
  /// Every grasp (object frame) with its simulation result.
  Expected<ShardGrasps> Grasps() const;
  /// Scene k: the placement and the views' point clouds (table frame); no rendered frames.
  Expected<Scene> SceneAt(int k) const;
  /// Scene k's grasps (indices into Grasps(): successful, made for scene k, clear of the table).
  Expected<std::vector<int>> SceneGrasps(int k) const;

 private:
  ShardReader() = default;
  std::string path_;
  std::shared_ptr<const H5Reader> in_;
  ShardInfo info_;
  std::vector<std::string> scenes_;  ///< group names under /scenes, in order
};

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
                     std::ostream& log, const HandModel* hand = nullptr);

}  // namespace dexvlg
