// Predicted grasps judged in simulation (DESIGN.md §3 metrics, docs/eval.md): a model's grasps
// for one instruction on one view of a scene, moved into the object frame and run under the
// default (DexGraspBench) protocol. Suc = held; PTA = the contacts touch the instructed part;
// PGA = held and touching the instructed part.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "model/model.h"
#include "sim/sim.h"

namespace dexvlg {

struct JudgedGrasp {
  std::vector<double> pregrasp, grasp, squeeze;  ///< object frame
  SimOutcome outcome;
  bool held = false;         ///< Suc: the DexGraspBench protocol held
  bool on_part = false;      ///< PTA: some contact, every contact nearest the instructed part
  bool below_table = false;  ///< the hand reaches below the table top at the grasp or squeeze
};

struct JudgedInstruction {
  std::string instruction;
  int part = 0;
  std::vector<JudgedGrasp> grasps;
  double predict_seconds = 0, simulate_seconds = 0;
  int Count() const { return static_cast<int>(grasps.size()); }
  int Held() const;
  int OnPart() const;
  int HeldOnPart() const;
  int HeldAboveTable() const;  ///< held, and the hand never below the table top
};

/// Judges grasps given in the scene's table frame (the object at `placement`): moved into the
/// object frame and simulated in `scene` with the instructed `part` label; `hand` checks the
/// table.
JudgedInstruction JudgeGrasps(const HandModel& hand, const SimScene& scene, SimWorker& worker,
                              const PredictedGrasps& grasps, const Placement& placement, int part);

/// Predicts `options.count` grasps for `instruction` on `cloud` (the table frame of a scene
/// whose object sits at `placement`), moves them into the object frame and simulates each in
/// `scene` with the instructed `part` label.
Expected<JudgedInstruction> PredictAndJudge(const GraspModel& model, const HandModel& hand,
                                            const SimScene& scene, SimWorker& worker,
                                            const Cloud& cloud, const Placement& placement,
                                            const std::string& instruction, int part,
                                            const PredictOptions& options);

/// A pose row moved from the table frame into the object frame of `placement`.
std::vector<double> ToObjectFrame(const std::vector<double>& row, const Placement& placement);

}  // namespace dexvlg
