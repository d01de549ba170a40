// Convex decomposition into collision pieces for simulation (HACD from Bullet's extras).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Options of ConvexPieces.
struct ConvexOptions {
  int max_pieces = 32;       ///< cap on the number of pieces (16 merged a hammer's handle and head)
  double concavity = 0.002;  ///< m: allowed concavity of a piece (HACD's criterion)
  int coarse_resolution = 48;  ///< the mesh is first remeshed this coarse (voxels per diagonal)
  int max_vertices = 64;       ///< per piece hull
};

/// Convex pieces (each a closed convex hull, outward) whose union approximates `mesh`. The mesh
/// is remeshed coarsely first so that HACD's graph stays small; pieces are hulls of HACD's
/// clusters of that coarse surface.
Expected<std::vector<TriMesh>> ConvexPieces(const TriMesh& mesh, const ConvexOptions& options = {});

/// Options of ShellPieces.
struct ShellOptions {
  double patch_size = 0.02;  ///< m, target patch diameter
  double thickness = 0.004;  ///< m, how far each patch reaches inside the surface
  int max_pieces = 160;
  int iterations = 6;  ///< k-means (Lloyd) iterations
};

/// Convex pieces that follow a closed surface closely: the faces are clustered into patches
/// (k-means on position and normal, so the two sides of a gap never share a patch) and each
/// piece is the point cloud of a patch's vertices plus the same vertices `thickness` inside;
/// its convex hull bulges out of the surface only by the sagitta of a patch over a concave
/// region (~1 mm for 2 cm patches on a 5 cm radius). Returned as vertex clouds (no faces): the
/// pieces are their hulls, as MuJoCo builds them.
std::vector<TriMesh> ShellPieces(const TriMesh& closed, const ShellOptions& options = {});

/// The pieces a source ships itself: collision/*.stl|obj next to the mesh file, when present.
Expected<std::vector<TriMesh>> OwnPieces(const std::string& mesh_path);

}  // namespace dexvlg
