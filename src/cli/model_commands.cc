#include "cli/model_commands.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <ostream>
#include <random>
#include <sstream>

#include "cli/command.h"
#include "cli/dataset_commands.h"
#include "cli/hand_commands.h"
#include "cli/mpi_session.h"
#include "core/atomic_file.h"
#include "dataset/generate.h"
#include "dataset/scene.h"
#include "dataset/store.h"
#include "model/cloud_io.h"
#include "model/evaluate.h"
#include "model/model.h"
#include "model/refine.h"
#include "model/train.h"
#include "model/training_set.h"
#include "serve/server.h"
#include "synth/grasp_file.h"
#include "view/contact_sheet.h"

namespace dexvlg::cli {

namespace fs = std::filesystem;

namespace {

Expected<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot open"};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Status RunTrain(const TrainRequest& r, std::ostream& out) {
  if (Status s = CheckDevice(r.device); !s) return s;
  ModelConfig config;
  if (!r.config.empty()) {
    Expected<std::string> text = ReadText(r.config);
    if (!text) return text.error();
    Expected<ModelConfig> c = ModelConfig::FromJson(*text, r.config);
    if (!c) return c.error();
    config = *c;
  }
  if (r.steps > 0) config.steps = r.steps;
  if (r.batch > 0) config.batch = r.batch;
  Expected<HandModel> hand = ResolveHand(r.hand);
  if (!hand) return hand.error();
  SetHand(config, *hand, r.hand.empty() ? "built-in" : r.hand);
  if (Status s = config.Validate(); !s) return s;
  const std::vector<std::string> shards = ListShards(r.data);
  if (shards.empty())
    return Error{r.data + ": no dataset shards (make one with `dexvlg generate`)"};
  if (Status s = CheckOutputPath((fs::path(r.out) / "model.h5").string()); !s) return s;
  Expected<TrainingSet> all = TrainingSet::FromShards(shards, r.all_held);
  if (!all) return all.error();
  if (all->joint_names != config.joint_names)
    return Error{r.data + ": the dataset's hand has other joints than " +
                 (r.hand.empty() ? std::string("the built-in hand") : r.hand) + " (pass --hand)"};
  // held-back objects, chosen by the seed
  const int objects = static_cast<int>(all->objects.size());
  int held = r.held_back >= 0 ? r.held_back : (objects >= 2 ? std::max(1, objects / 10) : 0);
  held = std::min(held, std::max(0, objects - 1));
  std::vector<int> order(objects);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937(config.seed));
  const std::vector<int> back(order.begin(), order.begin() + held);
  const TrainingSet train = all->Subset(back, false), val = all->Subset(back, true);
  MpiSession mpi;
  if (mpi.rank() == 0) {
    out << "data: " << shards.size() << " shards, " << all->samples.size() << " samples";
    if (held > 0) {
      out << "; held back for validation:";
      for (int i : back) out << " " << all->objects[i];
    }
    out << "\n";
  }
  TrainOptions o;
  o.out = r.out;
  o.threads = r.threads;
  o.checkpoint_every = std::max(1, r.checkpoint_every);
  o.rank = mpi.rank();
  o.world = mpi.world();
  o.all_sum = mpi.AllSum();
  Expected<TrainSummary> s = Train(config, train, val, o, out);
  if (!s) return s.error();
  if (mpi.rank() == 0) {
    out << "trained " << s->steps << " steps (" << s->parameters << " parameters) in " << s->seconds
        << " s, " << s->samples_per_second << " samples/s; loss " << s->loss;
    if (std::isfinite(s->validation)) out << ", validation " << s->validation;
    out << "\nwrote " << (fs::path(r.out) / "model.h5").string() << ", config.json, loss.csv\n";
  }
  return Status::Ok();
}

namespace {

// The part an instruction names (its words all present), else the first part.
int InstructedPart(const std::string& instruction, const std::vector<std::string>& parts) {
  const std::vector<std::string> words = Tokenizer::Words(instruction);
  for (size_t p = 0; p < parts.size(); ++p) {
    bool all = true;
    for (const std::string& w : Tokenizer::Words(parts[p]))
      all = all && std::find(words.begin(), words.end(), w) != words.end();
    if (all && !parts[p].empty()) return static_cast<int>(p);
  }
  return 0;
}

// Pinch when the instruction says so (or lists fingers without the palm).
GraspMode InstructedMode(const std::string& instruction) {
  const std::vector<std::string> w = Tokenizer::Words(instruction);
  auto has = [&](const char* s) { return std::find(w.begin(), w.end(), s) != w.end(); };
  if (has("pinch") || has("fingertips") || has("fingertip")) return GraspMode::kPinch;
  if (has("contacts") && !has("palm")) return GraspMode::kPinch;
  return GraspMode::kWrap;
}

}  // namespace

Status RunPredict(const PredictRequest& r, std::ostream& out) {
  if (r.cloud.empty() == r.scene.empty())
    return Error{"predict: give exactly one of --cloud FILE.ply and --scene SHARD:SCENE:VIEW"};
  if (Status s = CheckOutputPath(r.out); !s) return s;
  Expected<GraspModel> model = GraspModel::Load(r.model);
  if (!model) return model.error();
  Expected<HandModel> hand = ModelHand(*model, r.hand);
  if (!hand) return Error{r.model + ": " + hand.error().message};
  Cloud cloud;
  LabeledMesh object;
  object.name = "cloud";
  object.part_names = {"object"};
  std::string object_source;
  Placement placement;
  bool in_object_frame = false;
  if (!r.cloud.empty()) {
    Expected<Cloud> c = ReadCloudPly(r.cloud);
    if (!c) return c.error();
    cloud = std::move(*c);
  } else {
    const size_t b = r.scene.rfind(':'), a = b == std::string::npos ? b : r.scene.rfind(':', b - 1);
    if (a == std::string::npos)
      return Error{"--scene \"" + r.scene +
                   "\": expected SHARD:SCENE:VIEW (e.g. "
                   "out/dataset/shards/mug_1a2b.h5:0:3)"};
    const std::string shard = r.scene.substr(0, a);
    int k = -1, v = -1;
    try {
      k = std::stoi(r.scene.substr(a + 1, b - a - 1));
      v = std::stoi(r.scene.substr(b + 1));
    } catch (const std::exception&) {
      return Error{"--scene \"" + r.scene + "\": SCENE and VIEW must be numbers"};
    }
    Expected<ShardReader> reader = ShardReader::Open(shard);
    if (!reader) return reader.error();
    if (k < 0 || k >= reader->num_scenes())
      return Error{shard + ": scene " + std::to_string(k) + " (it has " +
                   std::to_string(reader->num_scenes()) + ")"};
    Expected<Scene> scene = reader->SceneAt(k);
    if (!scene) return scene.error();
    if (v < 0 || v >= static_cast<int>(scene->views.size()))
      return Error{shard + ": view " + std::to_string(v) + " (scene " + std::to_string(k) +
                   " has " + std::to_string(scene->views.size()) + ")"};
    cloud = ViewCloud(scene->views[v]);
    Expected<LabeledMesh> mesh = reader->Object();
    if (!mesh) return mesh.error();
    object = std::move(*mesh);
    object_source = reader->info().object_source;
    placement = scene->placement;
    in_object_frame = true;
  }
  PredictOptions po;
  po.count = r.count;
  po.seed = r.seed;
  po.steps = r.steps;
  po.guidance = r.guidance;
  Expected<PredictedGrasps> pred = model->Predict(cloud, r.instruction, po);
  if (!pred) return pred.error();
  if (r.refine > 0) {  // the synthesis energy against what the camera saw (model/refine.h)
    RefineOptions ro;
    ro.steps = r.refine;
    ro.lr_scale = r.refine_lr;
    Expected<CloudObject> seen = CloudObject::Build(cloud, ro);
    if (!seen) return Error{"predict --refine: " + seen.error().message};
    const RankedGrasps ranked =
        RefineAndRank(*hand, *seen, InstructedMode(r.instruction), *pred, ro);
    PredictedGrasps sorted = ranked.grasps;  // lowest energy first
    const size_t n = ranked.grasps.pose_size;
    for (size_t k = 0; k < ranked.order.size(); ++k) {
      const size_t from = static_cast<size_t>(ranked.order[k]) * n, to = k * n;
      for (auto [src, dst] : {std::pair{&ranked.grasps.pregrasp, &sorted.pregrasp},
                              {&ranked.grasps.grasp, &sorted.grasp},
                              {&ranked.grasps.squeeze, &sorted.squeeze}})
        std::copy(src->begin() + from, src->begin() + from + n, dst->begin() + to);
    }
    *pred = std::move(sorted);
    out << "refined " << pred->count << " grasps by " << r.refine
        << " steps of the synthesis energy against the cloud in " << ranked.seconds * 1000
        << " ms; sorted by energy, " << ranked.energy_after[ranked.order.front()] << " to "
        << ranked.energy_after[ranked.order.back()] << "\n";
  }
  SynthOptions so;
  const int label = InstructedPart(r.instruction, object.part_names);
  so.part = object.part_names[label];
  so.mode = InstructedMode(r.instruction);
  SynthResult result;
  result.contacts = ModeContacts(*hand, so.mode);
  result.target_label = label;
  const int ps = pred->pose_size;
  for (int g = 0; g < pred->count; ++g) {
    Grasp grasp;
    auto row = [&](const std::vector<double>& rows) {
      std::vector<double> r0(rows.begin() + g * ps, rows.begin() + (g + 1) * ps);
      return in_object_frame ? ToObjectFrame(r0, placement) : r0;
    };
    grasp.pregrasp = row(pred->pregrasp);
    grasp.grasp = row(pred->grasp);
    grasp.squeeze = row(pred->squeeze);
    grasp.contact_points.assign(result.contacts.size(), Vec3::Zero());
    grasp.contact_parts.assign(result.contacts.size(), -1);
    grasp.contact_forces.assign(result.contacts.size(), 0.0);
    grasp.attempt = g;
    result.grasps.push_back(std::move(grasp));
  }
  if (Status s = WriteGraspFile(r.out, *hand, object, so, result, object_source); !s) return s;
  out << "predicted " << pred->count << " grasps for \"" << r.instruction << "\" (part " << so.part
      << ", " << ModeName(so.mode) << ") in " << pred->seconds * 1000 << " ms\nwrote " << r.out
      << (in_object_frame ? " (object frame; `dexvlg validate` reloads the object)"
                          : " (the cloud's frame; validate with --object)")
      << "\n";
  if (r.picture && in_object_frame) {
    const std::string png = (fs::path(r.out).replace_extension(".png")).string();
    const Image sheet =
        ContactSheet(*hand, object, label, result.grasps, std::min(8, pred->count), 4, 240, 240);
    if (Status s = WritePng(sheet, png); !s) return s;
    out << "wrote " << png << "\n";
  }
  return Status::Ok();
}

Status RunEval(const EvalRequest& r, std::ostream& out) {
  Expected<GraspModel> model = GraspModel::Load(r.model);
  if (!model) return model.error();
  Expected<HandModel> hand = ModelHand(*model, r.hand);
  if (!hand) return Error{r.model + ": " + hand.error().message};
  Expected<std::vector<std::string>> objects = ListObjects(r.objects);
  if (!objects) return objects.error();
  EvalOptions o = r.options;
  o.objects = *objects;
  if (Status s = ScaleImage(r.image_scale, o.scene); !s) return s;
  if (Status s = o.Validate(); !s) return s;
  out << "evaluating " << o.objects.size() << " objects: " << o.scenes << " scene(s) x " << o.views
      << " view(s), " << o.count << " grasps per instruction, into " << o.out << "\n";
  Expected<std::vector<EvalRecord>> records = Evaluate(*model, *hand, o, out);
  if (!records) return records.error();
  const std::string md = ReportMarkdown(*records, "dexvlg eval");
  const size_t begin = md.find("### By method");
  const size_t end = md.find("\n### ", begin + 1);
  out << "\n"
      << md.substr(begin, end == std::string::npos ? std::string::npos : end - begin) << "\nwrote "
      << o.out << "/report.md, report.json, objects/, pictures/\n";
  return Status::Ok();
}

void AddModelCommands(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    dexvlg::cli::TrainRequest train_request;
    dexvlg::cli::PredictRequest predict_request;
    dexvlg::cli::EvalRequest eval_request;
    dexvlg::ServeOptions serve_options;
  };
  const auto opt = std::make_shared<State>();
  // dexvlg train / predict
  auto* train = app.add_subcommand(
      "train",
      "Train the DexVLG model (point cloud + instruction -> grasps, flow matching) on a dataset; "
      "resumes a killed run; `mpirun -np N dexvlg train` trains data-parallel (docs/model.md)");
  train->add_option("--data", opt->train_request.data, "Dataset folder (`dexvlg generate`)")
      ->required();
  train
      ->add_option("--out", opt->train_request.out,
                   "Model folder (model.h5, config.json, loss.csv)")
      ->required();
  train->add_option("--config", opt->train_request.config,
                    "JSON file of model config values (sizes, recipe; docs/model.md)");
  train->add_option("--hand", opt->train_request.hand,
                    "Hand the dataset was made with; default: built-in");
  train->add_option("--steps", opt->train_request.steps, "Optimiser steps (overrides the config)");
  train->add_option("--batch", opt->train_request.batch,
                    "Samples per step over all processes (overrides the config)");
  train->add_option("--held-back", opt->train_request.held_back,
                    "Objects held back for the validation loss (default: a tenth, at least 1)");
  train->add_option("--threads", opt->train_request.threads, "LibTorch threads (0: all cores)")
      ->capture_default_str();
  train
      ->add_option("--checkpoint-every", opt->train_request.checkpoint_every,
                   "Steps between checkpoints")
      ->capture_default_str();
  train->add_option("--device", opt->train_request.device, "cpu or cuda")->capture_default_str();
  train->add_flag("--all-held", opt->train_request.all_held,
                  "Train on every held grasp of a scene, also those whose hand reaches below its "
                  "table (eval reports that share)");
  auto* predict = app.add_subcommand(
      "predict", "Predict grasps for an instruction on a single-view coloured point cloud");
  predict->add_option("--model", opt->predict_request.model, "Model folder or model.h5")
      ->required();
  predict->add_option("--cloud", opt->predict_request.cloud,
                      "PLY point cloud in the table frame (z up, table top z = 0)");
  predict->add_option("--scene", opt->predict_request.scene, "A dataset view: SHARD:SCENE:VIEW");
  predict
      ->add_option("--instruction", opt->predict_request.instruction,
                   "What to grasp, e.g. \"grasp the handle of the mug\"")
      ->required();
  predict->add_option("--count", opt->predict_request.count, "Grasps to sample")
      ->capture_default_str();
  predict->add_option("--out", opt->predict_request.out, "Grasp file to write (.h5)")->required();
  predict->add_option("--hand", opt->predict_request.hand, "Hand; default: the model's");
  predict->add_option("--steps", opt->predict_request.steps, "Euler steps (0: the model's)");
  predict->add_option("--guidance", opt->predict_request.guidance,
                      "Classifier-free guidance weight (default: the model's)");
  predict->add_option("--seed", opt->predict_request.seed, "Seed")->capture_default_str();
  predict->add_flag("!--no-picture", opt->predict_request.picture, "Skip the contact sheet");
  predict
      ->add_option("--refine", opt->predict_request.refine,
                   "Refine each grasp by N steps of the synthesis energy against the cloud "
                   "(no penetration, above the table) and sort by energy; 0: off")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  predict
      ->add_option("--refine-lr", opt->predict_request.refine_lr,
                   "Refinement step sizes against the synthesis optimiser's")
      ->check(CLI::Range(1e-3, 10.0))
      ->capture_default_str();

  auto* eval = app.add_subcommand(
      "eval",
      "Suc / PTA / PGA of a model on objects: table-top scenes, single views, one instruction per "
      "part and mode (template and held-out paraphrase), every grasp simulated; baselines in the "
      "same run; resumable (docs/eval.md)");
  eval->add_option("--model", opt->eval_request.model, "Model folder or model.h5")->required();
  eval->add_option("--objects", opt->eval_request.objects,
                   "Objects: a folder, a list file or a comma-separated list (procedural names "
                   "allowed)")
      ->required();
  eval->add_option("--out", opt->eval_request.options.out, "Report folder")->required();
  eval->add_option("--scenes", opt->eval_request.options.scenes, "Resting poses per object")
      ->capture_default_str();
  eval->add_option("--views", opt->eval_request.options.views, "Camera views per scene")
      ->capture_default_str();
  eval->add_option("--count", opt->eval_request.options.count, "Grasps per instruction")
      ->capture_default_str();
  eval->add_option("--modes", opt->eval_request.options.modes, "Grasp modes")
      ->check(CLI::IsMember({"wrap", "pinch"}))
      ->delimiter(',')
      ->capture_default_str();
  eval->add_option("--retrieval", opt->eval_request.options.retrieval,
                   "Training dataset for the nearest-neighbour retrieval baseline");
  eval->add_flag("--retrieval-all-held", opt->eval_request.options.retrieval_all_held,
                 "Index every held grasp for retrieval, as `train --all-held` trains on");
  eval->add_flag("!--no-paraphrases", opt->eval_request.options.paraphrases,
                 "Skip the held-out paraphrases");
  eval->add_flag("!--no-language-baseline", opt->eval_request.options.no_language,
                 "Skip the model without the instruction");
  eval->add_option("--steps", opt->eval_request.options.steps, "Euler steps (0: the model's)");
  eval->add_option("--guidance", opt->eval_request.options.guidance,
                   "Classifier-free guidance (default: the model's)");
  eval->add_option("--sampler", opt->eval_request.options.sampler,
                   "flow (Euler, deterministic) or ddpm (ancestral, the same network); default: "
                   "the model's")
      ->check(CLI::IsMember({"flow", "ddpm"}));
  eval->add_option("--image-scale", opt->eval_request.image_scale,
                   "Camera resolution scale (1: 1280 x 720)")
      ->capture_default_str();
  eval->add_option("--hand", opt->eval_request.hand, "Hand; default: the model's");
  eval->add_option("--seed", opt->eval_request.options.seed, "Seed")->capture_default_str();
  AddObjectScale(eval, &opt->eval_request.options.scale);
  eval->add_flag("!--no-pictures", opt->eval_request.options.pictures,
                 "Skip the per-object pictures");
  eval->add_flag("!--no-synthesis-baseline", opt->eval_request.options.synthesis,
                 "Skip the data engine's grasps on the full mesh (the upper reference)");
  eval->add_flag("!--no-ranking", opt->eval_request.options.ranking,
                 "Skip model@1, model+energy@1 and model+refine@1 (ranking the samples)");
  eval->add_option("--refine-steps", opt->eval_request.options.refine.steps,
                   "Optimiser steps refining each sample against the view's cloud")
      ->capture_default_str();
  eval->add_option("--refine-lr", opt->eval_request.options.refine.lr_scale,
                   "Refinement step sizes against the synthesis optimiser's")
      ->capture_default_str();

  auto* serve =
      app.add_subcommand("serve",
                         "Serve a model over HTTP + JSON: /health, /metadata, /predict, /validate "
                         "(docs/serve.md); SIGTERM stops it");
  serve->add_option("--model", opt->serve_options.model, "Model folder or model.h5")->required();
  serve->add_option("--host", opt->serve_options.host, "Address to listen on")
      ->capture_default_str();
  serve->add_option("--port", opt->serve_options.port, "Port (0: any free one, printed)")
      ->capture_default_str();
  serve->add_option("--threads", opt->serve_options.threads, "Requests served at once")
      ->capture_default_str();
  serve->add_option("--max-body", opt->serve_options.max_body, "Largest request body (bytes)")
      ->capture_default_str();
  serve->add_option("--max-points", opt->serve_options.max_points, "Most points per cloud")
      ->capture_default_str();
  serve->add_option("--max-count", opt->serve_options.max_count, "Most grasps per predict request")
      ->capture_default_str();
  serve->add_option("--hand", opt->serve_options.hand, "Hand; default: the model's");
  commands.On(train, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunTrain(opt->train_request, std::cout); !s)
      return Fail(s.error());
    return 0;
  });
  commands.On(predict, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunPredict(opt->predict_request, std::cout); !s)
      return Fail(s.error());
    return 0;
  });
  commands.On(eval, [opt] {
    if (dexvlg::Status s = dexvlg::cli::RunEval(opt->eval_request, std::cout); !s)
      return Fail(s.error());
    return 0;
  });
  commands.On(serve, [opt] {
    if (dexvlg::Status s = dexvlg::Serve(opt->serve_options, std::cout); !s) return Fail(s.error());
    return 0;
  });
}

}  // namespace dexvlg::cli
