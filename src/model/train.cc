#include "model/train.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <ostream>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "model/checkpoint.h"
#include "model/inputs.h"
#include "model/loss_plot.h"
#include "model/network.h"

namespace dexvlg {

namespace fs = std::filesystem;

namespace {

double LearningRate(const ModelConfig& c, int step) {
  if (step < c.warmup) return c.lr * (step + 1) / c.warmup;
  const double progress =
      std::min(1.0, (step - c.warmup) / std::max(1.0, 1.0 * (c.steps - c.warmup)));
  const double floor = c.lr / 20;
  return floor + 0.5 * (c.lr - floor) * (1 + std::cos(M_PI * progress));
}

// The config as JSON without the number of steps (a run may be extended).
std::string Shape(ModelConfig c) {
  c.steps = 0;
  return c.ToJson();
}

double ValidationLoss(DexVlgNetImpl& net, const TrainingSet& val, const ModelConfig& c,
                      const Tokenizer& tok, const GraspCodec& codec, int batches) {
  if (val.samples.empty()) return std::numeric_limits<double>::quiet_NaN();
  torch::NoGradGuard no_grad;
  double sum = 0;
  for (int i = 0; i < batches; ++i) {
    // fixed batches (negative steps never occur in training), no augmentation
    const Batch b = MakeBatch(val, c, tok, codec, -1 - i, 0, c.batch, false, c.seed);
    const PrefixCache cache = net.EncodePrefix(b.points, b.text, b.keep);
    sum += FlowLoss(net, cache, b.x1, b.x0, b.t).mean().item<double>();
  }
  return sum / batches;
}

Status WriteSideFiles(const std::string& out, const ModelConfig& c, const TrainState& s) {
  if (Status st = WriteTextAtomically((fs::path(out) / "config.json").string(), c.ToJson() + "\n");
      !st)
    return st;
  std::ostringstream csv;
  csv << "step,loss,validation_loss\n" << std::setprecision(6);
  for (const auto& row : s.curve) {
    csv << static_cast<int>(row[0]) << "," << row[1] << ",";
    if (std::isfinite(row[2])) csv << row[2];
    csv << "\n";
  }
  if (Status st = WriteTextAtomically((fs::path(out) / "loss.csv").string(), csv.str()); !st)
    return st;
  fs::path folder = fs::path(out).lexically_normal();
  if (folder.filename().empty()) folder = folder.parent_path();  // "models/m/"
  const std::string name = folder.filename().string();
  return WriteTextAtomically((fs::path(out) / "loss.svg").string(),
                             LossCurveSvg(s.curve, "dexvlg train: " + name));
}

}  // namespace

Expected<TrainSummary> Train(const ModelConfig& config_in, const TrainingSet& train,
                             const TrainingSet& validation, const TrainOptions& o,
                             std::ostream& log) {
  if (Status s = config_in.Validate(); !s) return s.error();
  if (train.samples.empty())
    return Error{"train: the training data holds no sample (no scene with held grasps)"};
  if (o.world < 1 || o.rank < 0 || o.rank >= o.world || config_in.batch < o.world)
    return Error{"train: rank " + std::to_string(o.rank) + " of " + std::to_string(o.world) +
                 " with a batch of " + std::to_string(config_in.batch) +
                 " (each process needs at least one sample)"};
  if (o.threads > 0) torch::set_num_threads(o.threads);
  ModelConfig c = config_in;
  if (c.joint_names.empty()) {
    return Error{"train: the config names no joints (they come from the dataset's hand)"};
  }
  const std::string path = (fs::path(o.out) / "model.h5").string();
  std::error_code ec;
  TrainSummary summary;
  Tokenizer tok;
  DexVlgNet net{nullptr};
  TrainState state;
  if (fs::exists(path, ec)) {
    Expected<LoadedModel> loaded = LoadModelFile(path);
    if (!loaded) return Error{"train: cannot resume: " + loaded.error().message};
    if (Shape(loaded->config) != Shape(c))
      return Error{path +
                   " was trained with another config or hand; use another --out or the "
                   "same config (only \"steps\" may change)"};
    if (!loaded->state || loaded->state->m.empty()) {  // finished: nothing to do
      if (o.rank == 0) log << path << " is already trained\n";
      summary.steps = loaded->state ? loaded->state->step : c.steps;
      summary.resumed_from = summary.steps;
      return summary;
    }
    tok = loaded->tokenizer;
    net = loaded->net;
    state = *loaded->state;
    summary.resumed_from = state.step;
    if (o.rank == 0) log << "resuming " << path << " at step " << state.step << "\n";
  } else {
    tok = Tokenizer::Build(train.Texts());
    torch::manual_seed(c.seed);
    net = DexVlgNet(c, tok.size());
  }
  const auto params = NamedParameters(*net);
  std::set<int> used;  // the objects with training samples (held-back ones have none here)
  for (const TrainingSample& s : train.samples) used.insert(s.object);
  state.objects.clear();
  for (int i : used) state.objects.push_back(train.objects[i]);
  if (state.m.empty()) {
    for (const auto& p : params) {
      state.m.push_back(torch::zeros_like(p.second));
      state.v.push_back(torch::zeros_like(p.second));
    }
  }
  for (const auto& p : params) summary.parameters += p.second.numel();
  const GraspCodec codec(c);
  const int begin = o.rank * c.batch / o.world, end = (o.rank + 1) * c.batch / o.world;
  if (o.rank == 0) {
    log << "training " << summary.parameters << " parameters on " << train.samples.size()
        << " samples (" << train.GraspCount() << " grasps), " << validation.samples.size()
        << " held back; batch " << c.batch << " x " << c.grasps_per_sample << " grasps over "
        << o.world << " process(es), " << c.steps << " steps\n";
  }
  auto save = [&](bool final_model) -> Status {
    if (o.rank != 0) return Status::Ok();
    TrainState kept = state;
    if (final_model) {  // the shipped file keeps the curve, not the optimiser's moments
      kept.m.clear();
      kept.v.clear();
    }
    if (Status s = SaveModelFile(path, c, tok, *net, &kept); !s) return s;
    return WriteSideFiles(o.out, c, state);
  };
  const auto start = std::chrono::steady_clock::now();
  double interval_loss = 0;
  int interval_steps = 0;
  const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  int done_here = 0;
  double best_validation = std::numeric_limits<double>::infinity();
  for (const auto& row : state.curve)  // a resumed run keeps the best of its earlier part
    if (std::isfinite(row[2])) best_validation = std::min(best_validation, row[2]);
  while (state.step < c.steps) {
    const int step = state.step;
    const Batch b = MakeBatch(train, c, tok, codec, step, begin, end, true, c.seed);
    for (auto& p : params) p.second.mutable_grad() = torch::Tensor();
    const PrefixCache cache = net->EncodePrefix(b.points, b.text, b.keep);
    const torch::Tensor per_sample = FlowLoss(*net, cache, b.x1, b.x0, b.t);
    const torch::Tensor loss = per_sample.sum() / c.batch;
    loss.backward();
    // gradients (and the loss) summed over the processes
    std::vector<float> flat;
    for (const auto& p : params) {
      const torch::Tensor g =
          p.second.grad().defined() ? p.second.grad().contiguous() : torch::zeros_like(p.second);
      flat.insert(flat.end(), g.data_ptr<float>(), g.data_ptr<float>() + g.numel());
    }
    flat.push_back(loss.item<float>());
    if (o.world > 1 && o.all_sum) o.all_sum(flat);
    const double step_loss = flat.back();
    double norm2 = 0;
    for (size_t i = 0; i + 1 < flat.size(); ++i) norm2 += static_cast<double>(flat[i]) * flat[i];
    const double clip = std::min(1.0, c.grad_clip / (std::sqrt(norm2) + 1e-12));
    const double lr = LearningRate(c, step);
    const double bias1 = 1 - std::pow(beta1, step + 1), bias2 = 1 - std::pow(beta2, step + 1);
    {
      torch::NoGradGuard no_grad;
      size_t offset = 0;
      for (size_t i = 0; i < params.size(); ++i) {
        torch::Tensor p = params[i].second;
        const torch::Tensor g =
            torch::from_blob(flat.data() + offset, p.sizes(), torch::kFloat).clone() * clip;
        offset += p.numel();
        state.m[i].mul_(beta1).add_(g, 1 - beta1);
        state.v[i].mul_(beta2).addcmul_(g, g, 1 - beta2);
        if (p.dim() >= 2) p.mul_(1 - lr * c.weight_decay);
        p.addcdiv_(state.m[i] / bias1, (state.v[i] / bias2).sqrt_().add_(eps), -lr);
      }
    }
    state.step = step + 1;
    if (done_here == 0) summary.first_loss = step_loss;
    ++done_here;
    interval_loss += step_loss;
    ++interval_steps;
    double val = std::numeric_limits<double>::quiet_NaN();
    const bool last = state.step == c.steps;
    if (state.step % o.validate_every == 0 || last)
      val = ValidationLoss(*net, validation, c, tok, codec, o.validation_batches);
    state.curve.push_back({static_cast<double>(state.step), step_loss, val});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    summary.loss = interval_loss / interval_steps;
    if (std::isfinite(val)) {
      summary.validation = val;
      if (val < best_validation) {  // best.h5: the weights of the lowest validation loss so far
        best_validation = val;
        TrainState kept = state;
        kept.m.clear();
        kept.v.clear();
        if (o.rank == 0)
          if (Status s = SaveModelFile((fs::path(o.out) / "best.h5").string(), c, tok, *net, &kept);
              !s)
            return s.error();
      }
    }
    if (o.rank == 0 && (state.step % o.log_every == 0 || last)) {
      log << "step " << state.step << "/" << c.steps << "  loss " << std::fixed
          << std::setprecision(4) << summary.loss;
      if (std::isfinite(val)) log << "  validation " << val;
      log << "  lr " << std::scientific << std::setprecision(2) << lr << std::fixed << "  "
          << std::setprecision(1) << done_here * c.batch / std::max(1e-9, seconds) << " samples/s\n"
          << std::flush;
      interval_loss = 0;
      interval_steps = 0;
    }
    if (!last && o.stop_after > 0 && done_here >= o.stop_after) {  // paused: resumable
      if (Status s = save(false); !s) return s.error();
      summary.steps = state.step;
      return summary;
    }
    if (!last && state.step % o.checkpoint_every == 0)
      if (Status s = save(false); !s) return s.error();
  }
  if (Status s = save(true); !s) return s.error();
  summary.steps = state.step;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.samples_per_second = done_here * c.batch / std::max(1e-9, summary.seconds);
  if (!std::isfinite(summary.validation) && validation.samples.empty())
    summary.validation = std::numeric_limits<double>::quiet_NaN();
  return summary;
}

}  // namespace dexvlg
