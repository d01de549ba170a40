#include "cli/synth_commands.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/hand_commands.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "object/convex.h"
#include "object/repair.h"
#include "parts/prepare.h"
#include "sim/settle.h"
#include "synth/grasp_file.h"
#include "view/contact_sheet.h"

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
      << "  palm " << (s.palm_touch ? "on the surface" : "kept off the surface") << " ("
      << PalmModeName(options.palm) << ")\n"
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

void AddSynthCommand(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    std::string synth_object, synth_mode = "wrap", synth_hand, synth_palm = "auto";
    dexvlg::cli::SynthOutputs synth_out;
    dexvlg::SynthOptions synth_options;
    int synth_settle = 2;
    dexvlg::ObjectScale synth_scale;
  };
  const auto opt = std::make_shared<State>();
  // dexvlg synth ...
  auto* synth = app.add_subcommand(
      "synth",
      "Synthesise part-aware grasps (DexGraspNet 3.0 energy, LP force closure) into an "
      "HDF5 grasp file (docs/synth.md)");
  synth
      ->add_option("OBJECT", opt->synth_object,
                   "Prepared folder, mesh file, part-labelled folder or procedural object")
      ->required();
  synth->add_option("--part", opt->synth_options.part, "Target part name (see `object info`)")
      ->required();
  synth->add_option("--mode", opt->synth_mode, "Contact set")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->capture_default_str();
  synth->add_option("--count", opt->synth_options.count, "Accepted grasps wanted")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  synth
      ->add_option("--attempts", opt->synth_options.max_attempts,
                   "Give up after this many attempts (0: 16 x count)")
      ->capture_default_str();
  synth->add_option("--seed", opt->synth_options.seed, "Random seed")->capture_default_str();
  synth->add_option("--steps", opt->synth_options.steps, "Optimiser steps per attempt")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  synth->add_option("--hand", opt->synth_hand, kHandHelp);
  synth
      ->add_option("--max-penetration", opt->synth_options.max_penetration,
                   "Filter: deepest hand-object penetration (m)")
      ->capture_default_str();
  AddObjectScale(synth, &opt->synth_scale);
  synth
      ->add_option("--squeeze", opt->synth_options.squeeze_angle,
                   "Squeeze: the largest joint of each contact's finger closes this far x its "
                   "LP force (rad)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 2.0));
  synth->add_flag("--couple-joints", opt->synth_options.couple_joints,
                  "Keep coupled joints equal while optimising (Shadow's J1 = J2, as BODex)");
  synth
      ->add_option("--squeeze-force", opt->synth_options.squeeze_force,
                   "Squeeze from forces instead: joint offsets J^T (F f c) / kp for a contact "
                   "force F (N; 0: --squeeze)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  synth
      ->add_option("--max-contact-distance", opt->synth_options.max_contact_distance,
                   "Filter: every fingertip contact this close to the surface (m)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.05));
  synth
      ->add_option("--fc-floor", opt->synth_options.weights.fc_floor,
                   "Force closure: every fingertip carries at least this share of the largest "
                   "contact force (0..1; default 0, docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  synth
      ->add_option("--palm", opt->synth_palm,
                   "Palm contacts: touch (pulled onto the surface, weight --touch-palm), gap "
                   "(kept --palm-gap off it at weight --palm-weight) or auto (touch on long, "
                   "thick shafts such as cans, bottles and cup bodies; gap elsewhere; "
                   "docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "touch", "gap"}));
  synth
      ->add_option("--touch-palm", opt->synth_options.touch_palm,
                   "Weight of the palm contacts' distance in E_dis where the palm touches")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  synth
      ->add_option("--palm-weight", opt->synth_options.weights.palm,
                   "Weight of the palm contacts' distance in E_dis where the palm keeps its gap, "
                   "relative to a fingertip's (docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  synth
      ->add_option("--palm-gap", opt->synth_options.weights.palm_gap,
                   "Distance the palm contacts keep from the surface (m)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.05));
  synth
      ->add_option("--fc-friction", opt->synth_options.weights.fc_friction,
                   "Force closure with friction: the LP's contact forces lie in cones of this "
                   "coefficient (4-sided pyramids; 0: normal forces only, docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 2.0));
  synth
      ->add_option("--max-residual", opt->synth_options.max_residual,
                   "Filter: LP force-closure residual")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  synth
      ->add_option("--settle", opt->synth_settle,
                   "Settle each grasp where the free object comes to rest in the closing hand: "
                   "a gentle squeeze, then up to N rounds at the protocol's pace until closing "
                   "barely moves the object (MuJoCo, default protocol; 0: off, docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  synth->add_option("--out", opt->synth_out.grasps, "Output grasp file (.h5, docs/grasp_file.md)");
  synth->add_option("--sheet", opt->synth_out.sheet,
                    "Contact sheet PNG of up to 12 accepted grasps");
  synth->add_option("--rows", opt->synth_out.rows,
                    "CSV of the grasp poses as rows x,y,z,qw,qx,qy,qz,<joint names>");
  commands.On(synth, [opt] {
    auto hand = dexvlg::cli::ResolveHand(opt->synth_hand);
    if (!hand) return Fail(hand.error());
    dexvlg::ParsePalmMode(opt->synth_palm, &opt->synth_options.palm);  // checked by IsMember
    opt->synth_options.mode =
        opt->synth_mode == "pinch" ? dexvlg::GraspMode::kPinch : dexvlg::GraspMode::kWrap;
    if (dexvlg::Status s =
            dexvlg::cli::RunSynth(*hand, opt->synth_object, opt->synth_options, opt->synth_out,
                                  std::cout, opt->synth_settle, opt->synth_scale);
        !s) {
      return Fail(s.error());
    }
    return 0;
  });
}

}  // namespace dexvlg::cli
