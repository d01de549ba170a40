#include <cmath>
#include <cstdlib>
#include <sstream>

#include "dataset/store.h"
#include "h5/h5.h"

namespace dexvlg {
namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

std::string Shape(const std::vector<uint64_t>& dims) {
  std::string out = "(";
  for (size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + ")";
}

/// Reads dataset `name` as T, checking its shape is `dims` (0 in `dims`: any extent there).
template <typename T, typename Read>
Expected<std::vector<T>> Checked(const H5Reader& r, const std::string& name,
                                 const std::vector<uint64_t>& dims, Read read) {
  const std::vector<uint64_t> have = r.Dims(name);
  bool ok = have.size() == dims.size();
  for (size_t i = 0; ok && i < dims.size(); ++i) ok = dims[i] == 0 || have[i] == dims[i];
  if (!r.Has(name)) return Error{r.path() + ": dataset " + name + " is missing"};
  if (!ok) {
    return Error{r.path() + ": dataset " + name + " has shape " + Shape(have) + ", expected " +
                 Shape(dims) + " (0: any)"};
  }
  return read(name);
}

Expected<std::vector<double>> Doubles(const H5Reader& r, const std::string& name,
                                      const std::vector<uint64_t>& dims) {
  auto v = Checked<double>(r, name, dims, [&](const std::string& n) { return r.Doubles(n); });
  if (!v) return v;
  for (double x : *v) {
    if (!std::isfinite(x))
      return Error{r.path() + ": dataset " + name + " holds " + std::to_string(x)};
  }
  return v;
}

Expected<std::vector<int>> Ints(const H5Reader& r, const std::string& name,
                                const std::vector<uint64_t>& dims, int lo, int hi) {
  auto v = Checked<int>(r, name, dims, [&](const std::string& n) { return r.Ints(n); });
  if (!v) return v;
  for (int x : *v) {
    if (x < lo || x > hi) {
      return Error{r.path() + ": dataset " + name + " holds " + std::to_string(x) + ", outside " +
                   std::to_string(lo) + ".." + std::to_string(hi)};
    }
  }
  return v;
}

long long Count(const H5Reader& r, const char* name) {
  return std::atoll(r.Attribute("/", name).c_str());
}

}  // namespace

Expected<ShardReader> ShardReader::Open(const std::string& path) {
  auto opened = H5Reader::Open(path);
  if (!opened) return opened.error();
  ShardReader s;
  s.path_ = path;
  const H5Reader& r = *opened;
  if (r.Attribute("/", "format") != kShardFormat) {
    return Error{path + ": not a dexvlg dataset shard (its format attribute is \"" +
                 r.Attribute("/", "format") + "\")"};
  }
  if (r.Attribute("/", "version") != std::to_string(kShardVersion)) {
    return Error{path + ": shard version " + r.Attribute("/", "version") + ", this dexvlg reads " +
                 std::to_string(kShardVersion)};
  }
  ShardInfo& i = s.info_;
  i.object = r.Attribute("/", "object");
  i.object_source = r.Attribute("/", "object_source");
  i.hand = r.Attribute("/", "hand");
  i.generate_params = r.Attribute("/", "generate_params");
  i.joint_names = Split(r.Attribute("/", "joint_names"));
  if (i.joint_names.empty()) return Error{path + ": the joint_names attribute is empty"};
  auto parts = r.Strings("/object/part_names");
  if (!parts) return parts.error();
  if (parts->empty()) return Error{path + ": /object/part_names is empty"};
  i.part_names = *parts;
  i.grasp_count = Count(r, "grasp_count");
  i.success_count = Count(r, "success_count");
  i.scene_count = Count(r, "scene_count");
  s.scenes_ = r.Members("/scenes");
  if (static_cast<long long>(s.scenes_.size()) != i.scene_count) {
    return Error{path + ": the scene_count attribute says " + std::to_string(i.scene_count) +
                 ", /scenes holds " + std::to_string(s.scenes_.size())};
  }
  s.in_ = std::make_shared<const H5Reader>(std::move(*opened));
  return s;
}

Expected<LabeledMesh> ShardReader::Object() const {
  const H5Reader& r = *in_;
  auto vertices = Doubles(r, "/object/vertices", {0, 3});
  if (!vertices) return vertices.error();
  const int nv = static_cast<int>(vertices->size() / 3);
  if (nv < 3) return Error{path_ + ": /object/vertices holds fewer than 3 vertices"};
  auto faces = Ints(r, "/object/faces", {0, 3}, 0, nv - 1);
  if (!faces) return faces.error();
  const uint64_t nf = faces->size() / 3;
  if (nf == 0) return Error{path_ + ": /object/faces is empty"};
  auto labels =
      Ints(r, "/object/face_labels", {nf}, 0, static_cast<int>(info_.part_names.size()) - 1);
  if (!labels) return labels.error();
  LabeledMesh m;
  m.name = info_.object;
  for (int v = 0; v < nv; ++v) {
    m.mesh.vertices.emplace_back((*vertices)[3 * v], (*vertices)[3 * v + 1],
                                 (*vertices)[3 * v + 2]);
  }
  for (uint64_t f = 0; f < nf; ++f) {
    m.mesh.faces.push_back({(*faces)[3 * f], (*faces)[3 * f + 1], (*faces)[3 * f + 2]});
  }
  m.face_labels = *labels;
  m.part_names = info_.part_names;
  return m;
}

Expected<ShardGrasps> ShardReader::Grasps() const {
  const H5Reader& r = *in_;
  ShardGrasps g;
  g.pose_size = 7 + static_cast<int>(info_.joint_names.size());
  const uint64_t ps = g.pose_size;
  const std::vector<uint64_t> dims = r.Dims("/grasps/grasp");
  if (dims.size() != 2) return Error{path_ + ": dataset /grasps/grasp is missing or not 2-d"};
  const uint64_t n = dims[0];
  if (static_cast<long long>(n) != info_.grasp_count) {
    return Error{path_ + ": the grasp_count attribute says " + std::to_string(info_.grasp_count) +
                 ", /grasps/grasp holds " + std::to_string(n)};
  }
  for (auto [name, out] :
       {std::pair{"/grasps/pregrasp", &g.pregrasp}, std::pair{"/grasps/grasp", &g.grasp},
        std::pair{"/grasps/squeeze", &g.squeeze}}) {
    auto v = Doubles(r, name, {n, ps});
    if (!v) return v.error();
    for (uint64_t i = 0; i < n; ++i) {
      const double* q = &(*v)[i * ps + 3];
      const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
      if (std::abs(norm - 1) > 1e-3) {
        return Error{path_ + ": " + name + " row " + std::to_string(i) +
                     " has a quaternion of norm " + std::to_string(norm)};
      }
    }
    *out = std::move(*v);
  }
  const int parts = static_cast<int>(info_.part_names.size());
  const int scenes = std::max(1, num_scenes());
  struct IntSet {
    const char* name;
    std::vector<int>* out;
    std::vector<uint64_t> dims;
    int lo, hi;
  };
  for (const IntSet& set : {IntSet{"/grasps/part", &g.part, {n}, 0, parts - 1},
                            IntSet{"/grasps/mode", &g.mode, {n}, 0, 1},
                            IntSet{"/grasps/scene", &g.scene, {n}, 0, scenes - 1},
                            IntSet{"/grasps/success", &g.success, {n}, 0, 1},
                            IntSet{"/grasps/held", &g.held, {n, 6}, -1, 1}}) {
    auto v = Ints(r, set.name, set.dims, set.lo, set.hi);
    if (!v) return v.error();
    *set.out = std::move(*v);
  }
  long long successful = 0;
  for (int s : g.success) successful += s;
  if (successful != info_.success_count) {
    return Error{path_ + ": the success_count attribute says " +
                 std::to_string(info_.success_count) + ", /grasps/success holds " +
                 std::to_string(successful)};
  }
  auto pen = Doubles(r, "/grasps/penetration", {n});
  if (!pen) return pen.error();
  g.penetration = std::move(*pen);
  for (auto [name, out] :
       {std::pair{"/grasps/reason", &g.reason}, std::pair{"/grasps/caption", &g.caption}}) {
    auto v = Checked<std::string>(r, name, {n}, [&](const std::string& s) { return r.Strings(s); });
    if (!v) return v.error();
    *out = std::move(*v);
  }
  return g;
}

Expected<Scene> ShardReader::SceneAt(int k) const {
  DEXVLG_DEMAND(k >= 0 && k < num_scenes(),
                "scene: expected 0.." << num_scenes() - 1 << ", got " << k);
  const H5Reader& r = *in_;
  const std::string group = "/scenes/" + scenes_[k];
  Scene scene;
  auto pose = Doubles(r, group + "/object_pose", {4, 4});
  if (!pose) return pose.error();
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) scene.placement.R(a, b) = (*pose)[4 * a + b];
    scene.placement.t[a] = (*pose)[4 * a + 3];
  }
  if (!(scene.placement.R.transpose() * scene.placement.R).isIdentity(1e-4)) {
    return Error{path_ + ": " + group + "/object_pose is not a rigid transform"};
  }
  const std::vector<uint64_t> dims = r.Dims(group + "/points");
  if (dims.size() != 3 || dims[2] != 3) {
    return Error{path_ + ": dataset " + group + "/points has shape " + Shape(dims) +
                 ", expected (views, points, 3)"};
  }
  const uint64_t views = dims[0], points = dims[1];
  auto intrinsics = Doubles(r, group + "/intrinsics", {views, 4});
  if (!intrinsics) return intrinsics.error();
  auto extrinsics = Doubles(r, group + "/extrinsics", {views, 4, 4});
  if (!extrinsics) return extrinsics.error();
  auto xyz = Checked<float>(r, group + "/points", {views, points, 3},
                            [&](const std::string& s) { return r.Floats(s); });
  if (!xyz) return xyz.error();
  for (float x : *xyz) {
    if (!std::isfinite(x))
      return Error{path_ + ": dataset " + group + "/points holds " + std::to_string(x)};
  }
  auto rgb = Checked<uint8_t>(r, group + "/colors", {views, points, 3},
                              [&](const std::string& s) { return r.Bytes(s); });
  if (!rgb) return rgb.error();
  auto labels = Ints(r, group + "/labels", {views, points}, -1,
                     static_cast<int>(info_.part_names.size()) - 1);
  if (!labels) return labels.error();
  const int width = std::atoi(r.Attribute(group, "image_width").c_str());
  const int height = std::atoi(r.Attribute(group, "image_height").c_str());
  for (uint64_t v = 0; v < views; ++v) {
    SceneView view;
    view.camera.width = width;
    view.camera.height = height;
    const double* in = &(*intrinsics)[4 * v];
    view.fx = in[0];
    view.fy = in[1];
    view.cx = in[2];
    view.cy = in[3];
    const double* ex = &(*extrinsics)[16 * v];
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) view.R_wc(a, b) = ex[4 * a + b];
      view.t_wc[a] = ex[4 * a + 3];
    }
    const size_t n = points;
    view.points.assign(xyz->begin() + v * n * 3, xyz->begin() + (v + 1) * n * 3);
    view.colors.assign(rgb->begin() + v * n * 3, rgb->begin() + (v + 1) * n * 3);
    view.labels.assign(labels->begin() + v * n, labels->begin() + (v + 1) * n);
    scene.views.push_back(std::move(view));
  }
  return scene;
}

Expected<std::vector<int>> ShardReader::SceneGrasps(int k) const {
  DEXVLG_DEMAND(k >= 0 && k < num_scenes(),
                "scene: expected 0.." << num_scenes() - 1 << ", got " << k);
  const H5Reader& r = *in_;
  const std::string group = "/scenes/" + scenes_[k];
  const int n = static_cast<int>(info_.grasp_count);
  auto index = Ints(r, group + "/grasp_index", {0}, 0, std::max(0, n - 1));
  if (!index) return index.error();
  if (!index->empty()) {
    auto success = r.Ints("/grasps/success");
    auto made_for = r.Ints("/grasps/scene");
    if (!success) return success.error();
    if (!made_for) return made_for.error();
    for (int i : *index) {
      if (i >= static_cast<int>(success->size()) || (*success)[i] != 1) {
        return Error{path_ + ": " + group + "/grasp_index lists grasp " + std::to_string(i) +
                     ", which is not a successful grasp"};
      }
      if (i >= static_cast<int>(made_for->size()) || (*made_for)[i] != k) {
        return Error{path_ + ": " + group + "/grasp_index lists grasp " + std::to_string(i) +
                     ", which was made for another scene"};
      }
    }
  }
  const uint64_t ps = 7 + info_.joint_names.size();
  for (const char* rows : {"/pregrasp", "/grasp", "/squeeze"}) {
    auto v = Doubles(r, group + rows, {index->size(), ps});
    if (!v) return v.error();
  }
  return index;
}

}  // namespace dexvlg
