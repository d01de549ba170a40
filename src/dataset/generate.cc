#include "dataset/generate.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "dataset/store.h"
#include "hand/hand_loader.h"
#include "object/convex.h"
#include "object/mjcf_object.h"
#include "object/object_source.h"
#include "object/procedural.h"
#include "parts/prepare.h"
#include "sim/settle.h"
#include "synth/synth.h"

namespace dexvlg {
namespace fs = std::filesystem;

namespace {

/// What an object folder stands for in a list of objects: a prepared folder itself (read whole,
/// its pieces included), else the file or labelled folder ObjectFolderMesh resolves it to.
std::string FolderObject(const std::string& folder) {
  std::error_code ec;
  if (fs::is_regular_file(fs::path(folder) / "object.json", ec)) return folder;
  return ObjectFolderMesh(folder);
}

}  // namespace

Expected<std::vector<std::string>> ListObjects(const std::string& spec) {
  std::vector<std::string> out;
  std::error_code ec;
  // one object's own folder (prepared, labelled, YCB's textured.obj, an MJCF file) is that one
  // object
  const bool one_object =
      fs::is_directory(spec, ec) &&
      (fs::exists(fs::path(spec) / "object.json", ec) ||
       fs::exists(fs::path(spec) / "part_labels.json", ec) ||
       fs::exists(fs::path(spec) / "textured.obj", ec) || IsMjcfObjectFile(ObjectFolderMesh(spec)));
  if (one_object) return std::vector<std::string>{FolderObject(spec)};
  if (fs::is_directory(spec)) {
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(spec, ec)) entries.push_back(e.path());
    std::sort(entries.begin(), entries.end());
    for (const fs::path& p : entries) {
      if (fs::is_directory(p)) {
        const std::string mesh = FolderObject(p.string());
        if (!mesh.empty()) out.push_back(mesh);
      } else if (IsMeshFileName(p.string())) {
        out.push_back(p.string());
      }
    }
    if (out.empty()) return Error{spec + ": no object folders or mesh files in it"};
    return out;
  }
  if (fs::is_regular_file(spec) && !IsMeshFileName(spec)) {
    std::ifstream f(spec);
    if (!f) return Error{spec + ": cannot read the object list"};
    std::string line;
    while (std::getline(f, line)) {
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      line.erase(0, line.find_first_not_of(" \t\r"));
      line.erase(line.find_last_not_of(" \t\r") + 1);
      if (line.empty()) continue;
      // relative paths are relative to the list file
      const fs::path p(line);
      const fs::path beside = fs::path(spec).parent_path() / p;
      const std::string entry = p.is_relative() && fs::exists(beside) ? beside.string() : line;
      // FAMILY*N: N seeded procedural instances
      auto many = ExpandProceduralCount(line);
      if (!many) return Error{spec + ": " + many.error().message};
      if (!many->empty()) {
        out.insert(out.end(), many->begin(), many->end());
        continue;
      }
      // an object folder in a list reads as it does in a folder of objects
      const std::string mesh = fs::is_directory(entry, ec) ? FolderObject(entry) : "";
      out.push_back(mesh.empty() ? entry : mesh);
    }
    if (out.empty()) return Error{spec + ": the object list is empty"};
    return out;
  }
  std::stringstream s(spec);
  std::string item;
  while (std::getline(s, item, ',')) {
    if (item.empty()) continue;
    // "mug:size=1.05,proportion=0.9": a key=value after a procedural spec continues it
    if (!out.empty() && item.find('=') != std::string::npos &&
        item.find(':') == std::string::npos && out.back().find(':') != std::string::npos &&
        out.back().find('/') == std::string::npos) {
      out.back() += "," + item;
      continue;
    }
    auto many = ExpandProceduralCount(item);
    if (!many) return many.error();
    if (!many->empty()) {
      out.insert(out.end(), many->begin(), many->end());
      continue;
    }
    out.push_back(item);
  }
  if (out.empty()) return Error{"--objects: nothing to generate"};
  return out;
}

std::string ShardName(const std::string& source) {
  // a readable stem plus a hash of the full source (two textured.obj never collide)
  fs::path p(source);
  std::string stem = p.stem().string();
  if (stem == "textured" || stem == "model" || stem == "mesh") {
    stem = p.parent_path().filename().string();
  }
  std::string clean;
  for (char c : stem) clean += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (clean.empty()) clean = "object";
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : source) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::ostringstream out;
  out << clean << "-" << std::hex << std::setw(8) << std::setfill('0') << (h & 0xffffffffu)
      << ".h5";
  return out.str();
}

namespace {

/// The scene whose table a free-synthesised grasp clears most (its lowest hand sample over the
/// pregrasp, grasp and squeeze, highest above the table top).
int ClearestScene(const HandModel& hand, const Grasp& grasp,
                  const std::vector<Placement>& placements) {
  int best = 0;
  double best_height = -1e9;
  for (size_t k = 0; k < placements.size(); ++k) {
    double lowest = 1e9;
    for (const std::vector<double>* r : {&grasp.pregrasp, &grasp.grasp, &grasp.squeeze}) {
      const std::vector<double> placed = PlacePose(*r, placements[k]);
      lowest = std::min(lowest, LowestAlong(hand, placed.data(), Vec3::UnitZ()));
    }
    if (lowest > best_height) {
      best_height = lowest;
      best = static_cast<int>(k);
    }
  }
  return best;
}

/// One object, start to finish; writes its shard (recording `params`, GenerateParamsText(o)).
GenerateRow MakeObject(const GenerateOptions& o, const std::string& params, const HandModel& hand,
                       const std::string& source, const std::string& shard_path,
                       std::ostream& log) {
  const auto start = std::chrono::steady_clock::now();
  GenerateRow row;
  row.shard.file = fs::path(shard_path).filename().string();
  row.shard.object = source;
  // a prepared folder at its own scale is read once, with its own collision pieces
  std::vector<TriMesh> own_pieces;
  std::error_code source_ec;
  Expected<LabeledMesh> loaded = Error{source + ": not loaded"};
  if (fs::is_regular_file(fs::path(source) / "object.json", source_ec) &&
      o.object_scale.scale == 1 && o.object_scale.max_size == 0) {
    auto prepared = ReadPrepared(source);
    if (!prepared) {
      row.status = "failed: " + prepared.error().message;
      return row;
    }
    loaded = std::move(prepared->watertight);
    own_pieces = std::move(prepared->pieces);
  } else {
    loaded = LoadClosedObject(source, o.object_scale);
  }
  if (!loaded) {
    row.status = "failed: " + loaded.error().message;
    return row;
  }
  if (!o.part_names.empty()) {
    if (o.part_names.size() != loaded->part_names.size()) {
      row.status = "failed: " + source + " has " + std::to_string(loaded->part_names.size()) +
                   " parts, --part-names gives " + std::to_string(o.part_names.size());
      return row;
    }
    loaded->part_names = o.part_names;
  }
  // the object's fields, samples and pieces, built once for every scene, part and mode
  auto model = ObjectModel::Build(std::move(*loaded), {}, std::move(own_pieces));
  if (!model) {
    row.status = "failed: " + model.error().message;
    return row;
  }
  const LabeledMesh& object = (*model)->object();
  row.shard.object = object.name;
  row.shard.parts = static_cast<int>(object.part_names.size());
  const std::vector<TriMesh>& pieces = (*model)->Pieces();
  auto sim = SimScene::Build(hand, object, pieces, o.sim);
  if (!sim) {
    row.status = "failed: " + sim.error().message;
    return row;
  }
  ShardContent content;
  content.object = object.name;
  content.object_source = source;
  content.generate_params = params;
  content.hand_name = hand.name;
  for (const Joint& j : hand.joints) content.joint_names.push_back(j.name);
  content.mesh = &object;
  ShardGrasps& g = content.grasps;
  g.pose_size = hand.pose_size();
  double t_synth = 0, t_sim = 0;
  auto seconds_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  };
  tbb::enumerable_thread_specific<SimWorker> workers([&] { return sim->MakeWorker(); });
  // grasps settled where the free object balances in the closing hand (the table variant
  // validates differently: lifting off the table)
  const GraspRefiner refine = o.settle > 0 && !o.sim.table ? Settler(*sim, o.settle) : nullptr;
  // resting poses first: every scene gets its own grasps, synthesised with its table
  const auto t_rest = std::chrono::steady_clock::now();
  auto placements = RestingPoses(object, pieces, o.scenes, o.seed, o.sim);
  if (!placements) {
    row.status = "failed: " + placements.error().message;
    return row;
  }
  double t_scenes = seconds_since(t_rest);
  const bool free_synthesis = o.synth_table == "free";
  // with free synthesis one pass (k = -1) serves every scene
  for (int k = free_synthesis ? -1 : 0;
       k < (free_synthesis ? 0 : static_cast<int>(placements->size())); ++k) {
    for (int part = 0; part < row.shard.parts; ++part) {
      for (const std::string& mode_name : o.modes) {
        SynthOptions so;
        so.part = object.part_names[part];
        so.mode = mode_name == "pinch" ? GraspMode::kPinch : GraspMode::kWrap;
        so.count = o.count;
        so.max_attempts = o.attempts;
        so.weights.fc_friction = o.fc_friction;
        ParsePalmMode(o.palm, &so.palm);  // checked by GenerateOptions::Validate
        so.seed = o.seed * 7919u + static_cast<unsigned>(1000 * std::max(k, 0) + part * 2 +
                                                         (so.mode == GraspMode::kPinch));
        if (k >= 0) {  // the table in the object frame: z_table = n . x + t_z, below when < 0
          const Placement& pl = (*placements)[k];
          so.table = TablePlane{pl.R.transpose() * Vec3::UnitZ(), -pl.t.z()};
        }
        const auto t0 = std::chrono::steady_clock::now();
        auto result = Synthesize(hand, **model, so, {}, refine);
        t_synth += seconds_since(t0);
        if (!result) {
          log << "  " << object.name << " / " << so.part << " / " << mode_name << ": "
              << result.error().message << "\n";
          continue;
        }
        const std::vector<Grasp>& grasps = result->grasps;
        {  // what the synthesis kept and why it rejected the rest
          const SynthSummary& sum = result->summary;
          log << "  " << object.name << " / "
              << (k >= 0 ? "scene " + std::to_string(k) : std::string("free")) << " / " << so.part
              << " / " << mode_name << ": " << sum.accepted << " of " << sum.attempts
              << " attempts";
          for (const auto& [reason, n] : sum.rejected) log << "; " << reason << " " << n;
          log << "\n";
        }
        const auto t1 = std::chrono::steady_clock::now();
        std::vector<SimOutcome> outcomes(grasps.size());
        tbb::parallel_for(size_t{0}, grasps.size(), [&](size_t i) {
          const Grasp& gr = grasps[i];
          outcomes[i] =
              sim->Run(gr.pregrasp, gr.grasp, gr.squeeze, result->target_label, workers.local());
        });
        t_sim += seconds_since(t1);
        for (size_t i = 0; i < grasps.size(); ++i) {
          const Grasp& gr = grasps[i];
          const SimOutcome& out = outcomes[i];
          g.pregrasp.insert(g.pregrasp.end(), gr.pregrasp.begin(), gr.pregrasp.end());
          g.grasp.insert(g.grasp.end(), gr.grasp.begin(), gr.grasp.end());
          g.squeeze.insert(g.squeeze.end(), gr.squeeze.begin(), gr.squeeze.end());
          g.part.push_back(result->target_label);
          g.mode.push_back(so.mode == GraspMode::kPinch ? 1 : 0);
          g.scene.push_back(k >= 0 ? k : ClearestScene(hand, gr, *placements));
          g.success.push_back(out.valid ? 1 : 0);
          g.held.insert(g.held.end(), out.held.begin(), out.held.end());
          g.penetration.push_back(out.penetration);
          g.reason.push_back(out.reason);
          g.caption.push_back(out.caption);
        }
      }
    }
  }
  // scenes rendered; each keeps its own successful grasps whose hand stays above the table
  const auto t2 = std::chrono::steady_clock::now();
  const Appearance look = ObjectAppearance(source, object, o.object_scale);
  for (size_t k = 0; k < placements->size(); ++k) {
    const Placement& pl = (*placements)[k];
    content.scenes.push_back(MakeScene(object, look.mesh, look.colors, pl, o.scene,
                                       o.seed * 131u + static_cast<unsigned>(k),
                                       o.pictures && k == 0));
    std::vector<int> keep;
    for (int i = 0; i < g.count(); ++i) {
      if (!g.success[i] || g.scene[i] != static_cast<int>(k)) continue;
      bool clear = true;
      for (const std::vector<double>* poses : {&g.pregrasp, &g.grasp, &g.squeeze}) {
        const std::vector<double> r(poses->begin() + static_cast<size_t>(i) * g.pose_size,
                                    poses->begin() + static_cast<size_t>(i + 1) * g.pose_size);
        clear = clear && HandAboveTable(hand, PlacePose(r, pl));
      }
      if (clear) keep.push_back(i);
    }
    content.scene_grasps.push_back(keep);
  }
  t_scenes += seconds_since(t2);
  log << "\n  " << object.name << ": synthesis " << std::fixed << std::setprecision(1) << t_synth
      << " s, validation " << t_sim << " s, scenes " << t_scenes << " s\n";
  if (o.pictures && !content.scenes.empty()) {
    const fs::path pictures = fs::path(o.out) / "pictures";
    std::error_code ec;
    fs::create_directories(pictures, ec);
    const std::string png = (pictures / (fs::path(shard_path).stem().string() + ".png")).string();
    if (Status s = WritePng(ScenePicture(content.scenes.front(), 4), png); !s) {
      log << "  " << s.error().message << "\n";
    }
    for (Scene& s : content.scenes) {
      for (SceneView& v : s.views) v.frame = RgbdFrame{};  // pictures only
    }
  }
  content.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (Status s = WriteShard(shard_path, content); !s) {
    row.status = "failed: " + s.error().message;
    return row;
  }
  if (auto summary = SummariseShard(shard_path); summary) row.shard = *summary;
  row.status = "done";
  return row;
}

}  // namespace

Status GenerateOptions::Validate() const {
  auto bad = [](const std::string& what) { return Error{"generate: " + what}; };
  if (count < 1) return bad("--count " + std::to_string(count) + " (expected at least 1)");
  if (attempts < 0) return bad("--attempts " + std::to_string(attempts) + " (expected >= 0)");
  if (scenes < 1) return bad("--scenes " + std::to_string(scenes) + " (expected at least 1)");
  if (settle < 0 || settle > 10) return bad("--settle " + std::to_string(settle) + " (0..10)");
  if (!(fc_friction >= 0 && fc_friction <= 2))
    return bad("--fc-friction " + std::to_string(fc_friction) + " (expected 0..2)");
  if (PalmMode m; !ParsePalmMode(palm, &m))
    return bad("--palm \"" + palm + "\" (expected auto, touch or gap)");
  if (modes.empty()) return bad("--modes is empty (wrap, pinch)");
  if (synth_table != "scene" && synth_table != "free")
    return bad("--synth-table \"" + synth_table + "\" (expected scene or free)");
  for (const std::string& m : modes) {
    if (m != "wrap" && m != "pinch") return bad("mode \"" + m + "\" (expected wrap or pinch)");
  }
  const SceneOptions& c = scene;
  if (c.cameras < 1) return bad("--views " + std::to_string(c.cameras) + " (expected >= 1)");
  if (c.points < 1) return bad("--points " + std::to_string(c.points) + " (expected >= 1)");
  if (c.width < 16 || c.height < 9) {
    return bad("image " + std::to_string(c.width) + " x " + std::to_string(c.height) +
               " (expected at least 16 x 9)");
  }
  if (!(c.fov_y_deg > 1 && c.fov_y_deg < 170) || !(c.min_distance > 0) || !(c.baseline > 0) ||
      !(c.subpixel >= 0) || !(c.depth_unit > 0) || !(c.crop_margin >= 0) ||
      !std::isfinite(c.elevation_deg)) {
    return bad(
        "scene options out of range (field of view, distance, baseline, noise, depth unit "
        "or crop margin)");
  }
  if (Status s = object_scale.Validate(); !s) return bad(s.error().message);
  if (Status s = sim.Validate(); !s) return bad(s.error().message);
  return Status::Ok();
}

std::string GenerateParamsText(const GenerateOptions& o) {
  std::ostringstream t;
  t << std::setprecision(17) << "hand=" << (o.hand.empty() ? "<builtin>" : o.hand) << ";modes=";
  for (size_t i = 0; i < o.modes.size(); ++i) t << (i ? "+" : "") << o.modes[i];
  const SceneOptions& c = o.scene;
  t << ";count=" << o.count << ";attempts=" << o.attempts << ";scenes=" << o.scenes
    << ";seed=" << o.seed << (o.synth_table == "free" ? ";synth_table=free" : "");
  if (o.fc_friction > 0) t << ";fc_friction=" << o.fc_friction;  // older keys stay valid
  if (o.palm != "gap") t << ";palm=" << o.palm;                  // before it: always "gap"
  t << ";settle=" << o.settle << ";scale=" << o.object_scale.scale
    << ";size=" << o.object_scale.min_size << ":" << o.object_scale.max_size << ";part_names=";
  for (size_t i = 0; i < o.part_names.size(); ++i) t << (i ? "+" : "") << o.part_names[i];
  t << ";cameras=" << c.cameras << ";width=" << c.width << ";height=" << c.height
    << ";fov_y_deg=" << c.fov_y_deg << ";elevation_deg=" << c.elevation_deg
    << ";min_distance=" << c.min_distance << ";baseline=" << c.baseline
    << ";subpixel=" << c.subpixel << ";depth_unit=" << c.depth_unit << ";points=" << c.points
    << ";crop_margin=" << c.crop_margin << ";sim=" << SimParamsText(o.sim);
  return t.str();
}

std::vector<GenerateRow> Generate(
    const GenerateOptions& o, int rank, int ranks, std::ostream& log,
    const std::function<void(int, int, const std::string&)>& progress) {
  std::vector<GenerateRow> rows;
  if (Status s = o.Validate(); !s) {
    rows.push_back({{}, "failed: " + s.error().message});
    return rows;
  }
  const fs::path shards = fs::path(o.out) / kShardDir;
  std::error_code ec;
  fs::create_directories(shards, ec);
  if (ec) {
    rows.push_back({{}, "failed: " + shards.string() + ": cannot create (" + ec.message() + ")"});
    return rows;
  }
  std::unique_ptr<HandModel> loaded;
  if (!o.hand.empty()) {
    auto h = LoadHand(o.hand);
    if (!h) {
      rows.push_back({{}, "failed: " + h.error().message});
      return rows;
    }
    loaded = std::make_unique<HandModel>(std::move(*h));
  }
  const HandModel& hand = loaded ? *loaded : DefaultHand();
  std::vector<int> mine;
  for (int i = 0; i < static_cast<int>(o.objects.size()); ++i) {
    if (i % ranks == rank) mine.push_back(i);
  }
  int done = 0;
  const std::string params = GenerateParamsText(o);
  for (int i : mine) {
    const std::string& source = o.objects[i];
    const fs::path shard = shards / ShardName(source);
    fs::remove(fs::path(shard.string() + ".tmp"), ec);  // an interrupted run's partial shard
    GenerateRow row;
    if (fs::exists(shard)) {
      auto s = SummariseShard(shard.string());
      row.shard.file = shard.filename().string();
      row.shard.object = source;
      if (s) row.shard = *s;
      row.status = s ? "already done" : "failed: " + s.error().message;
      // a finished shard counts as done only when it was made with these parameters
      auto reader = ShardReader::Open(shard.string());
      if (!reader) {
        row.status = "failed: " + reader.error().message;
      } else if (reader->info().generate_params != params) {
        row.status =
            "failed: " + shard.string() + " was made with other generation parameters (" +
            (reader->info().generate_params.empty() ? std::string("not recorded: an older dexvlg")
                                                    : reader->info().generate_params) +
            "); remove it to make it again, or choose another --out";
      }
    } else {
      row = MakeObject(o, params, hand, source, shard.string(), log);
    }
    rows.push_back(row);
    log.flush();  // a killed run's log is complete up to its last finished object
    if (progress) progress(++done, static_cast<int>(mine.size()), row.shard.object);
  }
  return rows;
}

}  // namespace dexvlg
