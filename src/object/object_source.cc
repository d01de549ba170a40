#include "object/object_source.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "object/mesh_io.h"
#include "object/procedural.h"

namespace dexvlg {

namespace fs = std::filesystem;
namespace {

/// The source as found, a mesh file scaled by `file_scale` as it is read (so that a file in
/// millimetres passes the mesh's size check).
Expected<LabeledMesh> LoadObjectUnscaled(const std::string& source, double file_scale) {
  std::error_code ec;
  const fs::path path(source);
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "part_labels.json", ec)) return LoadLabeledMesh(source);
    return Error{source + ": a folder without part_labels.json; give a mesh file instead"};
  }
  if (fs::is_regular_file(path, ec)) {
    MeshLoadOptions options;
    options.scale = file_scale;
    auto mesh = LoadMesh(source, options);
    if (!mesh) return mesh.error();
    LabeledMesh out;
    const std::string stem = path.stem().string();
    const bool generic =
        stem == "textured" || stem == "model" || stem == "mesh" || stem == "merged";
    out.name = generic && path.has_parent_path() ? path.parent_path().filename().string() : stem;
    out.mesh = std::move(mesh.value());
    out.face_labels.assign(out.mesh.faces.size(), 0);
    out.part_names = {"body"};
    return out;
  }
  if (source.find('/') != std::string::npos || source.find('.') != std::string::npos) {
    if (source.find(':') == std::string::npos) return Error{source + ": no such file or folder"};
  }
  return MakeProcedural(source);
}

}  // namespace

Status ObjectScale::Validate() const {
  if (!(scale > 0) || !std::isfinite(scale)) {
    return Error{"--scale " + std::to_string(scale) + ": expected a positive number"};
  }
  if (!(min_size >= 0) || !(max_size >= 0) || !std::isfinite(max_size) ||
      (max_size > 0 && min_size > max_size)) {
    return Error{"--size " + std::to_string(min_size) + ":" + std::to_string(max_size) +
                 ": expected MIN:MAX metres with 0 <= MIN <= MAX"};
  }
  return Status::Ok();
}

void ApplyScale(const ObjectScale& scale, TriMesh* mesh) {
  if (scale.scale != 1.0) {
    for (Vec3& v : mesh->vertices) v *= scale.scale;
  }
  if (scale.max_size > 0 && !mesh->vertices.empty()) {
    Vec3 lo, hi;
    mesh->Bounds(&lo, &hi);
    const double diagonal = (hi - lo).norm();
    const double want = std::clamp(diagonal, scale.min_size, scale.max_size);
    if (diagonal > 0 && want != diagonal) {
      for (Vec3& v : mesh->vertices) v *= want / diagonal;
    }
  }
}

Expected<LabeledMesh> LoadObject(const std::string& source, const ObjectScale& scale) {
  if (Status s = scale.Validate(); !s) return Error{source + ": " + s.error().message};
  std::error_code ec;
  const bool file = fs::is_regular_file(fs::path(source), ec);
  auto object = LoadObjectUnscaled(source, file ? scale.scale : 1.0);
  if (!object) return object;
  ObjectScale rest = scale;
  if (file) rest.scale = 1.0;  // applied while reading
  ApplyScale(rest, &object->mesh);
  return object;
}

}  // namespace dexvlg
