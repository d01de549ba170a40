#include "core/tri_mesh.h"

#include <cmath>

namespace dexvlg {

Vec3 TriMesh::FaceNormal(int f) const {
  const auto& t = faces[f];
  return (vertices[t[1]] - vertices[t[0]]).cross(vertices[t[2]] - vertices[t[0]]);
}

double TriMesh::SurfaceArea() const {
  double a = 0;
  for (int f = 0; f < num_faces(); ++f) a += FaceArea(f);
  return a;
}

void TriMesh::Bounds(Vec3* lo, Vec3* hi) const {
  if (vertices.empty()) {
    lo->setZero();
    hi->setZero();
    return;
  }
  *lo = *hi = vertices[0];
  for (const Vec3& v : vertices) {
    *lo = lo->cwiseMin(v);
    *hi = hi->cwiseMax(v);
  }
}

void TriMesh::Append(const TriMesh& other) {
  const int offset = num_vertices();
  const bool keep_colors =
      colors.size() == vertices.size() && !colors.empty() && !other.colors.empty();
  vertices.insert(vertices.end(), other.vertices.begin(), other.vertices.end());
  for (auto f : other.faces) faces.push_back({f[0] + offset, f[1] + offset, f[2] + offset});
  if (keep_colors) {
    colors.insert(colors.end(), other.colors.begin(), other.colors.end());
  } else {
    colors.clear();
  }
  uvs.clear();
}

namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

Vec3 ClosestPointOnTriangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c) {
  // Ericson, Real-Time Collision Detection, 5.1.5: Voronoi regions of the triangle.
  const Vec3 ab = b - a, ac = c - a, ap = p - a;
  const double d1 = ab.dot(ap), d2 = ac.dot(ap);
  if (d1 <= 0 && d2 <= 0) return a;
  const Vec3 bp = p - b;
  const double d3 = ab.dot(bp), d4 = ac.dot(bp);
  if (d3 >= 0 && d4 <= d3) return b;
  const double vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) return a + ab * (d1 / (d1 - d3));
  const Vec3 cp = p - c;
  const double d5 = ab.dot(cp), d6 = ac.dot(cp);
  if (d6 >= 0 && d5 <= d6) return c;
  const double vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) return a + ac * (d2 / (d2 - d6));
  const double va = d3 * d6 - d5 * d4;
  if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
    return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
  }
  const double denom = 1.0 / (va + vb + vc);
  return a + ab * (vb * denom) + ac * (vc * denom);
}

double SignedVolume(const TriMesh& mesh) {
  double v = 0;
  for (const auto& f : mesh.faces) {
    v += mesh.vertices[f[0]].dot(mesh.vertices[f[1]].cross(mesh.vertices[f[2]]));
  }
  return v / 6.0;
}

void FlipIfInward(TriMesh* mesh) {
  if (SignedVolume(*mesh) >= 0) return;
  for (auto& f : mesh->faces) std::swap(f[1], f[2]);
}

TriMesh Revolve(const std::vector<Eigen::Vector2d>& profile, int segments) {
  TriMesh mesh;
  std::vector<int> ring_start;
  for (const auto& pt : profile) {
    ring_start.push_back(mesh.num_vertices());
    if (pt.x() <= 0) {
      mesh.vertices.emplace_back(0, 0, pt.y());
      continue;
    }
    for (int k = 0; k < segments; ++k) {
      const double a = 2 * kPi * k / segments;
      mesh.vertices.emplace_back(pt.x() * std::cos(a), pt.x() * std::sin(a), pt.y());
    }
  }
  auto vertex = [&](size_t i, int k) {
    return profile[i].x() <= 0 ? ring_start[i] : ring_start[i] + (k % segments);
  };
  for (size_t i = 0; i + 1 < profile.size(); ++i) {
    const bool pole_a = profile[i].x() <= 0, pole_b = profile[i + 1].x() <= 0;
    if (pole_a && pole_b) continue;
    for (int k = 0; k < segments; ++k) {
      const int a0 = vertex(i, k), a1 = vertex(i, k + 1), b0 = vertex(i + 1, k),
                b1 = vertex(i + 1, k + 1);
      if (!pole_a) mesh.faces.push_back({a0, a1, b1});
      if (!pole_b) mesh.faces.push_back({a0, b1, b0});
      if (pole_b && !pole_a) continue;
    }
  }
  // the faces above can be degenerate at poles only when both rows are poles (skipped)
  FlipIfInward(&mesh);
  return mesh;
}

TriMesh Box(const Vec3& lo, const Vec3& hi) {
  TriMesh mesh;
  for (int i = 0; i < 8; ++i) {
    mesh.vertices.emplace_back(i & 1 ? hi.x() : lo.x(), i & 2 ? hi.y() : lo.y(),
                               i & 4 ? hi.z() : lo.z());
  }
  const int quads[6][4] = {{0, 2, 3, 1}, {4, 5, 7, 6}, {0, 1, 5, 4},
                           {2, 6, 7, 3}, {0, 4, 6, 2}, {1, 3, 7, 5}};
  for (const auto& q : quads) {
    mesh.faces.push_back({q[0], q[1], q[2]});
    mesh.faces.push_back({q[0], q[2], q[3]});
  }
  FlipIfInward(&mesh);
  return mesh;
}

}  // namespace dexvlg
