// Objects described by an MJCF file (BiGym ships its objects so: a mesh, the geom transform that
// turns it z-up, a textured material).
#pragma once

#include <string>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Whether `path` is an MJCF file (.xml whose root element is <mujoco>).
bool IsMjcfObjectFile(const std::string& path);

/// Reads the object of an MJCF file as MuJoCo compiles it: its visual mesh geoms (mesh geoms
/// that collide with nothing; every mesh geom when none is visual), placed by their bodies and
/// geoms in the world frame, merged into one mesh, coordinates times `scale`. A material's 2-D
/// texture becomes per-vertex colours sampled at the mesh's texture coordinates (MuJoCo keeps
/// the decoded pixels, not the file). One part, "body", named after the file. Errors name the
/// file: not MJCF, no mesh geom, a MuJoCo failure.
Expected<LabeledMesh> LoadMjcfObject(const std::string& path, double scale = 1.0);

}  // namespace dexvlg
