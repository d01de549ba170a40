// The retrieval baseline of the evaluation (docs/eval.md): for a query cloud, the training
// sample whose cloud is nearest (symmetric chamfer distance between centred, subsampled clouds),
// preferring samples of the instructed part and mode; its grasps, moved by the centroid offset.
// What learning adds is the model's margin over this.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"
#include "model/training_set.h"

namespace dexvlg {

class Retrieval {
 public:
  /// Indexes every sample of `set` (kept by value).
  explicit Retrieval(TrainingSet set, int points = 256);
  /// `count` grasps (cycling through the nearest sample's) in the query cloud's frame; the
  /// part name and mode narrow the candidates when any sample matches them.
  PredictedGrasps Retrieve(const Cloud& cloud, const std::string& part, int mode, int count) const;
  /// The sample Retrieve used last (for tests): index into the set's samples.
  int last() const { return last_; }
  const TrainingSet& set() const { return set_; }

 private:
  std::vector<float> Descriptor(const Cloud& cloud, Vec3& centroid) const;
  TrainingSet set_;
  int points_;
  std::vector<std::vector<float>> descriptors_;
  std::vector<Vec3> centroids_;
  mutable int last_ = -1;
};

}  // namespace dexvlg
