// One entry point for "an object" on the command line.
#pragma once

#include <string>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Whether a path names a mesh file dexvlg reads (.obj, .stl, .ply, .glb, .gltf; any case).
bool IsMeshFileName(const std::string& path);

/// What an object folder stands for: itself when it is part-labelled (part_labels.json), else
/// its textured.obj, else its first mesh file (sorted by name), looking one level down too
/// (e.g. assets/) and skipping collision meshes; "" when there is none.
std::string ObjectFolderMesh(const std::string& dir);

/// How an object's coordinates are scaled on loading (`--scale`, `--size` on the CLI).
struct ObjectScale {
  double scale = 1.0;  ///< multiplies every coordinate (0.001 for a file in millimetres)
  double min_size = 0, max_size = 0;  ///< with max_size > 0, then: rescaled so that the
                                      ///< bounding-box diagonal lies in [min_size, max_size] m
  /// An error naming the bad value (scale not positive, sizes not 0 <= min <= max).
  Status Validate() const;
};

/// `mesh` scaled as `scale` says (coordinates multiplied, then the diagonal clamped into
/// [min_size, max_size] when max_size > 0).
void ApplyScale(const ObjectScale& scale, TriMesh* mesh);

/// Resolves an object source: a part-labelled folder (part_labels.json, the objects_parts
/// layout), another object folder (ObjectFolderMesh), a mesh file (one part named "body"; the
/// object is named after the file, or its folder for generic names like textured.obj), or a
/// procedural spec ("mug", "bottle:size=1.2"), scaled by `scale`.
Expected<LabeledMesh> LoadObject(const std::string& source, const ObjectScale& scale = {});

}  // namespace dexvlg
