#include "cli/demo.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>

#include <filesystem>
#include "cli/command.h"
#include "cli/hand_commands.h"
#include "cli/object_commands.h"
#include "core/atomic_file.h"
#include "dataset/scene.h"
#include "model/evaluate.h"
#include "model/model.h"
#include "view/view.h"

#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "object/procedural.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "sim/settle.h"
#include "sim/sim.h"
#include "synth/synth.h"
#include "view/contact_sheet.h"

namespace dexvlg::cli {

namespace {

/// The built-in model on a table-top scene of a mug it never saw (other proportions than any
/// training mug): one camera view, two instructions, every predicted grasp simulated.
void ModelDemo(const HandModel& hand, const std::string& dir, std::ostream& out,
               ViewContent& view) {
  const std::string path = std::string(DEXVLG_SOURCE_DIR) + "/models/builtin";
  out << "\n== the DexVLG model: one camera view of an unseen mug + an instruction -> grasps, each "
         "simulated (object free, six force directions) ==\n";
  Expected<GraspModel> model = GraspModel::Load(path);
  if (!model) {
    out << "  no built-in model (" << model.error().message
        << "); scripts/train_builtin_model.sh makes it\n";
    return;
  }
  const std::string spec = "mug:size=1.05,proportion=0.9";
  auto mug = LoadClosedObject(spec);
  if (!mug) {
    out << "  " << mug.error().message << "\n";
    return;
  }
  const std::vector<TriMesh> pieces = ShellPieces(mug->mesh);
  auto sim = SimScene::Build(hand, *mug, pieces, SimParams{});
  auto rest = RestingPoses(*mug, pieces, 1, 0);
  if (!sim || !rest || rest->empty()) {
    out << "  could not set up the scene\n";
    return;
  }
  SceneOptions so;
  so.cameras = 1;
  so.width = 640;
  so.height = 360;
  const Scene scene =
      MakeScene(*mug, mug->mesh, std::vector<Vec3>(mug->mesh.faces.size(), PlainColor("mug")),
                rest->front(), so, 5, true);
  const Cloud cloud = ViewCloud(scene.views[0]);
  out << "  model: " << model->parameters() << " parameters; scene: " << spec << ", "
      << cloud.size() << " points from one 640 x 360 view\n";
  SimWorker worker = sim->MakeWorker();
  std::vector<Image> views;
  for (const char* part : {"handle", "body"}) {
    const int label = mug->PartLabel(part);
    const std::string instruction = std::string("grasp the ") + part + " of the mug";
    PredictOptions po;
    po.count = 8;
    auto judged =
        PredictAndJudge(*model, hand, *sim, worker, cloud, rest->front(), instruction, label, po);
    if (!judged) {
      out << "  " << judged.error().message << "\n";
      return;
    }
    out << "  \"" << instruction << "\": " << judged->Count() << " grasps in " << std::fixed
        << std::setprecision(0) << judged->predict_seconds * 1000 << " ms; held " << judged->Held()
        << ", on the " << part << " " << judged->OnPart() << ", both " << judged->HeldOnPart()
        << " (simulated in " << std::setprecision(1) << judged->simulate_seconds << " s)\n";
    out.unsetf(std::ios::fixed);
    for (int i = 0; i < judged->Count() && i < 4; ++i)
      views.push_back(GraspView(hand, *mug, label, judged->grasps[i].grasp, 240, 200,
                                HandColor(judged->grasps[i].held)));
    if (view.objects.size() < 2) view.objects.push_back(*mug);
    ViewItem item;  // the view's cloud on its table, the grasps where the model put them
    item.title = "model: \"" + instruction + "\" (unseen mug)";
    item.object = static_cast<int>(view.objects.size()) - 1;
    item.R = rest->front().R;
    item.t = rest->front().t;
    item.table = true;
    item.points = cloud.xyz;
    item.colors = cloud.rgb;
    for (const JudgedGrasp& g : judged->grasps) {
      ViewGrasp vg;
      vg.pregrasp = PlacePose(g.pregrasp, rest->front());
      vg.grasp = PlacePose(g.grasp, rest->front());
      vg.squeeze = PlacePose(g.squeeze, rest->front());
      vg.caption = instruction;
      vg.held = g.held ? 1 : 0;
      vg.result = (g.held ? std::string("held") : "failed: " + g.outcome.reason) +
                  (g.on_part ? ", on the " : ", not on the ") + part;
      item.grasps.push_back(std::move(vg));
    }
    view.items.push_back(std::move(item));
  }
  if (WritePng(ScenePicture(scene, 1), dir + "/model_scene.png") &&
      WritePng(Tile(views, 4), dir + "/model_grasps.png")) {
    out << "  pictures: " << dir << "/model_scene.png (the view), " << dir
        << "/model_grasps.png (top: handle, bottom: body; instructed part in orange)\n";
  }
}

}  // namespace

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
  auto model = ObjectModel::Build(*closed);  // the mug's fields, built once for all four runs
  if (!model) {
    out << "  " << model.error().message << "\n";
    return false;
  }
  auto sim = SimScene::Build(hand, *closed, (*model)->Pieces(), SimParams{});
  if (!sim) {
    out << "  " << sim.error().message << "\n";
    return false;
  }
  SimWorker worker = sim->MakeWorker();
  std::string caption;
  std::vector<Image> views;
  ViewContent view;
  view.title = "dexvlg demo";
  view.objects.push_back(*closed);
  for (const char* part : {"handle", "body"}) {
    for (GraspMode mode : {GraspMode::kWrap, GraspMode::kPinch}) {
      SynthOptions options;
      options.part = part;
      options.mode = mode;
      options.count = 3;
      options.batch = 16;
      options.max_attempts = 96;
      // settled in MuJoCo as `synth` does (sim/settle.h)
      auto result = Synthesize(hand, **model, options, {}, Settler(*sim));
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
      ViewItem item;
      item.title = std::string("synthesis: ") + part + " · " + ModeName(mode);
      item.object = 0;
      for (const Grasp& g : result->grasps) {
        const SimOutcome o = sim->Run(g.pregrasp, g.grasp, g.squeeze, result->target_label, worker);
        held += o.success;
        if (o.valid && caption.empty()) caption = o.caption;
        ViewGrasp vg;
        vg.pregrasp = g.pregrasp;
        vg.grasp = g.grasp;
        vg.squeeze = g.squeeze;
        vg.caption = o.caption.empty() ? item.title : o.caption;
        vg.held = o.success ? 1 : 0;
        vg.result = o.success ? "held" : "failed: " + o.reason;
        item.grasps.push_back(std::move(vg));
      }
      view.items.push_back(std::move(item));
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
  ModelDemo(hand, dir, out, view);
  // every grasp above in one page a browser opens from disk (docs/view.md)
  Expected<std::string> page = ViewerPage(hand, view, ViewOptions{});
  if (page && WriteTextAtomically(dir + "/view.html", *page)) {
    out << "\n  viewer: open " << dir
        << "/view.html in a browser (every grasp above, pregrasp -> squeeze on a slider)\n";
  } else if (!page) {
    out << "\n  no viewer page: " << page.error().message << "\n";
  }
  out << "\nNext: `dexvlg synth --help` (any mesh, prepared object or procedural object), "
         "`dexvlg validate --help`, `dexvlg generate --help` (datasets with table-top scenes), "
         "`dexvlg object --help`, `dexvlg hand --help`.\n";
  return true;
}

void AddDemoCommand(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    std::string demo_hand;
  };
  const auto opt = std::make_shared<State>();
  // dexvlg demo
  auto* demo = app.add_subcommand("demo", "Run the built-in demo (README command 1)");
  demo->add_option("--hand", opt->demo_hand, kHandHelp);
  commands.On(demo, [opt] {
    auto hand = dexvlg::cli::ResolveHand(opt->demo_hand);
    if (!hand) return Fail(hand.error());
    return dexvlg::cli::RunDemo(*hand, std::cout) ? 0 : kExitInputError;
  });
}

}  // namespace dexvlg::cli
