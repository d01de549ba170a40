#include "model/model.h"

#include <chrono>
#include <filesystem>

#include "hand/hand_loader.h"
#include "model/checkpoint.h"
#include "model/grasp_codec.h"
#include "model/inputs.h"
#include "model/network.h"

namespace dexvlg {

struct GraspModel::Impl {
  LoadedModel loaded;
  long long parameters = 0;
};

std::string ModelFilePath(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec)
             ? (std::filesystem::path(path) / "model.h5").string()
             : path;
}

Expected<GraspModel> GraspModel::Load(const std::string& path) {
  const std::string file = ModelFilePath(path);
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return Error{file + ": no such model file"};
  Expected<LoadedModel> loaded = LoadModelFile(file);
  if (!loaded) return loaded.error();
  GraspModel m;
  m.impl_ = std::make_shared<Impl>();
  m.impl_->loaded = std::move(*loaded);
  m.impl_->loaded.net->eval();
  for (const auto& p : NamedParameters(*m.impl_->loaded.net))
    m.impl_->parameters += p.second.numel();
  return m;
}

const ModelConfig& GraspModel::config() const { return impl_->loaded.config; }
const Tokenizer& GraspModel::tokenizer() const { return impl_->loaded.tokenizer; }
long long GraspModel::parameters() const { return impl_->parameters; }
const std::vector<std::string>& GraspModel::training_objects() const {
  static const std::vector<std::string> none;
  return impl_->loaded.state ? impl_->loaded.state->objects : none;
}

Expected<PredictedGrasps> GraspModel::Predict(const Cloud& cloud, const std::string& instruction,
                                              const PredictOptions& o) const {
  const auto start = std::chrono::steady_clock::now();
  const ModelConfig& c = impl_->loaded.config;
  if (cloud.size() == 0) return Error{"predict: the point cloud is empty"};
  if (cloud.rgb.size() != cloud.xyz.size() && !cloud.rgb.empty())
    return Error{"predict: the cloud has " + std::to_string(cloud.size()) + " points but " +
                 std::to_string(cloud.rgb.size() / 3) + " colours"};
  for (float v : cloud.xyz)
    if (!std::isfinite(v)) return Error{"predict: the point cloud holds a non-finite coordinate"};
  if (!o.null_instruction && Tokenizer::Words(instruction).empty())
    return Error{
        "predict: the instruction is empty (say what to grasp, e.g. \"grasp the handle "
        "of the mug\")"};
  if (o.count < 1 || o.count > 4096)
    return Error{"predict: count " + std::to_string(o.count) + " (expected 1..4096)"};
  const int steps = o.steps > 0 ? o.steps : c.sample_steps;
  const double guidance = o.guidance >= 0 ? o.guidance : c.guidance;
  torch::NoGradGuard no_grad;
  std::mt19937_64 rng(MixSeed(o.seed, 0x9E7, 0));
  const PreparedCloud prepared = PrepareCloud(cloud, c, rng, false);
  std::vector<float> values = prepared.values;
  const torch::Tensor points = torch::from_blob(values.data(), {1, c.points, 6}, torch::kFloat);
  torch::Tensor text, keep, null_text, null_keep;
  const Tokenizer& tok = impl_->loaded.tokenizer;
  EncodeTexts(tok,
              {o.null_instruction ? std::vector<int>{Tokenizer::kNull}
                                  : tok.Encode(instruction, c.max_text)},
              text, keep);
  EncodeTexts(tok, {{Tokenizer::kNull}}, null_text, null_keep);
  const int D = c.GraspDim();
  std::vector<float> noise(static_cast<size_t>(o.count) * D);
  std::normal_distribution<double> gauss(0, 1);
  for (float& z : noise) z = static_cast<float>(gauss(rng));
  torch::Tensor x0 = torch::from_blob(noise.data(), {1, o.count, D}, torch::kFloat).clone();
  const std::string sampler = o.sampler.empty() ? c.sampler : o.sampler;
  if (sampler != "flow" && sampler != "ddpm")
    return Error{"predict: sampler \"" + sampler + "\" (flow or ddpm)"};
  torch::Tensor renoise;  // the ddpm sampler's fresh noise, from the same seeded generator
  if (sampler == "ddpm") {
    std::vector<float> fresh(static_cast<size_t>(steps) * o.count * D);
    for (float& z : fresh) z = static_cast<float>(gauss(rng));
    renoise = torch::from_blob(fresh.data(), {steps, 1, o.count, D}, torch::kFloat).clone();
  }
  DexVlgNetImpl& net = *impl_->loaded.net;
  const bool guided = guidance != 1.0 && !o.null_instruction;
  torch::Tensor x;
  if (o.cache_prefix) {
    const PrefixCache cache = net.EncodePrefix(points, text, keep);
    PrefixCache null_cache;
    if (guided) null_cache = net.EncodePrefix(points, null_text, null_keep);
    x = SampleFlow(net, cache, guided ? &null_cache : nullptr, x0, steps, guidance,
                   sampler == "ddpm" ? &renoise : nullptr);
  } else {  // the baseline: the whole sequence at every step
    auto field = [&](const torch::Tensor& xs, double time) {
      const torch::Tensor t = torch::full({1, o.count}, time, torch::kFloat);
      torch::Tensor v = net.Velocity(net.EncodePrefix(points, text, keep), xs, t);
      if (guided) {
        const torch::Tensor vn =
            net.Velocity(net.EncodePrefix(points, null_text, null_keep), xs, t);
        v = vn + guidance * (v - vn);
      }
      return v;
    };
    x = sampler == "ddpm" ? IntegrateRenoised(field, x0, steps, renoise)
                          : IntegrateEuler(field, x0, steps);
  }
  x = x.contiguous();
  const GraspCodec codec(c);
  PredictedGrasps out;
  out.count = o.count;
  out.pose_size = codec.pose_size();
  out.centroid = prepared.centroid;
  const size_t ps = out.pose_size;
  out.pregrasp.resize(o.count * ps);
  out.grasp.resize(o.count * ps);
  out.squeeze.resize(o.count * ps);
  const float* data = x.data_ptr<float>();
  for (int g = 0; g < o.count; ++g) {
    codec.Decode(data + static_cast<size_t>(g) * D, prepared.centroid, &out.pregrasp[g * ps],
                 &out.grasp[g * ps], &out.squeeze[g * ps]);
    if (prepared.yaw != 0)  // from the canonical heading back to the cloud's
      for (std::vector<double>* rows : {&out.pregrasp, &out.grasp, &out.squeeze})
        RotatePoseAboutZ(rows->data() + g * ps, prepared.centroid, prepared.yaw);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace dexvlg

namespace dexvlg {
Status CheckDevice(const std::string& device) {
  if (device == "cpu") return Status::Ok();
  if (device == "cuda") {
    if (!torch::cuda::is_available())
      return Error{
          "--device cuda: this LibTorch has no CUDA (Debian's libtorch is a CPU build); "
          "use --device cpu"};
    return Error{
        "--device cuda: LibTorch sees a GPU, but dexvlg's training and sampling run on "
        "the CPU only so far; use --device cpu"};
  }
  return Error{"--device \"" + device + "\" (expected cpu or cuda)"};
}
}  // namespace dexvlg

namespace dexvlg {
void SetHand(ModelConfig& config, const HandModel& hand, const std::string& source) {
  config.joints = static_cast<int>(hand.joints.size());
  config.joint_names.clear();
  config.joint_lower.clear();
  config.joint_upper.clear();
  for (const Joint& j : hand.joints) {
    config.joint_names.push_back(j.name);
    config.joint_lower.push_back(j.lower);
    config.joint_upper.push_back(j.upper);
  }
  config.hand = source;
}

Expected<HandModel> ModelHand(const GraspModel& model, const std::string& hand) {
  const std::string path = !hand.empty() ? hand : model.config().hand;
  Expected<HandModel> h =
      path.empty() || path == "built-in" ? Expected<HandModel>(DefaultHand()) : LoadHand(path);
  if (!h) return h.error();
  std::vector<std::string> joints;
  for (const Joint& j : h->joints) joints.push_back(j.name);
  if (joints != model.config().joint_names)
    return Error{"the model was trained for another hand than " +
                 (path.empty() || path == "built-in" ? std::string("the built-in hand") : path) +
                 " (its joints differ)"};
  return h;
}
}  // namespace dexvlg

namespace dexvlg {
void SetModelThreads(int threads) { torch::set_num_threads(std::max(1, threads)); }
}  // namespace dexvlg
