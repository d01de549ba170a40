#include "cli/validate_commands.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>
#include "cli/command.h"
#include "cli/hand_commands.h"
#include "cli/progress.h"
#include "core/atomic_file.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "object/mesh_sdf.h"
#include "parts/prepare.h"
#include "sim/validate.h"
#include "synth/grasp_file.h"
#include "synth/grasp_import.h"

namespace dexvlg::cli {

Status RunValidate(const ValidateRequest& request, std::ostream& log) {
  const auto start = std::chrono::steady_clock::now();
  // the results go back into the grasp file: it must be replaceable before any simulation
  if (Status st = CheckOutputPath(request.grasps, false); !st) return st;
  auto set = ReadGraspFile(request.grasps);
  if (!set) return set.error();
  std::string hand_source = request.hand;
  if (hand_source.empty() && set->hand_source != "<builtin>") hand_source = set->hand_source;
  auto hand = ResolveHand(hand_source);
  if (!hand) return hand.error();
  // the file's joint order onto the hand's
  set = InHandOrder(*set, *hand, request.grasps);
  if (!set) return set.error();
  const std::string source = request.object.empty() ? set->object_source : request.object;
  if (source.empty()) {
    return Error{request.grasps + ": the file does not record its object; pass --object"};
  }
  // the recorded object as it was loaded (--scale, --size); an --object of the user's own as it is
  auto object =
      LoadClosedObject(source, request.object.empty() ? set->object_scale : ObjectScale{});
  if (!object) return object.error();
  const int target = object->PartLabel(set->part);
  if (target < 0) {
    return Error{source + ": no part named \"" + set->part + "\" (the grasp file's target part)"};
  }
  auto scene = SimScene::Build(*hand, *object, ShellPieces(object->mesh), request.params);
  if (!scene) return scene.error();

  const int n = set->count;
  // checkpoint: finished grasps go to a sidecar file, a line per grasp, so that a killed run
  // resumes where it stopped (same file, same protocol parameters)
  const std::string partial = request.grasps + ".validate.partial";
  auto run = ValidateGrasps(*scene, set->pregrasp, set->grasp, set->squeeze, n, target, partial,
                            [](int done, int total) { ShowProgress(done, total, "grasps"); });
  if (!run) return run.error();
  const int resumed = run->resumed;
  if (resumed > 0)
    log << "resumed: " << resumed << " of " << n << " grasps were validated by an earlier run\n";
  const std::vector<SimOutcome>& outcomes = run->outcomes;
  std::cerr << "\n";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::map<std::string, int> reasons;
  int success = 0, valid = 0, under_mm = 0;
  double pen_sum = 0, pen_max = 0;
  std::array<int, kDirections> held{};
  for (const SimOutcome& o : outcomes) {
    for (int d = 0; d < kDirections; ++d) held[d] += o.held[d] == 1;
    success += o.success;
    valid += o.valid;
    if (!o.valid) ++reasons[o.reason];
    pen_sum += o.penetration;
    pen_max = std::max(pen_max, o.penetration);
    under_mm += o.penetration < 0.001;
  }
  if (Status s =
          WriteValidation(request.grasps, ToValidation(outcomes, SimParamsText(request.params)));
      !s)
    return s;
  std::remove(partial.c_str());  // the results are in the grasp file now

  log << set->object << " / " << set->part << " / " << set->mode << ": " << success << " of " << n
      << " grasps hold (" << std::fixed << std::setprecision(1) << 100.0 * success / std::max(1, n)
      << "%, DexGraspBench protocol"
      << (request.params.pin_object_while_closing ? "; LENIENT: object pinned while closing"
                                                  : ", object free")
      << "), " << valid << " also pass the DexVLG checks, in " << std::setprecision(2) << seconds
      << " s (" << (n - resumed) / std::max(seconds, 1e-9) << " grasps/s)\n"
      << "  penetration (exact, at the grasp pose): mean " << std::setprecision(2)
      << 1e3 * pen_sum / std::max(1, n) << " mm, max " << 1e3 * pen_max << " mm, " << under_mm
      << " of " << n << " under 1 mm\n  held per direction:";
  for (int d = 0; d < kDirections; ++d) log << " " << DirectionName(d) << " " << held[d];
  log << "\n";
  log.unsetf(std::ios::fixed);
  for (const auto& [reason, count] : reasons)
    log << "  failed, " << reason << ": " << count << "\n";
  for (int i = 0; i < std::min(n, 3); ++i) {
    if (outcomes[i].valid) log << "  caption: " << outcomes[i].caption << "\n";
  }
  log << "wrote sim_* datasets and captions into " << request.grasps << "\n";
  return {};
}

}  // namespace dexvlg::cli

namespace dexvlg::cli {

namespace fs = std::filesystem;

Status RunImport(const ImportRequest& request, std::ostream& log) {
  auto hand = ResolveHand(request.hand);
  if (!hand) return hand.error();
  if (Status st = CheckOutputPath(request.out); !st) return st;
  std::map<std::string, std::string> rename;
  if (!request.joint_map.empty()) {
    std::ifstream in(request.joint_map);
    if (!in) return Error{request.joint_map + ": cannot read the joint map"};
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return Error{request.joint_map + ": not a JSON object {\"their name\": \"our name\"}"};
    }
    for (const auto& [theirs, ours] : j.items()) {
      if (!ours.is_string())
        return Error{request.joint_map + ": \"" + theirs + "\" must map to a string"};
      rename[theirs] = ours.get<std::string>();
    }
  }
  std::error_code ec;
  const bool bench =
      fs::is_directory(request.rows, ec) || fs::path(request.rows).extension() == ".npy";
  ObjectScale scale;
  Expected<std::vector<Grasp>> grasps = bench ? ReadBenchGrasps(request.rows, *hand, &scale.scale)
                                              : ReadCsvGrasps(request.rows, *hand, rename);
  if (!grasps) return grasps.error();
  if (grasps->empty()) return Error{request.rows + ": no grasp rows"};
  auto object = LoadClosedObject(request.object, scale);  // DexGraspBench scales its objects
  if (!object) return object.error();
  SynthOptions options;
  options.part = request.part;
  options.mode = request.mode == "pinch" ? GraspMode::kPinch : GraspMode::kWrap;
  auto result = ImportedResult(*hand, *object, request.part, options.mode, std::move(*grasps));
  if (!result) return Error{request.object + ": " + result.error().message};
  if (Status s =
          WriteGraspFile(request.out, *hand, *object, options, *result, request.object, scale);
      !s) {
    return s;
  }
  log << "imported " << result->grasps.size() << " grasps from " << request.rows
      << (bench ? " (DexGraspBench)" : "") << " into " << request.out << "\n";
  return {};
}

void AddValidateCommands(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    dexvlg::cli::ValidateRequest validate_request;
    dexvlg::cli::ImportRequest import_request;
  };
  const auto opt = std::make_shared<State>();
  // dexvlg validate ...
  auto* validate = app.add_subcommand(
      "validate",
      "Simulate the grasps of a grasp file in MuJoCo (six external-force directions, "
      "penetration, part alignment), add the results and captions to it (docs/sim.md)");
  validate
      ->add_option("GRASPS", opt->validate_request.grasps, "Grasp file (.h5) from `dexvlg synth`")
      ->required();
  validate->add_option("--object", opt->validate_request.object,
                       "Object source (default: the one recorded in the file)");
  validate->add_option(
      "--hand", opt->validate_request.hand,
      "Hand spec (.json), MJCF (.xml) or URDF (.urdf); default: the one recorded in the file");
  validate->add_option("--kp", opt->validate_request.params.kp, "Joint position gain (N m/rad)")
      ->capture_default_str();
  validate
      ->add_option("--impratio", opt->validate_request.params.impratio,
                   "Frictional-to-normal impedance ratio of MuJoCo's contact solver")
      ->capture_default_str();
  validate
      ->add_option("--noslip", opt->validate_request.params.noslip_iterations,
                   "No-slip solver iterations (0: off)")
      ->capture_default_str();
  validate->add_flag("--pinned-closing", opt->validate_request.params.pin_object_while_closing,
                     "LENIENT variant, never a headline figure: pin the object while the hand "
                     "closes (default: free throughout, as DexGraspBench)");
  validate->add_flag("--table", opt->validate_request.params.table,
                     "Table-top lift variant: a table under the object, gravity on, force +z");
  validate->add_flag("!--no-early-exit", opt->validate_request.params.early_exit,
                     "Run all six directions even after one fails");
  validate
      ->add_option("--settle-time", opt->validate_request.params.settle_time,
                   "A direction holds once the object rested this long (s) under the force "
                   "(0: always the full 2 s)")
      ->capture_default_str();

  // dexvlg import ...
  auto* import = app.add_subcommand(
      "import",
      "Turn grasps from other tools into a grasp file for `dexvlg validate`: CSV rows "
      "x,y,z,qw,qx,qy,qz,<joint names>, or DexGraspBench .npy grasp files (docs/grasp_file.md)");
  import
      ->add_option("ROWS", opt->import_request.rows,
                   "CSV file with a header, or a DexGraspBench .npy file or a folder of them "
                   "(one object; its obj_scale is applied to --object)")
      ->required();
  import->add_option("--object", opt->import_request.object, "Object source (the rows' frame)")
      ->required();
  import->add_option("--part", opt->import_request.part, "Target part name")->required();
  import->add_option("--mode", opt->import_request.mode, "Contact set recorded with the grasps")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->capture_default_str();
  import->add_option("--hand", opt->import_request.hand, kHandHelp);
  import->add_option("--joint-map", opt->import_request.joint_map,
                     "JSON {\"their joint name\": \"our joint name\"} for the header");
  import->add_option("--out", opt->import_request.out, "Grasp file to write (.h5)")->required();
  commands.On(validate, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunValidate(opt->validate_request, std::cout); !s) {
      return Fail(s.error());
    }
    return 0;
  });
  commands.On(import, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunImport(opt->import_request, std::cout); !s) {
      return Fail(s.error());
    }
    return 0;
  });
}

}  // namespace dexvlg::cli
