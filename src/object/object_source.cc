#include "object/object_source.h"

#include <filesystem>

#include "object/mesh_io.h"
#include "object/procedural.h"

namespace dexvlg {

namespace fs = std::filesystem;

Expected<LabeledMesh> LoadObject(const std::string& source) {
  std::error_code ec;
  const fs::path path(source);
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "part_labels.json", ec)) return LoadLabeledMesh(source);
    return Error{source + ": a folder without part_labels.json; give a mesh file instead"};
  }
  if (fs::is_regular_file(path, ec)) {
    auto mesh = LoadMesh(source);
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

}  // namespace dexvlg
