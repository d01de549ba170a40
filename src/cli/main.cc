// The dexvlg command line: parses arguments and calls the libraries; nothing else lives here.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/dataset_commands.h"
#include "cli/demo.h"
#include "cli/hand_commands.h"
#include "cli/model_commands.h"
#include "cli/object_commands.h"
#include "cli/synth_commands.h"
#include "cli/validate_commands.h"
#include "cli/view_commands.h"
#include "core/atomic_file.h"
#include "hand/hand_loader.h"
#include "object/procedural.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "serve/server.h"

namespace {

constexpr int kExitInputError = 1;
constexpr int kExitInternalError = 3;
constexpr const char* kHandHelp =
    "Hand spec (.json), MJCF (.xml) or URDF (.urdf); default: built-in";

int Fail(const dexvlg::Error& e) {
  std::cerr << "dexvlg: error: " << e.message << "\n";
  return kExitInputError;
}

/// --scale S and --size MIN:MAX on a command that takes an object.
void AddObjectScale(CLI::App* command, dexvlg::ObjectScale* scale) {
  command
      ->add_option("--scale", scale->scale,
                   "Multiply the object's coordinates (e.g. 0.001 for a file in millimetres)")
      ->capture_default_str()
      ->check([](const std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool ok = end != text.c_str() && *end == '\0' && v > 0 && std::isfinite(v);
        return ok ? "" : "expected a positive number, got \"" + text + "\"";
      });
  command->add_option_function<std::string>(
      "--size",
      [scale](const std::string& text) {
        const size_t colon = text.find(':');
        try {
          if (colon == std::string::npos) throw std::invalid_argument(text);
          scale->min_size = std::stod(text.substr(0, colon));
          scale->max_size = std::stod(text.substr(colon + 1));
        } catch (const std::exception&) {
          throw CLI::ValidationError("--size", "expected MIN:MAX in metres, got \"" + text + "\"");
        }
        if (dexvlg::Status s = scale->Validate(); !s) {
          throw CLI::ValidationError("--size", s.error().message);
        }
      },
      "Rescale so that the bounding-box diagonal lies in MIN:MAX metres (e.g. 0.1:0.3)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "dexvlg: part-aware, language-conditioned dexterous grasping (DexVLG / DexGraspNet 3.0).\n"
      "Hands are MJCF files plus an optional hand spec; with no --hand the built-in 22-joint\n"
      "Shadow Hand is used. Run `dexvlg <command> --help` for details."};
  app.set_version_flag("--version", std::string("dexvlg ") + DEXVLG_VERSION +
                                        " (generate: " + dexvlg::cli::ScaleOut() + ")");
  app.require_subcommand(1);

  // dexvlg demo
  auto* demo = app.add_subcommand("demo", "Run the built-in demo (README command 1)");
  std::string demo_hand;
  demo->add_option("--hand", demo_hand, kHandHelp);

  // dexvlg hand ...
  auto* hand_cmd = app.add_subcommand("hand", "Inspect hand models: info, fk, spec");
  hand_cmd->require_subcommand(1);
  std::string hand_path;
  bool as_json = false;
  auto* info = hand_cmd->add_subcommand("info", "Joints, limits, links and contact sets of a hand");
  info->add_option("--hand", hand_path, kHandHelp);
  info->add_flag("--json", as_json, "Print JSON instead of a table");

  dexvlg::cli::FkOptions fk_options;
  auto* fk = hand_cmd->add_subcommand(
      "fk", "Link frames and contact points for one hand configuration (forward kinematics)");
  fk->add_option("--hand", hand_path, kHandHelp);
  fk->add_option("--q", fk_options.q, "Joint values in the hand's joint order (see `hand info`)")
      ->delimiter(',');
  fk->add_option("--preset", fk_options.preset, "Joints when --q is absent")
      ->check(CLI::IsMember({"rest", "mid", "open", "closed"}));
  fk->add_option("--pose", fk_options.pose, "Root pose x,y,z,qw,qx,qy,qz (m); default identity")
      ->delimiter(',');
  fk->add_flag("--json", fk_options.as_json, "Print JSON instead of a table");

  std::string spec_out;
  auto* spec = hand_cmd->add_subcommand(
      "spec",
      "Write the hand spec (contacts, wrap/pinch sets, self-collision pairs) as JSON; "
      "for a bare MJCF this is the derived spec, ready to edit");
  spec->add_option("--hand", hand_path, kHandHelp);
  spec->add_option("--out", spec_out, "Output file (default: standard output)");

  // dexvlg object ...
  auto* object_cmd = app.add_subcommand("object", "Inspect objects: meshes, parts and categories");
  object_cmd->require_subcommand(1);
  std::string object_source;
  bool object_json = false;
  std::string procedural_list;
  for (const std::string& n : dexvlg::ProceduralNames()) procedural_list += " " + n;
  auto* object_info = object_cmd->add_subcommand(
      "info",
      "Size, watertightness, parts with oriented boxes and categories (lid, disk, "
      "L-shaped, shaft)");
  object_info
      ->add_option("OBJECT", object_source,
                   "Mesh file (OBJ/STL/PLY/GLB), part-labelled folder (part_labels.json), or a "
                   "procedural object:" +
                       procedural_list + " (e.g. mug:size=1.2,proportion=0.8)")
      ->required();
  object_info->add_flag("--json", object_json, "Print JSON instead of a table");
  dexvlg::ObjectScale object_scale;
  AddObjectScale(object_info, &object_scale);

  std::string prepare_out, size_range;
  dexvlg::PrepareOptions prepare_options;
  auto* object_prepare = object_cmd->add_subcommand(
      "prepare",
      "Write a prepared object folder: watertight mesh with part labels, surface samples, "
      "object.json with part categories and boxes (format in docs/object_format.md)");
  object_prepare
      ->add_option("OBJECT", object_source, "Mesh file, part-labelled folder or procedural object")
      ->required();
  object_prepare->add_option("--out", prepare_out, "Output folder")->required();
  object_prepare->add_option("--size", size_range,
                             "Rescale so the bounding-box diagonal lies in MIN:MAX metres (e.g. "
                             "0.2:0.5, as the paper); default: keep metric units");
  object_prepare
      ->add_option("--resolution", prepare_options.resolution, "Repair voxels along the diagonal")
      ->capture_default_str();
  object_prepare
      ->add_option("--samples", prepare_options.samples, "Surface samples (farthest point)")
      ->capture_default_str();
  object_prepare
      ->add_option("--segment", prepare_options.segment,
                   "Geometric part segmentation: auto (inputs without part labels), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  object_prepare->add_option("--name", prepare_options.name,
                             "Object name (default: from the input)");
  object_prepare
      ->add_option("--part-names", prepare_options.part_names,
                   "Part names in label order, comma separated (see `object segment`)")
      ->delimiter(',');

  std::string segment_out;
  dexvlg::SegmentOptions segment_options;
  auto* object_segment = object_cmd->add_subcommand(
      "segment",
      "Split an object into parts by its geometry alone (protrusions, then cross-section "
      "steps; docs/parts.md); compares with the object's own labels when it has some");
  object_segment
      ->add_option("OBJECT", object_source,
                   "Mesh file, part-labelled or prepared folder, or procedural object")
      ->required();
  object_segment->add_option("--out", segment_out, "Output PNG (input labels above, parts below)");
  object_segment
      ->add_option("--resolution", segment_options.resolution,
                   "Voxels along the longest side of the object's box")
      ->capture_default_str()
      ->check(CLI::Range(16, 512));

  std::string render_out;
  int view_width = 480, view_height = 360;
  auto* object_render = object_cmd->add_subcommand(
      "render", "Write a PNG of an object coloured by part: four views in a 2 x 2 grid");
  object_render
      ->add_option("OBJECT", object_source,
                   "Mesh file, part-labelled or prepared folder, or procedural object")
      ->required();
  object_render->add_option("--out", render_out, "Output PNG")->required();
  object_render->add_option("--width", view_width, "Width of one view (pixels)")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  object_render->add_option("--height", view_height, "Height of one view (pixels)")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));

  std::string hand_render_out, hand_render_preset = "mid";
  auto* hand_render = hand_cmd->add_subcommand(
      "render", "Write a PNG of the hand's collision shapes, coloured by link (four views)");
  hand_render->add_option("--hand", hand_path, kHandHelp);
  hand_render->add_option("--preset", hand_render_preset, "Joint values")
      ->check(CLI::IsMember({"rest", "mid", "open", "closed"}))
      ->capture_default_str();
  hand_render->add_option("--out", hand_render_out, "Output PNG")->required();

  // dexvlg synth ...
  std::string synth_object, synth_mode = "wrap", synth_hand;
  dexvlg::cli::SynthOutputs synth_out;
  dexvlg::SynthOptions synth_options;
  auto* synth = app.add_subcommand(
      "synth",
      "Synthesise part-aware grasps (DexGraspNet 3.0 energy, LP force closure) into an "
      "HDF5 grasp file (docs/synth.md)");
  synth
      ->add_option("OBJECT", synth_object,
                   "Prepared folder, mesh file, part-labelled folder or procedural object")
      ->required();
  synth->add_option("--part", synth_options.part, "Target part name (see `object info`)")
      ->required();
  synth->add_option("--mode", synth_mode, "Contact set")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->capture_default_str();
  synth->add_option("--count", synth_options.count, "Accepted grasps wanted")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  synth
      ->add_option("--attempts", synth_options.max_attempts,
                   "Give up after this many attempts (0: 16 x count)")
      ->capture_default_str();
  synth->add_option("--seed", synth_options.seed, "Random seed")->capture_default_str();
  synth->add_option("--steps", synth_options.steps, "Optimiser steps per attempt")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  synth->add_option("--hand", synth_hand, kHandHelp);
  synth
      ->add_option("--max-penetration", synth_options.max_penetration,
                   "Filter: deepest hand-object penetration (m)")
      ->capture_default_str();
  int synth_settle = 2;
  dexvlg::ObjectScale synth_scale;
  AddObjectScale(synth, &synth_scale);
  synth
      ->add_option("--squeeze", synth_options.squeeze_angle,
                   "Squeeze: the largest joint of each contact's finger closes this far x its "
                   "LP force (rad)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 2.0));
  synth
      ->add_option("--squeeze-force", synth_options.squeeze_force,
                   "Squeeze from forces instead: joint offsets J^T (F f c) / kp for a contact "
                   "force F (N; 0: --squeeze)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  synth
      ->add_option("--max-contact-distance", synth_options.max_contact_distance,
                   "Filter: every fingertip contact this close to the surface (m)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.05));
  synth
      ->add_option("--max-residual", synth_options.max_residual,
                   "Filter: LP force-closure residual")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  synth
      ->add_option("--settle", synth_settle,
                   "Settle each grasp where the free object comes to rest in the closing hand: "
                   "a gentle squeeze, then up to N rounds at the protocol's pace until closing "
                   "barely moves the object (MuJoCo, default protocol; 0: off, docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  synth->add_option("--out", synth_out.grasps, "Output grasp file (.h5, docs/grasp_file.md)");
  synth->add_option("--sheet", synth_out.sheet, "Contact sheet PNG of up to 12 accepted grasps");
  synth->add_option("--rows", synth_out.rows,
                    "CSV of the grasp poses as rows x,y,z,qw,qx,qy,qz,<joint names>");

  // dexvlg validate ...
  dexvlg::cli::ValidateRequest validate_request;
  auto* validate = app.add_subcommand(
      "validate",
      "Simulate the grasps of a grasp file in MuJoCo (six external-force directions, "
      "penetration, part alignment), add the results and captions to it (docs/sim.md)");
  validate->add_option("GRASPS", validate_request.grasps, "Grasp file (.h5) from `dexvlg synth`")
      ->required();
  validate->add_option("--object", validate_request.object,
                       "Object source (default: the one recorded in the file)");
  validate->add_option(
      "--hand", validate_request.hand,
      "Hand spec (.json), MJCF (.xml) or URDF (.urdf); default: the one recorded in the file");
  validate->add_option("--kp", validate_request.params.kp, "Joint position gain (N m/rad)")
      ->capture_default_str();
  validate
      ->add_option("--impratio", validate_request.params.impratio,
                   "Frictional-to-normal impedance ratio of MuJoCo's contact solver")
      ->capture_default_str();
  validate
      ->add_option("--noslip", validate_request.params.noslip_iterations,
                   "No-slip solver iterations (0: off)")
      ->capture_default_str();
  validate->add_flag("--pinned-closing", validate_request.params.pin_object_while_closing,
                     "LENIENT variant, never a headline figure: pin the object while the hand "
                     "closes (default: free throughout, as DexGraspBench)");
  validate->add_flag("--table", validate_request.params.table,
                     "Table-top lift variant: a table under the object, gravity on, force +z");
  validate->add_flag("!--no-early-exit", validate_request.params.early_exit,
                     "Run all six directions even after one fails");
  validate
      ->add_option("--settle-time", validate_request.params.settle_time,
                   "A direction holds once the object rested this long (s) under the force "
                   "(0: always the full 2 s)")
      ->capture_default_str();

  // dexvlg import ...
  dexvlg::cli::ImportRequest import_request;
  auto* import = app.add_subcommand(
      "import",
      "Turn grasps from other tools into a grasp file for `dexvlg validate`: CSV rows "
      "x,y,z,qw,qx,qy,qz,<joint names>, or DexGraspBench .npy grasp files (docs/grasp_file.md)");
  import
      ->add_option("ROWS", import_request.rows,
                   "CSV file with a header, or a DexGraspBench .npy file or a folder of them "
                   "(one object; its obj_scale is applied to --object)")
      ->required();
  import->add_option("--object", import_request.object, "Object source (the rows' frame)")
      ->required();
  import->add_option("--part", import_request.part, "Target part name")->required();
  import->add_option("--mode", import_request.mode, "Contact set recorded with the grasps")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->capture_default_str();
  import->add_option("--hand", import_request.hand, kHandHelp);
  import->add_option("--joint-map", import_request.joint_map,
                     "JSON {\"their joint name\": \"our joint name\"} for the header");
  import->add_option("--out", import_request.out, "Grasp file to write (.h5)")->required();

  // dexvlg generate ...
  dexvlg::cli::GenerateRequest generate_request;
  auto* generate = app.add_subcommand(
      "generate",
      "Make a dataset: for every object and part, synthesise, validate and caption grasps, "
      "render table-top RGB-D scenes and store one HDF5 shard per object (resumable; "
      "`mpirun -np N dexvlg generate ...` shares the objects across ranks; docs/dataset.md)");
  generate
      ->add_option("--objects", generate_request.objects,
                   "Objects: a folder of object folders or mesh files, a text file with one "
                   "source per line, or a comma-separated list (procedural names allowed)")
      ->required();
  generate->add_option("--out", generate_request.options.out, "Dataset folder")->required();
  generate->add_option("--hand", generate_request.options.hand, kHandHelp);
  generate
      ->add_option("--count", generate_request.options.count,
                   "Synthesised grasps per part and mode (all are validated)")
      ->capture_default_str();
  generate
      ->add_option("--attempts", generate_request.options.attempts,
                   "Synthesis attempts per part and mode (0: 16 x count)")
      ->capture_default_str();
  AddObjectScale(generate, &generate_request.options.object_scale);
  generate
      ->add_option("--part-names", generate_request.options.part_names,
                   "Part names in label order, comma separated, for every object (e.g. "
                   "body,handle for unlabelled mugs; see `object segment`)")
      ->delimiter(',');
  generate
      ->add_option("--settle", generate_request.options.settle,
                   "Settle each grasp where the free object comes to rest in the closing hand "
                   "(up to N protocol-pace rounds after a gentle squeeze; 0: off, "
                   "docs/synth.md)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10));
  generate
      ->add_option("--synth-table", generate_request.options.synth_table,
                   "scene: synthesise with each scene's table; free: synthesise once around "
                   "the free object and give each grasp to the scene whose table it clears "
                   "(the paper's order; docs/dataset.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"scene", "free"}));
  generate->add_option("--modes", generate_request.options.modes, "Grasp modes")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->delimiter(',')
      ->capture_default_str();
  generate
      ->add_option("--scenes", generate_request.options.scenes, "Resting poses (scenes) per object")
      ->capture_default_str();
  generate->add_option("--views", generate_request.options.scene.cameras, "Cameras per scene")
      ->capture_default_str();
  generate
      ->add_option("--points", generate_request.options.scene.points,
                   "Points per view after downsampling")
      ->capture_default_str();
  generate
      ->add_option("--image-scale", generate_request.image_scale,
                   "Camera resolution scale (1: 1280 x 720, the D415's depth resolution)")
      ->capture_default_str();
  generate->add_option("--seed", generate_request.options.seed, "Seed")->capture_default_str();
  generate->add_flag("!--no-pictures", generate_request.options.pictures,
                     "Skip the per-object scene pictures (dataset/pictures)");

  // dexvlg dataset info|verify|export
  auto* dataset_cmd = app.add_subcommand("dataset", "Inspect, check and export a dataset");
  dataset_cmd->require_subcommand(1);
  std::string dataset_path, export_out, export_format = "csv";
  auto* dataset_info = dataset_cmd->add_subcommand("info", "Counts per object and totals");
  dataset_info->add_option("DATASET", dataset_path, "Dataset folder")->required();
  auto* dataset_verify = dataset_cmd->add_subcommand(
      "verify", "Integrity check of every shard and the index (exit 1 on any problem)");
  dataset_verify->add_option("DATASET", dataset_path, "Dataset folder")->required();
  auto* dataset_export = dataset_cmd->add_subcommand(
      "export", "Write point clouds as PLY and grasps as CSV or JSON rows");
  dataset_export->add_option("DATASET", dataset_path, "Dataset folder")->required();
  dataset_export->add_option("--out", export_out, "Output folder")->required();
  dataset_export
      ->add_option("--format", export_format,
                   "Grasp rows format: csv, json, or dexgraspbench (one .npy per successful grasp "
                   "in DexGraspBench's layout, pregrasp, grasp and squeeze; docs/grasp_file.md)")
      ->check(CLI::IsMember({"csv", "json", "dexgraspbench"}))
      ->capture_default_str();

  // dexvlg train / predict
  dexvlg::cli::TrainRequest train_request;
  auto* train = app.add_subcommand(
      "train",
      "Train the DexVLG model (point cloud + instruction -> grasps, flow matching) on a dataset; "
      "resumes a killed run; `mpirun -np N dexvlg train` trains data-parallel (docs/model.md)");
  train->add_option("--data", train_request.data, "Dataset folder (`dexvlg generate`)")->required();
  train->add_option("--out", train_request.out, "Model folder (model.h5, config.json, loss.csv)")
      ->required();
  train->add_option("--config", train_request.config,
                    "JSON file of model config values (sizes, recipe; docs/model.md)");
  train->add_option("--hand", train_request.hand,
                    "Hand the dataset was made with; default: built-in");
  train->add_option("--steps", train_request.steps, "Optimiser steps (overrides the config)");
  train->add_option("--batch", train_request.batch,
                    "Samples per step over all processes (overrides the config)");
  train->add_option("--held-back", train_request.held_back,
                    "Objects held back for the validation loss (default: a tenth, at least 1)");
  train->add_option("--threads", train_request.threads, "LibTorch threads (0: all cores)")
      ->capture_default_str();
  train
      ->add_option("--checkpoint-every", train_request.checkpoint_every,
                   "Steps between checkpoints")
      ->capture_default_str();
  train->add_option("--device", train_request.device, "cpu or cuda")->capture_default_str();
  train->add_flag("--all-held", train_request.all_held,
                  "Train on every held grasp of a scene, also those whose hand reaches below its "
                  "table (eval reports that share)");
  dexvlg::cli::PredictRequest predict_request;
  auto* predict = app.add_subcommand(
      "predict", "Predict grasps for an instruction on a single-view coloured point cloud");
  predict->add_option("--model", predict_request.model, "Model folder or model.h5")->required();
  predict->add_option("--cloud", predict_request.cloud,
                      "PLY point cloud in the table frame (z up, table top z = 0)");
  predict->add_option("--scene", predict_request.scene, "A dataset view: SHARD:SCENE:VIEW");
  predict
      ->add_option("--instruction", predict_request.instruction,
                   "What to grasp, e.g. \"grasp the handle of the mug\"")
      ->required();
  predict->add_option("--count", predict_request.count, "Grasps to sample")->capture_default_str();
  predict->add_option("--out", predict_request.out, "Grasp file to write (.h5)")->required();
  predict->add_option("--hand", predict_request.hand, "Hand; default: the model's");
  predict->add_option("--steps", predict_request.steps, "Euler steps (0: the model's)");
  predict->add_option("--guidance", predict_request.guidance,
                      "Classifier-free guidance weight (default: the model's)");
  predict->add_option("--seed", predict_request.seed, "Seed")->capture_default_str();
  predict->add_flag("!--no-picture", predict_request.picture, "Skip the contact sheet");
  predict
      ->add_option("--refine", predict_request.refine,
                   "Refine each grasp by N steps of the synthesis energy against the cloud "
                   "(no penetration, above the table) and sort by energy; 0: off")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();

  dexvlg::cli::EvalRequest eval_request;
  auto* eval = app.add_subcommand(
      "eval",
      "Suc / PTA / PGA of a model on objects: table-top scenes, single views, one instruction per "
      "part and mode (template and held-out paraphrase), every grasp simulated; baselines in the "
      "same run; resumable (docs/eval.md)");
  eval->add_option("--model", eval_request.model, "Model folder or model.h5")->required();
  eval->add_option("--objects", eval_request.objects,
                   "Objects: a folder, a list file or a comma-separated list (procedural names "
                   "allowed)")
      ->required();
  eval->add_option("--out", eval_request.options.out, "Report folder")->required();
  eval->add_option("--scenes", eval_request.options.scenes, "Resting poses per object")
      ->capture_default_str();
  eval->add_option("--views", eval_request.options.views, "Camera views per scene")
      ->capture_default_str();
  eval->add_option("--count", eval_request.options.count, "Grasps per instruction")
      ->capture_default_str();
  eval->add_option("--modes", eval_request.options.modes, "Grasp modes")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->delimiter(',')
      ->capture_default_str();
  eval->add_option("--retrieval", eval_request.options.retrieval,
                   "Training dataset for the nearest-neighbour retrieval baseline");
  eval->add_flag("--retrieval-all-held", eval_request.options.retrieval_all_held,
                 "Index every held grasp for retrieval, as `train --all-held` trains on");
  eval->add_flag("!--no-paraphrases", eval_request.options.paraphrases,
                 "Skip the held-out paraphrases");
  eval->add_flag("!--no-language-baseline", eval_request.options.no_language,
                 "Skip the model without the instruction");
  eval->add_option("--steps", eval_request.options.steps, "Euler steps (0: the model's)");
  eval->add_option("--guidance", eval_request.options.guidance,
                   "Classifier-free guidance (default: the model's)");
  eval->add_option("--sampler", eval_request.options.sampler,
                   "flow (Euler, deterministic) or ddpm (ancestral, the same network); default: "
                   "the model's")
      ->check(CLI::IsMember({"flow", "ddpm"}));
  eval->add_option("--image-scale", eval_request.image_scale,
                   "Camera resolution scale (1: 1280 x 720)")
      ->capture_default_str();
  eval->add_option("--hand", eval_request.hand, "Hand; default: the model's");
  eval->add_option("--seed", eval_request.options.seed, "Seed")->capture_default_str();
  AddObjectScale(eval, &eval_request.options.scale);
  eval->add_flag("!--no-pictures", eval_request.options.pictures, "Skip the per-object pictures");
  eval->add_flag("!--no-synthesis-baseline", eval_request.options.synthesis,
                 "Skip the data engine's grasps on the full mesh (the upper reference)");
  eval->add_flag("!--no-ranking", eval_request.options.ranking,
                 "Skip model@1, model+energy@1 and model+refine@1 (ranking the samples)");
  eval->add_option("--refine-steps", eval_request.options.refine.steps,
                   "Optimiser steps refining each sample against the view's cloud")
      ->capture_default_str();
  eval->add_option("--refine-lr", eval_request.options.refine.lr_scale,
                   "Refinement step sizes against the synthesis optimiser's")
      ->capture_default_str();

  dexvlg::ServeOptions serve_options;
  auto* serve =
      app.add_subcommand("serve",
                         "Serve a model over HTTP + JSON: /health, /metadata, /predict, /validate "
                         "(docs/serve.md); SIGTERM stops it");
  serve->add_option("--model", serve_options.model, "Model folder or model.h5")->required();
  serve->add_option("--host", serve_options.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", serve_options.port, "Port (0: any free one, printed)")
      ->capture_default_str();
  serve->add_option("--threads", serve_options.threads, "Requests served at once")
      ->capture_default_str();
  serve->add_option("--max-body", serve_options.max_body, "Largest request body (bytes)")
      ->capture_default_str();
  serve->add_option("--max-points", serve_options.max_points, "Most points per cloud")
      ->capture_default_str();
  serve->add_option("--max-count", serve_options.max_count, "Most grasps per predict request")
      ->capture_default_str();
  serve->add_option("--hand", serve_options.hand, "Hand; default: the model's");

  dexvlg::cli::ViewRequest view_request;
  auto* view = app.add_subcommand(
      "view",
      "Write a web page (three.js, opens from disk) showing grasps on their object, with part "
      "colours, the scene's cloud, a pregrasp/grasp/squeeze slider, captions and simulation "
      "results (docs/view.md)");
  view->add_option("input", view_request.input,
                   "A grasp file (.h5), a dataset shard (.h5), a dataset folder or an eval "
                   "report folder")
      ->required();
  view->add_option("--out", view_request.out, "The page to write (.html)")->required();
  view->add_option("--hand", view_request.hand, "Hand; default: the grasp file's, else built-in");
  view->add_option("--object", view_request.options.object,
                   "Grasp files: the object, if its recorded source moved");
  view->add_option("--max-grasps", view_request.options.max_grasps, "Most grasps per item")
      ->capture_default_str();
  view->add_option("--max-items", view_request.options.max_items, "Most items (pages)")
      ->capture_default_str();
  view->add_option("--steps", view_request.options.steps,
                   "Hand frames from pregrasp to grasp and from grasp to squeeze")
      ->capture_default_str();
  view->add_option("--three", view_request.options.three_dir,
                   "The npm 'three' package folder (default: $DEXVLG_THREE_DIR, else the "
                   "project's web/node_modules/three)");

  CLI11_PARSE(app, argc, argv);

  try {
    if (*train) {
      if (dexvlg::Status s = dexvlg::cli::RunTrain(train_request, std::cout); !s)
        return Fail(s.error());
      return 0;
    }
    if (*serve) {
      if (dexvlg::Status s = dexvlg::Serve(serve_options, std::cout); !s) return Fail(s.error());
      return 0;
    }
    if (*view) {
      if (dexvlg::Status s = dexvlg::cli::RunView(view_request, std::cout); !s)
        return Fail(s.error());
      return 0;
    }
    if (*eval) {
      if (dexvlg::Status s = dexvlg::cli::RunEval(eval_request, std::cout); !s)
        return Fail(s.error());
      return 0;
    }
    if (*predict) {
      if (dexvlg::Status s = dexvlg::cli::RunPredict(predict_request, std::cout); !s)
        return Fail(s.error());
      return 0;
    }
    if (*generate) {
      auto failed = dexvlg::cli::RunGenerate(generate_request, std::cout);
      if (!failed) return Fail(failed.error());
      return *failed == 0 ? 0 : kExitInputError;
    }
    if (*dataset_info) {
      if (dexvlg::Status s = dexvlg::cli::RunDatasetInfo(dataset_path, std::cout); !s) {
        return Fail(s.error());
      }
      return 0;
    }
    if (*dataset_verify) {
      auto problems = dexvlg::cli::RunDatasetVerify(dataset_path, std::cout);
      if (!problems) return Fail(problems.error());
      return *problems == 0 ? 0 : kExitInputError;
    }
    if (*dataset_export) {
      if (dexvlg::Status s =
              dexvlg::cli::RunDatasetExport(dataset_path, export_out, export_format, std::cout);
          !s) {
        return Fail(s.error());
      }
      return 0;
    }
    if (*demo) {
      auto hand = dexvlg::cli::ResolveHand(demo_hand);
      if (!hand) return Fail(hand.error());
      return dexvlg::cli::RunDemo(*hand, std::cout) ? 0 : kExitInputError;
    }
    if (*object_prepare) {
      if (!size_range.empty()) {
        const size_t colon = size_range.find(':');
        if (colon == std::string::npos) {
          return Fail({"--size: expected MIN:MAX in metres, got \"" + size_range + "\""});
        }
        try {
          prepare_options.min_diagonal = std::stod(size_range.substr(0, colon));
          prepare_options.max_diagonal = std::stod(size_range.substr(colon + 1));
        } catch (const std::exception&) {
          return Fail({"--size: expected MIN:MAX in metres, got \"" + size_range + "\""});
        }
      }
      auto object = dexvlg::LoadAnyObject(object_source);
      if (!object) return Fail(object.error());
      auto prepared = dexvlg::PrepareObject(*object, object_source, prepare_options);
      if (!prepared) return Fail(prepared.error());
      if (dexvlg::Status s = dexvlg::WritePrepared(*prepared, prepare_out); !s)
        return Fail(s.error());
      const std::string preview = prepare_out + "/preview.png";
      if (dexvlg::Status s =
              dexvlg::WritePng(dexvlg::PartPreview(prepared->watertight, 320, 240), preview);
          !s) {
        return Fail(s.error());
      }
      dexvlg::cli::PrintObjectInfo(prepared->watertight, false, std::cout);
      std::cout << "wrote " << prepare_out << "/object.json (scale " << prepared->scale << ", "
                << prepared->pieces.size() << " " << prepared->pieces_source
                << " collision pieces)\n";
      return 0;
    }
    if (*import) {
      if (dexvlg::Status s = dexvlg::cli::RunImport(import_request, std::cout); !s) {
        return Fail(s.error());
      }
      return 0;
    }
    if (*validate) {
      if (dexvlg::Status s = dexvlg::cli::RunValidate(validate_request, std::cout); !s) {
        return Fail(s.error());
      }
      return 0;
    }
    if (*synth) {
      auto hand = dexvlg::cli::ResolveHand(synth_hand);
      if (!hand) return Fail(hand.error());
      synth_options.mode =
          synth_mode == "pinch" ? dexvlg::GraspMode::kPinch : dexvlg::GraspMode::kWrap;
      if (dexvlg::Status s = dexvlg::cli::RunSynth(*hand, synth_object, synth_options, synth_out,
                                                   std::cout, synth_settle, synth_scale);
          !s) {
        return Fail(s.error());
      }
      return 0;
    }
    if (*object_segment) {
      if (dexvlg::Status s =
              dexvlg::cli::SegmentObject(object_source, segment_options, segment_out, std::cout);
          !s) {
        return Fail(s.error());
      }
      return 0;
    }
    if (*object_render) {
      auto object = dexvlg::LoadAnyObject(object_source);
      if (!object) return Fail(object.error());
      if (dexvlg::Status s =
              dexvlg::WritePng(dexvlg::PartPreview(*object, view_width, view_height), render_out);
          !s) {
        return Fail(s.error());
      }
      std::cout << "wrote " << render_out << "\n";
      return 0;
    }
    if (*object_info) {
      auto object = dexvlg::LoadAnyObject(object_source, object_scale);
      if (!object) return Fail(object.error());
      dexvlg::cli::PrintObjectInfo(*object, object_json, std::cout);
      return 0;
    }
    auto hand = dexvlg::cli::ResolveHand(hand_path);
    if (!hand) return Fail(hand.error());
    if (*hand_render) {
      if (dexvlg::Status s = dexvlg::cli::RenderHand(*hand, hand_render_preset, hand_render_out);
          !s) {
        return Fail(s.error());
      }
      std::cout << "wrote " << hand_render_out << "\n";
    } else if (*info) {
      dexvlg::cli::PrintHandInfo(*hand, as_json, std::cout);
    } else if (*fk) {
      if (dexvlg::Status s = dexvlg::cli::PrintHandFk(*hand, fk_options, std::cout); !s) {
        return Fail(s.error());
      }
    } else if (*spec) {
      const std::string text = dexvlg::HandSpecText(*hand) + "\n";
      if (spec_out.empty()) {
        std::cout << text;
      } else {
        if (dexvlg::Status st = dexvlg::WriteTextAtomically(spec_out, text); !st) {
          return Fail(st.error());
        }
        std::cerr << "wrote " << spec_out << "\n";
      }
    }
  } catch (const std::exception& e) {  // the one catch: a bug, reported instead of a crash
    std::cerr << "dexvlg: internal error: " << e.what() << "\n";
    return kExitInternalError;
  }
  return 0;
}
