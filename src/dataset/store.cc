#include "dataset/store.h"

#include "dataset/scene.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <sstream>

#include "core/atomic_file.h"
#include "core/npy_dict.h"
#include "h5/h5.h"
#include "hand/hand_loader.h"
#include "synth/dexgraspbench.h"

namespace dexvlg {
namespace fs = std::filesystem;
namespace {

std::string SceneGroup(size_t k) {
  std::ostringstream s;
  s << "/scenes/" << std::setw(3) << std::setfill('0') << k;
  return s.str();
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out;
}

std::vector<double> Rows(const std::vector<double>& all, const std::vector<int>& index, int ps,
                         const Placement& placement) {
  std::vector<double> out;
  for (int i : index) {
    const std::vector<double> row(all.begin() + static_cast<size_t>(i) * ps,
                                  all.begin() + static_cast<size_t>(i + 1) * ps);
    const std::vector<double> placed = PlacePose(row, placement);
    out.insert(out.end(), placed.begin(), placed.end());
  }
  return out;
}

}  // namespace

namespace {

/// The shard's datasets and attributes into the (temporary) file `tmp`.
Status WriteShardTo(const std::string& tmp, const ShardContent& c) {
  auto opened = H5Writer::Create(tmp);
  if (!opened) return opened.error();
  H5Writer& w = *opened;
  const ShardGrasps& g = c.grasps;
  const uint64_t n = g.count(), ps = g.pose_size;
  long long successful = 0, scene_grasps = 0;
  for (int s : g.success) successful += s;
  for (const auto& idx : c.scene_grasps) scene_grasps += static_cast<long long>(idx.size());
  w.Attribute("/", "format", kShardFormat);
  w.Attribute("/", "version", static_cast<long long>(kShardVersion));
  w.Attribute("/", "object", c.object);
  w.Attribute("/", "object_source", c.object_source);
  w.Attribute("/", "generate_params", c.generate_params);
  w.Attribute("/", "hand", c.hand_name);
  w.Attribute("/", "joint_names", Join(c.joint_names));
  w.Attribute("/", "grasp_count", static_cast<long long>(n));
  w.Attribute("/", "success_count", successful);
  w.Attribute("/", "scene_count", static_cast<long long>(c.scenes.size()));
  w.Attribute("/", "scene_grasp_count", scene_grasps);
  w.Attribute("/", "seconds", std::to_string(c.seconds));
  // the object (object frame, metres) with its part labels
  const LabeledMesh& m = *c.mesh;
  std::vector<double> vertices;
  for (const Vec3& v : m.mesh.vertices) vertices.insert(vertices.end(), {v.x(), v.y(), v.z()});
  std::vector<int> faces;
  for (const auto& f : m.mesh.faces) faces.insert(faces.end(), {f[0], f[1], f[2]});
  w.Put("/object/vertices", vertices, {m.mesh.vertices.size(), 3});
  w.Put("/object/faces", faces, {m.mesh.faces.size(), 3});
  w.Put("/object/face_labels", m.face_labels, {m.face_labels.size()});
  w.PutStrings("/object/part_names", m.part_names);
  // grasps (object frame)
  w.Put("/grasps/pregrasp", g.pregrasp, {n, ps});
  w.Put("/grasps/grasp", g.grasp, {n, ps});
  w.Put("/grasps/squeeze", g.squeeze, {n, ps});
  w.Put("/grasps/part", g.part, {n});
  w.Put("/grasps/mode", g.mode, {n});
  w.Put("/grasps/scene", g.scene, {n});
  w.Put("/grasps/success", g.success, {n});
  w.Put("/grasps/held", g.held, {n, 6});
  w.Put("/grasps/penetration", g.penetration, {n});
  w.PutStrings("/grasps/reason", g.reason);
  w.PutStrings("/grasps/caption", g.caption);
  w.PutStrings("/grasps/joint_names", c.joint_names);
  // scenes (table frame, table top z = 0)
  for (size_t k = 0; k < c.scenes.size(); ++k) {
    const Scene& s = c.scenes[k];
    const std::string group = SceneGroup(k);
    std::vector<double> pose(16, 0.0);
    for (int r = 0; r < 3; ++r) {
      for (int col = 0; col < 3; ++col) pose[4 * r + col] = s.placement.R(r, col);
      pose[4 * r + 3] = s.placement.t[r];
    }
    pose[15] = 1;
    w.Put(group + "/object_pose", pose, {4, 4});
    const uint64_t views = s.views.size();
    const uint64_t points = views ? s.views[0].labels.size() : 0;
    std::vector<double> intrinsics, extrinsics;
    std::vector<float> xyz;
    std::vector<uint8_t> rgb;
    std::vector<int8_t> labels;
    for (const SceneView& v : s.views) {
      intrinsics.insert(intrinsics.end(), {v.fx, v.fy, v.cx, v.cy});
      for (int r = 0; r < 3; ++r) {
        for (int col = 0; col < 3; ++col) extrinsics.push_back(v.R_wc(r, col));
        extrinsics.push_back(v.t_wc[r]);
      }
      extrinsics.insert(extrinsics.end(), {0, 0, 0, 1});
      xyz.insert(xyz.end(), v.points.begin(), v.points.end());
      rgb.insert(rgb.end(), v.colors.begin(), v.colors.end());
      labels.insert(labels.end(), v.labels.begin(), v.labels.end());
    }
    w.Put(group + "/intrinsics", intrinsics, {views, 4});
    w.Put(group + "/extrinsics", extrinsics, {views, 4, 4});
    w.Put(group + "/points", xyz, {views, points, 3});
    w.Put(group + "/colors", rgb, {views, points, 3});
    w.Put(group + "/labels", labels, {views, points});
    if (views) {
      w.Attribute(group, "image_width", static_cast<long long>(s.views[0].camera.width));
      w.Attribute(group, "image_height", static_cast<long long>(s.views[0].camera.height));
    }
    const std::vector<int>& idx = c.scene_grasps[k];
    w.Put(group + "/grasp_index", idx, {idx.size()});
    w.Put(group + "/pregrasp", Rows(g.pregrasp, idx, g.pose_size, s.placement), {idx.size(), ps});
    w.Put(group + "/grasp", Rows(g.grasp, idx, g.pose_size, s.placement), {idx.size(), ps});
    w.Put(group + "/squeeze", Rows(g.squeeze, idx, g.pose_size, s.placement), {idx.size(), ps});
  }
  return w.Close();
}

}  // namespace

Status WriteShard(const std::string& path, const ShardContent& c) {
  return WriteAtomically(path, [&](const std::string& tmp) { return WriteShardTo(tmp, c); });
}

Expected<ShardSummary> SummariseShard(const std::string& path) {
  auto r = H5Reader::Open(path);
  if (!r) return r.error();
  if (r->Attribute("/", "format") != kShardFormat) {
    return Error{path + ": not a dexvlg dataset shard (format attribute)"};
  }
  ShardSummary s;
  s.file = fs::path(path).filename().string();
  s.object = r->Attribute("/", "object");
  const auto parts = r->Dims("/object/part_names");
  s.parts = parts.empty() ? 0 : static_cast<int>(parts[0]);
  auto num = [&](const char* name) {
    const std::string v = r->Attribute("/", name);
    return v.empty() ? 0LL : std::atoll(v.c_str());
  };
  s.grasps = num("grasp_count");
  s.successful = num("success_count");
  s.scenes = num("scene_count");
  s.scene_grasps = num("scene_grasp_count");
  s.seconds = std::atof(r->Attribute("/", "seconds").c_str());
  std::error_code ec;
  s.bytes = static_cast<long long>(fs::file_size(path, ec));
  return s;
}

std::vector<std::string> ListShards(const std::string& dataset) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dataset) / kShardDir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".h5") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status WriteIndex(const std::string& dataset) {
  nlohmann::json index;
  index["format"] = "dexvlg-dataset";
  index["version"] = kShardVersion;
  index["shards"] = nlohmann::json::array();
  long long grasps = 0, successful = 0, scenes = 0, bytes = 0;
  for (const std::string& path : ListShards(dataset)) {
    auto s = SummariseShard(path);
    if (!s) return s.error();
    index["shards"].push_back({{"file", std::string(kShardDir) + "/" + s->file},
                               {"object", s->object},
                               {"grasps", s->grasps},
                               {"successful", s->successful},
                               {"scenes", s->scenes},
                               {"scene_grasps", s->scene_grasps},
                               {"bytes", s->bytes},
                               {"seconds", s->seconds}});
    grasps += s->grasps;
    successful += s->successful;
    scenes += s->scenes;
    bytes += s->bytes;
  }
  index["totals"] = {{"objects", index["shards"].size()},
                     {"grasps", grasps},
                     {"successful", successful},
                     {"scenes", scenes},
                     {"bytes", bytes}};
  return WriteTextAtomically((fs::path(dataset) / "index.json").string(), index.dump(2) + "\n");
}

int VerifyDataset(const std::string& dataset, std::ostream& report) {
  int problems = 0;
  auto problem = [&](const std::string& text) {
    report << "  " << text << "\n";
    ++problems;
  };
  std::set<std::string> present;
  for (const std::string& path : ListShards(dataset)) {
    present.insert(std::string(kShardDir) + "/" + fs::path(path).filename().string());
    // every dataset of the shard is read and checked (ShardReader)
    auto shard = ShardReader::Open(path);
    if (!shard) {
      problem(shard.error().message);
      continue;
    }
    if (auto object = shard->Object(); !object) problem(object.error().message);
    if (auto grasps = shard->Grasps(); !grasps) problem(grasps.error().message);
    for (int k = 0; k < shard->num_scenes(); ++k) {
      if (auto scene = shard->SceneAt(k); !scene) problem(scene.error().message);
      if (auto index = shard->SceneGrasps(k); !index) problem(index.error().message);
    }
  }
  // the index lists exactly the finished shards
  const std::string index_path = (fs::path(dataset) / "index.json").string();
  std::ifstream f(index_path);
  if (!f) {
    problem(index_path + ": missing (run generate again to rebuild it)");
  } else {
    try {
      const nlohmann::json index = nlohmann::json::parse(f);
      std::set<std::string> listed;
      for (const auto& s : index.at("shards")) listed.insert(s.at("file").get<std::string>());
      for (const std::string& p : present) {
        if (!listed.count(p)) problem(index_path + ": does not list " + p);
      }
      for (const std::string& p : listed) {
        if (!present.count(p)) problem(index_path + ": lists " + p + ", which is not there");
      }
    } catch (const std::exception& e) {
      problem(index_path + ": " + e.what());
    }
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dataset) / kShardDir, ec)) {
    if (e.path().extension() == ".tmp") {
      report << "  note: " << e.path().string()
             << " is an unfinished shard of an interrupted run (generate removes it)\n";
    }
  }
  return problems;
}

namespace {

/// Every successful grasp of every shard as a DexGraspBench grasp file:
/// OUT/graspdata/<shard>/scale100_pose000/<k>.npy, the object at the origin at scale 1 (shards
/// hold metric objects), joints named.
Status ExportDexGraspBench(const std::string& dataset, const std::string& out,
                           const HandModel& hand, std::ostream& log) {
  std::vector<std::string> joints;
  for (const Joint& j : hand.joints) joints.push_back(j.name);
  long long written = 0;
  const std::vector<std::string> shards = ListShards(dataset);
  if (shards.empty()) return Error{dataset + ": no shards to export"};
  for (const std::string& path : shards) {
    auto reader = ShardReader::Open(path);
    if (!reader) return reader.error();
    auto grasps = reader->Grasps();
    if (!grasps) return grasps.error();
    const ShardInfo& info = reader->info();
    const fs::path folder =
        fs::path(out) / "graspdata" / fs::path(path).stem() / "scale100_pose000";
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return Error{folder.string() + ": cannot create (" + ec.message() + ")"};
    const size_t ps = static_cast<size_t>(grasps->pose_size);
    int k = 0;
    for (int i = 0; i < grasps->count(); ++i) {
      if (grasps->success[i] != 1) continue;
      auto row = [&](const std::vector<double>& rows) {
        return std::vector<double>(rows.begin() + i * ps, rows.begin() + (i + 1) * ps);
      };
      // the root as DexGraspBench poses it: the hand MJCF's model frame
      const BenchGrasp g = ToBench(hand, row(grasps->pregrasp), row(grasps->grasp),
                                   row(grasps->squeeze), info.object_source, 1.0);
      const std::string file = (folder / (std::to_string(k++) + ".npy")).string();
      if (Status st = WriteNpyDict(file, ToNpy(g)); !st) return st;
      ++written;
    }
  }
  log << "wrote " << written << " DexGraspBench grasp files under "
      << (fs::path(out) / "graspdata").string() << "\n";
  return Status::Ok();
}

}  // namespace

Status ExportDataset(const std::string& dataset, const std::string& out, const std::string& format,
                     std::ostream& log, const HandModel* hand) {
  if (format != "csv" && format != "json" && format != "dexgraspbench") {
    return Error{"export format '" + format + "': expected csv, json or dexgraspbench"};
  }
  if (format == "dexgraspbench") {
    return ExportDexGraspBench(dataset, out, hand != nullptr ? *hand : DefaultHand(), log);
  }
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Error{out + ": cannot create (" + ec.message() + ")"};
  nlohmann::json all = nlohmann::json::array();
  const std::string rows_path = (fs::path(out) / ("grasps." + format)).string();
  if (Status st = CheckOutputPath(rows_path); !st) return st;
  std::ostringstream rows;
  rows << std::setprecision(9);
  bool header = false;
  int clouds = 0;
  long long grasps = 0;
  static const char* const kRows[3] = {"pregrasp", "grasp", "squeeze"};
  for (const std::string& path : ListShards(dataset)) {
    auto reader = ShardReader::Open(path);
    if (!reader) return reader.error();
    const ShardInfo& info = reader->info();
    auto g = reader->Grasps();
    if (!g) return g.error();
    const std::string shard = fs::path(path).stem().string();
    // every scene's placement and clouds: grasps are written in their scene's table frame, the
    // frame of that scene's clouds
    std::vector<Scene> scenes;
    for (int k = 0; k < reader->num_scenes(); ++k) {
      auto scene = reader->SceneAt(k);
      if (!scene) return scene.error();
      scenes.push_back(std::move(*scene));
    }
    if (format == "csv" && !header) {
      rows << "object,shard,scene,part,mode,success,caption";
      for (const char* which : kRows) {
        for (const char* c : {"x", "y", "z", "qw", "qx", "qy", "qz"})
          rows << "," << which << "_" << c;
        for (const std::string& j : info.joint_names) rows << "," << which << "_" << j;
      }
      rows << "\n";
      header = true;
    }
    const size_t ps = static_cast<size_t>(g->pose_size);
    for (int i = 0; i < g->count(); ++i) {
      const int k = g->scene[i];
      if (k < 0 || k >= static_cast<int>(scenes.size())) continue;  // no scene to place it in
      const std::string part_name =
          g->part[i] >= 0 && g->part[i] < static_cast<int>(info.part_names.size())
              ? info.part_names[g->part[i]]
              : "?";
      const char* mode_name = g->mode[i] == 0 ? "wrap" : "pinch";
      std::vector<double> placed[3];
      const std::vector<double>* from[3] = {&g->pregrasp, &g->grasp, &g->squeeze};
      for (int r = 0; r < 3; ++r) {
        const std::vector<double> row(from[r]->begin() + i * ps, from[r]->begin() + (i + 1) * ps);
        placed[r] = PlacePose(row, scenes[k].placement);
      }
      if (format == "csv") {
        rows << info.object << "," << shard << "," << k << "," << part_name << "," << mode_name
             << "," << g->success[i] << ",\"" << g->caption[i] << "\"";
        for (const std::vector<double>& row : placed) {
          for (double v : row) rows << "," << v;
        }
        rows << "\n";
      } else {
        nlohmann::json j = {
            {"object", info.object},   {"shard", shard},    {"scene", k},
            {"part", part_name},       {"mode", mode_name}, {"success", g->success[i] == 1},
            {"caption", g->caption[i]}};
        for (int r = 0; r < 3; ++r) j[kRows[r]] = placed[r];
        j["clouds"] = nlohmann::json::array();
        for (size_t v = 0; v < scenes[k].views.size(); ++v) {
          j["clouds"].push_back(shard + "_scene" + std::to_string(k) + "_view" + std::to_string(v) +
                                ".ply");
        }
        all.push_back(j);
      }
      ++grasps;
    }
    for (size_t k = 0; k < scenes.size(); ++k) {
      for (size_t v = 0; v < scenes[k].views.size(); ++v) {
        const SceneView& view = scenes[k].views[v];
        const size_t n = view.points.size() / 3;
        const std::string ply = (fs::path(out) / (shard + "_scene" + std::to_string(k) + "_view" +
                                                  std::to_string(v) + ".ply"))
                                    .string();
        std::ostringstream p;
        p << "ply\nformat ascii 1.0\ncomment dexvlg scene point cloud, table frame of scene " << k
          << " (m), as the grasps of that scene in grasps." << format << "\nelement vertex " << n
          << "\nproperty float x\nproperty float y\nproperty float z\n"
          << "property uchar red\nproperty uchar green\nproperty uchar blue\n"
          << "property int label\nend_header\n";
        for (size_t q = 0; q < n; ++q) {
          p << view.points[3 * q] << " " << view.points[3 * q + 1] << " " << view.points[3 * q + 2]
            << " " << int(view.colors[3 * q]) << " " << int(view.colors[3 * q + 1]) << " "
            << int(view.colors[3 * q + 2]) << " " << int(view.labels[q]) << "\n";
        }
        if (Status st = WriteTextAtomically(ply, p.str()); !st) return st;
        ++clouds;
      }
    }
  }
  if (format == "json") rows << all.dump(1) << "\n";
  if (Status st = WriteTextAtomically(rows_path, rows.str()); !st) return st;
  log << "exported " << grasps << " grasps (pregrasp, grasp, squeeze; each in its scene's table "
      << "frame) to " << rows_path << " and " << clouds << " point clouds (PLY, same frames) to "
      << out << "\n";
  return Status::Ok();
}

}  // namespace dexvlg
