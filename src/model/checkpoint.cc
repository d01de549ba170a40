#include "model/checkpoint.h"

#include <cmath>

#include "core/atomic_file.h"
#include "h5/h5.h"

namespace dexvlg {

namespace {

std::vector<float> Values(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kCPU).to(torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

std::vector<uint64_t> Dims(const torch::Tensor& t) {
  std::vector<uint64_t> d;
  for (int64_t s : t.sizes()) d.push_back(static_cast<uint64_t>(s));
  if (d.empty()) d.push_back(1);
  return d;
}

}  // namespace

Status SaveModelFile(const std::string& path, const ModelConfig& config, const Tokenizer& tokenizer,
                     DexVlgNetImpl& net, const TrainState* state) {
  return WriteAtomically(path, [&](const std::string& tmp) -> Status {
    Expected<H5Writer> w = H5Writer::Create(tmp);
    if (!w) return w.error();
    const auto params = NamedParameters(net);
    for (const auto& [name, t] : params) w->Put("/tensors/" + name, Values(t), Dims(t));
    w->PutStrings("/tokenizer/vocabulary", tokenizer.vocabulary());
    w->PutStrings("/tokenizer/synonyms", tokenizer.SynonymEntries());
    w->Attribute("/", "format", kModelFormat);
    w->Attribute("/", "version", static_cast<long long>(kModelVersion));
    w->Attribute("/", "config", config.ToJson());
    w->Attribute("/", "parameters", static_cast<long long>([&] {
                   long long n = 0;
                   for (const auto& p : params) n += p.second.numel();
                   return n;
                 }()));
    if (state != nullptr) {
      w->Attribute("/", "train_step", static_cast<long long>(state->step));
      std::vector<double> curve;
      for (const auto& row : state->curve) curve.insert(curve.end(), row.begin(), row.end());
      w->Put("/train/loss_curve", curve, {state->curve.size(), 3});
      if (!state->objects.empty()) w->PutStrings("/train/objects", state->objects);
      for (size_t i = 0; i < params.size() && i < state->m.size(); ++i) {
        w->Put("/train/adam_m/" + params[i].first, Values(state->m[i]), Dims(state->m[i]));
        w->Put("/train/adam_v/" + params[i].first, Values(state->v[i]), Dims(state->v[i]));
      }
    }
    return w->Close();
  });
}

Expected<LoadedModel> LoadModelFile(const std::string& path) {
  Expected<H5Reader> r = H5Reader::Open(path);
  if (!r) return r.error();
  const std::string format = r->Attribute("/", "format");
  if (format != kModelFormat)
    return Error{path + ": not a dexvlg model (format \"" + format + "\", expected \"" +
                 kModelFormat + "\")"};
  const std::string version = r->Attribute("/", "version");
  if (version != std::to_string(kModelVersion))
    return Error{path + ": model file version " + version + ", this dexvlg reads version " +
                 std::to_string(kModelVersion)};
  Expected<ModelConfig> config = ModelConfig::FromJson(r->Attribute("/", "config"), path,
                                                       /*model_file=*/true);
  if (!config) return config.error();
  Expected<std::vector<std::string>> vocabulary = r->Strings("/tokenizer/vocabulary");
  if (!vocabulary) return vocabulary.error();
  std::vector<std::string> synonyms;  // absent in files written before WordNet was read
  if (r->Has("/tokenizer/synonyms")) {
    Expected<std::vector<std::string>> saved = r->Strings("/tokenizer/synonyms");
    if (!saved) return saved.error();
    synonyms = std::move(*saved);
  }
  Expected<Tokenizer> tokenizer = Tokenizer::FromVocabulary(*vocabulary, path, synonyms);
  if (!tokenizer) return tokenizer.error();
  LoadedModel out{*config, *tokenizer, DexVlgNet(*config, tokenizer->size()), std::nullopt};
  const auto params = NamedParameters(*out.net);
  auto read = [&](const std::string& name, const torch::Tensor& like) -> Expected<torch::Tensor> {
    if (!r->Has(name)) return Error{path + ": missing tensor " + name};
    const std::vector<uint64_t> dims = r->Dims(name);
    if (dims != Dims(like)) {
      std::string want, got;
      for (uint64_t d : Dims(like)) want += (want.empty() ? "" : " x ") + std::to_string(d);
      for (uint64_t d : dims) got += (got.empty() ? "" : " x ") + std::to_string(d);
      return Error{path + ": tensor " + name + " is " + got + ", the config needs " + want};
    }
    Expected<std::vector<float>> v = r->Floats(name);
    if (!v) return v.error();
    for (float x : *v)
      if (!std::isfinite(x)) return Error{path + ": tensor " + name + " holds a non-finite value"};
    return torch::from_blob(v->data(), like.sizes(), torch::kFloat).clone();
  };
  {
    torch::NoGradGuard no_grad;
    for (const auto& [name, t] : params) {
      Expected<torch::Tensor> v = read("/tensors/" + name, t);
      if (!v) return v.error();
      t.copy_(*v);
    }
  }
  const std::string step = r->Attribute("/", "train_step");
  if (!step.empty()) {
    TrainState s;
    s.step = std::stoi(step);
    Expected<std::vector<double>> curve = r->Doubles("/train/loss_curve");
    if (!curve) return curve.error();
    for (size_t i = 0; i + 2 < curve->size(); i += 3)
      s.curve.push_back({(*curve)[i], (*curve)[i + 1], (*curve)[i + 2]});
    if (r->Has("/train/objects")) {
      Expected<std::vector<std::string>> objects = r->Strings("/train/objects");
      if (!objects) return objects.error();
      s.objects = *objects;
    }
    const bool resumable = r->Has("/train/adam_m/" + params.front().first);
    for (const auto& [name, t] : params) {
      if (!resumable) break;  // a finished model keeps its curve only
      Expected<torch::Tensor> m = read("/train/adam_m/" + name, t);
      if (!m) return m.error();
      Expected<torch::Tensor> v = read("/train/adam_v/" + name, t);
      if (!v) return v.error();
      s.m.push_back(*m);
      s.v.push_back(*v);
    }
    out.state = std::move(s);
  }
  return out;
}

}  // namespace dexvlg
