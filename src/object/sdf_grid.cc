#include "object/sdf_grid.h"

#include "core/demand.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dexvlg {

SdfGrid::SdfGrid(const MeshSdf& sdf, double spacing, double padding)
    : SdfGrid(sdf, sdf, spacing, padding) {}

SdfGrid::SdfGrid(const MeshSdf& sdf, const MeshSdf& piece, double spacing, double padding)
    : h_(spacing) {
  DEXVLG_DEMAND(spacing > 0 && std::isfinite(spacing) && padding >= 0 && std::isfinite(padding),
                "grid spacing and padding: expected spacing > 0 and padding >= 0, got "
                    << spacing << " and " << padding);
  Vec3 lo, hi;
  sdf.mesh().Bounds(&lo, &hi);
  lo.array() -= padding;
  hi.array() += padding;
  origin_ = lo;
  for (int a = 0; a < 3; ++a) n_[a] = static_cast<int>(std::ceil((hi[a] - lo[a]) / h_)) + 1;
  value_.resize(static_cast<size_t>(n_[0]) * n_[1] * n_[2]);
  tbb::parallel_for(0, n_[2], [&](int k) {
    for (int j = 0; j < n_[1]; ++j) {
      for (int i = 0; i < n_[0]; ++i) {
        const Vec3 p = origin_ + h_ * Vec3(i, j, k);
        const double d = sdf.Query(p).distance;
        const double magnitude = &piece == &sdf ? std::abs(d) : std::abs(piece.Query(p).distance);
        value_[(static_cast<size_t>(k) * n_[1] + j) * n_[0] + i] =
            static_cast<float>(d < 0 ? -magnitude : magnitude);
      }
    }
  });
}

SdfGrid SdfGrid::FromOrientedPoints(const std::vector<Vec3>& points,
                                    const std::vector<Vec3>& normals, double spacing,
                                    double padding, double flat) {
  DEXVLG_DEMAND(!points.empty() && points.size() == normals.size() && spacing > 0 &&
                    std::isfinite(spacing) && padding >= 0 && std::isfinite(padding),
                "oriented point grid: " << points.size() << " points, " << normals.size()
                                        << " normals, spacing " << spacing << ", padding "
                                        << padding);
  SdfGrid g;
  g.h_ = spacing;
  Vec3 lo = points[0], hi = points[0];
  for (const Vec3& p : points) {
    lo = lo.cwiseMin(p);
    hi = hi.cwiseMax(p);
  }
  lo.array() -= padding;
  hi.array() += padding;
  g.origin_ = lo;
  for (int a = 0; a < 3; ++a) g.n_[a] = static_cast<int>(std::ceil((hi[a] - lo[a]) / spacing)) + 1;
  g.value_.resize(static_cast<size_t>(g.n_[0]) * g.n_[1] * g.n_[2]);
  tbb::parallel_for(0, g.n_[2], [&](int k) {
    for (int j = 0; j < g.n_[1]; ++j) {
      for (int i = 0; i < g.n_[0]; ++i) {
        const Vec3 x = g.origin_ + spacing * Vec3(i, j, k);
        size_t best = 0;
        double best_d2 = std::numeric_limits<double>::infinity();
        for (size_t q = 0; q < points.size(); ++q) {
          const double d2 = (x - points[q]).squaredNorm();
          if (d2 < best_d2) {
            best_d2 = d2;
            best = q;
          }
        }
        const double plane = normals[best].dot(x - points[best]);
        const double magnitude = std::max(std::abs(plane), std::sqrt(best_d2) - flat);
        g.value_[(static_cast<size_t>(k) * g.n_[1] + j) * g.n_[0] + i] =
            static_cast<float>(plane < 0 ? -magnitude : magnitude);
      }
    }
  });
  return g;
}

double SdfGrid::Distance(const Vec3& p, Vec3* grad) const {
  // clamp into the grid; outside, add the distance to the box
  Vec3 u = (p - origin_) / h_;
  Vec3 clamped = u;
  for (int a = 0; a < 3; ++a) clamped[a] = std::clamp(u[a], 0.0, n_[a] - 1.0);
  const Vec3 outside = (u - clamped) * h_;
  int c[3];
  double f[3];
  for (int a = 0; a < 3; ++a) {
    c[a] = std::min(static_cast<int>(clamped[a]), n_[a] - 2);
    f[a] = clamped[a] - c[a];
  }
  auto at = [&](int di, int dj, int dk) {
    return static_cast<double>(
        value_[(static_cast<size_t>(c[2] + dk) * n_[1] + c[1] + dj) * n_[0] + c[0] + di]);
  };
  const double v000 = at(0, 0, 0), v100 = at(1, 0, 0), v010 = at(0, 1, 0), v110 = at(1, 1, 0);
  const double v001 = at(0, 0, 1), v101 = at(1, 0, 1), v011 = at(0, 1, 1), v111 = at(1, 1, 1);
  const double x = f[0], y = f[1], z = f[2];
  const double c00 = v000 + x * (v100 - v000), c10 = v010 + x * (v110 - v010);
  const double c01 = v001 + x * (v101 - v001), c11 = v011 + x * (v111 - v011);
  const double c0 = c00 + y * (c10 - c00), c1 = c01 + y * (c11 - c01);
  double d = c0 + z * (c1 - c0);
  const double out = outside.norm();
  if (grad) {
    const double dx = (1 - y) * (1 - z) * (v100 - v000) + y * (1 - z) * (v110 - v010) +
                      (1 - y) * z * (v101 - v001) + y * z * (v111 - v011);
    const double dy = (1 - z) * (c10 - c00) + z * (c11 - c01);
    const double dz = c1 - c0;
    *grad = Vec3(dx, dy, dz) / h_;
    for (int a = 0; a < 3; ++a) {
      if (u[a] != clamped[a]) (*grad)[a] = 0;  // clamped axis: the box term carries it
    }
    if (out > 0) *grad += outside / out;
  }
  return d + out;
}

}  // namespace dexvlg
