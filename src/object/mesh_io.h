// Reading and writing meshes (assimp: OBJ, STL, PLY, GLB/GLTF, ...).
#pragma once

#include <string>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Options for LoadMesh.
struct MeshLoadOptions {
  double scale = 1.0;  ///< multiplies every coordinate (e.g. 0.001 for files in millimetres)
};

/// Reads a mesh file with assimp: all meshes of the scene merged, node transforms applied,
/// polygons triangulated, vertex colours and texture coordinates kept, the diffuse texture path
/// resolved next to the file. The result is validated (ValidateMesh); errors name the file.
Expected<TriMesh> LoadMesh(const std::string& path, const MeshLoadOptions& options = {});

/// Writes a Wavefront OBJ (vertex colours as the common "v x y z r g b" extension).
Status SaveObj(const TriMesh& mesh, const std::string& path);

/// Reads per-face labels in the ../shared/assets/objects_parts layout: a folder with
/// part_labels.json ("labels": {"0": "head", ...}, "merged_mesh", "face_labels") or the three
/// files given directly. Checks one label per face and every label named.
Expected<LabeledMesh> LoadLabeledMesh(const std::string& folder);

}  // namespace dexvlg
