#include "synth/energy.h"

#include <cmath>

#include "hand/hand_geometry.h"

namespace dexvlg {
namespace {

/// grad += scale * J^T g for a 3 x dof row-major Jacobian.
void AddJtG(const double* J, int dof, const Vec3& g, double scale, double* grad) {
  for (int c = 0; c < dof; ++c) {
    grad[c] += scale * (J[c] * g.x() + J[dof + c] * g.y() + J[2 * dof + c] * g.z());
  }
}

}  // namespace

EnergyWorkspace::EnergyWorkspace(const HandModel& hand, const std::vector<int>& mode_contacts)
    : contacts(mode_contacts) {
  const int k = static_cast<int>(contacts.size()), dof = hand.dof();
  for (int i = 0; i < k; ++i) {
    if (hand.contacts[contacts[i]].link != 0) tips.push_back(i);
  }
  x.resize(3 * k);
  n.resize(3 * k);
  J.resize(3 * k * dof);
  grad_point.resize(3 * dof);
  grad_pose.resize(dof);
  sx.resize(3);
  sJ.resize(3 * dof);
}

EnergyTerms Energy(const HandModel& hand, const EnergyObject& object, const EnergyWeights& w,
                   const KinematicsData& data, int b, const double* pose, bool refresh,
                   EnergyWorkspace& ws, double* grad) {
  const int k = static_cast<int>(ws.contacts.size()), dof = hand.dof();
  EnergyTerms e;
  ContactFrames(hand, data, b, ws.contacts.data(), k, ws.x.data(), ws.n.data(), ws.J.data());
  if (grad) {
    for (int c = 0; c < dof; ++c) grad[c] = 0;
  }
  const SdfGrid& field = *object.field;

  // contact distances and inward object normals; E_dis, E_dir
  for (int i = 0; i < k; ++i) {
    const Vec3 x(&ws.x[3 * i]), n(&ws.n[3 * i]);
    const double* Ji = &ws.J[static_cast<size_t>(3 * i) * dof];
    const bool fingertip = hand.contacts[ws.contacts[i]].link != 0;
    const SdfGrid& to = fingertip && object.part_field ? *object.part_field : field;
    Vec3 g;
    const double d = to.Distance(x, &g);
    if (refresh) {
      const Vec3 c = -g.normalized();
      for (int a = 0; a < 3; ++a) ws.c[3 * i + a] = c[a];
    }
    const Vec3 c(&ws.c[3 * i]);
    const bool is_palm = !fingertip;
    const double weight = is_palm ? w.palm : 1.0;
    const double value = is_palm ? d - w.palm_gap : d;
    e.dis += weight * std::abs(value);
    e.dir += 1 - n.dot(c);
    if (!grad) continue;
    AddJtG(Ji, dof, g, w.dis * weight * (value >= 0 ? 1 : -1), grad);
    // d n / d pose = J(x + n) - J(x): n is the vector between two points of the link
    const Vec3 tip = x + n;
    PointJacobian(hand, data, b, hand.contacts[ws.contacts[i]].link, tip.data(), ws.sJ.data());
    for (int c2 = 0; c2 < dof; ++c2) {
      double dn_dot_c = 0;
      for (int a = 0; a < 3; ++a) dn_dot_c += (ws.sJ[a * dof + c2] - Ji[a * dof + c2]) * c[a];
      grad[c2] -= w.dir * dn_dot_c;
    }
  }

  // E_fc: the held contact forces F_i (the LP's, f_i c_i without friction) and their wrenches
  // about the part centre
  if (refresh) {
    const int edges = w.fc_friction > 0 ? w.fc_edges : 1;
    double cone[kMaxFcContacts * kMaxFcEdges * 6], lambda[kMaxFcContacts * kMaxFcEdges];
    ConeEdgeWrenches(ws.x.data(), ws.c, k, object.centre.data(), w.fc_friction, edges, cone);
    double lower[kMaxFcContacts] = {};
    for (int i : ws.tips) lower[i] = w.fc_floor;
    ws.residual = BalancedForces(cone, k, edges, lambda, lower);
    const bool balanced = ws.residual < w.tau_fc;
    for (int i = 0; i < k; ++i) {
      ws.f[i] = 0;
      for (int a = 0; a < 3; ++a) ws.F[3 * i + a] = balanced ? 0.0 : ws.c[3 * i + a];
      for (int edge = 0; edge < edges && balanced; ++edge) {
        const double l = lambda[i * edges + edge];
        ws.f[i] += l;
        for (int a = 0; a < 3; ++a) ws.F[3 * i + a] += l * cone[(i * edges + edge) * 6 + a];
      }
      if (!balanced) ws.f[i] = 1.0;
    }
  }
  e.residual = ws.residual;
  double r[6] = {0, 0, 0, 0, 0, 0};
  for (int i = 0; i < k; ++i) {
    const Vec3 F(&ws.F[3 * i]);
    const Vec3 tau = (Vec3(&ws.x[3 * i]) - object.centre).cross(F);
    for (int a = 0; a < 3; ++a) {
      r[a] += F[a];
      r[3 + a] += tau[a];
    }
  }
  for (int a = 0; a < 6; ++a) e.fc += r[a] * r[a];
  if (grad) {
    const Vec3 r_tau(r[3], r[4], r[5]);
    for (int i = 0; i < k; ++i) {
      const Vec3 F(&ws.F[3 * i]);
      AddJtG(&ws.J[static_cast<size_t>(3 * i) * dof], dof, 2 * F.cross(r_tau), w.fc, grad);
    }
  }

  // E_bar: fingertips near samples off the target part
  const double thr = w.bar_radius;
  for (int i : ws.tips) {
    const Vec3 x(&ws.x[3 * i]);
    Vec3 g = Vec3::Zero();
    for (const Vec3& p : object.off_part) {
      const Vec3 v = x - p;
      const double d2 = v.squaredNorm();
      if (d2 >= thr * thr || d2 <= 0) continue;
      const double d = std::sqrt(d2), l = std::log(d / thr);
      e.bar += -(d - thr) * (d - thr) * l;
      g += (-2 * (d - thr) * l - (d - thr) * (d - thr) / d) / d * v;
    }
    if (grad) AddJtG(&ws.J[static_cast<size_t>(3 * i) * dof], dof, g, w.bar, grad);
  }

  // E_limit
  for (int j = 0; j < hand.nq(); ++j) {
    const double q = pose[7 + j], lo = hand.joints[j].lower, hi = hand.joints[j].upper;
    if (q > hi) {
      e.limit += q - hi;
      if (grad) grad[6 + j] += w.limit;
    } else if (q < lo) {
      e.limit += lo - q;
      if (grad) grad[6 + j] -= w.limit;
    }
  }

  // E_pen: hand surface samples inside the object, object samples inside the hand
  for (int l = 0; l < hand.num_links(); ++l) {
    // a link whose bounding sphere is clear of the object (one grid cell of slack for the
    // interpolation) has no sample inside
    const auto [begin, end] = hand.surface_range[l];
    if (begin == end ||
        field.Distance(Vec3(data.p(b, l)), nullptr) > hand.links[l].radius + field.spacing()) {
      continue;
    }
    for (int i = begin; i < end; ++i) {
      const LinkPoint& s = hand.surface_points[i];
      PointPosition(data, b, s, ws.sx.data());
      const Vec3 p(ws.sx.data());
      Vec3 g;
      const double d = field.Distance(p, &g);
      if (d >= 0) continue;
      e.pen -= d;
      if (grad) {
        PointJacobian(hand, data, b, s.link, ws.sx.data(), ws.sJ.data());
        AddJtG(ws.sJ.data(), dof, g, -w.pen, grad);
      }
    }
  }
  if (object.table) {  // hand samples under the table (a half-space) count as penetration
    const TablePlane& table = *object.table;
    const Vec3& n = table.normal;
    for (int l = 0; l < hand.num_links(); ++l) {
      const auto [begin, end] = hand.surface_range[l];
      if (begin == end || table.Height(Vec3(data.p(b, l))) > hand.links[l].radius) {
        continue;
      }
      for (int i = begin; i < end; ++i) {
        const LinkPoint& s = hand.surface_points[i];
        PointPosition(data, b, s, ws.sx.data());
        const double d = table.Height(Vec3(ws.sx.data()));
        if (d >= 0) continue;
        e.pen -= d;
        if (grad) {
          PointJacobian(hand, data, b, s.link, ws.sx.data(), ws.sJ.data());
          AddJtG(ws.sJ.data(), dof, n, -w.pen, grad);
        }
      }
    }
  }
  for (const Vec3& p : object.pen_points) {
    const HandDistance hd = HandSignedDistance(hand, data, b, p, 0.0);
    if (hd.distance >= 0) continue;
    e.pen -= hd.distance;
    if (grad) {
      HandDistancePoseGradient(hand, data, b, p, hd, ws.grad_pose.data());
      for (int c = 0; c < dof; ++c) grad[c] -= w.pen * ws.grad_pose[c];
    }
  }

  // E_spen
  const SelfDistance self =
      SelfCollisionDistance(hand, data, b, grad ? ws.grad_pose.data() : nullptr, 0.0);
  if (self.distance < 0) {
    e.spen = -self.distance;
    if (grad) {
      for (int c = 0; c < dof; ++c) grad[c] -= w.spen * ws.grad_pose[c];
    }
  }

  e.total = w.fc * e.fc + w.bar * e.bar + w.dis * e.dis + w.limit * e.limit + w.pen * e.pen +
            w.spen * e.spen + w.dir * e.dir;
  return e;
}

}  // namespace dexvlg
