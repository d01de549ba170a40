#include "view/view.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>
#include "dataset/scene.h"
#include "dataset/store.h"
#include "h5/h5.h"
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "synth/grasp_file.h"

namespace dexvlg {
namespace embedded_view {
std::string_view EmbeddedFile(std::string_view key);
}  // namespace embedded_view

namespace fs = std::filesystem;
using json = nlohmann::json;

Status ViewOptions::Validate() const {
  if (max_grasps < 1)
    return Error{"view: max_grasps " + std::to_string(max_grasps) + " (expected >= 1)"};
  if (max_items < 1)
    return Error{"view: max_items " + std::to_string(max_items) + " (expected >= 1)"};
  if (steps < 1 || steps > 50)
    return Error{"view: steps " + std::to_string(steps) + " (expected 1..50)"};
  return {};
}

std::string ThreeDir() {
  if (const char* env = std::getenv("DEXVLG_THREE_DIR"); env != nullptr && *env != '\0') return env;
  return std::string(DEXVLG_SOURCE_DIR) + "/web/node_modules/three";
}

namespace {

std::string Base64(const void* data, size_t size) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* b = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (size_t i = 0; i < size; i += 3) {
    const unsigned v =
        (b[i] << 16) | (i + 1 < size ? b[i + 1] << 8 : 0) | (i + 2 < size ? b[i + 2] : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < size ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < size ? kAlphabet[v & 63] : '=');
  }
  return out;
}
template <typename T>
std::string Base64(const std::vector<T>& v) {
  return Base64(v.data(), v.size() * sizeof(T));
}

Expected<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The import map that inlines three.js (its core, its module and OrbitControls) as data URLs,
/// so that the page opens from disk with no server and no network.
Expected<std::string> BuildImportMap(const std::string& three_dir) {
  const std::string hint =
      " (three.js is installed by scripts/setup.sh into web/node_modules; or set "
      "DEXVLG_THREE_DIR / --three to an npm 'three' package folder)";
  auto core = ReadText(three_dir + "/build/three.core.js");
  auto module = ReadText(three_dir + "/build/three.module.js");
  auto orbit = ReadText(three_dir + "/examples/jsm/controls/OrbitControls.js");
  if (!core || !module || !orbit) return Error{three_dir + ": three.js not found" + hint};
  // the module imports its core by a relative name, which a data URL cannot resolve
  const std::string relative = "'./three.core.js'";
  if (module->find(relative) == std::string::npos)
    return Error{three_dir + ": unexpected three.js layout (no " + relative + " import)" + hint};
  for (size_t at = module->find(relative); at != std::string::npos;
       at = module->find(relative, at)) {
    module->replace(at, relative.size(), "'three-core'");
  }
  auto url = [](const std::string& text) {
    return "data:text/javascript;base64," + Base64(text.data(), text.size());
  };
  const json map = {{"imports",
                     {{"three-core", url(*core)},
                      {"three", url(*module)},
                      {"three/addons/controls/OrbitControls.js", url(*orbit)}}}};
  return "<script type=\"importmap\">" + map.dump() + "</script>";
}

/// BuildImportMap, once per folder: three.js is about 2 MB to read and encode, and serve builds a
/// page per POST /view.
Expected<std::string> ImportMap(const std::string& three_dir) {
  static std::mutex mutex;
  static std::map<std::string, std::string> built;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = built.find(three_dir); it != built.end()) return it->second;
  Expected<std::string> map = BuildImportMap(three_dir);
  if (map) built.emplace(three_dir, *map);  // a missing package is looked for again next time
  return map;
}

/// Each link's collision surface in its own frame.
json HandJson(const HandModel& hand) {
  json links = json::array();
  for (const Link& link : hand.links) {
    std::vector<float> v;
    std::vector<uint32_t> f;
    for (int gi : link.geoms) {
      const CollisionGeom& g = hand.geoms[gi];
      const TriMesh s = GeomSurface(g, 16);
      const uint32_t base = static_cast<uint32_t>(v.size() / 3);
      for (const Vec3& p : s.vertices) {
        const Vec3 q = g.R_LG * p + g.p_LG;
        for (int a = 0; a < 3; ++a) v.push_back(static_cast<float>(q[a]));
      }
      for (const auto& t : s.faces)
        for (int a = 0; a < 3; ++a) f.push_back(base + static_cast<uint32_t>(t[a]));
    }
    links.push_back({{"name", link.name}, {"vertices", Base64(v)}, {"faces", Base64(f)}});
  }
  return {{"name", hand.name}, {"links", links}};
}

json ObjectJson(const LabeledMesh& object) {
  std::vector<float> v;
  for (const Vec3& p : object.mesh.vertices)
    for (int a = 0; a < 3; ++a) v.push_back(static_cast<float>(p[a]));
  std::vector<uint32_t> f;
  for (const auto& t : object.mesh.faces)
    for (int a = 0; a < 3; ++a) f.push_back(static_cast<uint32_t>(t[a]));
  std::vector<uint8_t> c;
  for (const Vec3& col : PartFaceColors(object))
    for (int a = 0; a < 3; ++a)
      c.push_back(static_cast<uint8_t>(std::clamp(col[a], 0.0, 1.0) * 255.0 + 0.5));
  json parts = json::array();
  for (size_t i = 0; i < object.part_names.size(); ++i) {
    const Vec3 col = PartColor(static_cast<int>(i));
    parts.push_back({{"name", object.part_names[i]},
                     {"color",
                      {static_cast<int>(col.x() * 255), static_cast<int>(col.y() * 255),
                       static_cast<int>(col.z() * 255)}}});
  }
  return {{"name", object.name},
          {"vertices", Base64(v)},
          {"faces", Base64(f)},
          {"face_colors", Base64(c)},
          {"parts", parts}};
}

/// Link frames (origin, then row-major rotation: 12 floats a link) for 2 * steps + 1 poses from
/// the pregrasp through the grasp to the squeeze.
Expected<std::string> GraspFrames(const HandModel& hand, const ViewGrasp& g, int steps) {
  const size_t ps = hand.pose_size();
  for (const auto* row : {&g.pregrasp, &g.grasp, &g.squeeze})
    if (row->size() != ps)
      return Error{"view: a pose row of " + std::to_string(row->size()) + " values; the hand " +
                   hand.name + " needs " + std::to_string(ps)};
  const int frames = 2 * steps + 1;
  std::vector<double> poses(frames * ps);
  for (int f = 0; f < frames; ++f) {
    if (f <= steps)
      BlendPoseRows(g.pregrasp.data(), g.grasp.data(), static_cast<int>(ps),
                    static_cast<double>(f) / steps, &poses[f * ps]);
    else
      BlendPoseRows(g.grasp.data(), g.squeeze.data(), static_cast<int>(ps),
                    static_cast<double>(f - steps) / steps, &poses[f * ps]);
  }
  KinematicsData data(hand, frames);
  ForwardKinematics(hand, poses.data(), 0, frames, data);
  std::vector<float> out;
  out.reserve(static_cast<size_t>(frames) * hand.num_links() * 12);
  for (int f = 0; f < frames; ++f)
    for (int l = 0; l < hand.num_links(); ++l) {
      for (int a = 0; a < 3; ++a) out.push_back(static_cast<float>(data.p(f, l)[a]));
      for (int a = 0; a < 9; ++a) out.push_back(static_cast<float>(data.R(f, l)[a]));
    }
  return Base64(out);
}

/// Up to `limit` indices of [0, n), evenly spread.
std::vector<int> Spread(int n, int limit) {
  std::vector<int> out;
  const int k = std::min(n, limit);
  for (int i = 0; i < k; ++i) out.push_back(static_cast<int>(static_cast<long long>(i) * n / k));
  return out;
}

std::vector<double> Row(const std::vector<double>& rows, int i, int ps) {
  return {rows.begin() + static_cast<size_t>(i) * ps,
          rows.begin() + static_cast<size_t>(i + 1) * ps};
}

ViewGrasp Poses(std::vector<double> pregrasp, std::vector<double> grasp,
                std::vector<double> squeeze) {
  ViewGrasp g;
  g.pregrasp = std::move(pregrasp);
  g.grasp = std::move(grasp);
  g.squeeze = std::move(squeeze);
  return g;
}

std::string Outcome(int held, const std::string& reason) {
  if (held < 0) return "not simulated";
  if (held == 1) return "held";
  return reason.empty() ? "failed" : "failed: " + reason;
}

Expected<ViewContent> FromGraspFile(const std::string& path, const HandModel& hand,
                                    const ViewOptions& o) {
  auto set = ReadGraspFile(path);
  if (!set) return set.error();
  set = InHandOrder(*set, hand, path);
  if (!set) return set.error();
  auto sim = ReadValidation(path);
  if (!sim) return sim.error();
  if (!sim->success.empty() && static_cast<int>(sim->success.size()) != set->count)
    return Error{path + ": sim_success has " + std::to_string(sim->success.size()) +
                 " entries for " + std::to_string(set->count) + " grasps"};
  const std::string source = o.object.empty() ? set->object_source : o.object;
  if (source.empty()) return Error{path + ": the file does not record its object; pass --object"};
  auto object = LoadClosedObject(source);
  if (!object) {
    return Error{path + ": its object " + source + " cannot be loaded (" + object.error().message +
                 "); pass --object"};
  }
  ViewContent content;
  content.title = set->object + " · " + set->part + " · " + set->mode;
  content.objects.push_back(std::move(*object));
  ViewItem item;
  item.title = content.title;
  item.object = 0;
  const int ps = set->pose_size;
  for (int i : Spread(set->count, o.max_grasps)) {
    ViewGrasp g =
        Poses(Row(set->pregrasp, i, ps), Row(set->grasp, i, ps), Row(set->squeeze, i, ps));
    const bool simulated = !sim->success.empty();
    g.held = simulated ? sim->success[i] : -1;
    g.result = Outcome(g.held, simulated ? sim->reason[i] : "");
    g.caption = simulated && !sim->caption[i].empty()
                    ? sim->caption[i]
                    : set->mode + " the " + set->part + " of the " + set->object;
    item.grasps.push_back(std::move(g));
  }
  content.items.push_back(std::move(item));
  return content;
}

/// Adds a shard's items: every grasp in the object frame, then each scene on its table with
/// its first view's cloud and the grasps made for that scene.
Status AddShard(const std::string& shard, const HandModel& hand, const ViewOptions& o,
                ViewContent& content) {
  auto reader = ShardReader::Open(shard);
  if (!reader) return reader.error();
  if (reader->info().hand != hand.name)
    return Error{shard + ": made for the hand \"" + reader->info().hand + "\", not \"" + hand.name +
                 "\"; pass --hand"};
  auto object = reader->Object();
  if (!object) return object.error();
  auto grasps = reader->Grasps();
  if (!grasps) return grasps.error();
  GraspSet as_file;  // the shard's joint order onto the hand's
  as_file.joint_names = reader->info().joint_names;
  as_file.count = grasps->count();
  as_file.pose_size = grasps->pose_size;
  as_file.pregrasp = grasps->pregrasp;
  as_file.grasp = grasps->grasp;
  as_file.squeeze = grasps->squeeze;
  auto rows = InHandOrder(as_file, hand, shard);
  if (!rows) return rows.error();
  const int ps = rows->pose_size;
  const int index = static_cast<int>(content.objects.size());
  const std::string name = reader->info().object;
  content.objects.push_back(std::move(*object));
  auto grasp = [&](int i, const Placement* place) {
    ViewGrasp g =
        Poses(Row(rows->pregrasp, i, ps), Row(rows->grasp, i, ps), Row(rows->squeeze, i, ps));
    if (place != nullptr) {
      g.pregrasp = PlacePose(g.pregrasp, *place);
      g.grasp = PlacePose(g.grasp, *place);
      g.squeeze = PlacePose(g.squeeze, *place);
    }
    g.held = grasps->success[i];
    g.result = Outcome(g.held, grasps->reason[i]);
    g.caption = grasps->caption[i];
    return g;
  };
  ViewItem all;
  all.title = name + " · every grasp";
  all.object = index;
  for (int i : Spread(grasps->count(), o.max_grasps)) all.grasps.push_back(grasp(i, nullptr));
  content.items.push_back(std::move(all));
  for (int k = 0; k < reader->num_scenes(); ++k) {
    if (static_cast<int>(content.items.size()) >= o.max_items) break;
    auto scene = reader->SceneAt(k);
    if (!scene) return scene.error();
    auto chosen = reader->SceneGrasps(k);
    if (!chosen) return chosen.error();
    ViewItem item;
    item.title = name + " · scene " + std::to_string(k);
    item.object = index;
    item.R = scene->placement.R;
    item.t = scene->placement.t;
    item.table = true;
    if (!scene->views.empty()) {
      item.points = scene->views[0].points;
      item.colors = scene->views[0].colors;
    }
    for (int c : Spread(static_cast<int>(chosen->size()), o.max_grasps))
      item.grasps.push_back(grasp((*chosen)[c], &scene->placement));
    content.items.push_back(std::move(item));
  }
  return {};
}

Expected<ViewContent> FromDataset(const std::string& dir, const HandModel& hand,
                                  const ViewOptions& o) {
  const std::vector<std::string> shards = ListShards(dir);
  if (shards.empty()) return Error{dir + ": no shards (not a dataset folder, or an empty one)"};
  ViewContent content;
  content.title = "dataset " + fs::path(dir).filename().string();
  if (content.title == "dataset ") content.title = "dataset " + dir;
  for (const std::string& shard : shards) {
    if (static_cast<int>(content.items.size()) >= o.max_items) break;
    if (Status s = AddShard(shard, hand, o, content); !s) return s.error();
  }
  return content;
}

Expected<ViewContent> FromReport(const std::string& dir, const HandModel& hand,
                                 const ViewOptions& o) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "objects", ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  ViewContent content;
  content.title = "eval report " + fs::path(dir).filename().string();
  for (const fs::path& file : files) {
    json j;
    try {
      std::ifstream in(file);
      j = json::parse(in);
    } catch (const std::exception& e) {
      return Error{file.string() + ": unreadable result (" + e.what() + ")"};
    }
    if (!j.contains("view")) continue;  // written before eval kept its grasps
    try {
      const json& v = j.at("view");
      ObjectScale scale;
      scale.scale = v.value("scale", 1.0);
      scale.min_size = v.value("min_size", 0.0);
      scale.max_size = v.value("max_size", 0.0);
      auto object = LoadClosedObject(j.at("source").get<std::string>(), scale);
      if (!object) return Error{file.string() + ": " + object.error().message};
      const int index = static_cast<int>(content.objects.size());
      content.objects.push_back(std::move(*object));
      Placement place;
      const auto R = v.at("R").get<std::vector<double>>();
      const auto t = v.at("t").get<std::vector<double>>();
      if (R.size() != 9 || t.size() != 3) return Error{file.string() + ": bad placement"};
      for (int a = 0; a < 3; ++a) {
        place.t[a] = t[a];
        for (int b = 0; b < 3; ++b) place.R(a, b) = R[3 * a + b];
      }
      const auto points = v.at("points").get<std::vector<float>>();
      const auto colors = v.at("colors").get<std::vector<int>>();
      for (const json& run : v.at("instructions")) {
        if (static_cast<int>(content.items.size()) >= o.max_items) break;
        ViewItem item;
        item.title = j.at("source").get<std::string>() + " · " +
                     run.at("method").get<std::string>() + " · " +
                     run.at("instruction").get<std::string>();
        item.object = index;
        item.R = place.R;
        item.t = place.t;
        item.table = true;
        item.points = points;
        for (int c : colors) item.colors.push_back(static_cast<uint8_t>(std::clamp(c, 0, 255)));
        if (item.colors.size() != item.points.size()) item.colors.clear();
        const json& gs = run.at("grasps");
        for (int i : Spread(static_cast<int>(gs.size()), o.max_grasps)) {
          const json& g = gs.at(i);
          ViewGrasp vg = Poses(PlacePose(g.at("pregrasp").get<std::vector<double>>(), place),
                               PlacePose(g.at("grasp").get<std::vector<double>>(), place),
                               PlacePose(g.at("squeeze").get<std::vector<double>>(), place));
          vg.held = g.at("held").get<bool>() ? 1 : 0;
          vg.result = Outcome(vg.held, g.value("reason", "")) +
                      (g.value("on_part", false) ? ", on the part" : ", off the part");
          vg.caption = run.at("instruction").get<std::string>();
          if (vg.caption.empty()) vg.caption = "(no instruction)";
          item.grasps.push_back(std::move(vg));
        }
        content.items.push_back(std::move(item));
      }
    } catch (const json::exception& e) {
      return Error{file.string() + ": unexpected content (" + e.what() + ")"};
    }
  }
  if (content.items.empty())
    return Error{dir +
                 ": the report keeps no grasps to show (made before eval kept them; run "
                 "dexvlg eval again into a new folder)"};
  (void)hand;
  return content;
}

}  // namespace

Expected<ViewContent> ReadViewContent(const std::string& path, const HandModel& hand,
                                      const ViewOptions& options) {
  if (Status s = options.Validate(); !s) return s.error();
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(fs::path(path) / "report.json", ec) ||
        fs::is_directory(fs::path(path) / "objects", ec))
      return FromReport(path, hand, options);
    if (fs::is_directory(fs::path(path) / kShardDir, ec) ||
        fs::exists(fs::path(path) / "index.json", ec))
      return FromDataset(path, hand, options);
    return Error{path + ": neither a dataset (no shards/) nor an eval report (no report.json)"};
  }
  if (!fs::exists(path, ec)) return Error{path + ": no such file or folder"};
  if (auto file = H5Reader::Open(path); file && file->Attribute("/", "format") == kShardFormat) {
    ViewContent content;
    content.title = fs::path(path).stem().string();
    if (Status s = AddShard(path, hand, options, content); !s) return s.error();
    return content;
  }
  return FromGraspFile(path, hand, options);
}

Expected<std::string> ViewerPage(const HandModel& hand, const ViewContent& content,
                                 const ViewOptions& options) {
  if (Status s = options.Validate(); !s) return s.error();
  if (content.items.empty()) return Error{"view: nothing to show (no items)"};
  auto imports = ImportMap(options.three_dir.empty() ? ThreeDir() : options.three_dir);
  if (!imports) return imports.error();
  json objects = json::array();
  for (const LabeledMesh& object : content.objects) objects.push_back(ObjectJson(object));
  json items = json::array();
  for (const ViewItem& item : content.items) {
    if (item.object >= static_cast<int>(content.objects.size()))
      return Error{"view: item \"" + item.title + "\" names a missing object"};
    json pose = json::array();
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) pose.push_back(item.R(a, b));
      pose.push_back(item.t[a]);
    }
    for (double x : {0.0, 0.0, 0.0, 1.0}) pose.push_back(x);
    json grasps = json::array();
    for (const ViewGrasp& g : item.grasps) {
      auto frames = GraspFrames(hand, g, options.steps);
      if (!frames) return frames.error();
      grasps.push_back(
          {{"caption", g.caption}, {"result", g.result}, {"held", g.held}, {"frames", *frames}});
    }
    json j = {{"title", item.title},
              {"object", item.object},
              {"object_pose", pose},
              {"table", item.table},
              {"grasps", grasps}};
    if (!item.points.empty()) {
      j["points"] = Base64(item.points);
      if (item.colors.size() == item.points.size()) j["colors"] = Base64(item.colors);
    }
    items.push_back(std::move(j));
  }
  const json data = {
      {"title", content.title}, {"hand", HandJson(hand)},          {"objects", objects},
      {"items", items},         {"frames", 2 * options.steps + 1}, {"grasp_frame", options.steps}};
  std::string text = data.dump(-1, ' ', false, json::error_handler_t::replace);
  // inside <script>: "</" would end the element
  for (size_t at = text.find("</"); at != std::string::npos; at = text.find("</", at + 3))
    text.replace(at, 2, "<\\/");
  std::string page(embedded_view::EmbeddedFile("viewer.html"));
  const std::string map_mark = "<!--DEXVLG_IMPORTMAP-->", data_mark = "/*DEXVLG_DATA*/";
  const size_t m = page.find(map_mark);
  if (m == std::string::npos) return Error{"view: the built-in page has no import-map mark"};
  page.replace(m, map_mark.size(), *imports);
  const size_t d = page.find(data_mark);
  if (d == std::string::npos) return Error{"view: the built-in page has no data mark"};
  page.replace(d, data_mark.size(), text);
  return page;
}

}  // namespace dexvlg
