#include "model/network.h"

#include <cmath>

namespace dexvlg {

namespace nn = torch::nn;
using torch::indexing::Slice;

torch::Tensor FarthestPoints(const torch::Tensor& xyz, int count) {
  torch::NoGradGuard no_grad;
  const int64_t B = xyz.size(0), N = xyz.size(1);
  torch::Tensor idx = torch::zeros({B, count}, torch::kLong);
  torch::Tensor dist = torch::full({B, N}, 1e10, xyz.options());
  torch::Tensor far = torch::zeros({B}, torch::kLong);
  torch::Tensor batch = torch::arange(B, torch::kLong);
  for (int i = 0; i < count; ++i) {
    idx.index_put_({Slice(), i}, far);
    const torch::Tensor c = xyz.index({batch, far}).unsqueeze(1);  // B x 1 x 3
    dist = torch::minimum(dist, (xyz - c).pow(2).sum(-1));
    far = dist.argmax(-1);
  }
  return idx;
}

namespace {

nn::Sequential Mlp2(int in, int hidden, int out) {
  return nn::Sequential(nn::Linear(in, hidden), nn::GELU(), nn::Linear(hidden, out));
}

// rows of a B x N x C tensor picked by idx (B x ...) -> B x ... x C
torch::Tensor Gather(const torch::Tensor& x, const torch::Tensor& idx) {
  const int64_t B = x.size(0), C = x.size(2);
  torch::Tensor flat = idx.reshape({B, -1});
  torch::Tensor out = x.gather(1, flat.unsqueeze(-1).expand({B, flat.size(1), C}));
  std::vector<int64_t> shape = idx.sizes().vec();
  shape.push_back(C);
  return out.reshape(shape);
}

}  // namespace

PointEncoderImpl::PointEncoderImpl(const ModelConfig& c)
    : patches(c.patches), patch_size(c.patch_size), use_color(c.use_color) {
  first = register_module("first", Mlp2(6, 64, 128));
  second = register_module("second", Mlp2(256, 256, c.width));
  centre = register_module("centre", Mlp2(3, 128, c.width));
}

torch::Tensor PointEncoderImpl::forward(const torch::Tensor& points) {
  torch::Tensor pts = points;
  if (!use_color) {
    pts = torch::cat(
        {points.index({"...", Slice(0, 3)}), torch::zeros_like(points.index({"...", Slice(3, 6)}))},
        -1);
  }
  const torch::Tensor xyz = pts.index({"...", Slice(0, 3)}).contiguous();
  const torch::Tensor centre_idx = FarthestPoints(xyz, patches);  // B x P
  const torch::Tensor centres = Gather(xyz, centre_idx);          // B x P x 3
  torch::Tensor knn;
  {
    torch::NoGradGuard no_grad;
    knn = std::get<1>(
        torch::cdist(centres, xyz).topk(patch_size, -1, /*largest=*/false));  // B x P x K
  }
  torch::Tensor local = Gather(pts, knn);  // B x P x K x 6
  local = torch::cat(
      {local.index({"...", Slice(0, 3)}) - centres.unsqueeze(2), local.index({"...", Slice(3, 6)})},
      -1);
  torch::Tensor f = first->forward(local);                        // B x P x K x 128
  torch::Tensor g = std::get<0>(f.max(2, /*keepdim=*/true));      // B x P x 1 x 128
  f = torch::cat({f, g.expand_as(f)}, -1);                        // B x P x K x 256
  torch::Tensor tokens = std::get<0>(second->forward(f).max(2));  // B x P x W
  return tokens + centre->forward(centres);
}

BlockImpl::BlockImpl(int width, int heads_, int hidden) : heads(heads_) {
  ln1 = register_module("ln1", nn::LayerNorm(nn::LayerNormOptions({width})));
  ln2 = register_module("ln2", nn::LayerNorm(nn::LayerNormOptions({width})));
  qkv = register_module("qkv", nn::Linear(width, 3 * width));
  proj = register_module("proj", nn::Linear(width, width));
  fc1 = register_module("fc1", nn::Linear(width, hidden));
  fc2 = register_module("fc2", nn::Linear(hidden, width));
}

torch::Tensor BlockImpl::Mlp(const torch::Tensor& x) {
  return fc2->forward(torch::gelu(fc1->forward(ln2->forward(x))));
}

namespace {

// B x T x 3W -> three B x H x T x d
std::vector<torch::Tensor> SplitHeads(const torch::Tensor& qkv, int heads) {
  const int64_t B = qkv.size(0), T = qkv.size(1), W = qkv.size(2) / 3;
  torch::Tensor r = qkv.reshape({B, T, 3, heads, W / heads}).permute({2, 0, 3, 1, 4});
  return {r[0], r[1], r[2]};
}

torch::Tensor MergeHeads(const torch::Tensor& x) {  // B x H x T x d -> B x T x W
  const int64_t B = x.size(0), H = x.size(1), T = x.size(2), d = x.size(3);
  return x.permute({0, 2, 1, 3}).reshape({B, T, H * d});
}

// additive mask B x 1 x 1 x P: 0 where kept, -inf where padding
torch::Tensor MaskBias(const torch::Tensor& keep, const torch::TensorOptions& options) {
  return torch::zeros(keep.sizes(), options)
      .masked_fill(keep.logical_not(), -std::numeric_limits<float>::infinity())
      .unsqueeze(1)
      .unsqueeze(1);
}

}  // namespace

torch::Tensor BlockImpl::Prefix(const torch::Tensor& x, const torch::Tensor& keep, torch::Tensor& k,
                                torch::Tensor& v) {
  std::vector<torch::Tensor> s = SplitHeads(qkv->forward(ln1->forward(x)), heads);
  k = s[1];
  v = s[2];
  const double scale = 1.0 / std::sqrt(static_cast<double>(s[0].size(-1)));
  torch::Tensor att =
      torch::matmul(s[0], k.transpose(-2, -1)) * scale + MaskBias(keep, x.options());
  const torch::Tensor y = x + proj->forward(MergeHeads(torch::matmul(att.softmax(-1), v)));
  return y + Mlp(y);
}

torch::Tensor BlockImpl::Grasp(const torch::Tensor& y, const torch::Tensor& k,
                               const torch::Tensor& v, const torch::Tensor& keep) {
  std::vector<torch::Tensor> s = SplitHeads(qkv->forward(ln1->forward(y)), heads);
  const double scale = 1.0 / std::sqrt(static_cast<double>(s[0].size(-1)));
  // scores against the prefix (B x H x G x P) and against itself (B x H x G x 1)
  torch::Tensor to_prefix =
      torch::matmul(s[0], k.transpose(-2, -1)) * scale + MaskBias(keep, y.options());
  torch::Tensor to_self = (s[0] * s[1]).sum(-1, /*keepdim=*/true) * scale;
  torch::Tensor w = torch::cat({to_prefix, to_self}, -1).softmax(-1);
  const int64_t P = k.size(2);
  torch::Tensor mixed =
      torch::matmul(w.index({"...", Slice(0, P)}), v) + w.index({"...", Slice(P, P + 1)}) * s[2];
  const torch::Tensor z = y + proj->forward(MergeHeads(mixed));
  return z + Mlp(z);
}

DexVlgNetImpl::DexVlgNetImpl(const ModelConfig& c, int vocabulary) : config(c) {
  const int W = c.width;
  points = register_module("points", PointEncoder(c));
  words = register_module("words", nn::Embedding(vocabulary, W));
  word_position = register_module("word_position", nn::Embedding(c.max_text, W));
  kind = register_module("kind", nn::Embedding(3, W));  // point, text, grasp token
  grasp_in = register_module("grasp_in", nn::Linear(c.GraspDim(), W));
  time1 = register_module("time1", nn::Linear(W, W));
  time2 = register_module("time2", nn::Linear(W, W));
  blocks = register_module("blocks", nn::ModuleList());
  for (int i = 0; i < c.layers; ++i) blocks->push_back(Block(W, c.heads, c.mlp_ratio * W));
  out_norm = register_module("out_norm", nn::LayerNorm(nn::LayerNormOptions({W})));
  out = register_module("out", nn::Linear(W, c.GraspDim()));
  for (torch::Tensor e : {words->weight, word_position->weight, kind->weight}) {
    torch::NoGradGuard no_grad;
    e.normal_(0, 0.02);
  }
}

PrefixCache DexVlgNetImpl::EncodePrefix(const torch::Tensor& pts, const torch::Tensor& text,
                                        const torch::Tensor& text_keep) {
  const int64_t B = pts.size(0), L = text.size(1);
  torch::Tensor p = points->forward(pts) + kind->weight[0];
  torch::Tensor positions = torch::arange(L, torch::kLong);
  torch::Tensor w =
      words->forward(text) + word_position->forward(positions).unsqueeze(0) + kind->weight[1];
  torch::Tensor x = torch::cat({p, w}, 1);
  PrefixCache cache;
  cache.keep = torch::cat({torch::ones({B, p.size(1)}, torch::kBool), text_keep}, 1);
  for (size_t i = 0; i < blocks->size(); ++i) {
    torch::Tensor k, v;
    x = blocks->ptr<BlockImpl>(i)->Prefix(x, cache.keep, k, v);
    cache.k.push_back(k);
    cache.v.push_back(v);
  }
  return cache;
}

torch::Tensor DexVlgNetImpl::Velocity(const PrefixCache& cache, const torch::Tensor& x,
                                      const torch::Tensor& t) {
  const torch::Tensor head = Head(cache, x, t);
  if (config.prediction == "velocity") return head;
  return (head - x) / (1 - t).clamp_min(1e-3).unsqueeze(-1);
}

torch::Tensor DexVlgNetImpl::Head(const PrefixCache& cache, const torch::Tensor& x,
                                  const torch::Tensor& t) {
  const int W = config.width, half = W / 2;
  // sinusoidal time embedding (t in [0, 1] scaled to [0, 1000]) then an MLP
  torch::Tensor freqs =
      torch::exp(torch::arange(half, torch::kFloat) * (-std::log(10000.0) / std::max(1, half - 1)));
  torch::Tensor arg = (t * 1000).unsqueeze(-1) * freqs;
  torch::Tensor te = torch::cat({arg.sin(), arg.cos()}, -1);
  if (te.size(-1) < W)
    te =
        torch::nn::functional::pad(te, torch::nn::functional::PadFuncOptions({0, W - te.size(-1)}));
  te = time2->forward(torch::silu(time1->forward(te)));
  torch::Tensor y = grasp_in->forward(x) + te + kind->weight[2];
  for (size_t i = 0; i < blocks->size(); ++i)
    y = blocks->ptr<BlockImpl>(i)->Grasp(y, cache.k[i], cache.v[i], cache.keep);
  return out->forward(out_norm->forward(y));
}

torch::Tensor IntegrateEuler(
    const std::function<torch::Tensor(const torch::Tensor&, double)>& field, torch::Tensor x,
    int steps) {
  const double dt = 1.0 / steps;
  for (int i = 0; i < steps; ++i) x = x + dt * field(x, i * dt);
  return x;
}

torch::Tensor IntegrateRenoised(
    const std::function<torch::Tensor(const torch::Tensor&, double)>& field, torch::Tensor x,
    int steps, const torch::Tensor& renoise) {
  const double dt = 1.0 / steps;
  for (int i = 0; i < steps; ++i) {
    const double t = i * dt, next = (i + 1) * dt;
    const torch::Tensor clean = x + (1 - t) * field(x, t);
    x = i + 1 == steps ? clean : next * clean + (1 - next) * renoise[i];
  }
  return x;
}

torch::Tensor SampleFlow(DexVlgNetImpl& net, const PrefixCache& cache,
                         const PrefixCache* null_cache, torch::Tensor x0, int steps,
                         double guidance, const torch::Tensor* renoise) {
  torch::NoGradGuard no_grad;
  auto field = [&](const torch::Tensor& x, double time) {
    const torch::Tensor t = torch::full({x.size(0), x.size(1)}, time, x.options());
    torch::Tensor v = net.Velocity(cache, x, t);
    if (null_cache != nullptr && guidance != 1.0) {
      const torch::Tensor vn = net.Velocity(*null_cache, x, t);
      v = vn + guidance * (v - vn);
    }
    return v;
  };
  if (renoise != nullptr) return IntegrateRenoised(field, std::move(x0), steps, *renoise);
  return IntegrateEuler(field, std::move(x0), steps);
}

torch::Tensor FlowLoss(DexVlgNetImpl& net, const PrefixCache& cache, const torch::Tensor& x1,
                       const torch::Tensor& x0, const torch::Tensor& t) {
  const torch::Tensor tt = t.unsqueeze(-1);
  const torch::Tensor xt = (1 - tt) * x0 + tt * x1;
  const torch::Tensor head = net.Head(cache, xt, t);
  const torch::Tensor error = net.config.prediction == "velocity" ? head - (x1 - x0) : head - x1;
  // each part of the grasp vector (translation, rotation, joints, squeeze, pregrasp offset,
  // pregrasp joints) weighs the same: a per-value mean lets the 66 joint values drown the 3 of
  // the translation, which then stays centimetres off
  const int64_t J = net.config.joints;
  const std::vector<int64_t> sizes = {3, 6, J, J, 3, J};
  std::vector<float> w;
  for (int64_t n : sizes) w.insert(w.end(), n, 1.0f / (sizes.size() * n));
  const torch::Tensor weights =
      torch::from_blob(w.data(), {1, 1, static_cast<int64_t>(w.size())}, torch::kFloat).clone();
  return (error.pow(2) * weights).sum(-1).mean(1);
}

std::vector<std::pair<std::string, torch::Tensor>> NamedParameters(torch::nn::Module& net) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& item : net.named_parameters(/*recurse=*/true))
    out.emplace_back(item.key(), item.value());
  return out;
}

}  // namespace dexvlg
