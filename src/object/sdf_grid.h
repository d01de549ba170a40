// A dense signed-distance grid with trilinear interpolation: the optimiser's fast object field.
#pragma once

#include <vector>

#include "object/mesh_sdf.h"

namespace dexvlg {

/// Signed distance sampled on a regular grid from an exact MeshSdf, interpolated trilinearly.
/// The value and its gradient are exact for the interpolant (piecewise trilinear), so finite
/// differences agree with the gradient away from cell faces. Outside the grid box the distance
/// of the nearest box point plus the distance to it is returned.
class SdfGrid {
 public:
  SdfGrid() = default;
  /// Samples `sdf` with `spacing` (m) over the mesh bounds grown by `padding` (m); TBB-parallel.
  SdfGrid(const MeshSdf& sdf, double spacing, double padding);
  /// The distance to a piece of the surface (e.g. one part's faces, an open mesh) with the sign
  /// of the closed `sdf`: negative inside the object, zero only on `piece`. Same grid as above.
  SdfGrid(const MeshSdf& sdf, const MeshSdf& piece, double spacing, double padding);

  /// An approximate signed distance from an oriented point cloud (one camera's view of an
  /// object, normals outward): to the nearest point p with normal n, the distance |x - p| with
  /// the sign of n.(x - p), and within `flat` of p the plane distance n.(x - p), so the surface
  /// runs between the points. Spans the points' bounds grown by `padding`; TBB-parallel.
  static SdfGrid FromOrientedPoints(const std::vector<Vec3>& points,
                                    const std::vector<Vec3>& normals, double spacing,
                                    double padding, double flat);

  /// Signed distance (m, negative inside) at p; `grad` (may be null) receives its gradient.
  double Distance(const Vec3& p, Vec3* grad) const;
  double spacing() const { return h_; }
  const Vec3& origin() const { return origin_; }
  int nodes() const { return n_[0] * n_[1] * n_[2]; }

 private:
  Vec3 origin_ = Vec3::Zero();
  double h_ = 1;
  int n_[3] = {0, 0, 0};
  std::vector<float> value_;
};

}  // namespace dexvlg
