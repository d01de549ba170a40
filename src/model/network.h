// The DexVLG network in LibTorch (internal header; docs/model.md "Network"): a Uni3D-style point
// encoder, learned instruction embeddings and one pre-LN transformer whose blocks the prefix
// (point and text tokens) and the grasp tokens share. Grasp tokens attend to the prefix and to
// themselves only, so several grasps of a scene share one sequence without seeing each other,
// and the prefix is encoded once and cached while the flow is integrated.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/config.h"

namespace dexvlg {

/// Farthest-point sampling: indices B x count of xyz B x N x 3, starting at point 0.
torch::Tensor FarthestPoints(const torch::Tensor& xyz, int count);

struct PointEncoderImpl : torch::nn::Module {
  explicit PointEncoderImpl(const ModelConfig& c);
  /// points B x N x 6 (xyz normalised, rgb centred) -> tokens B x patches x width.
  torch::Tensor forward(const torch::Tensor& points);
  int patches, patch_size;
  bool use_color;
  torch::nn::Sequential first{nullptr}, second{nullptr}, centre{nullptr};
};
TORCH_MODULE(PointEncoder);

struct BlockImpl : torch::nn::Module {
  BlockImpl(int width, int heads, int hidden);
  /// Prefix tokens x (B x P x W) attend to each other (keep: B x P, false for padding); k and v
  /// receive this block's prefix keys and values (B x H x P x d) for the grasp tokens.
  torch::Tensor Prefix(const torch::Tensor& x, const torch::Tensor& keep, torch::Tensor& k,
                       torch::Tensor& v);
  /// Grasp tokens y (B x G x W) attend to the cached prefix and each to itself.
  torch::Tensor Grasp(const torch::Tensor& y, const torch::Tensor& k, const torch::Tensor& v,
                      const torch::Tensor& keep);
  int heads;
  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc1{nullptr}, fc2{nullptr};

 private:
  torch::Tensor Mlp(const torch::Tensor& x);
};
TORCH_MODULE(Block);

/// What the grasp tokens need of an encoded prefix: each block's keys and values.
struct PrefixCache {
  std::vector<torch::Tensor> k, v;
  torch::Tensor keep;  ///< B x P
};

struct DexVlgNetImpl : torch::nn::Module {
  DexVlgNetImpl(const ModelConfig& c, int vocabulary);
  /// points B x N x 6, text B x L token ids, text_keep B x L (false for padding).
  PrefixCache EncodePrefix(const torch::Tensor& points, const torch::Tensor& text,
                           const torch::Tensor& text_keep);
  /// The head's raw output for grasp vectors x (B x G x D) at times t (B x G): the clean grasp
  /// (config.prediction "data") or the velocity ("velocity").
  torch::Tensor Head(const PrefixCache& cache, const torch::Tensor& x, const torch::Tensor& t);
  /// The flow's velocity at x, t (t < 1).
  torch::Tensor Velocity(const PrefixCache& cache, const torch::Tensor& x, const torch::Tensor& t);
  ModelConfig config;
  PointEncoder points{nullptr};
  torch::nn::Embedding words{nullptr}, word_position{nullptr}, kind{nullptr};
  torch::nn::Linear grasp_in{nullptr}, time1{nullptr}, time2{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm out_norm{nullptr};
  torch::nn::Linear out{nullptr};
};
TORCH_MODULE(DexVlgNet);

/// Integrates the learned field from noise x0 (B x G x D) over `steps` Euler steps from t = 0 to
/// 1. With `null_cache` (the instruction dropped), classifier-free guidance:
/// v = v_null + guidance (v_cond - v_null). `recompute` (the no-caching baseline of the bench)
/// re-encodes the prefix at every step from `points`, `text` and `keep`.
/// With `renoise` (steps x B x G x D fresh standard noise), the DDPM-style stochastic sampler
/// instead (IntegrateRenoised).
torch::Tensor SampleFlow(DexVlgNetImpl& net, const PrefixCache& cache,
                         const PrefixCache* null_cache, torch::Tensor x0, int steps,
                         double guidance, const torch::Tensor* renoise = nullptr);

/// Euler integration of any field v(x, t) from t = 0 to 1 (what SampleFlow does with the net).
/// With the field (x1_hat - x) / (1 - t) this is DDIM's deterministic update.
torch::Tensor IntegrateEuler(
    const std::function<torch::Tensor(const torch::Tensor&, double)>& field, torch::Tensor x0,
    int steps);

/// The DDPM-style ancestral sampler on the same field: at each step the clean estimate
/// x1_hat = x + (1 - t) v(x, t) is noised afresh to the next time, x' = t' x1_hat + (1 - t') z
/// with z = renoise[i] (standard normal), the last step returning x1_hat.
torch::Tensor IntegrateRenoised(
    const std::function<torch::Tensor(const torch::Tensor&, double)>& field, torch::Tensor x0,
    int steps, const torch::Tensor& renoise);

/// Flow-matching loss per sample (B) at x_t = (1 - t) x0 + t x1, the mean over grasps and values
/// of |v(x_t, t) - (x1 - x0)|^2, or with data prediction |x1_hat - x1|^2 (the same loss weighted
/// by (1 - t)^2).
torch::Tensor FlowLoss(DexVlgNetImpl& net, const PrefixCache& cache, const torch::Tensor& x1,
                       const torch::Tensor& x0, const torch::Tensor& t);

/// Named parameters in a fixed order (the checkpoint's tensor names).
std::vector<std::pair<std::string, torch::Tensor>> NamedParameters(torch::nn::Module& net);

}  // namespace dexvlg
