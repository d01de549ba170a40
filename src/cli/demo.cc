#include "cli/demo.h"

#include <chrono>
#include <iomanip>

#include "cli/hand_commands.h"
#include "cli/object_commands.h"
#include "object/procedural.h"
#include "render/render.h"

#include <filesystem>
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"

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
  out << "\nNext: `dexvlg hand --help`, `dexvlg object --help`; grasp synthesis arrives with the "
         "synth stage.\n";
  return true;
}

}  // namespace dexvlg::cli
