// Grasp synthesis throughput: accepted grasps per second and optimiser steps per second on the
// built-in Shadow hand, per object / part / mode, then where one optimiser step spends its time
// and two ratios measured in the same run: 2 threads against 1 (same attempts, same grasps) and
// the step's self-collision with bounding-sphere culling against the unculled scan.
//
//   ./build/bench/synth_bench [--attempts N] [--quick]
// Shared YCB objects (../shared/assets/objects) are used when present (segmented on load).
#include <tbb/global_control.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "hand/hand_geometry.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "parts/prepare.h"
#include "sim/settle.h"
#include "synth/energy.h"
#include "synth/synth.h"

namespace dexvlg {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Target {
  std::string source, label, part;
  GraspMode mode;
};

SynthSummary Measure(const LabeledMesh& object, const Target& t, int attempts, int threads) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  SynthOptions options;
  options.part = t.part;
  options.mode = t.mode;
  options.count = 1 << 30;  // run every attempt
  options.max_attempts = attempts;
  auto result = Synthesize(DefaultHand(), object, options);
  if (!result) {
    std::fprintf(stderr, "%s: %s\n", t.label.c_str(), result.error().message.c_str());
    return {};
  }
  return result->summary;
}

/// Valid grasps per second, the figure of merit (issue 12): synthesis (with or without
/// settling) plus validation of every accepted grasp under the default protocol, divided into
/// the grasps that are valid (held, and the DexVLG checks).
struct ValidRate {
  int accepted = 0, valid = 0;
  double synth_s = 0, sim_s = 0;
};

ValidRate MeasureValid(const LabeledMesh& object, const Target& t, int attempts, bool settle) {
  const std::vector<TriMesh> pieces = ShellPieces(object.mesh);
  auto scene = SimScene::Build(DefaultHand(), object, pieces, SimParams{});
  ValidRate out;
  if (!scene) return out;
  SynthOptions options;
  options.part = t.part;
  options.mode = t.mode;
  options.count = 1 << 30;  // run every attempt
  options.max_attempts = attempts;
  const double t0 = Now();
  auto result =
      Synthesize(DefaultHand(), object, options, {}, settle ? Settler(*scene) : GraspRefiner{});
  out.synth_s = Now() - t0;
  if (!result) return out;
  const int n = static_cast<int>(result->grasps.size());
  out.accepted = n;
  std::vector<char> valid(n, 0);
  tbb::enumerable_thread_specific<SimWorker> workers([&] { return scene->MakeWorker(); });
  const double t1 = Now();
  tbb::parallel_for(0, n, [&](int i) {
    const Grasp& g = result->grasps[i];
    valid[i] =
        scene->Run(g.pregrasp, g.grasp, g.squeeze, result->target_label, workers.local()).valid;
  });
  out.sim_s = Now() - t1;
  for (char v : valid) out.valid += v;
  return out;
}

/// Mean microseconds per call of `f` over `poses` (kinematics already in `data`).
template <class F>
double Time(int n, F f) {
  const double start = Now();
  for (int i = 0; i < n; ++i) f(i);
  return (Now() - start) / n * 1e6;
}

void StepBreakdown(const LabeledMesh& object, const std::string& part) {
  const HandModel hand = CoarseSurface(DefaultHand(), SynthOptions{}.surface_stride);
  const MeshSdf exact(object.mesh);
  const double spacing = SynthOptions{}.sdf_spacing;
  const SdfGrid field(exact, spacing, 0.03);
  int label = 0;
  for (size_t i = 0; i < object.part_names.size(); ++i) {
    if (object.part_names[i] == part) label = static_cast<int>(i);
  }
  const MeshSdf piece(object.Part(label));
  const SdfGrid part_field(exact, piece, spacing, 0.03);
  EnergyObject eo;
  eo.field = &field;
  eo.part_field = &part_field;
  const SurfaceSamples dense = SampleSurface(object.mesh, 8192, 1);
  eo.pen_points = FarthestPointSubset(dense, 384).points;
  // poses near the part, as in a run: initial poses pushed 2 cm towards the object
  const int n = 64;
  std::vector<std::vector<double>> poses;
  for (int i = 0; i < n; ++i) {
    std::vector<double> x = InitialPose(hand, object, label, GraspMode::kWrap, 3, i);
    const Vec3 towards = (-Vec3(x[0], x[1], x[2])).normalized();
    for (int a = 0; a < 3; ++a) x[a] += 0.02 * towards[a];
    poses.push_back(x);
  }
  KinematicsData data(hand, n);
  std::vector<double> flat;
  for (const auto& x : poses) flat.insert(flat.end(), x.begin(), x.end());
  ForwardKinematics(hand, flat.data(), 0, n, data);
  EnergyWorkspace ws(hand, hand.wrap);
  std::vector<double> grad(hand.dof()), g2(hand.dof());
  const int reps = 20;
  auto repeat = [&](auto f) { return Time(n * reps, [&](int i) { f(i % n); }); };
  const double total = repeat([&](int b) {
    ForwardKinematics(hand, poses[b].data(), 0, 1, data);
    Energy(hand, eo, EnergyWeights{}, data, 0, poses[b].data(), true, ws, grad.data());
  });
  EnergyWeights friction;
  friction.fc_friction = 0.5;
  friction.tau_fc = 1e9;  // always the LP's forces, so the cones are solved every step
  EnergyWeights normal_only = friction;
  normal_only.fc_friction = 0;
  auto step_with = [&](const EnergyWeights& w) {
    return repeat([&](int b) {
      ForwardKinematics(hand, poses[b].data(), 0, 1, data);
      Energy(hand, eo, w, data, 0, poses[b].data(), true, ws, grad.data());
    });
  };
  const double step_normal = step_with(normal_only), step_friction = step_with(friction);
  ForwardKinematics(hand, flat.data(), 0, n, data);
  const double fk = repeat([&](int b) { ForwardKinematics(hand, flat.data(), b, b + 1, data); });
  const double hand_in_object = repeat([&](int b) {
    double s = 0;
    for (const LinkPoint& p : hand.surface_points) {
      double x[3];
      PointPosition(data, b, p, x);
      s += field.Distance(Vec3(x), nullptr);
    }
    return s;
  });
  const double object_in_hand = repeat([&](int b) {
    double s = 0;
    for (const Vec3& p : eo.pen_points) s += HandSignedDistance(hand, data, b, p, 0.0).distance;
    return s;
  });
  const double self_culled =
      repeat([&](int b) { SelfCollisionDistance(hand, data, b, g2.data(), 0.0); });
  const double self_full = repeat([&](int b) { SelfCollisionDistance(hand, data, b, g2.data()); });
  std::printf(
      "\nwhere one step goes (%s, %d poses near the part, one thread, us per step, the "
      "optimiser's hand: 1 in %d surface samples):\n",
      object.name.c_str(), n, SynthOptions{}.surface_stride);
  std::printf("  whole step (FK + energy + gradient)      %8.1f\n", total);
  std::printf("  forward kinematics                       %8.1f\n", fk);
  std::printf(
      "  step, E_fc with friction cones (mu 0.5)  %8.1f  vs normal forces only %.1f: x%.2f\n",
      step_friction, step_normal, step_friction / step_normal);
  std::printf(
      "  hand samples in the object, unculled     %8.1f  (%zu samples; E_pen culls "
      "links clear of the object)\n",
      hand_in_object, hand.surface_points.size());
  std::printf("  object samples in the hand               %8.1f  (%zu samples)\n", object_in_hand,
              eo.pen_points.size());
  std::printf("  self-collision, pair culling (cutoff 0)  %8.1f\n", self_culled);
  std::printf("  self-collision, every pair (baseline)    %8.1f  -> culling x%.1f\n", self_full,
              self_full / self_culled);
}

}  // namespace
}  // namespace dexvlg

int main(int argc, char** argv) {
  using namespace dexvlg;
  int attempts = 128;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--attempts") && i + 1 < argc) attempts = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--quick")) quick = true;
  }
  const std::string shared = std::string(DEXVLG_SOURCE_DIR) + "/../shared/assets/objects/";
  std::vector<Target> targets = {
      {"mug", "mug", "handle", GraspMode::kWrap},
      {"mug", "mug", "handle", GraspMode::kPinch},
      {"mug", "mug", "body", GraspMode::kWrap},
      {"hammer", "hammer", "handle", GraspMode::kWrap},
      {"bottle", "bottle", "cap", GraspMode::kPinch},
      {"box", "box", "lid", GraspMode::kWrap},
  };
  if (!quick && std::filesystem::exists(shared)) {
    for (const char* name :
         {"ycb_025_mug", "ycb_006_mustard_bottle", "ycb_035_power_drill", "ycb_011_banana"}) {
      const std::string path = shared + name + "/textured.obj";
      if (std::string(name) == "ycb_025_mug") {
        targets.push_back({path, name, "handle", GraspMode::kPinch});
      }
      targets.push_back({path, name, "body", GraspMode::kWrap});
      targets.push_back({path, name, "body", GraspMode::kPinch});
    }
  } else if (!quick) {
    std::printf("(../shared/assets absent: procedural objects only)\n");
  }
  std::printf("%d attempts per row, 2 threads, built-in Shadow hand, 200 steps per attempt\n",
              attempts);
  std::printf("%-24s %-7s %-6s %8s %9s %9s %10s %10s %10s\n", "object", "part", "mode", "setup s",
              "accepted", "rate", "steps/s", "grasps/s", "w/ setup");
  double total_grasps = 0, total_seconds = 0;
  for (const Target& t : targets) {
    auto object = LoadClosedObject(t.source);
    if (!object) {
      std::printf("%-24s %s\n", t.label.c_str(), object.error().message.c_str());
      continue;
    }
    const SynthSummary s = Measure(*object, t, attempts, 2);
    const double run = s.seconds - s.setup_seconds;
    total_grasps += s.accepted;
    total_seconds += run;
    std::printf("%-24s %-7s %-6s %8.2f %4d/%-4d %8.0f%% %10.0f %10.2f %10.2f\n", t.label.c_str(),
                t.part.c_str(), ModeName(t.mode), s.setup_seconds, s.accepted, s.attempts,
                100.0 * s.accepted / std::max(1, s.attempts), s.steps / std::max(run, 1e-9),
                s.accepted / std::max(run, 1e-9), s.accepted / std::max(s.seconds, 1e-9));
  }
  std::printf("all rows: %.2f accepted grasps/s after setup\n",
              total_grasps / std::max(total_seconds, 1e-9));
  // the figure of merit: valid grasps per second, settled against not settled (the baseline)
  std::printf(
      "\nvalid grasps/s (synthesis + validation, default protocol, %d attempts per row): "
      "settled against not settled\n%-24s %-7s %-6s %16s %16s %9s\n",
      attempts, "object", "part", "mode", "settled v/acc", "plain v/acc", "valid/s");
  double settled_valid = 0, settled_s = 0, plain_valid = 0, plain_s = 0;
  for (const Target& t : targets) {
    auto object = LoadClosedObject(t.source);
    if (!object) continue;
    const ValidRate a = MeasureValid(*object, t, attempts, true);
    const ValidRate b = MeasureValid(*object, t, attempts, false);
    settled_valid += a.valid;
    settled_s += a.synth_s + a.sim_s;
    plain_valid += b.valid;
    plain_s += b.synth_s + b.sim_s;
    std::printf("%-24s %-7s %-6s %9d/%-6d %9d/%-6d %4.2f/%4.2f\n", t.label.c_str(), t.part.c_str(),
                ModeName(t.mode), a.valid, a.accepted, b.valid, b.accepted,
                a.valid / std::max(a.synth_s + a.sim_s, 1e-9),
                b.valid / std::max(b.synth_s + b.sim_s, 1e-9));
  }
  std::printf(
      "all rows: settled %.2f valid/s (%.0f valid in %.0f s), not settled %.2f valid/s (%.0f in "
      "%.0f s) -> x%.2f\n",
      settled_valid / std::max(settled_s, 1e-9), settled_valid, settled_s,
      plain_valid / std::max(plain_s, 1e-9), plain_valid, plain_s,
      (settled_valid / std::max(settled_s, 1e-9)) /
          std::max(plain_valid / std::max(plain_s, 1e-9), 1e-9));
  // 2 threads against 1 on the same attempts
  auto mug = LoadClosedObject("mug");
  const Target t{"mug", "mug", "handle", GraspMode::kWrap};
  const SynthSummary one = Measure(*mug, t, 64, 1), two = Measure(*mug, t, 64, 2);
  std::printf(
      "\nthreads (mug handle wrap, 64 attempts): 1 thread %.0f steps/s, 2 threads %.0f "
      "steps/s -> x%.2f; accepted %d and %d\n",
      one.steps / (one.seconds - one.setup_seconds), two.steps / (two.seconds - two.setup_seconds),
      (one.seconds - one.setup_seconds) / (two.seconds - two.setup_seconds), one.accepted,
      two.accepted);
  StepBreakdown(*mug, "handle");
  return 0;
}
