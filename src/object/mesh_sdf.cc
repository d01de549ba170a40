#include "object/mesh_sdf.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_map>

#include "core/demand.h"

namespace dexvlg {
namespace {

double BoxDistanceSquared(const Eigen::AlignedBox3d& box, const Vec3& p) {
  return (box.min() - p).cwiseMax(p - box.max()).cwiseMax(0.0).squaredNorm();
}

}  // namespace

MeshSdf::MeshSdf(const TriMesh& mesh) : mesh_(mesh) {
  const int nf = mesh_.num_faces();
  DEXVLG_DEMAND(nf > 0, "MeshSdf needs a mesh with faces");
  face_normal_.resize(nf);
  edge_normal_.assign(nf, {Vec3::Zero(), Vec3::Zero(), Vec3::Zero()});
  vertex_normal_.assign(mesh_.num_vertices(), Vec3::Zero());
  std::unordered_map<uint64_t, Vec3> edge_sum;
  auto key = [](int a, int b) {
    return a < b ? (uint64_t(uint32_t(a)) << 32 | uint32_t(b))
                 : (uint64_t(uint32_t(b)) << 32 | uint32_t(a));
  };
  for (int f = 0; f < nf; ++f) {
    const Vec3 n = mesh_.FaceNormal(f);
    face_normal_[f] = n.norm() > 0 ? Vec3(n.normalized()) : Vec3::UnitZ();
    const auto& t = mesh_.faces[f];
    for (int k = 0; k < 3; ++k) {
      // try_emplace with an explicit zero: operator[] would leave an Eigen vector uninitialised
      edge_sum.try_emplace(key(t[k], t[(k + 1) % 3]), Vec3::Zero()).first->second +=
          face_normal_[f];
      const Vec3 e1 = mesh_.vertices[t[(k + 1) % 3]] - mesh_.vertices[t[k]];
      const Vec3 e2 = mesh_.vertices[t[(k + 2) % 3]] - mesh_.vertices[t[k]];
      const double denom = e1.norm() * e2.norm();
      const double angle = denom > 0 ? std::acos(std::clamp(e1.dot(e2) / denom, -1.0, 1.0)) : 0.0;
      vertex_normal_[t[k]] += angle * face_normal_[f];
    }
  }
  for (int f = 0; f < nf; ++f) {
    const auto& t = mesh_.faces[f];
    for (int k = 0; k < 3; ++k) edge_normal_[f][k] = edge_sum.at(key(t[k], t[(k + 1) % 3]));
  }
  std::vector<Vec3> centroids(nf);
  for (int f = 0; f < nf; ++f) {
    centroids[f] = mesh_.FaceCentroid(f);
  }
  order_.resize(nf);
  for (int f = 0; f < nf; ++f) order_[f] = f;
  nodes_.reserve(2 * nf / 4 + 1);
  Build(0, nf, centroids);
}

int MeshSdf::Build(int begin, int end, std::vector<Vec3>& centroids) {
  const int index = static_cast<int>(nodes_.size());
  nodes_.emplace_back();
  Eigen::AlignedBox3d box;
  Eigen::AlignedBox3d centre_box;
  for (int i = begin; i < end; ++i) {
    for (int v : mesh_.faces[order_[i]]) box.extend(mesh_.vertices[v]);
    centre_box.extend(centroids[order_[i]]);
  }
  nodes_[index].box = box;
  if (end - begin <= 4) {
    nodes_[index].begin = begin;
    nodes_[index].end = end;
    return index;
  }
  int axis = 0;
  centre_box.sizes().maxCoeff(&axis);
  const int mid = (begin + end) / 2;
  std::nth_element(order_.begin() + begin, order_.begin() + mid, order_.begin() + end,
                   [&](int a, int b) { return centroids[a][axis] < centroids[b][axis]; });
  const int left = Build(begin, mid, centroids);
  const int right = Build(mid, end, centroids);
  nodes_[index].left = left;
  nodes_[index].right = right;
  return index;
}

SurfaceHit MeshSdf::Query(const Vec3& p, double cutoff) const {
  double best2 = cutoff * cutoff;
  int best_face = -1;
  Vec3 best_point = p;
  int stack[128];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const Node& node = nodes_[stack[--top]];
    if (BoxDistanceSquared(node.box, p) >= best2) continue;
    if (node.left < 0) {
      for (int i = node.begin; i < node.end; ++i) {
        const int f = order_[i];
        const auto& t = mesh_.faces[f];
        const Vec3 c = ClosestPointOnTriangle(p, mesh_.vertices[t[0]], mesh_.vertices[t[1]],
                                              mesh_.vertices[t[2]]);
        const double d2 = (p - c).squaredNorm();
        if (d2 < best2) {
          best2 = d2;
          best_face = f;
          best_point = c;
        }
      }
      continue;
    }
    // visit the nearer child first (pushed last)
    const double dl = BoxDistanceSquared(nodes_[node.left].box, p);
    const double dr = BoxDistanceSquared(nodes_[node.right].box, p);
    if (top + 2 > 128) continue;  // cannot happen for balanced trees of < 2^60 faces
    if (dl < dr) {
      stack[top++] = node.right;
      stack[top++] = node.left;
    } else {
      stack[top++] = node.left;
      stack[top++] = node.right;
    }
  }
  SurfaceHit hit;
  if (best_face < 0) {
    hit.distance = cutoff;
    return hit;
  }
  // classify the closest point from its barycentric coordinates with a tolerance: near-ties
  // between the vertex, edge and face regions must take the vertex or edge pseudo-normal, or
  // the sign flips for points whose closest point is (numerically) a vertex
  const auto& t = mesh_.faces[best_face];
  const Vec3 &a = mesh_.vertices[t[0]], &b = mesh_.vertices[t[1]], &c = mesh_.vertices[t[2]];
  const Vec3 n = (b - a).cross(c - a);
  const double area2 = n.squaredNorm();
  double bary[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  if (area2 > 0) {
    bary[0] = (b - best_point).cross(c - best_point).dot(n) / area2;
    bary[1] = (c - best_point).cross(a - best_point).dot(n) / area2;
    bary[2] = 1 - bary[0] - bary[1];
  }
  constexpr double kTol = 1e-7;
  int zeros = 0, nonzero_last = 0, zero_last = 0;
  for (int k = 0; k < 3; ++k) {
    if (bary[k] < kTol) {
      ++zeros;
      zero_last = k;
    } else {
      nonzero_last = k;
    }
  }
  Vec3 pseudo;
  if (zeros >= 2) {
    pseudo = vertex_normal_[t[nonzero_last]];  // at vertex `nonzero_last`
  } else if (zeros == 1) {
    pseudo = edge_normal_[best_face][(zero_last + 1) % 3];  // edge opposite vertex `zero_last`
  } else {
    pseudo = face_normal_[best_face];
  }
  const Vec3 diff = p - best_point;
  const double d = std::sqrt(best2);
  const double sign = diff.dot(pseudo) < 0 ? -1.0 : 1.0;
  hit.distance = sign * d;
  hit.point = best_point;
  hit.face = best_face;
  hit.gradient = d > 1e-12 ? Vec3(sign * diff / d) : Vec3(pseudo.normalized());
  return hit;
}

UnionSdf::UnionSdf(const std::vector<TriMesh>& parts) {
  for (const TriMesh& part : parts) parts_.emplace_back(part);
}

SurfaceHit UnionSdf::Query(const Vec3& p, double cutoff) const {
  SurfaceHit best;
  best.distance = cutoff;
  for (const MeshSdf& part : parts_) {
    // once inside some part, every part must be searched in full to find the deepest
    const SurfaceHit hit =
        part.Query(p, best.distance > 0 ? best.distance : std::numeric_limits<double>::infinity());
    if (hit.face >= 0 && hit.distance < best.distance) best = hit;
  }
  return best;
}

int MeshSdf::Crossings(const Vec3& o, const Vec3& dir) const {
  int count = 0;
  int stack[128];
  int top = 0;
  stack[top++] = 0;
  const Vec3 inv(1 / dir.x(), 1 / dir.y(), 1 / dir.z());
  while (top > 0) {
    const Node& node = nodes_[stack[--top]];
    // slab test of the ray against the node's box
    double t0 = 0, t1 = std::numeric_limits<double>::infinity();
    for (int a = 0; a < 3; ++a) {
      double lo = (node.box.min()[a] - o[a]) * inv[a], hi = (node.box.max()[a] - o[a]) * inv[a];
      if (lo > hi) std::swap(lo, hi);
      t0 = std::max(t0, lo);
      t1 = std::min(t1, hi);
    }
    if (t0 > t1) continue;
    if (node.left >= 0) {
      if (top + 2 > 128) continue;
      stack[top++] = node.left;
      stack[top++] = node.right;
      continue;
    }
    for (int i = node.begin; i < node.end; ++i) {  // Moller-Trumbore
      const auto& t = mesh_.faces[order_[i]];
      const Vec3 &v0 = mesh_.vertices[t[0]], e1 = mesh_.vertices[t[1]] - v0,
                 e2 = mesh_.vertices[t[2]] - v0;
      const Vec3 pv = dir.cross(e2);
      const double det = e1.dot(pv);
      if (std::abs(det) < 1e-18) continue;
      const Vec3 tv = o - v0;
      const double u = tv.dot(pv) / det;
      if (u < 0 || u > 1) continue;
      const Vec3 qv = tv.cross(e1);
      const double v = dir.dot(qv) / det;
      if (v < 0 || u + v > 1) continue;
      if (e2.dot(qv) / det > 0) ++count;
    }
  }
  return count;
}

bool MeshSdf::Inside(const Vec3& p) const {
  // three fixed, irrational-looking directions: a ray grazing an edge in one rarely does in all
  static const Vec3 kDirections[3] = {Vec3(0.5773, 0.5774, 0.5775).normalized(),
                                      Vec3(-0.2113, 0.7887, -0.5774).normalized(),
                                      Vec3(0.8165, -0.4082, -0.4083).normalized()};
  int inside = 0;
  for (const Vec3& d : kDirections) inside += Crossings(p, d) % 2;
  return inside >= 2;
}

SurfaceSamples SampleSurface(const TriMesh& mesh, int count, unsigned seed) {
  SurfaceSamples out;
  std::vector<double> cumulative(mesh.num_faces());
  double total = 0;
  for (int f = 0; f < mesh.num_faces(); ++f) cumulative[f] = total += mesh.FaceArea(f);
  if (total <= 0 || count <= 0) return out;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < count; ++i) {
    const double r = u(rng) * total;
    const int f = static_cast<int>(std::lower_bound(cumulative.begin(), cumulative.end(), r) -
                                   cumulative.begin());
    const auto& t = mesh.faces[std::min(f, mesh.num_faces() - 1)];
    double a = u(rng), b = u(rng);
    if (a + b > 1) {
      a = 1 - a;
      b = 1 - b;
    }
    const Vec3 &p0 = mesh.vertices[t[0]], &p1 = mesh.vertices[t[1]], &p2 = mesh.vertices[t[2]];
    out.points.push_back(p0 + a * (p1 - p0) + b * (p2 - p0));
    out.normals.push_back(mesh.FaceNormal(f).normalized());
    out.faces.push_back(f);
  }
  return out;
}

SurfaceSamples FarthestPointSubset(const SurfaceSamples& samples, int count) {
  SurfaceSamples out;
  const int n = static_cast<int>(samples.points.size());
  if (n == 0 || count <= 0) return out;
  std::vector<double> nearest(n, std::numeric_limits<double>::infinity());
  int current = 0;
  for (int k = 0; k < std::min(count, n); ++k) {
    out.points.push_back(samples.points[current]);
    out.normals.push_back(samples.normals[current]);
    out.faces.push_back(samples.faces[current]);
    int next = 0;
    double farthest = -1;
    for (int i = 0; i < n; ++i) {
      nearest[i] =
          std::min(nearest[i], (samples.points[i] - samples.points[current]).squaredNorm());
      if (nearest[i] > farthest) {
        farthest = nearest[i];
        next = i;
      }
    }
    current = next;
  }
  return out;
}

}  // namespace dexvlg
