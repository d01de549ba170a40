// The DexGraspNet 3.0 grasp energy (DESIGN.md §3) with its analytic pose gradient.
//
//   E = w_fc E_fc + w_bar E_bar + w_dis E_dis + w_limit E_limit + w_pen E_pen + w_spen E_spen
//       + w_dir E_dir
//
// Contacts are the mode's candidates (wrap: 7, pinch: 4), x_i their points and n_i their
// outward hand normals (object frame); c_i is the object's inward normal at x_i (minus the SDF
// gradient, held fixed within a step like DexGraspNet's face normals).
//   E_fc    ||G c||^2 while the LP residual P >= tau_fc (unstable start), ||G (f ⊙ c)||^2 after,
//           G c = sum_i [c_i; x_i x c_i] (torques about the part centre), f the LP magnitudes
//   E_bar   sum over fingertip contacts n and object samples p_j off the target part of
//           b(|x_n - p_j|), b(d) = -(d - d_thr)^2 ln(d / d_thr) on 0 < d < d_thr, else 0
//   E_dis   sum_n |d(x_n)| over fingertip contacts + w_palm sum_p |d(x_p) - d_0| over palm
//           (root-link) contacts; d: the object signed distance, for the fingertips the distance
//           to the target part's faces (signed by the object), so they are drawn to the part
//   E_limit sum_j max(0, q_j - hi_j) + max(0, lo_j - q_j)
//   E_pen   sum over hand surface samples s of max(0, -d(s)) + sum over object samples p of
//           max(0, -d_hand(p))
//   E_spen  max(0, -self distance) (closest self-collision pair)
//   E_dir   sum_i (1 - n_i . c_i): each hand normal should point into the object
#pragma once

#include <optional>
#include <vector>

#include "hand/hand_model.h"
#include "hand/kinematics.h"
#include "object/mesh_sdf.h"
#include "object/sdf_grid.h"
#include "synth/force_closure.h"

namespace dexvlg {

/// Weights and thresholds of the energy (docs/synth.md).
struct EnergyWeights {
  double fc = 1.0;
  double bar = 10000.0;
  double dis = 100.0;
  double limit = 10.0;
  double pen = 300.0;
  double spen = 300.0;
  double dir = 0.5;
  double palm = 0.2;         ///< w_palm inside E_dis
  double palm_gap = 0.005;   ///< d_0: desired palm-to-surface distance (m)
  double tau_fc = 0.5;       ///< LP residual below which E_fc uses the LP magnitudes
  double fc_floor = 0.0;     ///< least LP magnitude of a fingertip contact (0..1; palm: 0)
  double fc_friction = 0.0;  ///< friction coefficient of the LP's contact forces (0: normal only)
  int fc_edges = 4;          ///< sides of the linearised friction cone (with fc_friction > 0)
  double bar_radius = 0.01;  ///< d_thr of the part barrier (m)
};

/// A table under the object (object frame): x is below it when normal . x < offset.
struct TablePlane {
  Vec3 normal = Vec3::UnitZ();
  double offset = 0;
  /// Signed height of x over the table (negative below it).
  double Height(const Vec3& x) const { return normal.dot(x) - offset; }
};

/// What the energy needs to know about the object, built once per object and target part.
struct EnergyObject {
  const SdfGrid* field = nullptr;       ///< object signed distance (fast, interpolated)
  const SdfGrid* part_field = nullptr;  ///< distance to the target part's faces (signed by the
                                        ///< object); fingertips use it, null: `field`
  std::vector<Vec3> pen_points;         ///< object surface samples tested against the hand
  std::vector<Vec3> off_part;           ///< samples off the target part (barrier)
  Vec3 centre = Vec3::Zero();           ///< torque reference (target part centre)
  std::optional<TablePlane> table;      ///< a table: hand samples below it count in E_pen
};

/// The energy terms of one pose (unweighted) and their weighted sum.
struct EnergyTerms {
  double fc = 0, bar = 0, dis = 0, limit = 0, pen = 0, spen = 0, dir = 0, total = 0;
  double residual = 0;  ///< LP residual P of the current magnitudes
};

/// Preallocated buffers for one grasp (no allocation in Energy()).
class EnergyWorkspace {
 public:
  EnergyWorkspace() = default;
  EnergyWorkspace(const HandModel& hand, const std::vector<int>& contacts);
  std::vector<int> contacts;  ///< candidate indices of the mode
  std::vector<int> tips;      ///< indices into contacts of the fingertip (non-root) contacts
  std::vector<double> x, n, J, grad_point, grad_pose;  ///< contact points, normals, Jacobians
  std::vector<double> sx, sJ;                          ///< one surface point and its Jacobian
  double c[kMaxFcContacts * 3] = {};                   ///< inward object normals (held)
  double f[kMaxFcContacts] = {};                       ///< normal forces used by E_fc (held)
  double F[kMaxFcContacts * 3] = {};                   ///< contact forces used by E_fc (held)
  double residual = 0;                                 ///< LP residual P (held)
};

/// Energy of pose b (data must hold its forward kinematics) and, when grad is not null, its
/// gradient (dof, [t, ω (object frame, left), q]). With `refresh`, the object normals c and the
/// LP magnitudes f are recomputed first; otherwise the held ones are used (finite differences).
EnergyTerms Energy(const HandModel& hand, const EnergyObject& object, const EnergyWeights& w,
                   const KinematicsData& data, int b, const double* pose, bool refresh,
                   EnergyWorkspace& ws, double* grad);

}  // namespace dexvlg
