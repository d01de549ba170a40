// The DexVLG model's configuration (DESIGN.md §3 "Model", §7; docs/model.md): every size of the
// network, the grasp encoding and the training recipe is a value here, saved with the weights.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace dexvlg {

/// Sizes and recipe. The defaults fit the 2-core CPU budget (about 1.3 M parameters).
struct ModelConfig {
  // point encoder (Uni3D at small scale: FPS centres, kNN patches, mini-PointNet, centre MLP)
  int points = 1024;      ///< points the single-view cloud is subsampled to
  int patches = 64;       ///< farthest-point centres (point tokens)
  int patch_size = 24;    ///< nearest neighbours per patch
  bool use_color = true;  ///< false: the encoder sees xyz only (an ablation)
  // transformer
  int width = 128;    ///< token width
  int layers = 6;     ///< pre-LN blocks shared by the prefix and the grasp tokens
  int heads = 4;      ///< attention heads (width % heads == 0)
  int mlp_ratio = 4;  ///< hidden width of each block's MLP = mlp_ratio x width
  int max_text = 32;  ///< instruction tokens kept
  // grasp encoding (docs/model.md "Grasp vector")
  int joints = 22;                 ///< the hand's joints, in its own order
  double translation_scale = 0.1;  ///< m: root position relative to the object centroid / this
  double pregrasp_scale = 0.05;    ///< m: pregrasp root offset (grasp's root frame) / this
  std::vector<std::string> joint_names;
  std::vector<double> joint_lower, joint_upper;  ///< rad, normalise joints to [-1, 1]
  std::string hand = "built-in";                 ///< the hand the grasps are for
  // training
  int grasps_per_sample = 8;    ///< grasp tokens per sequence (masked from each other)
  int batch = 16;               ///< samples per step (the global batch over all ranks)
  int steps = 3000;             ///< optimiser steps
  double lr = 1e-3;             ///< AdamW peak learning rate
  double weight_decay = 0.01;   ///< AdamW
  int warmup = 200;             ///< linear warm-up steps, then cosine to lr / 20
  double grad_clip = 1.0;       ///< global gradient norm
  double text_dropout = 0.15;   ///< share of samples trained with the null instruction (CFG)
  double rotate_augment = 1.0;  ///< 1: random rotation about the table normal per sample
  /// Turn every cloud about the vertical through its centroid so that its principal horizontal
  /// axis is +x (sign by the skew along it), and the grasps with it: the network sees each view
  /// in one heading whatever the object's yaw (docs/model.md "Heading")
  bool canonical_yaw = true;
  double point_dropout = 0.2;  ///< up to this share of points dropped per sample
  double color_jitter = 0.08;  ///< colour noise (1 sigma, per channel, 0..1 scale)
  double depth_noise = 0.001;  ///< m, 1 sigma, added to every coordinate
  // sampling
  int sample_steps = 10;  ///< Euler steps from noise to grasp
  double guidance = 1.0;  ///< classifier-free guidance weight (1: none; > 1 overshoots poses)
  std::string sampler = "flow";  ///< "flow" (the paper: Euler, DDIM-like) or "ddpm" (ancestral)
  /// What the head outputs: "data" (the clean grasp x1; velocity (x1 - x_t) / (1 - t), loss
  /// |x1_hat - x1|^2, the flow-matching loss weighted by (1 - t)^2) or "velocity" (the paper's
  /// parameterisation; docs/model.md)
  std::string prediction = "data";
  unsigned seed = 0;

  int GraspDim() const { return 3 + 6 + 3 * joints + 3; }
  /// An error naming the first value out of range.
  Status Validate() const;
  std::string ToJson() const;
  /// Reads ToJson's text; unknown keys are an error (a config of another version). A key the
  /// text leaves out keeps its default, except with `model_file`: a key absent from a model
  /// file predates it, and takes the value such files were trained with (prediction
  /// "velocity", canonical_yaw false).
  static Expected<ModelConfig> FromJson(const std::string& text, const std::string& origin,
                                        bool model_file = false);
};

}  // namespace dexvlg
