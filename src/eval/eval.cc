#include "eval/eval.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>

#include "core/atomic_file.h"
#include "dataset/generate.h"
#include "dataset/store.h"
#include "model/evaluate.h"
#include "model/instructions.h"
#include "model/retrieval.h"
#include "object/convex.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "sim/settle.h"
#include "view/contact_sheet.h"

namespace dexvlg {

namespace fs = std::filesystem;
using nlohmann::json;

Status EvalOptions::Validate() const {
  auto bad = [](const std::string& what) { return Error{"eval: " + what}; };
  if (objects.empty()) return bad("no objects");
  if (out.empty()) return bad("no --out folder");
  if (scenes < 1 || scenes > 64) return bad("--scenes " + std::to_string(scenes) + " (1..64)");
  if (views < 1 || views > 64) return bad("--views " + std::to_string(views) + " (1..64)");
  if (count < 1 || count > 1024) return bad("--count " + std::to_string(count) + " (1..1024)");
  if (modes.empty()) return bad("--modes is empty");
  for (const std::string& m : modes)
    if (m != "wrap" && m != "pinch") return bad("mode \"" + m + "\" (wrap or pinch)");
  if (scene.width < 16 || scene.height < 9) return bad("image smaller than 16 x 9");
  if (Status s = refine.Validate(); !s) return s;
  return scale.Validate();
}

Rate WilsonRate(int hits, int total) {
  Rate r;
  r.hits = hits;
  r.total = total;
  if (total <= 0) return r;
  const double z = 1.959964, n = total, p = hits / n;
  const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  r.value = p;
  r.low = std::max(0.0, centre - half);
  r.high = std::min(1.0, centre + half);
  return r;
}

namespace {

json ToJson(const EvalRecord& r) {
  return {{"object", r.object},
          {"family", r.family},
          {"part", r.part},
          {"mode", r.mode},
          {"method", r.method},
          {"phrasing", r.phrasing},
          {"instruction", r.instruction},
          {"seen", r.seen},
          {"scene", r.scene},
          {"view", r.view},
          {"count", r.count},
          {"held", r.held},
          {"on_part", r.on_part},
          {"held_on_part", r.held_on_part},
          {"below_table", r.below_table},
          {"held_above_table", r.held_above_table},
          {"penetration", r.penetration},
          {"predict_seconds", r.predict_seconds},
          {"simulate_seconds", r.simulate_seconds}};
}

EvalRecord FromJson(const json& j) {
  EvalRecord r;
  r.object = j.at("object");
  r.family = j.at("family");
  r.part = j.at("part");
  r.mode = j.at("mode");
  r.method = j.at("method");
  r.phrasing = j.at("phrasing");
  r.instruction = j.at("instruction");
  r.seen = j.at("seen");
  r.scene = j.at("scene");
  r.view = j.at("view");
  r.count = j.at("count");
  r.held = j.at("held");
  r.on_part = j.at("on_part");
  r.held_on_part = j.at("held_on_part");
  r.below_table = j.at("below_table");
  r.held_above_table = j.value("held_above_table", -1);
  r.penetration = j.at("penetration");
  r.predict_seconds = j.at("predict_seconds");
  r.simulate_seconds = j.at("simulate_seconds");
  return r;
}

// The result file's name: the stable name `generate` gives the object's shard.
std::string ResultName(const std::string& source) {
  return fs::path(ShardName(source)).stem().string();
}

EvalRecord Summarise(const JudgedInstruction& j, EvalRecord r) {
  r.count = j.Count();
  r.held = j.Held();
  r.on_part = j.OnPart();
  r.held_on_part = j.HeldOnPart();
  r.held_above_table = j.HeldAboveTable();
  double pen = 0;
  for (const JudgedGrasp& g : j.grasps) {
    r.below_table += g.below_table;
    pen += g.outcome.penetration;
  }
  r.penetration = r.count > 0 ? pen / r.count : 0;
  r.predict_seconds = j.predict_seconds;
  r.simulate_seconds = j.simulate_seconds;
  return r;
}

/// What the viewer shows of one judged instruction (`dexvlg view REPORT_DIR`, docs/view.md):
/// its grasps (object frame) and outcomes.
json ViewRun(const std::string& method, const std::string& instruction,
             const std::vector<JudgedGrasp>& grasps) {
  json gs = json::array();
  for (const JudgedGrasp& g : grasps)
    gs.push_back({{"pregrasp", g.pregrasp},
                  {"grasp", g.grasp},
                  {"squeeze", g.squeeze},
                  {"held", g.held},
                  {"on_part", g.on_part},
                  {"reason", g.outcome.reason}});
  return {{"method", method}, {"instruction", instruction}, {"grasps", gs}};
}

/// The first scene's first view for the viewer: the placement and the cloud (at most 4000
/// points, evenly spread).
json ViewScene(const Placement& place, const Cloud& cloud, const ObjectScale& scale) {
  std::vector<double> R;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) R.push_back(place.R(a, b));
  std::vector<float> points;
  std::vector<int> colors;
  const int n = cloud.size(), keep = std::min(n, 4000);
  for (int i = 0; i < keep; ++i) {
    const int k = static_cast<int>(static_cast<long long>(i) * n / keep);
    for (int a = 0; a < 3; ++a) {
      points.push_back(std::round(cloud.xyz[3 * k + a] * 1e4f) / 1e4f);
      if (!cloud.rgb.empty()) colors.push_back(cloud.rgb[3 * k + a]);
    }
  }
  return {{"R", R},
          {"t", {place.t.x(), place.t.y(), place.t.z()}},
          {"scale", scale.scale},
          {"min_size", scale.min_size},
          {"max_size", scale.max_size},
          {"points", points},
          {"colors", colors},
          {"instructions", json::array()}};
}

/// Ranking records for one judged instruction of the model: its first sample (model@1), its
/// lowest-energy sample as sampled (model+energy@1), and its lowest-energy sample after refinement
/// against the cloud, simulated (model+refine@1); one grasp each.
/// Grasps (anything with pregrasp, grasp and squeeze rows in the object frame: synthesised or
/// judged) moved onto the table of `placement`, as the model predicts them.
template <typename G>
PredictedGrasps OnTable(const std::vector<G>& grasps, const Placement& placement, int pose_size) {
  PredictedGrasps out;
  out.count = static_cast<int>(grasps.size());
  out.pose_size = pose_size;
  for (const G& g : grasps) {
    for (const auto& [from, to] : {std::pair{&g.pregrasp, &out.pregrasp},
                                   {&g.grasp, &out.grasp},
                                   {&g.squeeze, &out.squeeze}}) {
      const std::vector<double> placed = PlacePose(*from, placement);
      to->insert(to->end(), placed.begin(), placed.end());
    }
  }
  return out;
}

struct Ranked {
  std::vector<EvalRecord> records;
  JudgedInstruction refined;  ///< the refined lowest-energy sample, simulated
};

Ranked RankRecords(const HandModel& hand, const SimScene& sim, SimWorker& worker,
                   const CloudObject& seen, const JudgedInstruction& judged,
                   const Placement& placement, int part, int mode, const RefineOptions& options,
                   const EvalRecord& base) {
  const int ps = hand.pose_size();
  const PredictedGrasps table = OnTable(judged.grasps, placement, ps);  // the cloud's frame
  const RankedGrasps ranked =
      RefineAndRank(hand, seen, mode == 1 ? GraspMode::kPinch : GraspMode::kWrap, table, options);
  auto one = [&](const JudgedGrasp& g, const std::string& method, double seconds) {
    JudgedInstruction single;
    single.grasps = {g};
    single.predict_seconds = seconds;
    EvalRecord r = base;
    r.method = method;
    return Summarise(single, r);
  };
  std::vector<EvalRecord> out;
  // times beyond the model's own sampling (counted in its row): none for picking the first,
  // the energy pass for ranking (computed with the refinement, so both show its time), the
  // refinement for refining
  out.push_back(one(judged.grasps[0], "model@1", 0.0));
  const int lowest =
      static_cast<int>(std::min_element(ranked.energy_before.begin(), ranked.energy_before.end()) -
                       ranked.energy_before.begin());
  out.push_back(one(judged.grasps[lowest], "model+energy@1", ranked.seconds));
  const int best = ranked.order[0];
  PredictedGrasps top;
  top.count = 1;
  top.pose_size = ps;
  auto row = [&](const std::vector<double>& rows) {
    return std::vector<double>(rows.begin() + static_cast<size_t>(best) * ps,
                               rows.begin() + static_cast<size_t>(best + 1) * ps);
  };
  top.pregrasp = row(ranked.grasps.pregrasp);
  top.grasp = row(ranked.grasps.grasp);
  top.squeeze = row(ranked.grasps.squeeze);
  JudgedInstruction refined = JudgeGrasps(hand, sim, worker, top, placement, part);
  EvalRecord r = Summarise(refined, base);
  r.method = "model+refine@1";
  r.predict_seconds = ranked.seconds;
  out.push_back(r);
  return {std::move(out), std::move(refined)};
}

/// One object's records, and what the viewer shows of it.
struct ObjectResult {
  std::vector<EvalRecord> records;
  json view;
};

/// One object: every scene, view, part, mode and method.
Expected<ObjectResult> EvaluateObject(const GraspModel& model, const HandModel& hand,
                                      const EvalOptions& o, const std::string& source,
                                      const Retrieval* retrieval, const std::string& picture,
                                      std::ostream& log) {
  Expected<LabeledMesh> object = LoadClosedObject(source, o.scale);
  if (!object) return object.error();
  const std::vector<TriMesh> pieces = ShellPieces(object->mesh);
  Expected<SimScene> sim = SimScene::Build(hand, *object, pieces, SimParams{});
  if (!sim) return sim.error();
  Expected<std::vector<Placement>> rest = RestingPoses(*object, pieces, o.scenes, o.seed);
  if (!rest) return rest.error();
  const Appearance look = ObjectAppearance(source, *object, o.scale);
  const std::vector<std::string>& trained = model.training_objects();
  const bool seen = TrainedOn(trained, source);
  const std::string noun = ObjectNoun(object->name);
  SimWorker worker = sim->MakeWorker();
  std::vector<EvalRecord> records;
  json view;
  std::vector<Image> views;
  for (size_t k = 0; k < rest->size(); ++k) {
    SceneOptions so = o.scene;
    so.cameras = o.views;
    const Scene scene = MakeScene(*object, look.mesh, look.colors, (*rest)[k], so,
                                  o.seed * 131u + static_cast<unsigned>(k), k == 0 && o.pictures);
    if (k == 0 && o.pictures) views.push_back(ScenePicture(scene, 1));
    for (size_t v = 0; v < scene.views.size(); ++v) {
      const Cloud cloud = ViewCloud(scene.views[v]);
      const bool shown = k == 0 && v == 0;  // the viewer's scene
      if (shown) view = ViewScene((*rest)[k], cloud, o.scale);
      std::optional<CloudObject> seen_object;  // what ranking refines against
      if (o.ranking) {
        Expected<CloudObject> built = CloudObject::Build(cloud, o.refine);
        if (built) {
          seen_object.emplace(std::move(*built));
        } else {
          log << "  " << source << " scene " << k << " view " << v
              << ": no ranking: " << built.error().message << "\n";
        }
      }
      for (int part = 0; part < static_cast<int>(object->part_names.size()); ++part) {
        const std::string& part_name = object->part_names[part];
        for (const std::string& mode_name : o.modes) {
          const int mode = mode_name == "pinch" ? 1 : 0;
          EvalRecord base;
          base.object = ObjectKey(source);  // procedural instances stay apart
          base.family = noun;
          base.part = part_name;
          base.mode = mode_name;
          base.seen = seen;
          base.scene = static_cast<int>(k);
          base.view = static_cast<int>(v);
          PredictOptions po;
          po.count = o.count;
          po.steps = o.steps;
          po.guidance = o.guidance;
          po.sampler = o.sampler;
          po.seed = o.seed * 7919u + static_cast<unsigned>(1000 * k + 100 * v + 2 * part + mode);
          struct Run {
            std::string method, phrasing, instruction;
            bool null_instruction;
          };
          std::vector<Run> runs = {
              {"model", "template", TemplateInstruction(part_name, noun, mode), false}};
          if (o.paraphrases) {
            const auto held_out = HeldOutParaphrases(part_name, noun, mode);
            runs.push_back(
                {"model", "paraphrase", held_out[(k + v + part) % held_out.size()], false});
          }
          if (o.no_language) runs.push_back({"no-language", "none", "", true});
          for (const Run& run : runs) {
            po.null_instruction = run.null_instruction;
            Expected<JudgedInstruction> judged =
                PredictAndJudge(model, hand, *sim, worker, cloud, (*rest)[k],
                                run.null_instruction ? "-" : run.instruction, part, po);
            if (!judged) return judged.error();
            EvalRecord r = base;
            r.method = run.method;
            r.phrasing = run.phrasing;
            r.instruction = run.instruction;
            records.push_back(Summarise(*judged, r));
            if (seen_object && run.method == "model" && run.phrasing == "template" &&
                judged->Count() > 0) {
              Ranked ranked = RankRecords(hand, *sim, worker, *seen_object, *judged, (*rest)[k],
                                          part, mode, o.refine, r);
              for (EvalRecord& rec : ranked.records) records.push_back(std::move(rec));
              if (shown)
                view["instructions"].push_back(
                    ViewRun("model+refine@1", run.instruction, ranked.refined.grasps));
            }
            if (shown)
              view["instructions"].push_back(
                  ViewRun(run.method + (run.phrasing == "paraphrase" ? " (paraphrase)" : ""),
                          run.instruction, judged->grasps));
            if (k == 0 && v == 0 && run.phrasing == "template" && o.pictures)
              for (int i = 0; i < judged->Count() && i < 3; ++i)
                views.push_back(GraspView(hand, *object, part, judged->grasps[i].grasp, 200, 170,
                                          HandColor(judged->grasps[i].held)));
          }
          if (retrieval != nullptr) {
            const PredictedGrasps p = retrieval->Retrieve(cloud, part_name, mode, o.count);
            if (p.count > 0) {
              EvalRecord r = base;
              r.method = "retrieval";
              r.phrasing = "template";
              r.instruction = TemplateInstruction(part_name, noun, mode);
              const JudgedInstruction judged = JudgeGrasps(hand, *sim, worker, p, (*rest)[k], part);
              records.push_back(Summarise(judged, r));
              if (shown)
                view["instructions"].push_back(ViewRun("retrieval", r.instruction, judged.grasps));
            }
          }
        }
      }
    }
  }
  if (o.synthesis && !rest->empty()) {
    // the data engine on the full mesh: what a method that saw the whole object reaches
    const GraspRefiner settle = Settler(*sim);
    ObjectModelOptions mo;  // samples seeded as a one-off Synthesize(..., so.seed = o.seed) does
    mo.sample_seed = o.seed + 1;
    auto object_model = ObjectModel::Build(*object, mo);
    if (!object_model) return object_model.error();
    for (int part = 0; part < static_cast<int>(object->part_names.size()); ++part) {
      for (const std::string& mode_name : o.modes) {
        SynthOptions so;
        so.part = object->part_names[part];
        so.mode = mode_name == "pinch" ? GraspMode::kPinch : GraspMode::kWrap;
        so.count = o.count;
        so.max_attempts = 16 * o.count;
        so.seed = o.seed;
        const auto start = std::chrono::steady_clock::now();
        Expected<SynthResult> made = Synthesize(hand, **object_model, so, {}, settle);
        if (!made) return made.error();
        const PredictedGrasps p = OnTable(made->grasps, (*rest)[0], hand.pose_size());
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        JudgedInstruction judged = JudgeGrasps(hand, *sim, worker, p, (*rest)[0], part);
        judged.predict_seconds = seconds;
        EvalRecord r;
        r.object = ObjectKey(source);
        r.family = noun;
        r.part = so.part;
        r.mode = mode_name;
        r.seen = seen;
        r.method = "synthesis";
        r.phrasing = "none";
        r.instruction = TemplateInstruction(so.part, noun, mode_name == "pinch" ? 1 : 0);
        // the attempts that gave no grasp count as failures: K were asked for
        EvalRecord summary = Summarise(judged, r);
        summary.count = o.count;
        records.push_back(summary);
        if (view.contains("instructions"))
          view["instructions"].push_back(ViewRun("synthesis", r.instruction, judged.grasps));
      }
    }
  }
  if (o.pictures && !views.empty()) {
    if (Status s = WritePng(Tile(views, 4), picture); !s) log << "  " << s.error().message << "\n";
  }
  return ObjectResult{std::move(records), std::move(view)};
}

}  // namespace

Expected<std::vector<EvalRecord>> Evaluate(const GraspModel& model, const HandModel& hand,
                                           const EvalOptions& o, std::ostream& log) {
  if (Status s = o.Validate(); !s) return s.error();
  std::error_code ec;
  fs::create_directories(fs::path(o.out) / "objects", ec);
  if (ec) return Error{o.out + ": cannot make the report folder (" + ec.message() + ")"};
  if (o.pictures) fs::create_directories(fs::path(o.out) / "pictures", ec);
  std::unique_ptr<Retrieval> retrieval;
  if (!o.retrieval.empty()) {
    Expected<TrainingSet> set =
        TrainingSet::FromShards(ListShards(o.retrieval), o.retrieval_all_held);
    if (!set) return set.error();
    if (set->samples.empty()) return Error{o.retrieval + ": no training samples for retrieval"};
    retrieval = std::make_unique<Retrieval>(std::move(*set));
  }
  std::vector<EvalRecord> all;
  int done = 0;
  for (const std::string& source : o.objects) {
    const std::string name = ResultName(source);
    const fs::path file = fs::path(o.out) / "objects" / (name + ".json");
    std::vector<EvalRecord> records;
    if (fs::exists(file, ec)) {  // finished before: read back
      try {
        std::ifstream in(file);
        const json j = json::parse(in);
        for (const json& r : j.at("records")) records.push_back(FromJson(r));
        log << "  " << name << ": already evaluated\n";
      } catch (const std::exception& e) {
        return Error{file.string() + ": unreadable result (" + e.what() +
                     "); remove it to evaluate that object again"};
      }
    } else {
      const auto start = std::chrono::steady_clock::now();
      Expected<ObjectResult> r =
          EvaluateObject(model, hand, o, source, retrieval.get(),
                         (fs::path(o.out) / "pictures" / (name + ".png")).string(), log);
      if (!r) {
        log << "  " << source << ": failed: " << r.error().message << "\n";
        continue;
      }
      records = std::move(r->records);
      json j;
      j["source"] = source;
      j["view"] = std::move(r->view);
      j["records"] = json::array();
      for (const EvalRecord& rec : records) j["records"].push_back(ToJson(rec));
      if (Status s = WriteTextAtomically(file.string(), j.dump(1)); !s) return s.error();
      int count = 0, held = 0, on = 0;
      for (const EvalRecord& rec : records)
        if (rec.method == "model") count += rec.count, held += rec.held, on += rec.on_part;
      log << "  " << name << ": model held " << held << " / " << count << ", on the part " << on
          << " (" << std::fixed << std::setprecision(1)
          << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
          << " s)\n"
          << std::flush;
      log.unsetf(std::ios::fixed);
    }
    all.insert(all.end(), records.begin(), records.end());
    ++done;
  }
  if (Status s = WriteTextAtomically((fs::path(o.out) / "report.json").string(), ReportJson(all));
      !s)
    return s.error();
  if (Status s = WriteTextAtomically((fs::path(o.out) / "report.md").string(),
                                     ReportMarkdown(all, "dexvlg eval"));
      !s)
    return s.error();
  return all;
}

namespace {

struct Tally {
  int count = 0, held = 0, on_part = 0, held_on_part = 0, below = 0;
  int held_above = 0;  ///< -1: some record did not count it
  double penetration = 0, predict = 0, simulate = 0;
  void Add(const EvalRecord& r) {
    held_above = held_above < 0 || r.held_above_table < 0 ? -1 : held_above + r.held_above_table;
    count += r.count;
    held += r.held;
    on_part += r.on_part;
    held_on_part += r.held_on_part;
    below += r.below_table;
    penetration += r.penetration * r.count;
    predict += r.predict_seconds;
    simulate += r.simulate_seconds;
  }
};

std::string Percent(const Rate& r) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << 100 * r.value << " [" << 100 * r.low << ", "
    << 100 * r.high << "]";
  return s.str();
}

void Table(std::ostringstream& md, const std::string& heading, const std::string& key_name,
           const std::map<std::string, Tally>& rows) {
  md << "\n### " << heading << "\n\n| " << key_name
     << " | grasps | Suc % | PTA % | PGA % | below table % | Suc above table % | penetration mm "
        "|\n| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& [key, t] : rows) {
    md << "| " << key << " | " << t.count << " | " << Percent(WilsonRate(t.held, t.count)) << " | "
       << Percent(WilsonRate(t.on_part, t.count)) << " | "
       << Percent(WilsonRate(t.held_on_part, t.count)) << " | " << std::fixed
       << std::setprecision(1) << (t.count ? 100.0 * t.below / t.count : 0) << " | "
       << (t.held_above < 0 ? "-" : Percent(WilsonRate(t.held_above, t.count))) << " | "
       << std::setprecision(2) << (t.count ? 1e3 * t.penetration / t.count : 0) << " |\n";
  }
}

}  // namespace

std::string ReportMarkdown(const std::vector<EvalRecord>& records, const std::string& title) {
  std::ostringstream md;
  md << "# " << title
     << "\n\nSuc: held under the DexGraspBench protocol (object free, six force "
        "directions). PTA: the contacts touch the instructed part. PGA: both. Shares of all "
        "predicted grasps, with Wilson 95% intervals in brackets (docs/eval.md). Suc above "
        "table: held, and the hand stays above the table top at the grasp and the squeeze "
        "(the protocol simulates no table).\n";
  std::map<std::string, Tally> method, seen, mode, phrasing, family, object;
  struct Time {
    int grasps = 0;
    double predict = 0, simulate = 0;
  };
  std::map<std::string, Time> time;
  Time total;
  for (const EvalRecord& r : records) {
    const std::string key = r.method + (r.method == "model" ? " (" + r.phrasing + ")" : "");
    method[key].Add(r);
    for (Time* t : {&time[key], &total}) {
      t->grasps += r.count;
      t->predict += r.predict_seconds;
      t->simulate += r.simulate_seconds;
    }
    if (r.method != "model") continue;
    seen[r.seen ? "seen" : "unseen"].Add(r);
    mode[r.mode].Add(r);
    phrasing[r.phrasing].Add(r);
    family[r.family].Add(r);
    object[r.object].Add(r);
  }
  Table(md, "By method", "method", method);
  Table(md, "Model: seen vs unseen objects", "objects", seen);
  Table(md, "Model: wrap vs pinch", "mode", mode);
  Table(md, "Model: template vs held-out paraphrase", "instruction", phrasing);
  Table(md, "Model: per family", "family", family);
  Table(md, "Model: per object", "object", object);
  // where the time goes: making the grasps (the model's sampling; for the baselines and the
  // rankings, their own work beyond it) and simulating them
  md << "\n### Time\n\n| method | grasps | making s | simulating s | grasps/s |\n"
     << "| --- | --- | --- | --- | --- |\n";
  for (const auto& [key, t] : time)
    md << "| " << key << " | " << t.grasps << " | " << std::fixed << std::setprecision(1)
       << t.predict << " | " << t.simulate << " | " << std::setprecision(2)
       << (t.predict + t.simulate > 0 ? t.grasps / (t.predict + t.simulate) : 0) << " |\n";
  md << "\n"
     << total.grasps << " grasps evaluated; making them " << std::fixed << std::setprecision(1)
     << total.predict << " s, simulation " << total.simulate << " s (" << std::setprecision(2)
     << (total.predict + total.simulate > 0 ? total.grasps / (total.predict + total.simulate) : 0)
     << " grasps/s).\n";
  return md.str();
}

std::string ReportJson(const std::vector<EvalRecord>& records) {
  json j;
  j["format"] = "dexvlg-eval";
  j["version"] = 1;
  j["records"] = json::array();
  std::map<std::string, Tally> method;
  for (const EvalRecord& r : records) {
    j["records"].push_back(ToJson(r));
    method[r.method + (r.method == "model" ? "/" + r.phrasing : "")].Add(r);
  }
  for (const auto& [key, t] : method) {
    auto rate = [](const Rate& r) {
      return json{{"value", r.value}, {"low", r.low}, {"high", r.high}};
    };
    j["summary"][key] = {{"grasps", t.count},
                         {"suc", rate(WilsonRate(t.held, t.count))},
                         {"pta", rate(WilsonRate(t.on_part, t.count))},
                         {"pga", rate(WilsonRate(t.held_on_part, t.count))}};
    if (t.held_above >= 0)
      j["summary"][key]["suc_above_table"] = rate(WilsonRate(t.held_above, t.count));
  }
  return j.dump(1);
}

}  // namespace dexvlg
