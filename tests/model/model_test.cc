// The DexVLG model: tokenizer, grasp encoding, config, the flow sampler, training on a toy shard
// (overfitting, language moving grasps between parts), checkpoints and exact resumption.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "h5/h5.h"
#include "model/checkpoint.h"
#include "model/grasp_codec.h"
#include "model/inputs.h"
#include "model/instructions.h"
#include "model/loss_plot.h"
#include "model/model.h"
#include "model/network.h"
#include "model/tokenizer.h"
#include "model/toy_data.h"
#include "model/train.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

TEST(TokenizerTest, WordNetSynonymsTravelWithTheVocabulary) {
  const std::string wordnet = Tokenizer::DefaultWordNetDir();
  if (!std::filesystem::exists(wordnet + "/index.verb"))
    GTEST_SKIP() << "WordNet not installed at " << wordnet << " (apt-get install wordnet-base)";
  const std::vector<std::string> texts = {"lift the lid of the jar", "grasp the handle"};
  const Tokenizer tok = Tokenizer::Build(texts);
  // WordNet's most frequent verb sense of "lift" is {raise, lift, elevate}
  EXPECT_EQ(tok.Known("raise"), "lift");
  EXPECT_EQ(tok.Known("elevates"), "lift");
  // and of the noun "handle", {handle, grip, handgrip, hold}
  EXPECT_EQ(tok.Known("handgrip"), "handle");
  // without WordNet the word is unknown
  EXPECT_EQ(Tokenizer::Build(texts, "").Known("raise"), "");
  // saved and read back with the vocabulary, as the model file does
  auto back = Tokenizer::FromVocabulary(tok.vocabulary(), "test", tok.SynonymEntries());
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->Known("raise"), "lift");
  EXPECT_EQ(back->Encode("raise the lid", 8), tok.Encode("lift the lid", 8));
  EXPECT_FALSE(Tokenizer::FromVocabulary(tok.vocabulary(), "test", {"raise=nothing"}).ok());
  EXPECT_FALSE(Tokenizer::FromVocabulary(tok.vocabulary(), "test", {"raise"}).ok());
}

TEST(TokenizerTest, KnownSynonymStemAndUnknownWords) {
  const Tokenizer tok = Tokenizer::Build({"Grasp the handle of the mug object", "pick up the box"});
  const std::vector<int> a = tok.Encode("grasp the handle", 32);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(tok.vocabulary()[a[2]], "handle");
  // a WordNet synonym and a plural map onto known words
  EXPECT_EQ(tok.Encode("handgrip", 32), tok.Encode("handle", 32));
  EXPECT_EQ(tok.Encode("handles", 32), tok.Encode("handle", 32));
  EXPECT_EQ(tok.Known("mugs"), "mug");
  // unseen words get hashed unknown ids, and two of them usually differ
  const int x = tok.Encode("zebra", 32)[0], y = tok.Encode("quokka", 32)[0];
  EXPECT_GE(x, Tokenizer::kUnknownFirst);
  EXPECT_LT(x, Tokenizer::kSpecial);
  EXPECT_GE(y, Tokenizer::kUnknownFirst);
  EXPECT_LT(y, Tokenizer::kSpecial);
  EXPECT_EQ(tok.Encode("!!!", 32), std::vector<int>{Tokenizer::kNull});
  EXPECT_EQ(tok.Encode("grasp the handle of the mug", 2).size(), 2u);
  // the saved vocabulary reads back; a foreign one is refused
  EXPECT_TRUE(Tokenizer::FromVocabulary(tok.vocabulary(), "t").ok());
  std::vector<std::string> bad = tok.vocabulary();
  bad[0] = "hello";
  EXPECT_FALSE(Tokenizer::FromVocabulary(bad, "t").ok());
  EXPECT_EQ(Tokenizer::Words("Pick up the mug's HANDLE, please."),
            (std::vector<std::string>{"pick", "up", "the", "mug", "handle", "please"}));
}

TEST(InstructionsTest, NounsCaptionsAndParaphrases) {
  EXPECT_EQ(ObjectNoun("ycb_006_mustard_bottle"), "mustard bottle");
  EXPECT_EQ(ObjectNoun("grab_hammer_parts"), "hammer");
  std::string part, object;
  ASSERT_TRUE(
      ParseCaption("Grasp the handle of the mug object, with contacts on thumb", part, object));
  EXPECT_EQ(part, "handle");
  EXPECT_EQ(object, "mug");
  EXPECT_FALSE(ParseCaption("hold it", part, object));
  // held-out paraphrases are not among the training ones
  for (const std::string& h : HeldOutParaphrases("handle", "mug", 0))
    for (const std::string& t : TrainingParaphrases("handle", "mug", 0)) EXPECT_NE(h, t);
}

TEST(GraspCodecTest, RoundTripsPoseRows) {
  const ModelConfig c = testing::TinyConfig();
  const GraspCodec codec(c);
  const HandModel& hand = DefaultHand();
  double quat[4];
  MatrixToQuat(AxisAngleMatrix(Vec3(1, 2, 3).normalized(), 1.1), quat);
  std::vector<double> q = hand.RestJoints();
  for (size_t j = 0; j < q.size(); ++j)
    q[j] = hand.joints[j].lower + 0.3 * (hand.joints[j].upper - hand.joints[j].lower);
  const std::vector<double> grasp = PoseRow(hand, Vec3(0.05, -0.02, 0.1), quat, q);
  std::vector<double> pre = grasp, squeeze = grasp;
  pre[0] += 0.01;
  pre[2] += 0.02;
  for (size_t j = 0; j < q.size(); ++j) {
    squeeze[7 + j] = std::min(hand.joints[j].upper, q[j] + 0.1);
    pre[7 + j] = std::max(hand.joints[j].lower, q[j] - 0.1);
  }
  const Vec3 centroid(0.01, 0.02, 0.05);
  std::vector<float> v(codec.dim());
  codec.Encode(pre.data(), grasp.data(), squeeze.data(), centroid, v.data());
  for (float x : v) EXPECT_LE(std::abs(x), 3.0f);  // normalised
  std::vector<double> p2(grasp.size()), g2(grasp.size()), s2(grasp.size());
  codec.Decode(v.data(), centroid, p2.data(), g2.data(), s2.data());
  const double sign = g2[3] * grasp[3] < 0 ? -1 : 1;  // q and -q are one rotation
  for (size_t i = 0; i < grasp.size(); ++i) {
    const double s = i >= 3 && i < 7 ? sign : 1;
    EXPECT_NEAR(s * g2[i], grasp[i], 1e-5) << i;
    EXPECT_NEAR(s * p2[i], pre[i], 1e-5) << i;
    EXPECT_NEAR(s * s2[i], squeeze[i], 1e-5) << i;
  }
}

TEST(ModelConfigTest, JsonRoundTripAndErrors) {
  ModelConfig c = testing::TinyConfig();
  c.guidance = 2.5;
  Expected<ModelConfig> back = ModelConfig::FromJson(c.ToJson(), "x");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->ToJson(), c.ToJson());
  EXPECT_FALSE(ModelConfig::FromJson("{\"widht\": 3}", "x").ok());  // unknown key
  EXPECT_FALSE(ModelConfig::FromJson("{\"width\": \"big\"}", "x").ok());
  EXPECT_FALSE(ModelConfig::FromJson("not json", "x").ok());
  // a config file may name a few values; the rest keep today's defaults, while a model file
  // without a key predates it
  Expected<ModelConfig> part = ModelConfig::FromJson("{\"width\": 64}", "x");
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->prediction, "data");
  EXPECT_TRUE(part->canonical_yaw);
  Expected<ModelConfig> old = ModelConfig::FromJson("{\"width\": 64}", "x", true);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->prediction, "velocity");
  EXPECT_FALSE(old->canonical_yaw);
  c.heads = 5;  // 48 is not a multiple of 5
  EXPECT_FALSE(c.Validate().ok());
}

TEST(LossPlotTest, DrawsBothLossesAndMarksTheLowestValidation) {
  const double nan = std::nan("");
  std::vector<std::array<double, 3>> curve;
  for (int step = 1; step <= 300; ++step) {
    const double val = step % 50 == 0 ? 0.3 / std::sqrt(step) + (step == 250 ? -0.01 : 0) : nan;
    curve.push_back({1.0 * step, 1.0 / step + (step % 2 ? 0.01 : 0), val});
  }
  curve.push_back({301, nan, nan});  // a row without losses is skipped, not drawn at zero
  const std::string svg = LossCurveSvg(curve, "run <a&b>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  EXPECT_NE(svg.find("run &lt;a&amp;b&gt;"), std::string::npos);  // the title, escaped
  // raw and smoothed training loss, the validation loss
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos;
       at = svg.find("<polyline", at + 1))
    ++lines;
  EXPECT_EQ(lines, 3u);
  // step 250 is the lowest validation loss: 0.3 / sqrt(250) - 0.01 = 0.00897
  EXPECT_NE(svg.find("0.008974 at step 250"), std::string::npos) << svg;
  // an empty run says so
  EXPECT_NE(LossCurveSvg({}, "empty").find("no steps yet"), std::string::npos);
}

TEST(FlowTest, EulerIntegratesKnownFields) {
  // a constant field moves every point by exactly the field
  const torch::Tensor x0 = torch::randn({2, 3, 5});
  const torch::Tensor c = torch::randn({2, 3, 5});
  auto constant = [&](const torch::Tensor&, double) { return c; };
  EXPECT_TRUE(torch::allclose(IntegrateEuler(constant, x0, 7), x0 + c, 1e-5, 1e-5));
  // the flow-matching field towards a fixed target, v = (x1 - x) / (1 - t): Euler lands on x1
  // for any number of steps (the straight paths flow matching trains on)
  const torch::Tensor x1 = torch::randn({2, 3, 5});
  auto towards = [&](const torch::Tensor& x, double t) { return (x1 - x) / (1 - t); };
  for (int steps : {1, 4, 20})
    EXPECT_TRUE(torch::allclose(IntegrateEuler(towards, x0, steps), x1, 1e-4, 1e-4)) << steps;
  // a linear field dx/dt = -x: Euler gives (1 - 1/n)^n x0, close to exp(-1) x0 for many steps
  auto decay = [&](const torch::Tensor& x, double) { return -x; };
  EXPECT_TRUE(torch::allclose(IntegrateEuler(decay, x0, 10), x0 * std::pow(0.9, 10), 1e-5, 1e-5));
}

TEST(FlowTest, TheDdpmSamplerRenoisesTheCleanEstimate) {
  const torch::Tensor x0 = torch::randn({2, 3, 5});
  const torch::Tensor x1 = torch::randn({2, 3, 5});
  // a field whose clean estimate is always x1: whatever the fresh noise, the sample ends on x1
  auto towards = [&](const torch::Tensor& x, double t) { return (x1 - x) / (1 - t); };
  const torch::Tensor noise = torch::randn({6, 2, 3, 5});
  EXPECT_TRUE(torch::allclose(IntegrateRenoised(towards, x0, 6, noise), x1, 1e-4, 1e-4));
  // each step is t' x1_hat + (1 - t') z: with a field that reports where it was called, the
  // point handed to the second step is exactly 0.5 x1_hat + 0.5 z
  std::vector<torch::Tensor> seen;
  auto record = [&](const torch::Tensor& x, double t) {
    seen.push_back(x.clone());
    return (x1 - x) / (1 - t);
  };
  IntegrateRenoised(record, x0, 2, noise);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(torch::allclose(seen[1], 0.5 * x1 + 0.5 * noise[0], 1e-5, 1e-5));
}

TEST(NetworkTest, GraspTokensDoNotSeeEachOther) {
  ModelConfig c = testing::TinyConfig();
  torch::manual_seed(0);
  DexVlgNet net(c, 40);
  const torch::Tensor points = torch::randn({1, c.points, 6}) * 0.3;
  const torch::Tensor text = torch::tensor({{5, 6, 7}}, torch::kLong);
  const torch::Tensor keep = torch::ones({1, 3}, torch::kBool);
  const PrefixCache cache = net->EncodePrefix(points, text, keep);
  torch::Tensor x = torch::randn({1, 3, c.GraspDim()});
  const torch::Tensor t = torch::full({1, 3}, 0.3);
  const torch::Tensor v = net->Velocity(cache, x, t);
  // changing grasp 2 leaves the velocities of grasps 0 and 1 unchanged
  torch::Tensor x2 = x.clone();
  x2.index_put_({0, 2}, torch::randn({c.GraspDim()}));
  const torch::Tensor v2 = net->Velocity(cache, x2, t);
  EXPECT_TRUE(torch::allclose(v.index({0, torch::indexing::Slice(0, 2)}),
                              v2.index({0, torch::indexing::Slice(0, 2)}), 1e-6, 1e-6));
  EXPECT_FALSE(torch::allclose(v.index({0, 2}), v2.index({0, 2}), 1e-4, 1e-4));
  // padding tokens of the instruction change nothing
  const torch::Tensor padded = torch::tensor({{5, 6, 7, 9}}, torch::kLong);
  const torch::Tensor padded_keep = torch::tensor({{true, true, true, false}});
  const torch::Tensor v3 = net->Velocity(net->EncodePrefix(points, padded, padded_keep), x, t);
  EXPECT_TRUE(torch::allclose(v, v3, 1e-5, 1e-5));
}

std::string ToyData() {
  static const std::string dir =
      testing::WriteToyDataset(testing::ProcessTemp("dexvlg_toy_data"), 8);
  return dir;
}

TrainingSet ToySet() {
  Expected<TrainingSet> set = TrainingSet::FromShards(ListShards(ToyData()));
  DEXVLG_DEMAND(set.ok(), set.error().message);
  return *set;
}

// An object folder and the file it resolves to are one object; loose meshes of a folder of
// objects stay apart; a model keyed the old way (by file name) still knows its objects.
TEST(TrainingSetTest, ObjectKeysJoinFoldersAndTheirFiles) {
  namespace fs = std::filesystem;
  const fs::path root = testing::ProcessTemp("dexvlg_object_keys");
  fs::create_directories(root / "grab_apple" / "collision");
  std::ofstream(root / "grab_apple" / "apple.stl") << "solid a\n";
  std::ofstream(root / "grab_apple" / "README.md") << "x\n";
  std::ofstream(root / "grab_apple" / "collision" / "piece_0.stl") << "solid p\n";
  fs::create_directories(root / "ycb_025_mug");
  std::ofstream(root / "ycb_025_mug" / "textured.obj") << "v 0 0 0\n";
  fs::create_directories(root / "loose");
  std::ofstream(root / "loose" / "cup.obj") << "v 0 0 0\n";
  std::ofstream(root / "loose" / "bowl.obj") << "v 0 0 0\n";
  EXPECT_EQ(ObjectKey((root / "grab_apple").string()), "grab_apple");
  EXPECT_EQ(ObjectKey((root / "grab_apple" / "apple.stl").string()), "grab_apple");
  EXPECT_EQ(ObjectKey((root / "ycb_025_mug" / "textured.obj").string()), "ycb_025_mug");
  EXPECT_EQ(ObjectKey((root / "ycb_025_mug").string() + "/"), "ycb_025_mug");
  EXPECT_EQ(ObjectKey((root / "loose" / "cup.obj").string()), "cup.obj");
  EXPECT_EQ(ObjectKey("mug:seed=3"), "mug:seed=3");
  EXPECT_TRUE(TrainedOn({"grab_apple"}, (root / "grab_apple" / "apple.stl").string()));
  EXPECT_TRUE(TrainedOn({"apple.stl"}, (root / "grab_apple").string())) << "an old model's key";
  EXPECT_FALSE(TrainedOn({"apple.stl"}, (root / "ycb_025_mug").string()));
  fs::remove_all(root);
}

TEST(TrainingSetTest, ReadsSamplesThroughTheShardReader) {
  const TrainingSet set = ToySet();
  ASSERT_EQ(set.objects.size(), 1u);
  // 2 views x 2 parts, one mode
  ASSERT_EQ(set.samples.size(), 4u);
  for (const TrainingSample& s : set.samples) {
    EXPECT_EQ(s.count(), 8);
    EXPECT_EQ(s.cloud->size(), 512);
    EXPECT_EQ(s.noun, "mug");
    // grasps moved into the table frame: above the table top
    for (int i = 0; i < s.count(); ++i) EXPECT_GT(s.grasp[i * s.pose_size + 2], 0.0);
  }
  EXPECT_EQ(set.GraspCount(), 32);
}

// Mean predicted root position for an instruction.
Vec3 MeanRoot(const GraspModel& model, const Cloud& cloud, const std::string& instruction,
              const std::string& sampler = "") {
  PredictOptions po;
  po.count = 16;
  po.sampler = sampler;
  Expected<PredictedGrasps> p = model.Predict(cloud, instruction, po);
  DEXVLG_DEMAND(p.ok(), p.error().message);
  Vec3 m = Vec3::Zero();
  for (int g = 0; g < p->count; ++g)
    m += Vec3(p->grasp[g * p->pose_size], p->grasp[g * p->pose_size + 1],
              p->grasp[g * p->pose_size + 2]);
  return m / p->count;
}

Vec3 MeanTarget(const TrainingSet& set, const std::string& part) {
  Vec3 m = Vec3::Zero();
  int n = 0;
  for (const TrainingSample& s : set.samples)
    if (s.part == part)
      for (int i = 0; i < s.count(); ++i, ++n)
        m += Vec3(s.grasp[i * s.pose_size], s.grasp[i * s.pose_size + 1],
                  s.grasp[i * s.pose_size + 2]);
  return m / n;
}

TEST(TrainTest, OverfitsOneSceneAndFollowsTheInstruction) {
  torch::set_num_threads(1);
  // one view: the cloud, its centroid and the grasps are all fixed
  const std::string one_view =
      testing::WriteToyDataset(testing::ProcessTemp("dexvlg_toy_one_view"), 8, 1);
  const TrainingSet set = TrainingSet::FromShards(ListShards(one_view)).value();
  ModelConfig c = testing::TinyConfig();
  c.steps = 800;
  c.text_dropout = 0.1;
  c.rotate_augment = 0;  // one scene, seen as it is
  TrainOptions o;
  o.out = testing::ProcessTemp("dexvlg_toy_overfit");
  fs::remove_all(o.out);
  fs::create_directories(o.out);
  o.checkpoint_every = 1000;
  o.log_every = 100;  // the summary's loss: the mean of the last 100 steps
  std::ostringstream log;
  Expected<TrainSummary> s = Train(c, set, TrainingSet{}, o, log);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->steps, 800);
  // the loss (data prediction: the clean grasp against the truth) starts near the grasps'
  // spread and falls by more than an order of magnitude
  EXPECT_GT(s->first_loss, 0.2) << log.str();
  EXPECT_LT(s->loss, 0.05 * s->first_loss) << log.str();
  Expected<GraspModel> model = GraspModel::Load(o.out);
  ASSERT_TRUE(model.ok()) << model.error().message;
  const Cloud& cloud = *set.samples[0].cloud;
  const Vec3 handle = MeanTarget(set, "handle"), body = MeanTarget(set, "body");
  const Vec3 to_handle = MeanRoot(*model, cloud, "grasp the handle of the mug");
  const Vec3 to_body = MeanRoot(*model, cloud, "grasp the body of the mug");
  // each instruction's grasps land near its part's training grasps, nearer than to the other's
  EXPECT_LT((to_handle - handle).norm(), 0.01)
      << to_handle.transpose() << " / " << handle.transpose();
  EXPECT_LT((to_body - body).norm(), 0.01) << to_body.transpose() << " / " << body.transpose();
  EXPECT_LT((to_handle - handle).norm(), (to_handle - body).norm());
  EXPECT_LT((to_body - body).norm(), (to_body - handle).norm());
  // the DDPM-style sampler on the same network follows the instruction too, repeatably
  const Vec3 ddpm = MeanRoot(*model, cloud, "grasp the handle of the mug", "ddpm");
  EXPECT_LT((ddpm - handle).norm(), (ddpm - body).norm()) << ddpm.transpose();
  EXPECT_EQ(ddpm, MeanRoot(*model, cloud, "grasp the handle of the mug", "ddpm"));
  PredictOptions bogus;
  bogus.sampler = "euler-maruyama";
  EXPECT_FALSE(model->Predict(cloud, "grasp the handle of the mug", bogus).ok());
}

std::vector<float> Tensor(const std::string& file, const std::string& name) {
  Expected<H5Reader> r = H5Reader::Open(file);
  DEXVLG_DEMAND(r.ok(), r.error().message);
  return r->Floats(name).value();
}

TEST(TrainTest, PausedRunResumesToTheSameWeights) {
  torch::set_num_threads(1);
  const TrainingSet set = ToySet();
  ModelConfig c = testing::TinyConfig();
  c.steps = 12;
  std::ostringstream log;
  TrainOptions a;
  a.out = testing::ProcessTemp("dexvlg_resume_a");
  TrainOptions b = a;
  b.out = testing::ProcessTemp("dexvlg_resume_b");
  for (const auto* o : {&a, &b}) {
    fs::remove_all(o->out);
    fs::create_directories(o->out);
  }
  ASSERT_TRUE(Train(c, set, set, a, log).ok());
  b.stop_after = 5;  // paused at step 5, as a kill after a checkpoint leaves it
  Expected<TrainSummary> first = Train(c, set, set, b, log);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->steps, 5);
  b.stop_after = 0;
  Expected<TrainSummary> second = Train(c, set, set, b, log);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->resumed_from, 5);
  EXPECT_EQ(second->steps, 12);
  const std::string fa = a.out + "/model.h5", fb = b.out + "/model.h5";
  for (const char* name : {"/tensors/out.weight", "/tensors/blocks.0.qkv.weight",
                           "/tensors/points.first.0.weight", "/tensors/words.weight"})
    EXPECT_EQ(Tensor(fa, name), Tensor(fb, name)) << name;
  // a finished model answers at once; another config is refused
  Expected<TrainSummary> again = Train(c, set, set, b, log);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->resumed_from, 12);
  b.stop_after = 3;
  fs::remove_all(b.out);
  fs::create_directories(b.out);
  ASSERT_TRUE(Train(c, set, set, b, log).ok());
  ModelConfig wider = c;
  wider.width = 64;
  Expected<TrainSummary> other = Train(wider, set, set, b, log);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("another config"), std::string::npos);
}

double AngleBetween(double a, double b) { return std::abs(std::remainder(a - b, 2 * M_PI)); }

// A tiny model trained for 3 steps on the toy set, in a fresh temporary folder (returned).
std::string ThreeStepModel(const std::string& name) {
  torch::set_num_threads(1);
  ModelConfig c = testing::TinyConfig();
  c.steps = 3;
  TrainOptions o;
  o.out = testing::ProcessTemp(name);
  fs::remove_all(o.out);
  fs::create_directories(o.out);
  std::ostringstream log;
  DEXVLG_DEMAND(Train(c, ToySet(), TrainingSet{}, o, log).ok(), "training the toy model failed");
  return o.out;
}

TEST(HeadingTest, TheCanonicalHeadingTurnsWithTheCloud) {
  // an L: a bar along x with a stub at its +x end, standing on the table
  Cloud cloud;
  for (int i = 0; i < 400; ++i) {
    const bool stub = i % 4 == 0;
    const double u = (i % 97) / 97.0, w = (i % 13) / 13.0;
    const double x = stub ? 0.1 + 0.01 * w : -0.1 + 0.2 * u, y = stub ? 0.06 * u : 0.01 * w;
    cloud.xyz.insert(cloud.xyz.end(), {static_cast<float>(0.3 + x), static_cast<float>(y),
                                       static_cast<float>(0.01 + 0.02 * w)});
    cloud.rgb.insert(cloud.rgb.end(), {200, 100, 50});
  }
  const Vec3 centre = CloudCentroid(cloud.xyz.data(), cloud.size());
  const double yaw = CanonicalYaw(cloud.xyz.data(), cloud.size(), centre);
  // along the bar, towards its longer tail from the centroid (away from the stub)
  EXPECT_LT(AngleBetween(yaw, M_PI), 0.3);
  ModelConfig c = testing::TinyConfig();
  c.points = cloud.size();
  std::mt19937_64 r0(5);
  const PreparedCloud p0 = PrepareCloud(cloud, c, r0, false);
  for (double angle : {0.7, 2.0, -2.9, M_PI}) {
    const Cloud turned = RotatedCloud(cloud, centre, angle);
    EXPECT_LT(AngleBetween(CanonicalYaw(turned.xyz.data(), turned.size(), centre), yaw + angle),
              1e-6)
        << angle;
    // the encoder's input does not change (the same subsample, seen in the same heading)
    std::mt19937_64 r1(5);
    const PreparedCloud p1 = PrepareCloud(turned, c, r1, false);
    ASSERT_EQ(p0.values.size(), p1.values.size());
    for (size_t i = 0; i < p0.values.size(); ++i)
      ASSERT_NEAR(p0.values[i], p1.values[i], 1e-4) << angle << " value " << i;
  }
  // a model with the heading (the default) predicts the same grasps turned with the cloud
  ASSERT_TRUE(testing::TinyConfig().canonical_yaw);
  const TrainingSet set = ToySet();
  Expected<GraspModel> model = GraspModel::Load(ThreeStepModel("dexvlg_heading"));
  ASSERT_TRUE(model.ok()) << model.error().message;
  PredictOptions po;
  po.count = 4;
  const Cloud& view = *set.samples[0].cloud;
  const Vec3 middle = CloudCentroid(view.xyz.data(), view.size());
  auto straight = model->Predict(view, "grasp the handle of the mug", po);
  auto turned = model->Predict(RotatedCloud(view, middle, 1.1), "grasp the handle of the mug", po);
  ASSERT_TRUE(straight.ok() && turned.ok());
  const int ps = straight->pose_size;
  for (int g = 0; g < po.count; ++g) {
    std::vector<double> row(straight->grasp.begin() + g * ps,
                            straight->grasp.begin() + (g + 1) * ps);
    RotatePoseAboutZ(row.data(), middle, 1.1);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(row[k], turned->grasp[g * ps + k], 2e-4) << g;
    const double dot =
        std::abs(row[3] * turned->grasp[g * ps + 3] + row[4] * turned->grasp[g * ps + 4] +
                 row[5] * turned->grasp[g * ps + 5] + row[6] * turned->grasp[g * ps + 6]);
    EXPECT_GT(dot, 1 - 1e-4) << g;
    for (int j = 7; j < ps; ++j) EXPECT_NEAR(row[j], turned->grasp[g * ps + j], 2e-3) << g;
  }
}

TEST(ModelFileTest, RoundTripGivesIdenticalPredictionsAndBadFilesAreRefused) {
  const TrainingSet set = ToySet();
  const std::string dir = ThreeStepModel("dexvlg_model_file");
  Expected<GraspModel> m1 = GraspModel::Load(dir);
  ASSERT_TRUE(m1.ok()) << m1.error().message;
  // write it again from the loaded tensors and read that
  Expected<LoadedModel> loaded = LoadModelFile(dir + "/model.h5");
  ASSERT_TRUE(loaded.ok());
  const std::string copy = dir + "/copy.h5";
  ASSERT_TRUE(SaveModelFile(copy, loaded->config, loaded->tokenizer, *loaded->net, nullptr).ok());
  Expected<GraspModel> m2 = GraspModel::Load(copy);
  ASSERT_TRUE(m2.ok()) << m2.error().message;
  PredictOptions po;
  po.count = 5;
  po.seed = 3;
  const Cloud& cloud = *set.samples[0].cloud;
  auto p1 = m1->Predict(cloud, "grasp the handle of the mug", po);
  auto p2 = m2->Predict(cloud, "grasp the handle of the mug", po);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_EQ(p1->grasp, p2->grasp);
  EXPECT_EQ(p1->pregrasp, p2->pregrasp);
  // caching the prefix changes nothing but the time
  po.cache_prefix = false;
  auto p3 = m1->Predict(cloud, "grasp the handle of the mug", po);
  ASSERT_TRUE(p3.ok());
  for (size_t i = 0; i < p1->grasp.size(); ++i) EXPECT_NEAR(p1->grasp[i], p3->grasp[i], 1e-4);
  // clear errors for bad input
  EXPECT_FALSE(m1->Predict(Cloud{}, "grasp the handle", PredictOptions{}).ok());
  auto empty = m1->Predict(cloud, "   ", PredictOptions{});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("instruction is empty"), std::string::npos);
  auto foreign = GraspModel::Load(ToyData() + "/shards/toy_mug.h5");
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().message.find("not a dexvlg model"), std::string::npos);
  const std::string junk = dir + "/junk.h5";
  { std::ofstream(junk) << "not hdf5"; }
  EXPECT_FALSE(GraspModel::Load(junk).ok());
  EXPECT_FALSE(GraspModel::Load(dir + "/missing").ok());
}

}  // namespace
}  // namespace dexvlg
