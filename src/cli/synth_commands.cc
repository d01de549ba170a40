#include "cli/synth_commands.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>

#include "cli/progress.h"
#include "core/atomic_file.h"
#include "object/convex.h"
#include "object/repair.h"
#include "parts/prepare.h"
#include "sim/settle.h"
#include "synth/contact_sheet.h"
#include "synth/grasp_file.h"

namespace dexvlg::cli {

Status RunSynth(const HandModel& hand, const std::string& source, const SynthOptions& options,
                const SynthOutputs& out, std::ostream& log, int settle, const ObjectScale& scale) {
  // every output is checked before any work (a device or a folder is never replaced)
  for (const std::string* path : {&out.grasps, &out.sheet, &out.rows}) {
    if (path->empty()) continue;
    if (Status st = CheckOutputPath(*path); !st) return st;
  }
  auto object = LoadClosedObject(source, scale);
  if (!object) return object.error();
  const LabeledMesh& closed = object.value();
  auto progress = [](int done, int total) { ShowProgress(done, total, "grasps"); };
  std::optional<SimScene> scene;
  GraspRefiner refine;
  if (settle > 0) {
    auto built = SimScene::Build(hand, closed, ShellPieces(closed.mesh), SimParams{});
    if (!built) return Error{source + ": " + built.error().message};
    scene.emplace(std::move(*built));
    refine = Settler(*scene, settle);
  }
  auto result = Synthesize(hand, closed, options, progress, refine);
  std::cerr << "\n";
  if (!result) {  // the message names the object; the source too when it says more
    const std::string& m = result.error().message;
    return Error{m.rfind(source + ":", 0) == 0 ? m : source + ": " + m};
  }
  const SynthSummary& s = result->summary;
  log << closed.name << " / " << options.part << " / " << ModeName(options.mode) << ": "
      << s.accepted << " accepted of " << s.attempts << " attempts in " << std::fixed
      << std::setprecision(2) << s.seconds << " s (" << s.accepted / std::max(s.seconds, 1e-9)
      << " grasps/s, " << s.steps / std::max(s.seconds, 1e-9) << " steps/s; object setup "
      << s.setup_seconds << " s)\n"
      << "  mean energy " << s.mean_energy_start << " -> " << s.mean_energy_end << "\n";
  log.unsetf(std::ios::fixed);
  for (const auto& [reason, count] : s.rejected)
    log << "  rejected, " << reason << ": " << count << "\n";
  if (!out.grasps.empty()) {
    if (Status st = WriteGraspFile(out.grasps, hand, closed, options, *result, source, scale); !st)
      return st;
    log << "wrote " << out.grasps << "\n";
  }
  if (!out.rows.empty()) {
    if (Status st = WritePoseRows(out.rows, hand, *result, "grasp"); !st) return st;
    log << "wrote " << out.rows << "\n";
  }
  if (!out.sheet.empty()) {
    const Image sheet =
        ContactSheet(hand, closed, result->target_label, result->grasps, 12, 4, 320, 260);
    if (Status st = WritePng(sheet, out.sheet); !st) return st;
    log << "wrote " << out.sheet << "\n";
  }
  return {};
}

}  // namespace dexvlg::cli
