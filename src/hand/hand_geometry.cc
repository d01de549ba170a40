#include "hand/hand_geometry.h"

#include <algorithm>
#include <cmath>

#include "core/demand.h"

namespace dexvlg {
namespace {

using RowMat3 = Eigen::Matrix<double, 3, 3, Eigen::RowMajor>;
using MapConstMat3 = Eigen::Map<const RowMat3>;
using MapConstVec3 = Eigen::Map<const Vec3>;

constexpr double kPi = 3.14159265358979323846;

// 2D rounded-box distance used by box and cylinder: q = |p| - half extents per axis.
template <int N>
double BoxLikeDistance(const Eigen::Matrix<double, N, 1>& q, Eigen::Matrix<double, N, 1>* grad) {
  const Eigen::Matrix<double, N, 1> outside = q.cwiseMax(0.0);
  const double out_norm = outside.norm();
  if (out_norm > 0) {
    *grad = outside / out_norm;
    return out_norm;
  }
  int axis = 0;
  q.maxCoeff(&axis);
  grad->setZero();
  (*grad)[axis] = 1.0;
  return q[axis];
}

double HullDistance(const CollisionGeom& g, const Vec3& p, Vec3* grad) {
  double max_plane = -std::numeric_limits<double>::infinity();
  int max_face = 0;
  for (size_t f = 0; f < g.hull_planes.size(); ++f) {
    const double s = g.hull_planes[f].head<3>().dot(p) - g.hull_planes[f][3];
    if (s > max_plane) {
      max_plane = s;
      max_face = static_cast<int>(f);
    }
  }
  if (max_plane <= 0) {
    *grad = g.hull_planes[max_face].head<3>();
    return max_plane;
  }
  double best = std::numeric_limits<double>::infinity();
  Vec3 best_point = p;
  for (const auto& f : g.hull_faces) {
    const Vec3 c = ClosestPointOnTriangle(p, g.hull_vertices[f[0]], g.hull_vertices[f[1]],
                                          g.hull_vertices[f[2]]);
    const double d2 = (p - c).squaredNorm();
    if (d2 < best) {
      best = d2;
      best_point = c;
    }
  }
  const double d = std::sqrt(best);
  *grad = d > 0 ? Vec3((p - best_point) / d) : Vec3(g.hull_planes[max_face].head<3>());
  return d;
}

// Unit vector for a point at the centre of a primitive, where the gradient is undefined.
Vec3 SafeNormal(const Vec3& v, const Vec3& fallback) {
  const double n = v.norm();
  return n > 1e-15 ? Vec3(v / n) : fallback;
}

}  // namespace

double GeomSignedDistance(const CollisionGeom& g, const Vec3& p, Vec3* grad_out) {
  Vec3 grad = Vec3::Zero();
  double d = 0;
  switch (g.type) {
    case GeomType::kSphere:
      grad = SafeNormal(p, Vec3::UnitZ());
      d = p.norm() - g.size[0];
      break;
    case GeomType::kCapsule: {
      const Vec3 c(0, 0, std::clamp(p.z(), -g.size[1], g.size[1]));
      grad = SafeNormal(p - c, Vec3::UnitX());
      d = (p - c).norm() - g.size[0];
      break;
    }
    case GeomType::kBox: {
      const Vec3 q = p.cwiseAbs() - g.size;
      Vec3 gq = Vec3::Zero();
      d = BoxLikeDistance<3>(q, &gq);
      grad = gq.cwiseProduct(Vec3(p.x() < 0 ? -1 : 1, p.y() < 0 ? -1 : 1, p.z() < 0 ? -1 : 1));
      break;
    }
    case GeomType::kCylinder: {
      const double radial = std::hypot(p.x(), p.y());
      const Eigen::Vector2d q(radial - g.size[0], std::abs(p.z()) - g.size[1]);
      Eigen::Vector2d gq = Eigen::Vector2d::Zero();
      d = BoxLikeDistance<2>(q, &gq);
      const Vec3 radial_dir = SafeNormal(Vec3(p.x(), p.y(), 0), Vec3::UnitX());
      grad = radial_dir * gq[0] + Vec3::UnitZ() * (p.z() < 0 ? -gq[1] : gq[1]);
      break;
    }
    case GeomType::kEllipsoid: {
      // first-order distance (k0 - 1) k0 / k1 with k0 = |p/r|, k1 = |p/r^2|, and its exact gradient
      const Vec3 inv2 = g.size.cwiseProduct(g.size).cwiseInverse();
      const Vec3 v = p.cwiseProduct(inv2);  // p / r^2
      const Vec3 w = v.cwiseProduct(inv2);  // p / r^4
      const double k0 = std::sqrt(p.dot(v)), k1 = v.norm();
      if (k0 < 1e-12 || k1 < 1e-15) {
        grad = Vec3::UnitZ();
        d = -g.size.minCoeff();
        break;
      }
      d = (k0 - 1.0) * k0 / k1;
      grad = ((2 * k0 - 1) * (v / k0) * k1 - (k0 * k0 - k0) * (w / k1)) / (k1 * k1);
      break;
    }
    case GeomType::kMesh:
      d = HullDistance(g, p, &grad);
      break;
  }
  if (grad_out != nullptr) *grad_out = grad;
  return d;
}

std::vector<Vec3> GeomSurfaceSamples(const CollisionGeom& g, double spacing) {
  DEXVLG_DEMAND(spacing > 0, "spacing: expected > 0, got " << spacing);
  std::vector<Vec3> out;
  // n points spread evenly on a unit sphere (Fibonacci lattice)
  auto fibonacci = [](int n) {
    std::vector<Vec3> pts;
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    for (int i = 0; i < n; ++i) {
      const double z = 1.0 - 2.0 * (i + 0.5) / n;
      const double r = std::sqrt(std::max(0.0, 1.0 - z * z));
      pts.emplace_back(r * std::cos(golden * i), r * std::sin(golden * i), z);
    }
    return pts;
  };
  auto count = [&](double area) {
    return std::max(4, static_cast<int>(std::ceil(area / (spacing * spacing))));
  };
  switch (g.type) {
    case GeomType::kSphere:
      for (const Vec3& u : fibonacci(count(4 * kPi * g.size[0] * g.size[0])))
        out.push_back(u * g.size[0]);
      break;
    case GeomType::kEllipsoid: {
      const double r = g.size.maxCoeff();
      for (const Vec3& u : fibonacci(count(4 * kPi * r * r))) out.push_back(u.cwiseProduct(g.size));
      break;
    }
    case GeomType::kCapsule:
    case GeomType::kCylinder: {
      const double r = g.size[0], h = g.size[1];
      const int around = std::max(6, static_cast<int>(std::ceil(2 * kPi * r / spacing)));
      const int along = std::max(1, static_cast<int>(std::ceil(2 * h / spacing)));
      for (int i = 0; i <= along; ++i) {
        const double z = -h + 2 * h * i / along;
        for (int k = 0; k < around; ++k) {
          const double a = 2 * kPi * (k + 0.5 * (i % 2)) / around;
          out.emplace_back(r * std::cos(a), r * std::sin(a), z);
        }
      }
      if (g.type == GeomType::kCapsule) {
        for (const Vec3& u : fibonacci(count(4 * kPi * r * r))) {
          out.push_back(u * r + Vec3(0, 0, u.z() >= 0 ? h : -h));
        }
      } else {
        const int rings = std::max(1, static_cast<int>(std::ceil(r / spacing)));
        for (int side = -1; side <= 1; side += 2) {
          out.emplace_back(0, 0, side * h);
          for (int i = 1; i <= rings; ++i) {
            const double rr = r * i / rings;
            const int n = std::max(6, static_cast<int>(std::ceil(2 * kPi * rr / spacing)));
            for (int k = 0; k < n; ++k) {
              const double a = 2 * kPi * k / n;
              out.emplace_back(rr * std::cos(a), rr * std::sin(a), side * h);
            }
          }
        }
      }
      break;
    }
    case GeomType::kBox: {
      for (int axis = 0; axis < 3; ++axis) {
        const int u = (axis + 1) % 3, v = (axis + 2) % 3;
        const int nu = std::max(1, static_cast<int>(std::ceil(2 * g.size[u] / spacing)));
        const int nv = std::max(1, static_cast<int>(std::ceil(2 * g.size[v] / spacing)));
        for (int side = -1; side <= 1; side += 2) {
          for (int i = 0; i <= nu; ++i) {
            for (int k = 0; k <= nv; ++k) {
              Vec3 p;
              p[axis] = side * g.size[axis];
              p[u] = -g.size[u] + 2 * g.size[u] * i / nu;
              p[v] = -g.size[v] + 2 * g.size[v] * k / nv;
              out.push_back(p);
            }
          }
        }
      }
      break;
    }
    case GeomType::kMesh: {
      // area-weighted: about one sample per spacing^2 of surface, spread over the faces by a
      // carried remainder and placed inside each by the R2 low-discrepancy sequence (a grid per
      // face put at least three samples on every tiny face: 37,000 samples for a scanned hand)
      double carry = 0;
      long long k = 0;
      for (const auto& f : g.hull_faces) {
        const Vec3 &a = g.hull_vertices[f[0]], &b = g.hull_vertices[f[1]],
                   &c = g.hull_vertices[f[2]];
        const double want = 0.5 * (b - a).cross(c - a).norm() / (spacing * spacing) + carry;
        const int n = static_cast<int>(want);
        carry = want - n;
        for (int i = 0; i < n; ++i, ++k) {
          double u = std::fmod(0.5 + k * 0.7548776662466927, 1.0);
          double v = std::fmod(0.5 + k * 0.5698402909980532, 1.0);
          if (u + v > 1) {
            u = 1 - u;
            v = 1 - v;
          }
          out.push_back(a + u * (b - a) + v * (c - a));
        }
      }
      if (out.size() < 4) out.insert(out.end(), g.hull_vertices.begin(), g.hull_vertices.end());
      break;
    }
  }
  return out;
}

double LinkLocalDistance(const HandModel& model, int link, const Vec3& p_L, Vec3* grad_L, int* geom,
                         double cutoff) {
  double best = cutoff;
  if (geom != nullptr) *geom = -1;
  for (int gi : model.links[link].geoms) {
    const CollisionGeom& g = model.geoms[gi];
    const Vec3 p_LG = p_L - g.p_LG;
    if (p_LG.norm() - g.bounding_radius >= best) continue;
    Vec3 grad_G = Vec3::Zero();
    const double d = GeomSignedDistance(g, g.R_LG.transpose() * p_LG, &grad_G);
    if (d < best) {
      best = d;
      if (geom != nullptr) *geom = gi;
      if (grad_L != nullptr) *grad_L = g.R_LG * grad_G;
    }
  }
  return best;
}

namespace {

// Lowers `best` to the distance from p_O to link l's geoms where closer.
void AccumulateLinkDistance(const HandModel& model, const KinematicsData& data, int b, int l,
                            const Vec3& p_O, HandDistance* best) {
  const Vec3 offset = p_O - MapConstVec3(data.p(b, l));
  if (offset.norm() - model.links[l].radius >= best->distance) return;  // whole link farther
  MapConstMat3 R_OL(data.R(b, l));
  const Vec3 p_L = R_OL.transpose() * offset;
  Vec3 grad_L = Vec3::Zero();
  int geom = -1;
  const double d = LinkLocalDistance(model, l, p_L, &grad_L, &geom, best->distance);
  if (geom >= 0 && d < best->distance) {
    best->distance = d;
    best->link = l;
    best->geom = geom;
    best->grad_O = R_OL * grad_L;
  }
}

}  // namespace

HandDistance LinkSignedDistance(const HandModel& model, const KinematicsData& data, int b, int link,
                                const Vec3& p_O) {
  HandDistance best;
  AccumulateLinkDistance(model, data, b, link, p_O, &best);
  return best;
}

HandDistance HandSignedDistance(const HandModel& model, const KinematicsData& data, int b,
                                const Vec3& p_O, double cutoff) {
  HandDistance best;
  best.distance = cutoff;
  for (int l = 0; l < model.num_links(); ++l) {
    AccumulateLinkDistance(model, data, b, l, p_O, &best);
  }
  return best;
}

void HandDistancePoseGradient(const HandModel& model, const KinematicsData& data, int b,
                              const Vec3& p_O, const HandDistance& d, double* grad) {
  const int dof = model.dof();
  std::fill(grad, grad + dof, 0.0);
  if (d.link < 0) return;
  // one row of J at a time keeps this allocation-free: grad = -grad_O^T J
  double J[3 * 64];
  DEXVLG_DEMAND(dof <= 64, "hand has " << dof << " pose dofs; at most 64 supported");
  PointJacobian(model, data, b, d.link, p_O.data(), J);
  for (int c = 0; c < dof; ++c) {
    grad[c] = -(d.grad_O.x() * J[c] + d.grad_O.y() * J[dof + c] + d.grad_O.z() * J[2 * dof + c]);
  }
}

namespace {

// Closest approach of the surface samples of one link of (la, lb) to the other link, both ways.
SelfDistance PairDistance(const HandModel& model, const KinematicsData& data, int b, int la, int lb,
                          HandDistance* hit_out, Vec3* point_out,
                          double cutoff = std::numeric_limits<double>::infinity()) {
  SelfDistance best;
  best.distance = cutoff;
  for (int pass = 0; pass < 2; ++pass) {
    const int from = pass == 0 ? la : lb;
    const int to = pass == 0 ? lb : la;
    const auto [begin, end] = model.surface_range[from];
    for (int i = begin; i < end; ++i) {
      Vec3 p_O;
      PointPosition(data, b, model.surface_points[i], p_O.data());
      HandDistance hit;
      hit.distance = best.distance;  // geoms farther than the best so far are culled
      AccumulateLinkDistance(model, data, b, to, p_O, &hit);
      if (hit.link >= 0 && hit.distance < best.distance) {
        best = {hit.distance, from, to, i};
        *hit_out = hit;
        *point_out = p_O;
      }
    }
  }
  return best;
}

}  // namespace

SelfDistance LinkPairDistance(const HandModel& model, const KinematicsData& data, int b, int la,
                              int lb) {
  HandDistance hit;
  Vec3 point;
  return PairDistance(model, data, b, la, lb, &hit, &point);
}

SelfDistance SelfCollisionDistance(const HandModel& model, const KinematicsData& data, int b,
                                   double* grad, double cutoff) {
  SelfDistance best;
  best.distance = cutoff;
  HandDistance best_hit;
  Vec3 best_point = Vec3::Zero();
  auto centre = [&](int gi) {
    const CollisionGeom& g = model.geoms[gi];
    return Vec3(MapConstMat3(data.R(b, g.link)) * g.p_LG + MapConstVec3(data.p(b, g.link)));
  };
  for (const auto& [la, lb] : model.self_pairs) {
    if (std::isfinite(cutoff)) {  // bounding spheres of the two links' geoms
      bool near = false;
      for (int ga : model.links[la].geoms) {
        for (int gb : model.links[lb].geoms) {
          const double gap = (centre(ga) - centre(gb)).norm() - model.geoms[ga].bounding_radius -
                             model.geoms[gb].bounding_radius;
          near = near || gap < best.distance;
        }
      }
      if (!near) continue;
    }
    HandDistance hit;
    Vec3 point;
    const SelfDistance d = PairDistance(model, data, b, la, lb, &hit, &point, best.distance);
    if (d.distance < best.distance) {
      best = d;
      best_hit = hit;
      best_point = point;
    }
  }
  if (grad != nullptr) {
    const int dof = model.dof();
    std::fill(grad, grad + dof, 0.0);
    if (best.point < 0) return best;
    DEXVLG_DEMAND(dof <= 64, "hand has " << dof << " pose dofs; at most 64 supported");
    // d = sdf_b(p_a): moving the point along J_a raises d by g.J_a; moving link b lowers it by
    // g.J_b
    double Ja[3 * 64], Jb[3 * 64];
    PointJacobian(model, data, b, best.link_a, best_point.data(), Ja);
    PointJacobian(model, data, b, best.link_b, best_point.data(), Jb);
    const Vec3& g = best_hit.grad_O;
    for (int c = 0; c < dof; ++c) {
      grad[c] = g.x() * (Ja[c] - Jb[c]) + g.y() * (Ja[dof + c] - Jb[dof + c]) +
                g.z() * (Ja[2 * dof + c] - Jb[2 * dof + c]);
    }
  }
  return best;
}

}  // namespace dexvlg

namespace dexvlg {

TriMesh GeomSurface(const CollisionGeom& g, int segments) {
  constexpr double kHalfPi = 1.5707963267948966;
  const int rings = std::max(4, segments / 2);
  auto arc = [&](double r, double z0, double a0, double a1, std::vector<Eigen::Vector2d>* profile) {
    for (int i = 0; i <= rings / 2; ++i) {
      const double a = a0 + (a1 - a0) * i / (rings / 2);
      profile->emplace_back(r * std::cos(a), z0 + r * std::sin(a));
    }
  };
  std::vector<Eigen::Vector2d> profile;
  switch (g.type) {
    case GeomType::kSphere:
    case GeomType::kEllipsoid: {
      arc(1.0, 0.0, -kHalfPi, 0.0, &profile);
      profile.pop_back();
      arc(1.0, 0.0, 0.0, kHalfPi, &profile);
      TriMesh m = Revolve(profile, segments);
      const Vec3 radii = g.type == GeomType::kSphere ? Vec3::Constant(g.size[0]) : g.size;
      for (Vec3& v : m.vertices) v = v.cwiseProduct(radii);
      return m;
    }
    case GeomType::kCapsule:
      arc(g.size[0], -g.size[1], -kHalfPi, 0.0, &profile);
      arc(g.size[0], g.size[1], 0.0, kHalfPi, &profile);
      return Revolve(profile, segments);
    case GeomType::kCylinder:
      return Revolve(
          {{0, -g.size[1]}, {g.size[0], -g.size[1]}, {g.size[0], g.size[1]}, {0, g.size[1]}},
          segments);
    case GeomType::kBox:
      return Box(-g.size, g.size);
    case GeomType::kMesh: {
      TriMesh m;
      m.vertices = g.hull_vertices;
      m.faces = g.hull_faces;
      return m;
    }
  }
  return {};
}

TriMesh HandSurface(const HandModel& model, const KinematicsData& data, int b,
                    std::vector<int>* face_links, int segments) {
  TriMesh out;
  if (face_links != nullptr) face_links->clear();
  for (const CollisionGeom& g : model.geoms) {
    TriMesh piece = GeomSurface(g, segments);
    const Mat3 R_OL = MapConstMat3(data.R(b, g.link));
    const Vec3 p_OL = MapConstVec3(data.p(b, g.link));
    for (Vec3& v : piece.vertices) v = R_OL * (g.R_LG * v + g.p_LG) + p_OL;
    out.Append(piece);
    if (face_links != nullptr) face_links->insert(face_links->end(), piece.faces.size(), g.link);
  }
  return out;
}

}  // namespace dexvlg
