#include "parts/prepare.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"
#include "object/convex.h"
#include "object/mesh_io.h"
#include "object/object_source.h"
#include "object/repair.h"
#include "parts/parts.h"

namespace dexvlg {

namespace fs = std::filesystem;

namespace {

/// Segments `source` (one unlabelled surface) and gives `closed` (its repair) the parts: the
/// segmentation runs on a uniform repair, as adaptive simplification bevels the steps it looks
/// for, and its labels are transferred.
Status SegmentOnto(const TriMesh& source, RepairOptions repair, LabeledMesh* closed) {
  repair.adaptivity = 0;
  auto uniform = RepairWatertight(source, repair);
  if (!uniform) return uniform.error();
  auto segmented = SegmentParts(uniform.value(), closed->name);
  if (!segmented) return segmented.error();
  closed->part_names = segmented->part_names;
  closed->face_labels = TransferLabels(segmented.value(), closed->mesh);
  return {};
}

}  // namespace
using json = nlohmann::json;

Expected<PreparedObject> PrepareObject(const LabeledMesh& object, const std::string& source,
                                       const PrepareOptions& options) {
  if (options.max_diagonal > 0 &&
      !(options.min_diagonal > 0 && options.min_diagonal <= options.max_diagonal)) {
    return Error{source + ": size range must satisfy 0 < min <= max"};
  }
  if (options.samples < 1 || options.samples > 1'000'000)
    return Error{source + ": samples must be in [1, 1e6]"};
  PreparedObject out;
  out.name = object.name;
  out.source = source;
  Vec3 lo, hi;
  object.mesh.Bounds(&lo, &hi);
  const double diagonal = (hi - lo).norm();
  if (options.max_diagonal > 0) {
    if (diagonal < options.min_diagonal) out.scale = options.min_diagonal / diagonal;
    if (diagonal > options.max_diagonal) out.scale = options.max_diagonal / diagonal;
  }
  LabeledMesh scaled = object;
  for (Vec3& v : scaled.mesh.vertices) v *= out.scale;
  out.visual = scaled.mesh;
  RepairOptions repair;
  repair.resolution = options.resolution;
  repair.adaptivity = options.adaptivity;
  auto watertight = RepairWatertight(scaled.mesh, repair);
  if (!watertight) return Error{source + ": " + watertight.error().message};
  out.watertight.name = object.name;
  out.watertight.part_names = object.part_names;
  out.watertight.mesh = std::move(watertight.value());
  if (options.segment != "auto" && options.segment != "on" && options.segment != "off") {
    return Error{source + ": segment must be auto, on or off, got \"" + options.segment + "\""};
  }
  if (options.segment == "off" || (options.segment == "auto" && object.part_names.size() > 1)) {
    out.watertight.face_labels = TransferLabels(scaled, out.watertight.mesh);
  } else if (Status s = SegmentOnto(scaled.mesh, repair, &out.watertight); !s) {
    return Error{source + ": " + s.error().message};
  }
  if (!options.name.empty()) out.name = out.watertight.name = options.name;
  if (!options.part_names.empty()) {
    if (options.part_names.size() != out.watertight.part_names.size()) {
      return Error{source + ": " + std::to_string(options.part_names.size()) +
                   " part names given for " + std::to_string(out.watertight.part_names.size()) +
                   " parts"};
    }
    out.watertight.part_names = options.part_names;
  }
  // collision pieces: the source's own (e.g. collision/*.stl beside a YCB mesh), else HACD
  std::error_code ec;
  if (fs::is_regular_file(source, ec)) {
    auto own = OwnPieces(source);
    if (!own) return own.error();
    out.pieces = std::move(own.value());
    for (TriMesh& piece : out.pieces) {
      for (Vec3& v : piece.vertices) v *= out.scale;
    }
    out.pieces_source = "own";
  }
  if (out.pieces.empty()) {
    ConvexOptions convex;
    convex.max_pieces = options.max_pieces;
    auto pieces = ConvexPieces(out.watertight.mesh, convex);
    if (!pieces) return Error{source + ": " + pieces.error().message};
    out.pieces = std::move(pieces.value());
    out.pieces_source = "hacd";
  }
  const SurfaceSamples dense =
      SampleSurface(out.watertight.mesh, 8 * options.samples, options.seed);
  out.samples = FarthestPointSubset(dense, options.samples);
  for (int f : out.samples.faces) out.sample_labels.push_back(out.watertight.face_labels[f]);
  return out;
}

namespace {

json BoxJson(const OrientedBox& b) {
  const Mat3& a = b.axes;
  return {{"centre", {b.centre.x(), b.centre.y(), b.centre.z()}},
          {"axes",
           {{a(0, 0), a(1, 0), a(2, 0)}, {a(0, 1), a(1, 1), a(2, 1)}, {a(0, 2), a(1, 2), a(2, 2)}}},
          {"half_extents", {b.half_extents.x(), b.half_extents.y(), b.half_extents.z()}}};
}

}  // namespace

std::vector<int> TransferLabels(const LabeledMesh& source, const TriMesh& target) {
  const MeshSdf sdf(source.mesh);
  std::vector<int> labels;
  labels.reserve(target.faces.size());
  for (int f = 0; f < target.num_faces(); ++f) {
    labels.push_back(source.face_labels[sdf.Query(target.FaceCentroid(f)).face]);
  }
  return labels;
}

namespace {
json PartsJson(const std::vector<PartInfo>& parts) {
  json out = json::array();
  for (const PartInfo& p : parts) {
    out.push_back({{"name", p.name},
                   {"label", p.label},
                   {"category", CategoryName(p.category)},
                   {"faces", p.num_faces},
                   {"area", p.area},
                   {"box", BoxJson(p.box)}});
  }
  return out;
}
}  // namespace

std::string PartsJsonText(const std::vector<PartInfo>& parts) { return PartsJson(parts).dump(); }

Status WritePrepared(const PreparedObject& object, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{dir + ": cannot create the folder: " + ec.message()};
  const fs::path root(dir);
  if (Status s = SaveObj(object.visual, (root / "visual.obj").string()); !s) return s;
  if (Status s = SaveObj(object.watertight.mesh, (root / "watertight.obj").string()); !s) return s;
  std::ostringstream labels;
  for (int l : object.watertight.face_labels) labels << l << "\n";
  if (Status s = WriteTextAtomically((root / "watertight_labels.txt").string(), labels.str()); !s)
    return s;
  std::ostringstream ply;
  ply << "ply\nformat ascii 1.0\ncomment dexvlg surface samples\nelement vertex "
      << object.samples.points.size()
      << "\nproperty float x\nproperty float y\nproperty float z\nproperty float nx\nproperty "
         "float ny\n"
         "property float nz\nproperty int label\nend_header\n";
  for (size_t i = 0; i < object.samples.points.size(); ++i) {
    const Vec3 &p = object.samples.points[i], &n = object.samples.normals[i];
    ply << p.x() << " " << p.y() << " " << p.z() << " " << n.x() << " " << n.y() << " " << n.z()
        << " " << object.sample_labels[i] << "\n";
  }
  if (Status s = WriteTextAtomically((root / "samples.ply").string(), ply.str()); !s) return s;
  fs::create_directories(root / "collision", ec);
  json pieces = json::array();
  for (size_t i = 0; i < object.pieces.size(); ++i) {
    char name[64];
    std::snprintf(name, sizeof(name), "collision/piece_%02zu.obj", i);
    if (Status s = SaveObj(object.pieces[i], (root / name).string()); !s) return s;
    pieces.push_back(name);
  }
  Vec3 lo, hi;
  object.watertight.mesh.Bounds(&lo, &hi);
  const EdgeReport edges = Edges(object.watertight.mesh);
  json j;
  j["format"] = kObjectFormat;
  j["version"] = kObjectVersion;
  j["name"] = object.name;
  j["source"] = object.source;
  j["scale"] = object.scale;
  j["bounds"] = {{lo.x(), lo.y(), lo.z()}, {hi.x(), hi.y(), hi.z()}};
  j["watertight"] = {{"faces", object.watertight.mesh.num_faces()},
                     {"boundary_edges", edges.boundary_edges},
                     {"non_manifold_edges", edges.non_manifold_edges}};
  j["parts"] = PartsJson(AnalyseParts(object.watertight));
  j["part_names"] = object.watertight.part_names;
  j["collision"] = {{"source", object.pieces_source}, {"pieces", pieces}};
  j["files"] = {{"visual", "visual.obj"},
                {"watertight", "watertight.obj"},
                {"labels", "watertight_labels.txt"},
                {"samples", "samples.ply"}};
  // object.json last: its presence marks a complete folder
  return WriteTextAtomically((root / "object.json").string(), j.dump(2) + "\n");
}

namespace {

/// object.json and the labelled watertight surface.
Expected<LabeledMesh> ReadWatertight(const std::string& dir, json* meta) {
  const fs::path root(dir);
  const std::string meta_path = (root / "object.json").string();
  std::ifstream in(meta_path);
  if (!in) return Error{meta_path + ": cannot open (not a prepared object folder)"};
  std::stringstream buffer;
  buffer << in.rdbuf();
  const json j = json::parse(buffer.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{meta_path + ": not valid JSON"};
  if (!j.contains("format") || j["format"] != kObjectFormat)
    return Error{meta_path + ": not a dexvlg object"};
  if (!j.contains("version") || !j["version"].is_number_integer() ||
      j["version"].get<int>() != kObjectVersion) {
    return Error{meta_path + ": unsupported object version (this dexvlg reads version " +
                 std::to_string(kObjectVersion) + ")"};
  }
  if (!j.contains("part_names") || !j["part_names"].is_array())
    return Error{meta_path + ": missing part_names"};
  *meta = j;
  LabeledMesh out;
  out.name = j.value("name", root.filename().string());
  for (const json& n : j["part_names"]) {
    if (!n.is_string()) return Error{meta_path + ": part_names must be strings"};
    out.part_names.push_back(n.get<std::string>());
  }
  auto mesh = LoadMesh((root / "watertight.obj").string());
  if (!mesh) return mesh.error();
  out.mesh = std::move(mesh.value());
  std::ifstream labels((root / "watertight_labels.txt").string());
  int label = 0;
  while (labels >> label) {
    if (label < 0 || label >= static_cast<int>(out.part_names.size())) {
      return Error{(root / "watertight_labels.txt").string() + ": label " + std::to_string(label) +
                   " out of range"};
    }
    out.face_labels.push_back(label);
  }
  if (static_cast<int>(out.face_labels.size()) != out.mesh.num_faces()) {
    return Error{(root / "watertight_labels.txt").string() + ": " +
                 std::to_string(out.face_labels.size()) + " labels for " +
                 std::to_string(out.mesh.num_faces()) + " faces"};
  }
  return out;
}

/// samples.ply as WritePrepared writes it: x y z nx ny nz label per line.
Status ReadSamples(const std::string& path, int parts, SurfaceSamples* samples,
                   std::vector<int>* labels) {
  std::ifstream in(path);
  if (!in) return Error{path + ": cannot open"};
  std::string line;
  long long count = -1;
  while (std::getline(in, line) && line != "end_header") {
    std::istringstream words(line);
    std::string a, b;
    words >> a >> b;
    if (a == "element" && b == "vertex") words >> count;
  }
  if (count < 0) return Error{path + ": no PLY vertex element"};
  for (long long i = 0; i < count; ++i) {
    Vec3 p, n;
    int label = 0;
    if (!(in >> p.x() >> p.y() >> p.z() >> n.x() >> n.y() >> n.z() >> label)) {
      return Error{path + ": sample " + std::to_string(i) + " of " + std::to_string(count) +
                   " is missing or not numbers"};
    }
    if (!p.allFinite() || !n.allFinite() || label < 0 || label >= parts) {
      return Error{path + ": sample " + std::to_string(i) + " is not finite or its label " +
                   std::to_string(label) + " is not a part"};
    }
    samples->points.push_back(p);
    samples->normals.push_back(n);
    samples->faces.push_back(-1);  // the file keeps no face index
    labels->push_back(label);
  }
  return Status::Ok();
}

}  // namespace

Expected<PreparedObject> ReadPrepared(const std::string& dir) {
  const fs::path root(dir);
  json meta;
  auto watertight = ReadWatertight(dir, &meta);
  if (!watertight) return watertight.error();
  PreparedObject out;
  out.watertight = std::move(*watertight);
  out.name = out.watertight.name;
  out.source = meta.value("source", std::string());
  out.scale =
      meta.contains("scale") && meta["scale"].is_number() ? meta["scale"].get<double>() : 1.0;
  auto visual = LoadMesh((root / "visual.obj").string());
  if (!visual) return visual.error();
  out.visual = std::move(*visual);
  if (Status s = ReadSamples((root / "samples.ply").string(),
                             static_cast<int>(out.watertight.part_names.size()), &out.samples,
                             &out.sample_labels);
      !s) {
    return s.error();
  }
  const std::string meta_path = (root / "object.json").string();
  if (!meta.contains("collision") || !meta["collision"].is_object() ||
      !meta["collision"].contains("pieces") || !meta["collision"]["pieces"].is_array()) {
    return Error{meta_path + ": no collision pieces listed"};
  }
  out.pieces_source = meta["collision"].value("source", std::string());
  for (const json& name : meta["collision"]["pieces"]) {
    if (!name.is_string()) return Error{meta_path + ": collision pieces must be file names"};
    const fs::path file = root / name.get<std::string>();
    if (file.lexically_normal().string().rfind(root.lexically_normal().string(), 0) != 0) {
      return Error{meta_path + ": collision piece " + name.get<std::string>() +
                   " lies outside the folder"};
    }
    auto piece = LoadMesh(file.string());
    if (!piece) return piece.error();
    out.pieces.push_back(std::move(*piece));
  }
  if (out.pieces.empty()) return Error{meta_path + ": no collision pieces listed"};
  return out;
}

Expected<LabeledMesh> LoadPrepared(const std::string& dir) {
  json meta;
  return ReadWatertight(dir, &meta);
}

Expected<LabeledMesh> LoadClosedObject(const std::string& source, const ObjectScale& scale) {
  auto object = LoadAnyObject(source, scale);
  if (!object) return object.error();
  std::error_code ec;
  if (fs::is_regular_file(fs::path(source) / "object.json", ec)) return object;
  auto closed = RepairWatertight(object->mesh);
  if (!closed) return Error{source + ": " + closed.error().message};
  LabeledMesh fused{object->name, std::move(closed.value()), {}, object->part_names};
  if (object->part_names.size() > 1) {
    fused.face_labels = TransferLabels(object.value(), fused.mesh);
  } else if (Status s = SegmentOnto(object->mesh, RepairOptions{}, &fused); !s) {
    return Error{source + ": " + s.error().message};
  }
  return fused;
}

Expected<LabeledMesh> LoadAnyObject(const std::string& source, const ObjectScale& scale) {
  std::error_code ec;
  if (fs::is_directory(source, ec) && fs::exists(fs::path(source) / "object.json", ec)) {
    if (Status s = scale.Validate(); !s) return Error{source + ": " + s.error().message};
    auto prepared = LoadPrepared(source);
    if (prepared) ApplyScale(scale, &prepared->mesh);
    return prepared;
  }
  return LoadObject(source, scale);
}

}  // namespace dexvlg
