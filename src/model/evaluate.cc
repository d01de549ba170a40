#include "model/evaluate.h"

#include <chrono>

#include "dataset/scene.h"

namespace dexvlg {

int JudgedInstruction::Held() const {
  int n = 0;
  for (const JudgedGrasp& g : grasps) n += g.held;
  return n;
}
int JudgedInstruction::OnPart() const {
  int n = 0;
  for (const JudgedGrasp& g : grasps) n += g.on_part;
  return n;
}
int JudgedInstruction::HeldOnPart() const {
  int n = 0;
  for (const JudgedGrasp& g : grasps) n += g.held && g.on_part;
  return n;
}
int JudgedInstruction::HeldAboveTable() const {
  int n = 0;
  for (const JudgedGrasp& g : grasps) n += g.held && !g.below_table;
  return n;
}

std::vector<double> ToObjectFrame(const std::vector<double>& row, const Placement& placement) {
  Placement inverse;
  inverse.R = placement.R.transpose();
  inverse.t = -(placement.R.transpose() * placement.t);
  return PlacePose(row, inverse);
}

JudgedInstruction JudgeGrasps(const HandModel& hand, const SimScene& scene, SimWorker& worker,
                              const PredictedGrasps& p, const Placement& placement, int part) {
  JudgedInstruction out;
  out.part = part;
  out.predict_seconds = p.seconds;
  const auto start = std::chrono::steady_clock::now();
  const size_t ps = p.pose_size;
  for (int g = 0; g < p.count; ++g) {
    auto table_row = [&](const std::vector<double>& rows) {
      return std::vector<double>(rows.begin() + g * ps, rows.begin() + (g + 1) * ps);
    };
    JudgedGrasp j;
    j.pregrasp = ToObjectFrame(table_row(p.pregrasp), placement);
    j.grasp = ToObjectFrame(table_row(p.grasp), placement);
    j.squeeze = ToObjectFrame(table_row(p.squeeze), placement);
    j.below_table = !HandAboveTable(hand, table_row(p.grasp), 0.002) ||
                    !HandAboveTable(hand, table_row(p.squeeze), 0.002);
    j.outcome = scene.Run(j.pregrasp, j.grasp, j.squeeze, part, worker);
    j.held = j.outcome.success;
    j.on_part = j.outcome.part_aligned && !j.outcome.contact_links.empty();
    out.grasps.push_back(std::move(j));
  }
  out.simulate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

Expected<JudgedInstruction> PredictAndJudge(const GraspModel& model, const HandModel& hand,
                                            const SimScene& scene, SimWorker& worker,
                                            const Cloud& cloud, const Placement& placement,
                                            const std::string& instruction, int part,
                                            const PredictOptions& options) {
  Expected<PredictedGrasps> p = model.Predict(cloud, instruction, options);
  if (!p) return p.error();
  JudgedInstruction out = JudgeGrasps(hand, scene, worker, *p, placement, part);
  out.instruction = instruction;
  return out;
}

}  // namespace dexvlg
