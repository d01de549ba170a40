#include "cli/demo.h"

#include <chrono>
#include <iomanip>

#include <filesystem>
#include "cli/hand_commands.h"
#include "cli/object_commands.h"

#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "object/procedural.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "sim/settle.h"
#include "sim/sim.h"
#include "synth/contact_sheet.h"
#include "synth/synth.h"

namespace dexvlg::cli {

bool RunDemo(const HandModel& hand, std::ostream& out) {
  out << "== dexvlg demo: hand model and kinematics ==\n\n";
  PrintHandInfo(hand, false, out);

  out << "\n== forward kinematics: the hand closing from open to 80% of its joint ranges ==\n";
  KinematicsData data(hand, 1);
  const double identity[4] = {1, 0, 0, 0};
  for (const char* preset : {"open", "mid", "closed"}) {
    const std::vector<double> row =
        PoseRow(hand, Vec3::Zero(), identity, PresetJoints(hand, preset));
    ForwardKinematics(hand, row.data(), 0, 1, data);
    const SelfDistance self = SelfCollisionDistance(hand, data, 0, nullptr);
    out << "  " << std::left << std::setw(7) << preset << std::right << " wrap contacts (mm):";
    for (int ci : hand.wrap) {
      double p[3];
      ContactFrames(hand, data, 0, &ci, 1, p, nullptr, nullptr);
      out << " (" << std::fixed << std::setprecision(0) << p[0] * 1e3 << "," << p[1] * 1e3 << ","
          << p[2] * 1e3 << ")";
    }
    out << std::setprecision(1) << "\n          self-collision clearance " << self.distance * 1e3
        << " mm";
    if (self.link_a >= 0) {
      out << " (" << hand.links[self.link_a].name << " vs " << hand.links[self.link_b].name << ")";
    }
    out << "\n";
    out.unsetf(std::ios::fixed);
  }

  // throughput of batched FK + wrap contact Jacobians on random configurations
  const int batch = 4096;
  const std::vector<double> poses = RandomPoses(hand, batch, 7);
  KinematicsData batch_data(hand, batch);
  const int k = static_cast<int>(hand.wrap.size());
  std::vector<double> p(3 * k), J(3 * k * hand.dof());
  const auto start = std::chrono::steady_clock::now();
  ForwardKinematics(hand, poses.data(), 0, batch, batch_data);
  for (int b = 0; b < batch; ++b) {
    ContactFrames(hand, batch_data, b, hand.wrap.data(), k, p.data(), nullptr, J.data());
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "\n== kinematics throughput (1 thread) ==\n  FK + " << k
      << " contact Jacobians: " << std::fixed << std::setprecision(0) << secs / batch * 1e9
      << " ns per configuration (" << batch / secs << " configurations/s)\n";
  out.unsetf(std::ios::fixed);
  // the demo object: a procedural mug with its parts
  out << "\n== the demo object: a procedural mug with exact part labels ==\n";
  auto mug = MakeProcedural("mug");
  if (!mug) return false;
  PrintObjectInfo(*mug, false, out);
  const std::string dir = "out/demo";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (Status s = WritePng(PartPreview(*mug, 320, 240), dir + "/mug_parts.png"); !s) {
    out << "  (could not write pictures: " << s.error().message << ")\n";
  } else if (Status h = RenderHand(hand, "mid", dir + "/hand.png"); h) {
    out << "  pictures: " << dir << "/mug_parts.png, " << dir << "/hand.png\n";
  }

  // part-aware grasps: wrap and pinch on the handle and on the body
  out << "\n== part-aware grasp synthesis on the mug (DexGraspNet 3.0 energy, LP force closure, "
         "2 threads), settled in MuJoCo, then tested under the DexGraspBench protocol (object "
         "free, "
         "six force directions) ==\n";
  auto closed = LoadClosedObject("mug");
  if (!closed) {
    out << "  " << closed.error().message << "\n";
    return false;
  }
  auto sim = SimScene::Build(hand, *closed, ShellPieces(closed->mesh), SimParams{});
  if (!sim) {
    out << "  " << sim.error().message << "\n";
    return false;
  }
  SimWorker worker = sim->MakeWorker();
  std::string caption;
  std::vector<Image> views;
  for (const char* part : {"handle", "body"}) {
    for (GraspMode mode : {GraspMode::kWrap, GraspMode::kPinch}) {
      SynthOptions options;
      options.part = part;
      options.mode = mode;
      options.count = 3;
      options.batch = 16;
      options.max_attempts = 96;
      // settled in MuJoCo as `synth` does (sim/settle.h)
      auto result = Synthesize(hand, *closed, options, {}, Settler(*sim));
      if (!result) {
        out << "  " << result.error().message << "\n";
        return false;
      }
      const SynthSummary& sum = result->summary;
      out << "  " << std::left << std::setw(7) << part << std::setw(6) << ModeName(mode)
          << std::right << sum.accepted << " accepted of " << std::setw(2) << sum.attempts
          << " attempts in " << std::fixed << std::setprecision(1) << sum.seconds << " s, energy "
          << sum.mean_energy_start << " -> " << sum.mean_energy_end;
      if (!result->grasps.empty()) {
        const Grasp& g = result->grasps.front();
        out << ", penetration " << g.penetration * 1e3 << " mm, LP residual "
            << std::setprecision(2) << g.energy.residual;
      }
      int held = 0;
      for (const Grasp& g : result->grasps) {
        const SimOutcome o = sim->Run(g.pregrasp.data(), g.grasp.data(), g.squeeze.data(),
                                      result->target_label, worker);
        held += o.success;
        if (o.valid && caption.empty()) caption = o.caption;
      }
      out << ", held in simulation " << held << " of " << result->grasps.size() << "\n";
      out.unsetf(std::ios::fixed);
      for (size_t i = 0; i < result->grasps.size() && i < 2; ++i) {
        views.push_back(
            GraspView(hand, *closed, result->target_label, result->grasps[i].grasp, 300, 240));
      }
    }
  }
  if (!views.empty() && WritePng(Tile(views, 4), dir + "/mug_grasps.png")) {
    out << "  picture: " << dir << "/mug_grasps.png (target part in orange)\n";
  }
  if (!caption.empty()) out << "  caption from the simulated contacts: \"" << caption << "\"\n";
  out << "\nNext: `dexvlg synth --help` (any mesh, prepared object or procedural object), "
         "`dexvlg validate --help`, `dexvlg generate --help` (datasets with table-top scenes), "
         "`dexvlg object --help`, `dexvlg hand --help`.\n";
  return true;
}

}  // namespace dexvlg::cli
