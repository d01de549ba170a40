#include "parts/parts.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>

namespace dexvlg {

const char* CategoryName(PartCategory c) {
  switch (c) {
    case PartCategory::kLid:
      return "lid";
    case PartCategory::kDisk:
      return "disk";
    case PartCategory::kLShaped:
      return "L-shaped";
    case PartCategory::kShaft:
      return "shaft";
  }
  return "?";
}

namespace {

// Area-weighted mean and covariance of the triangle surface (exact second moments).
void SurfaceMoments(const TriMesh& mesh, Vec3* mean, Mat3* cov) {
  double area = 0;
  Vec3 m = Vec3::Zero();
  Mat3 second = Mat3::Zero();
  for (int f = 0; f < mesh.num_faces(); ++f) {
    const double a = mesh.FaceArea(f);
    const Vec3 &p0 = mesh.vertices[mesh.faces[f][0]], &p1 = mesh.vertices[mesh.faces[f][1]],
               &p2 = mesh.vertices[mesh.faces[f][2]];
    const Vec3 c = (p0 + p1 + p2) / 3.0;
    area += a;
    m += a * c;
    // E[x x^T] over a triangle = (sum_i p_i p_i^T + 9 c c^T) / 12
    second +=
        a *
        (p0 * p0.transpose() + p1 * p1.transpose() + p2 * p2.transpose() + 9 * c * c.transpose()) /
        12.0;
  }
  if (area <= 0) {
    *mean = Vec3::Zero();
    *cov = Mat3::Identity();
    return;
  }
  *mean = m / area;
  *cov = second / area - (*mean) * mean->transpose();
}

}  // namespace

OrientedBox SurfaceBox(const TriMesh& mesh) {
  Vec3 mean;
  Mat3 cov;
  SurfaceMoments(mesh, &mean, &cov);
  Eigen::SelfAdjointEigenSolver<Mat3> eig(cov);
  Mat3 axes;
  for (int i = 0; i < 3; ++i) axes.col(i) = eig.eigenvectors().col(2 - i);  // decreasing variance
  for (int i = 0; i < 3; ++i) {
    Eigen::Index k;
    axes.col(i).cwiseAbs().maxCoeff(&k);
    if (axes(k, i) < 0) axes.col(i) *= -1;
  }
  if (axes.determinant() < 0) axes.col(2) *= -1;
  Vec3 lo = Vec3::Constant(std::numeric_limits<double>::infinity()), hi = -lo;
  for (const auto& f : mesh.faces) {
    for (int v : f) {
      const Vec3 local = axes.transpose() * (mesh.vertices[v] - mean);
      lo = lo.cwiseMin(local);
      hi = hi.cwiseMax(local);
    }
  }
  OrientedBox box;
  box.centre = mean + axes * (0.5 * (lo + hi));
  Vec3 half = 0.5 * (hi - lo);
  // sort the axes by extent, keeping a right-handed frame
  std::array<int, 3> order = {0, 1, 2};
  std::sort(order.begin(), order.end(), [&](int a, int b) { return half[a] > half[b]; });
  for (int i = 0; i < 3; ++i) {
    box.axes.col(i) = axes.col(order[i]);
    box.half_extents[i] = half[order[i]];
  }
  if (box.axes.determinant() < 0) box.axes.col(2) *= -1;
  return box;
}

std::vector<PartInfo> AnalyseParts(const LabeledMesh& object, const CategoryRules& rules) {
  std::vector<PartInfo> parts;
  const int n = static_cast<int>(object.part_names.size());
  for (int label = 0; label < n; ++label) {
    const TriMesh part = object.Part(label);
    if (part.faces.empty()) continue;
    PartInfo info;
    info.name = object.part_names[label];
    info.label = label;
    info.num_faces = part.num_faces();
    info.area = part.SurfaceArea();
    info.box = SurfaceBox(part);
    // the rest of the object, as one surface
    TriMesh rest;
    for (int other = 0; other < n; ++other) {
      if (other != label) rest.Append(object.Part(other));
    }
    const Vec3& h = info.box.half_extents;
    const bool elongated = h[0] >= rules.elongated * h[1];
    const bool flat = h[2] < rules.flat * h[1];
    if (elongated && h[2] < rules.thin * h[1] && 2 * h[2] <= rules.max_l_thickness) {
      info.category = PartCategory::kLShaped;
    } else if (rest.faces.empty()) {
      info.category = flat ? PartCategory::kDisk : PartCategory::kShaft;
    } else if (!elongated) {
      const OrientedBox rest_box = SurfaceBox(rest);
      Vec3 d = info.box.centre - rest_box.centre;
      d = d.norm() > 1e-12 ? Vec3(d.normalized()) : Vec3::UnitZ();
      // half extent of a box along a direction
      auto extent_along = [](const OrientedBox& b, const Vec3& u) {
        return (b.axes.transpose() * u).cwiseAbs().dot(b.half_extents);
      };
      const Vec3 a1 = info.box.axes.col(1);
      const bool faces_rest = std::abs(info.box.axes.col(2).dot(d)) > 0.7;
      const bool covers = h[1] >= rules.covers * extent_along(rest_box, a1);
      Vec3 across = d.unitOrthogonal();
      const double along_d = extent_along(info.box, d);
      const double width =
          std::max(extent_along(info.box, across), extent_along(info.box, d.cross(across)));
      const double rest_width =
          std::max(extent_along(rest_box, across), extent_along(rest_box, d.cross(across)));
      if (flat && faces_rest && covers) {
        info.category = PartCategory::kLid;
      } else if (flat ||
                 (along_d <= width && width < rest_width && info.area < rest.SurfaceArea())) {
        info.category = PartCategory::kDisk;
      } else {
        info.category = PartCategory::kShaft;
      }
    }
    parts.push_back(info);
  }
  return parts;
}

}  // namespace dexvlg
