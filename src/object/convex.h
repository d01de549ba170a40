// Convex decomposition into collision pieces for simulation (HACD from Bullet's extras).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Options of ConvexPieces.
struct ConvexOptions {
  int max_pieces = 16;         ///< cap on the number of pieces
  double concavity = 0.002;    ///< m: allowed concavity of a piece (HACD's criterion)
  int coarse_resolution = 48;  ///< the mesh is first remeshed this coarse (voxels per diagonal)
  int max_vertices = 64;       ///< per piece hull
};

/// Convex pieces (each a closed convex hull, outward) whose union approximates `mesh`. The mesh
/// is remeshed coarsely first so that HACD's graph stays small; pieces are hulls of HACD's
/// clusters of that coarse surface.
Expected<std::vector<TriMesh>> ConvexPieces(const TriMesh& mesh, const ConvexOptions& options = {});

/// The pieces a source ships itself: collision/*.stl|obj next to the mesh file, when present.
Expected<std::vector<TriMesh>> OwnPieces(const std::string& mesh_path);

}  // namespace dexvlg
