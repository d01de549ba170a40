// `dexvlg train` and `dexvlg predict` as a user runs them: a killed training run (kill -9)
// resumes to the same weights as one never interrupted, two MPI ranks train the same model as
// one process, predictions go straight into `validate`, and bad input gets a clear error.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "h5/h5.h"
#include "model/toy_data.h"
#include "shell.h"
#include "view/view.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

using testing::Outcome;
using testing::Shell;

const std::string kBin = DEXVLG_BINARY;

struct Fixture {
  std::string root, data, config;
};

const Fixture& Toy() {
  static const Fixture f = [] {
    Fixture x;
    x.root = testing::ProcessTemp("dexvlg_model_cli");
    x.data = testing::WriteToyDataset(x.root + "/data", 6);
    x.config = x.root + "/tiny.json";
    ModelConfig c = testing::TinyConfig();
    c.joint_names.clear();  // the CLI takes the joints from the hand
    c.joint_lower.clear();
    c.joint_upper.clear();
    std::ofstream(x.config) << c.ToJson();
    return x;
  }();
  return f;
}

std::string TrainCommand(const std::string& out, int steps) {
  return kBin + " train --data " + Toy().data + " --out " + out + " --config " + Toy().config +
         " --held-back 0 --threads 1 --checkpoint-every 4 --steps " + std::to_string(steps);
}

std::vector<float> Weights(const std::string& model) {
  Expected<H5Reader> r = H5Reader::Open(model + "/model.h5");
  DEXVLG_DEMAND(r.ok(), r.error().message);
  std::vector<float> all;
  for (const std::string& name : r->Members("/tensors")) {
    const std::vector<float> v = r->Floats("/tensors/" + name).value();
    all.insert(all.end(), v.begin(), v.end());
  }
  return all;
}

TEST(ModelCliTest, KilledTrainingResumesToTheSameWeights) {
  const std::string a = Toy().root + "/a", b = Toy().root + "/b";
  fs::remove_all(a);
  fs::remove_all(b);
  const int steps = 200;
  const Outcome whole = Shell(TrainCommand(a, steps));
  ASSERT_EQ(whole.code, 0) << whole.output;
  EXPECT_NE(whole.output.find("samples/s"), std::string::npos) << whole.output;
  for (const char* f : {"model.h5", "config.json", "loss.csv", "loss.svg"})
    EXPECT_TRUE(fs::exists(a + "/" + f));
  // the same run, killed with SIGKILL once a checkpoint exists, then started again
  const Outcome started =
      Shell("(" + TrainCommand(b, steps) + " > " + Toy().root + "/b.log 2>&1 & echo $!)");
  const pid_t pid = std::stoi(started.output);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(b + "/model.h5") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(pid, SIGKILL);
  ASSERT_TRUE(fs::exists(b + "/model.h5"));
  const Outcome resumed = Shell(TrainCommand(b, steps));
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  // killed at step 4 or soon after, long before the end
  EXPECT_NE(resumed.output.find("resuming"), std::string::npos) << resumed.output;
  EXPECT_EQ(Weights(a), Weights(b));
}

TEST(ModelCliTest, TwoMpiRanksTrainTheSameModelAsOne) {
  if (Shell("command -v mpirun").code != 0) GTEST_SKIP() << "mpirun is not installed";
  const std::string one = Toy().root + "/one", two = Toy().root + "/two";
  fs::remove_all(one);
  fs::remove_all(two);
  ASSERT_EQ(Shell(TrainCommand(one, 6)).code, 0);
  const Outcome mpi = Shell(
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 " +
      TrainCommand(two, 6));
  ASSERT_EQ(mpi.code, 0) << mpi.output;
  EXPECT_NE(mpi.output.find("over 2 process(es)"), std::string::npos) << mpi.output;
  const std::vector<float> w1 = Weights(one), w2 = Weights(two);
  ASSERT_EQ(w1.size(), w2.size());
  double worst = 0;
  for (size_t i = 0; i < w1.size(); ++i) worst = std::max(worst, std::abs(double(w1[i]) - w2[i]));
  // the same global batch, gradients summed in another order: equal to float rounding
  EXPECT_LT(worst, 1e-4);
}

TEST(ModelCliTest, PredictionsGoStraightIntoValidate) {
  const std::string m = Toy().root + "/p";
  fs::remove_all(m);
  ASSERT_EQ(Shell(TrainCommand(m, 20)).code, 0);
  const std::string shard = Toy().data + "/shards/toy_mug.h5";
  const std::string out = Toy().root + "/pred.h5";
  const Outcome p =
      Shell(kBin + " predict --model " + m + " --scene " + shard +
            ":0:1 --instruction \"grasp the handle of the mug\" --count 3 --out " + out);
  ASSERT_EQ(p.code, 0) << p.output;
  EXPECT_NE(p.output.find("part handle"), std::string::npos) << p.output;
  EXPECT_TRUE(fs::exists(Toy().root + "/pred.png"));
  const Outcome v = Shell(kBin + " validate " + out);
  EXPECT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("3 grasps"), std::string::npos) << v.output;
  // refined against the view's cloud and sorted by energy, still a file validate takes
  const std::string refined = Toy().root + "/refined.h5";
  const Outcome pr =
      Shell(kBin + " predict --model " + m + " --scene " + shard +
            ":0:1 --instruction \"grasp the handle of the mug\" --count 3 --refine 20 "
            "--no-picture --out " +
            refined);
  ASSERT_EQ(pr.code, 0) << pr.output;
  EXPECT_NE(pr.output.find("refined 3 grasps by 20 steps"), std::string::npos) << pr.output;
  EXPECT_EQ(Shell(kBin + " validate " + refined).code, 0);
  // the refinement's step sizes: a smaller scale runs, a zero one is refused by name
  const std::string small_steps = kBin + " predict --model " + m + " --scene " + shard +
                                  ":0:1 --instruction \"grasp the handle of the mug\" --count 2 "
                                  "--refine 5 --no-picture --out " +
                                  refined + " --refine-lr ";
  EXPECT_EQ(Shell(small_steps + "0.05").code, 0);
  const Outcome zero_lr = Shell(small_steps + "0");
  EXPECT_NE(zero_lr.code, 0);
  EXPECT_NE(zero_lr.output.find("--refine-lr"), std::string::npos) << zero_lr.output;
  // bad input: a clear message naming the problem, exit 1
  const std::string base = kBin + " predict --model " + m + " --out " + Toy().root + "/x.h5 ";
  struct Bad {
    std::string args, expect;
  };
  std::ofstream(Toy().root + "/empty.ply") << "ply\nformat ascii 1.0\nelement vertex 0\n"
                                              "property float x\nproperty float y\n"
                                              "property float z\nend_header\n";
  for (const Bad& bad : std::vector<Bad>{
           {"--scene " + shard + ":0:0 --instruction \" \"", "instruction is empty"},
           {"--scene " + shard + ":5:0 --instruction hold", "scene 5"},
           {"--scene " + shard + " --instruction hold", "SHARD:SCENE:VIEW"},
           {"--cloud " + Toy().root + "/empty.ply --instruction hold", "no vertices"},
           {"--cloud " + Toy().root + "/missing.ply --instruction hold", "cannot open"}}) {
    const Outcome r = Shell(base + bad.args);
    EXPECT_EQ(r.code, 1) << bad.args << "\n" << r.output;
    EXPECT_NE(r.output.find(bad.expect), std::string::npos) << bad.args << "\n" << r.output;
  }
  const Outcome foreign = Shell(kBin + " predict --model " + shard + " --scene " + shard +
                                ":0:0 --instruction hold --out " + Toy().root + "/x.h5");
  EXPECT_EQ(foreign.code, 1);
  EXPECT_NE(foreign.output.find("not a dexvlg model"), std::string::npos) << foreign.output;
  const Outcome no_data =
      Shell(kBin + " train --data " + Toy().root + "/nothing --out " + Toy().root + "/q");
  EXPECT_EQ(no_data.code, 1);
  EXPECT_NE(no_data.output.find("no dataset shards"), std::string::npos) << no_data.output;
  const Outcome cuda = Shell(TrainCommand(Toy().root + "/c", 2) + " --device cuda");
  EXPECT_EQ(cuda.code, 1);
  EXPECT_NE(cuda.output.find("--device cuda"), std::string::npos) << cuda.output;
}

TEST(ModelCliTest, EvalRunsEndToEndAndResumes) {
  const std::string m = Toy().root + "/e";
  fs::remove_all(m);
  ASSERT_EQ(Shell(TrainCommand(m, 10)).code, 0);
  const std::string report = Toy().root + "/report";
  fs::remove_all(report);
  const std::string cmd = kBin + " eval --model " + m + " --objects mug,bottle --out " + report +
                          " --count 2 --modes wrap --image-scale 0.25 --retrieval " + Toy().data;
  const Outcome first = Shell(cmd);
  ASSERT_EQ(first.code, 0) << first.output;
  for (const char* method : {"model (template)", "model (paraphrase)", "no-language", "retrieval",
                             "model@1", "model+energy@1", "model+refine@1", "synthesis"})
    EXPECT_NE(first.output.find(method), std::string::npos) << method << "\n" << first.output;
  EXPECT_TRUE(fs::exists(report + "/report.md"));
  std::ifstream in(report + "/report.json");
  const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"format\": \"dexvlg-eval\""), std::string::npos);
  // the mug is the toy model's training object, the bottle is not
  const std::string md = [&] {
    std::ifstream f(report + "/report.md");
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }();
  EXPECT_NE(md.find("| seen |"), std::string::npos) << md;
  EXPECT_NE(md.find("| unseen |"), std::string::npos) << md;
  // run again: both objects read back, the same report
  const Outcome second = Shell(cmd);
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_NE(second.output.find("already evaluated"), std::string::npos) << second.output;
  std::ifstream again(report + "/report.json");
  EXPECT_EQ(json,
            std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()));
  // the report opens in the viewer: an item per object, method and instruction
  if (fs::exists(ThreeDir() + "/build/three.core.js")) {
    const Outcome view = Shell(kBin + " view " + report + " --out " + report + "/view.html");
    ASSERT_EQ(view.code, 0) << view.output;
    EXPECT_NE(view.output.find("item(s)"), std::string::npos) << view.output;
    EXPECT_TRUE(fs::exists(report + "/view.html"));
  }
}

}  // namespace
}  // namespace dexvlg
