// Model speed (docs/model.md "Speed"): 64 grasps from one 10,000-point cloud end to end on 2
// threads, with the prefix (points + text) encoded once and cached against re-encoding it at
// every Euler step, in the same run; and training samples per second on 1 and 2 threads.
//
//   ./build/bench/model_bench [--model DIR] [--count 64] [--repeats 5]
//
// Without --model it times an untrained network of the default config (the built-in model's
// sizes): speed does not depend on the weights.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "model/checkpoint.h"
#include "model/model.h"
#include "model/train.h"

using namespace dexvlg;
namespace fs = std::filesystem;

namespace {

ModelConfig DefaultConfigForHand() {
  ModelConfig c;
  SetHand(c, DefaultHand(), "built-in");
  return c;
}

// A 10,000-point cloud: a coloured cylinder (a can) standing on a patch of table.
std::shared_ptr<Cloud> CanCloud(int n) {
  auto cloud = std::make_shared<Cloud>();
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < n; ++i) {
    const bool table = i % 4 == 0;
    const double a = 2 * M_PI * u(rng);
    const float x = table ? 0.12f * (u(rng) - 0.5) : 0.035f * std::cos(a);
    const float y = table ? 0.12f * (u(rng) - 0.5) : 0.035f * std::sin(a);
    const float z = table ? 0.0f : 0.11f * u(rng);
    cloud->xyz.insert(cloud->xyz.end(), {x, y, z});
    cloud->rgb.insert(cloud->rgb.end(), {uint8_t(table ? 150 : 200), uint8_t(table ? 110 : 40),
                                         uint8_t(table ? 70 : 30)});
    cloud->labels.push_back(table ? -1 : 0);
  }
  return cloud;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir;
  int count = 64, repeats = 5, threads = 2;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--model") && i + 1 < argc) model_dir = argv[++i];
    if (!std::strcmp(argv[i], "--count") && i + 1 < argc) count = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
  }
  const fs::path tmp = fs::temp_directory_path() / "dexvlg_model_bench";
  fs::create_directories(tmp);
  if (model_dir.empty()) {
    const ModelConfig c = DefaultConfigForHand();
    const Tokenizer tok = Tokenizer::Build({"grasp the handle of the mug object"});
    torch::manual_seed(0);
    DexVlgNet net(c, tok.size());
    model_dir = (tmp / "untrained.h5").string();
    if (Status s = SaveModelFile(model_dir, c, tok, *net, nullptr); !s) {
      std::cerr << s.error().message << "\n";
      return 1;
    }
  }
  Expected<GraspModel> model = GraspModel::Load(model_dir);
  if (!model) {
    std::cerr << model.error().message << "\n";
    return 1;
  }
  const auto cloud = CanCloud(10000);
  torch::set_num_threads(threads);
  std::cout << "model: " << model->parameters() << " parameters, " << model->config().points
            << " points in " << model->config().patches << " patches, width "
            << model->config().width << ", " << model->config().layers << " layers, "
            << model->config().sample_steps << " Euler steps, guidance " << model->config().guidance
            << "\n";
  std::cout << "predict " << count << " grasps from a 10,000-point cloud, " << threads
            << " thread(s) (median of " << repeats << "):\n";
  double cached = 0;
  for (bool cache : {true, false}) {
    std::vector<double> ms;
    for (int r = 0; r < repeats + 1; ++r) {
      PredictOptions po;
      po.count = count;
      po.seed = r;
      po.cache_prefix = cache;
      Expected<PredictedGrasps> p = model->Predict(*cloud, "grasp the body of the can", po);
      if (!p) {
        std::cerr << p.error().message << "\n";
        return 1;
      }
      if (r > 0) ms.push_back(p->seconds * 1000);  // the first run warms up
    }
    const double m = Median(ms);
    if (cache) cached = m;
    std::cout << "  " << (cache ? "prefix cached     " : "prefix every step ") << m << " ms"
              << (cache ? "" : "  (x" + std::to_string(m / cached).substr(0, 4) + " slower)")
              << "\n";
  }
  // training throughput: a few steps of the default config on samples around the same cloud
  TrainingSet set;
  for (const Joint& j : DefaultHand().joints) set.joint_names.push_back(j.name);
  set.objects = {"can"};
  const HandModel& hand = DefaultHand();
  for (int s = 0; s < 4; ++s) {
    TrainingSample sample;
    sample.cloud = cloud;
    sample.part = "body";
    sample.noun = "can";
    sample.pose_size = hand.pose_size();
    for (int g = 0; g < 16; ++g) {
      const double quat[4] = {1, 0, 0, 0};
      const std::vector<double> row =
          PoseRow(hand, Vec3(0.1 * std::cos(g), 0.1 * std::sin(g), 0.06), quat, hand.RestJoints());
      for (auto* v : {&sample.pregrasp, &sample.grasp, &sample.squeeze})
        v->insert(v->end(), row.begin(), row.end());
      sample.captions.push_back("Grasp the body of the can object, with contacts on thumb");
    }
    set.samples.push_back(sample);
  }
  std::cout << "training, default config (batch " << model->config().batch << " x "
            << model->config().grasps_per_sample << " grasps):\n";
  for (int train_threads : {1, 2}) {
    ModelConfig c = DefaultConfigForHand();
    c.steps = 6;
    c.warmup = 1;
    TrainOptions o;
    o.out = (tmp / ("train_" + std::to_string(train_threads))).string();
    fs::remove_all(o.out);
    fs::create_directories(o.out);
    o.threads = train_threads;
    o.log_every = 1000;
    std::ostringstream log;
    Expected<TrainSummary> s = Train(c, set, TrainingSet{}, o, log);
    if (!s) {
      std::cerr << s.error().message << "\n";
      return 1;
    }
    std::cout << "  " << train_threads << " thread" << (train_threads > 1 ? "s" : " ") << "  "
              << s->samples_per_second << " samples/s\n";
  }
  fs::remove_all(tmp);
  return 0;
}
