// Validation throughput: simulated grasps per second on 2 threads with the protocol unchanged
// (timestep, durations, thresholds), for synthesised grasps of procedural objects, against
// baselines measured in the same run: the plain protocol (every direction closes the hand again,
// all six directions run for their full 2 s) and the model compile time a per-grasp recompile would
// pay.
//
//   ./build/bench/sim_bench [--grasps N]
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hand/hand_loader.h"
#include "object/convex.h"
#include "parts/prepare.h"
#include "sim/sim.h"
#include "synth/synth.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dexvlg;
  int count = 32;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--grasps") && i + 1 < argc) count = std::atoi(argv[++i]);
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
  const HandModel& hand = DefaultHand();
  struct Target {
    const char *object, *part;
    GraspMode mode;
  };
  const Target targets[] = {{"box", "lid", GraspMode::kWrap},
                            {"hammer", "handle", GraspMode::kWrap},
                            {"mug", "handle", GraspMode::kPinch},
                            {"bottle", "cap", GraspMode::kPinch}};
  std::printf("%d synthesised grasps per row, 2 threads, timestep 0.004 s, 6 x 2 s of force\n",
              count);
  std::printf("%-8s %-7s %-6s %9s %8s %12s %12s %7s %11s\n", "object", "part", "mode", "compile s",
              "success", "fast g/s", "plain g/s", "ratio", "sim steps/s");
  for (const Target& t : targets) {
    const LabeledMesh object = LoadClosedObject(t.object).value();
    SynthOptions options;
    options.part = t.part;
    options.mode = t.mode;
    options.count = count;
    const SynthResult grasps = Synthesize(hand, object, options).value();
    const std::vector<TriMesh> pieces = ShellPieces(object.mesh);
    SimParams fast, plain;
    plain.early_exit = false;
    plain.reuse_closing = false;
    plain.settle_time = 0;  // always the full 2 s per direction
    double compile = Now();
    auto fast_scene = SimScene::Build(hand, object, pieces, fast);
    compile = Now() - compile;
    auto plain_scene = SimScene::Build(hand, object, pieces, plain);
    if (!fast_scene || !plain_scene) {
      std::printf("%s: scene failed\n", t.object);
      continue;
    }
    auto run = [&](const SimScene& scene, int* success) {
      tbb::enumerable_thread_specific<SimWorker> workers([&] { return scene.MakeWorker(); });
      std::vector<int> ok(grasps.grasps.size());
      const double start = Now();
      tbb::parallel_for(0, static_cast<int>(grasps.grasps.size()), [&](int i) {
        const Grasp& g = grasps.grasps[i];
        ok[i] =
            scene.Run(g.pregrasp, g.grasp, g.squeeze, grasps.target_label, workers.local()).success;
      });
      *success = 0;
      for (int v : ok) *success += v;
      return Now() - start;
    };
    int s_fast = 0, s_plain = 0;
    const double t_fast = run(*fast_scene, &s_fast), t_plain = run(*plain_scene, &s_plain);
    const double n = static_cast<double>(grasps.grasps.size());
    // steps of the plain protocol: 6 x (approach + squeeze + force)
    const double plain_steps = 6 * (0.3 + 0.2 + 2.0) / 0.004 * n;
    std::printf("%-8s %-7s %-6s %9.3f %4d/%-3.0f %12.2f %12.2f %6.1fx %11.0f\n", t.object, t.part,
                ModeName(t.mode), compile, s_fast, n, n / t_fast, n / t_plain, t_plain / t_fast,
                plain_steps / t_plain);
    if (s_fast != s_plain) std::printf("  (success differs: %d vs %d)\n", s_fast, s_plain);
  }
  return 0;
}
