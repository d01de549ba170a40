#include "model/config.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace dexvlg {

namespace {

// One list of (name, member) pairs drives writing, reading and the unknown-key check.
template <typename Config, typename F>
void ForEachField(Config& c, F&& f) {
  f("points", c.points);
  f("patches", c.patches);
  f("patch_size", c.patch_size);
  f("use_color", c.use_color);
  f("width", c.width);
  f("layers", c.layers);
  f("heads", c.heads);
  f("mlp_ratio", c.mlp_ratio);
  f("max_text", c.max_text);
  f("joints", c.joints);
  f("translation_scale", c.translation_scale);
  f("pregrasp_scale", c.pregrasp_scale);
  f("joint_names", c.joint_names);
  f("joint_lower", c.joint_lower);
  f("joint_upper", c.joint_upper);
  f("hand", c.hand);
  f("grasps_per_sample", c.grasps_per_sample);
  f("batch", c.batch);
  f("steps", c.steps);
  f("lr", c.lr);
  f("weight_decay", c.weight_decay);
  f("warmup", c.warmup);
  f("grad_clip", c.grad_clip);
  f("text_dropout", c.text_dropout);
  f("rotate_augment", c.rotate_augment);
  f("canonical_yaw", c.canonical_yaw);
  f("point_dropout", c.point_dropout);
  f("color_jitter", c.color_jitter);
  f("depth_noise", c.depth_noise);
  f("sample_steps", c.sample_steps);
  f("guidance", c.guidance);
  f("sampler", c.sampler);
  f("prediction", c.prediction);
  f("seed", c.seed);
}

}  // namespace

Status ModelConfig::Validate() const {
  std::ostringstream err;
  auto positive = [&](const char* name, double v) {
    if (err.tellp() == 0 && !(v > 0)) err << name << " must be > 0, got " << v;
  };
  auto unit = [&](const char* name, double v) {
    if (err.tellp() == 0 && !(v >= 0 && v <= 1)) err << name << " must lie in [0, 1], got " << v;
  };
  positive("points", points);
  positive("patches", patches);
  positive("patch_size", patch_size);
  positive("width", width);
  positive("layers", layers);
  positive("heads", heads);
  positive("mlp_ratio", mlp_ratio);
  positive("max_text", max_text);
  positive("joints", joints);
  positive("translation_scale", translation_scale);
  positive("pregrasp_scale", pregrasp_scale);
  positive("grasps_per_sample", grasps_per_sample);
  positive("batch", batch);
  positive("steps", steps);
  positive("lr", lr);
  positive("sample_steps", sample_steps);
  positive("grad_clip", grad_clip);
  unit("text_dropout", text_dropout);
  unit("rotate_augment", rotate_augment);
  unit("point_dropout", point_dropout);
  if (err.tellp() == 0 && (weight_decay < 0 || color_jitter < 0 || depth_noise < 0 || warmup < 0))
    err << "weight_decay, color_jitter, depth_noise and warmup must be >= 0";
  if (err.tellp() == 0 && width % heads != 0)
    err << "width (" << width << ") must be a multiple of heads (" << heads << ")";
  if (err.tellp() == 0 && patches > points)
    err << "patches (" << patches << ") must not exceed points (" << points << ")";
  if (err.tellp() == 0 && patch_size > points)
    err << "patch_size (" << patch_size << ") must not exceed points (" << points << ")";
  if (err.tellp() == 0 && guidance < 0) err << "guidance must be >= 0, got " << guidance;
  if (err.tellp() == 0 && sampler != "flow" && sampler != "ddpm")
    err << "sampler must be \"flow\" or \"ddpm\", got \"" << sampler << "\"";
  if (err.tellp() == 0 && prediction != "data" && prediction != "velocity")
    err << "prediction must be \"data\" or \"velocity\", got \"" << prediction << "\"";
  if (err.tellp() == 0 && !joint_names.empty() &&
      (static_cast<int>(joint_names.size()) != joints ||
       static_cast<int>(joint_lower.size()) != joints ||
       static_cast<int>(joint_upper.size()) != joints))
    err << "joint_names, joint_lower and joint_upper must each have " << joints << " values";
  for (size_t j = 0; err.tellp() == 0 && j < joint_lower.size() && j < joint_upper.size(); ++j)
    if (!(joint_upper[j] > joint_lower[j]))
      err << "joint " << j << ": upper limit " << joint_upper[j] << " not above lower "
          << joint_lower[j];
  if (err.tellp() != 0) return Error{"model config: " + err.str()};
  return Status::Ok();
}

std::string ModelConfig::ToJson() const {
  nlohmann::json j;
  ModelConfig copy = *this;
  ForEachField(copy, [&](const char* name, auto& v) { j[name] = v; });
  return j.dump(2);
}

Expected<ModelConfig> ModelConfig::FromJson(const std::string& text, const std::string& origin,
                                            bool model_file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    return Error{origin + ": the model config is not JSON (" + e.what() + ")"};
  }
  if (!j.is_object()) return Error{origin + ": the model config must be a JSON object"};
  ModelConfig c;
  std::string problem;
  size_t known = 0;
  ForEachField(c, [&](const char* name, auto& v) {
    if (!j.contains(name) || !problem.empty()) return;
    ++known;
    try {
      v = j[name].get<std::decay_t<decltype(v)>>();
    } catch (const std::exception& e) {
      problem = std::string("\"") + name + "\" has the wrong type (" + e.what() + ")";
    }
  });
  if (problem.empty() && known != j.size()) {
    ModelConfig names;
    for (auto it = j.begin(); it != j.end() && problem.empty(); ++it) {
      bool found = false;
      ForEachField(names, [&](const char* name, auto&) { found = found || it.key() == name; });
      if (!found) problem = "unknown key \"" + it.key() + "\"";
    }
  }
  if (!problem.empty()) return Error{origin + ": model config: " + problem};
  // model files written before these keys existed were trained with velocity prediction and
  // without the canonical heading
  if (model_file && !j.contains("prediction")) c.prediction = "velocity";
  if (model_file && !j.contains("canonical_yaw")) c.canonical_yaw = false;
  if (Status s = c.Validate(); !s) return Error{origin + ": " + s.error().message};
  return c;
}

}  // namespace dexvlg
