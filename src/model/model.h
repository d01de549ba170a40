// A trained DexVLG model (DESIGN.md §7, docs/model.md): a single-view coloured cloud in the table
// frame plus an instruction -> dexterous grasps (pregrasp, grasp, squeeze pose rows in the same
// frame, the hand's joint order). Free of LibTorch types: the CLI, server and bindings use this.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/rotation.h"
#include "core/status.h"
#include "hand/hand_model.h"
#include "model/config.h"
#include "model/tokenizer.h"
#include "model/training_set.h"

namespace dexvlg {

struct PredictOptions {
  int count = 16;                 ///< grasps to sample
  unsigned seed = 0;              ///< noise and cloud subsampling
  int steps = 0;                  ///< Euler steps (0: the config's sample_steps)
  double guidance = -1;           ///< classifier-free guidance (< 0: the config's)
  bool cache_prefix = true;       ///< false: re-encode the prefix every step (the bench's baseline)
  bool null_instruction = false;  ///< ignore the instruction (the no-language baseline)
  /// "" (the config's), "flow" (Euler on the learned field: deterministic, DDIM-like) or
  /// "ddpm" (the same network, ancestral: the clean estimate noised afresh at every step)
  std::string sampler;
};

/// Predicted grasps, count x pose_size rows each, in the cloud's frame.
struct PredictedGrasps {
  int count = 0, pose_size = 0;
  std::vector<double> pregrasp, grasp, squeeze;
  Vec3 centroid = Vec3::Zero();  ///< the object centroid the grasps are relative to
  double seconds = 0;
};

class GraspModel {
 public:
  /// Loads `path`: a model folder (its model.h5) or a model file. Errors name the file.
  static Expected<GraspModel> Load(const std::string& path);
  const ModelConfig& config() const;
  const Tokenizer& tokenizer() const;
  long long parameters() const;
  /// The objects its training set held (shard object names; empty when unknown).
  const std::vector<std::string>& training_objects() const;
  /// Samples grasps for `instruction` on `cloud` (table frame). An empty cloud or instruction is
  /// an error.
  Expected<PredictedGrasps> Predict(const Cloud& cloud, const std::string& instruction,
                                    const PredictOptions& options) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

/// The model file of a folder or file path.
std::string ModelFilePath(const std::string& path);

/// Sets the config's hand: its joint count, names and limits, and `source` ("built-in" for the
/// built-in Shadow Hand, else the spec or MJCF path a model file records).
void SetHand(ModelConfig& config, const HandModel& hand, const std::string& source);

/// The hand a model is for: `hand` (a spec or MJCF) when given, else the one its config names
/// (the built-in Shadow Hand for "built-in"); an error when its joints are not the model's.
Expected<HandModel> ModelHand(const GraspModel& model, const std::string& hand = "");

}  // namespace dexvlg

namespace dexvlg {
/// LibTorch's intra-op threads for every model in the process.
void SetModelThreads(int threads);

/// "cpu" works; "cuda" is refused with the reason (Debian's LibTorch is a CPU build).
Status CheckDevice(const std::string& device);
}  // namespace dexvlg
