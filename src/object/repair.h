// Watertight repair by volumetric remeshing (OpenVDB), the role ManifoldPlus plays in the paper.
#pragma once

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Options of RepairWatertight.
struct RepairOptions {
  int resolution = 160;       ///< voxels along the bounding-box diagonal
  double adaptivity = 0.0;    ///< 0: uniform triangles; up to 1: fewer triangles on flat regions
  double close_radius = 1.5;  ///< voxels: holes narrower than about twice this close
};

/// Rebuilds `mesh` as a closed, manifold, outward-oriented surface: the outside is flood-filled
/// on a voxel grid around a thickened copy of the surface (holes narrower than about
/// 2 x close_radius voxels close), the outer surface is extracted, and its vertices are pulled
/// back onto the input. Detail below one voxel (diagonal / resolution) is lost; an object with a
/// large opening (a cup) stays open-shaped: it becomes a thin closed shell.
Expected<TriMesh> RepairWatertight(const TriMesh& mesh, const RepairOptions& options = {});

}  // namespace dexvlg
