// Training samples for the model (DESIGN.md §7 "Training data"), read from dataset shards through
// the store's typed ShardReader: one sample per (scene view, part, mode) that has held grasps,
// the grasps moved into the view's table frame.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace dexvlg {

/// One single-view coloured cloud (table frame, z up, table top z = 0).
struct Cloud {
  std::vector<float> xyz;      ///< N x 3, m
  std::vector<uint8_t> rgb;    ///< N x 3
  std::vector<int8_t> labels;  ///< N: part label, -1 table (may be empty: unknown)
  int size() const { return static_cast<int>(xyz.size() / 3); }
};

struct SceneView;

/// A scene view's cloud: its points, colours and part labels.
Cloud ViewCloud(const SceneView& view);

/// A view and the held grasps of one part and mode in it.
struct TrainingSample {
  std::shared_ptr<const Cloud> cloud;
  int object = 0;          ///< index into TrainingSet::objects
  std::string part, noun;  ///< the part's name, the object's noun (instructions)
  int part_label = 0;
  int mode = 0;                                  ///< 0 wrap, 1 pinch
  std::vector<std::string> captions;             ///< the grasps' captions (template instructions)
  std::vector<double> pregrasp, grasp, squeeze;  ///< count x pose_size, table frame
  int pose_size = 0;
  int count() const { return pose_size > 0 ? static_cast<int>(grasp.size()) / pose_size : 0; }
};

/// What identifies an object across datasets, models and evaluations: a procedural spec as
/// written ("mug:size=0.85"), else the folder name for an object folder and its own file
/// ("ycb_025_mug" for .../ycb_025_mug/textured.obj or the folder, "grab_apple" for
/// .../grab_apple/apple.stl, a folder's only mesh or MJCF file), else the file name.
std::string ObjectKey(const std::string& source);
/// Whether `source` is among a model's training objects (ObjectKey; a model trained before
/// object folders were keyed by their folder listed their file's name, e.g. "apple.stl").
bool TrainedOn(const std::vector<std::string>& trained, const std::string& source);

struct TrainingSet {
  std::vector<std::string> objects;  ///< ObjectKey of each shard's source
  std::vector<std::string> joint_names;
  std::vector<TrainingSample> samples;

  /// Reads every scene and view of the shards (a dataset folder's ListShards). Every shard must
  /// be for the same hand (joint names); a shard with no held grasps adds nothing.
  /// With `all_held`, every held grasp made for a scene counts, also those whose hand reaches
  /// below that scene's table (the table filter leaves few on small datasets; docs/model.md).
  static Expected<TrainingSet> FromShards(const std::vector<std::string>& shards,
                                          bool all_held = false);
  /// The samples of the objects whose indices are (`held_back` = true) or are not in `which`.
  TrainingSet Subset(const std::vector<int>& which, bool held_back) const;
  /// Every text the tokenizer should know: captions and training paraphrases.
  std::vector<std::string> Texts() const;
  long long GraspCount() const;
};

}  // namespace dexvlg
