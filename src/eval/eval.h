// The paper's evaluation (DESIGN.md §3 and §7, docs/eval.md): for every object, its resting
// scenes on a table, single camera views, one instruction per part and mode (the caption
// template and, separately, a paraphrase the model never trained on), K predicted grasps each,
// every one simulated under the default protocol. Suc / PTA / PGA with 95% intervals, per object,
// family, seen vs unseen, mode and phrasing, beside the baselines run in the same call: the
// model without the instruction, and nearest-neighbour retrieval of training grasps.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/status.h"
#include "dataset/scene.h"
#include "hand/hand_model.h"
#include "model/model.h"
#include "model/refine.h"
#include "object/object_source.h"

namespace dexvlg {

struct EvalOptions {
  std::vector<std::string> objects;  ///< object sources (mesh files, folders, procedural specs)
  std::string out;                   ///< report folder
  int scenes = 1;                    ///< resting poses per object
  int views = 1;                     ///< camera views per scene, each judged alone
  int count = 8;                     ///< grasps per instruction
  unsigned seed = 0;
  std::vector<std::string> modes = {"wrap", "pinch"};
  bool paraphrases = true;          ///< also a held-out paraphrase per part and mode
  bool no_language = true;          ///< the baseline without the instruction
  std::string retrieval;            ///< dataset folder for the retrieval baseline ("" = not run)
  bool retrieval_all_held = false;  ///< index every held grasp, as `train --all-held` does
  int steps = 0;                    ///< Euler steps (0: the model's)
  double guidance = -1;             ///< guidance (< 0: the model's)
  std::string sampler;              ///< "" (the model's), "flow" or "ddpm" (PredictOptions)
  SceneOptions scene;               ///< the camera
  ObjectScale scale;                ///< every object scaled on loading
  bool pictures = true;             ///< a picture per object
  /// Ranking (docs/eval.md): for the model's template instructions, also the first sample
  /// (model@1), the lowest-energy sample (model+energy@1) and the lowest-energy sample after
  /// refinement against the view's cloud, simulated (model+refine@1).
  bool ranking = true;
  RefineOptions refine;
  /// The data engine as an upper reference (method "synthesis"): K grasps per part and mode
  /// synthesised on the full mesh (settled, as generate makes them), judged on the first scene.
  bool synthesis = true;
  Status Validate() const;
};

/// K grasps of one method for one instruction on one view: the unit the report counts.
struct EvalRecord {
  std::string object;  ///< ObjectKey of the source: "ycb_025_mug", "mug:size=1.05"
  std::string family, part, mode, method, phrasing, instruction;
  bool seen = false;  ///< the object was in the model's training set
  int scene = 0, view = 0;
  int count = 0, held = 0, on_part = 0, held_on_part = 0, below_table = 0;
  /// Held with the hand above the table at the grasp and the squeeze (a grasp a robot could
  /// make on that table); -1 in result files written before it was counted.
  int held_above_table = 0;
  double penetration = 0;  ///< m, mean exact depth at the grasp
  double predict_seconds = 0, simulate_seconds = 0;
};

/// A share with its Wilson 95% interval.
struct Rate {
  int hits = 0, total = 0;
  double value = 0, low = 0, high = 0;
};
Rate WilsonRate(int hits, int total);

/// Runs the evaluation; objects with a result file in `out/objects/` are read back, not redone
/// (resumable after kill -9; results are deterministic in the seed). Writes report.json and
/// report.md at the end.
Expected<std::vector<EvalRecord>> Evaluate(const GraspModel& model, const HandModel& hand,
                                           const EvalOptions& options, std::ostream& log);

/// The report's tables (markdown): overall per method, then by seen / unseen, mode, phrasing,
/// family and object for the model.
std::string ReportMarkdown(const std::vector<EvalRecord>& records, const std::string& title);
/// report.json: every record and the overall rates.
std::string ReportJson(const std::vector<EvalRecord>& records);

}  // namespace dexvlg
