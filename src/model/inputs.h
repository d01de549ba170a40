// What the network is fed (internal header; docs/model.md "Training"): clouds subsampled and
// normalised, instructions tokenised, grasps encoded, with the training augmentations. Every
// random choice comes from a generator seeded by (seed, step, sample position), so a batch is
// the same whichever process of a data-parallel run makes it, and a resumed run repeats it.
#pragma once

#include <torch/torch.h>

#include <random>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/grasp_codec.h"
#include "model/tokenizer.h"
#include "model/training_set.h"

namespace dexvlg {

/// A 64-bit seed mixed from three numbers (SplitMix64).
uint64_t MixSeed(uint64_t a, uint64_t b, uint64_t c);

/// A cloud ready for the encoder: config.points x 6 values (xyz relative to the centroid divided
/// by translation_scale, turned by -yaw about the vertical; rgb in [-0.5, 0.5]), the centroid
/// (table frame) and the heading.
struct PreparedCloud {
  std::vector<float> values;
  Vec3 centroid = Vec3::Zero();
  double yaw = 0;  ///< rad: the canonical heading (config.canonical_yaw), else 0
};

/// The heading of a cloud's points higher than kObjectAboveTable (all points when none are) about
/// the vertical through `centroid`: the angle of the major axis of their horizontal spread, turned
/// by pi when the points' third moment along it is negative, in (-pi, pi]. Turning the cloud
/// by an angle a adds a (mod 2 pi) unless the spread is round or the skew zero.
double CanonicalYaw(const float* xyz, int n, const Vec3& centroid);

/// The cloud with its points turned by `angle` (rad) about the vertical through `centre`.
Cloud RotatedCloud(const Cloud& cloud, const Vec3& centre, double angle);

/// Subsamples (seeded) and normalises a cloud; `train` adds point dropout, colour jitter and
/// depth noise.
PreparedCloud PrepareCloud(const Cloud& cloud, const ModelConfig& config, std::mt19937_64& rng,
                           bool train);

/// Token ids and keep mask (B x L) of instructions, padded to the longest.
void EncodeTexts(const Tokenizer& tokenizer, const std::vector<std::vector<int>>& ids,
                 torch::Tensor& text, torch::Tensor& keep);

/// A training batch.
struct Batch {
  torch::Tensor points;      ///< B x N x 6
  torch::Tensor text, keep;  ///< B x L
  torch::Tensor x1, x0, t;   ///< B x G x D, B x G x D, B x G
};

/// The samples at positions [begin, end) of the global batch of `step` (indices drawn from the
/// set with the step's seed), augmented when `train`.
Batch MakeBatch(const TrainingSet& set, const ModelConfig& config, const Tokenizer& tokenizer,
                const GraspCodec& codec, int step, int begin, int end, bool train, uint64_t seed);

}  // namespace dexvlg
