#include "object/object_source.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include "object/mesh_io.h"
#include "object/mjcf_object.h"
#include "object/procedural.h"

namespace dexvlg {

namespace fs = std::filesystem;
bool IsMeshFileName(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".obj" || ext == ".stl" || ext == ".ply" || ext == ".glb" || ext == ".gltf";
}

std::string ObjectFolderMesh(const std::string& folder) {
  const fs::path dir(folder);
  std::error_code ec;
  if (fs::exists(dir / "part_labels.json", ec)) return dir.string();  // a part-labelled folder
  if (fs::exists(dir / "textured.obj", ec)) return (dir / "textured.obj").string();
  // an MJCF description (BiGym) places and colours its mesh: it wins over the bare mesh files
  std::vector<std::string> meshes;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && IsMjcfObjectFile(e.path().string()))
      meshes.push_back(e.path().string());
  }
  if (!meshes.empty()) {
    std::sort(meshes.begin(), meshes.end());
    return meshes.front();
  }
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && IsMeshFileName(e.path().string()))
      meshes.push_back(e.path().string());
  }
  if (meshes.empty()) {
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (!e.is_directory() || e.path().filename() == "collision") continue;
      for (const auto& f : fs::directory_iterator(e.path(), ec)) {
        const std::string name = f.path().filename().string();
        if (f.is_regular_file() && IsMeshFileName(f.path().string()) &&
            name.find("collision") == std::string::npos) {
          meshes.push_back(f.path().string());
        }
      }
    }
  }
  std::sort(meshes.begin(), meshes.end());
  return meshes.empty() ? "" : meshes.front();
}

namespace {

/// The source as found (an object folder already resolved to its mesh file or labelled
/// folder), a mesh file scaled by `file_scale` as it is read (so that a file in millimetres
/// passes the mesh's size check).
Expected<LabeledMesh> LoadObjectUnscaled(const std::string& source, double file_scale) {
  std::error_code ec;
  const fs::path path(source);
  if (fs::is_directory(path, ec)) return LoadLabeledMesh(source);
  if (fs::is_regular_file(path, ec) && IsMjcfObjectFile(source)) {
    return LoadMjcfObject(source, file_scale);
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
  // an object folder stands for its mesh file (named as that file is) or is part-labelled
  const std::string resolved = fs::is_directory(source, ec) ? ObjectFolderMesh(source) : source;
  if (resolved.empty()) {
    return Error{source + ": a folder with no part_labels.json, object.json or mesh file in it"};
  }
  // a mesh file is scaled as it is read
  const bool file = fs::is_regular_file(fs::path(resolved), ec);
  auto object = LoadObjectUnscaled(resolved, file ? scale.scale : 1.0);
  if (!object) return object;
  ObjectScale rest = scale;
  if (file) rest.scale = 1.0;  // applied while reading
  ApplyScale(rest, &object->mesh);
  return object;
}

}  // namespace dexvlg
