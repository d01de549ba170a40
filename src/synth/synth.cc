#include "synth/synth.h"

#include "synth/object_model.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <random>
#include <sstream>

#include "core/rotation.h"
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "parts/parts.h"

namespace dexvlg {
namespace {

constexpr double kPi = 3.14159265358979323846;

/// The hand's palm normal (towards what it grasps), finger direction and palm point in its root
/// frame, from the palm contacts and fingertips at the pre-shape.
struct HandFrame {
  Vec3 palm_normal = -Vec3::UnitY(), fingers = Vec3::UnitZ(), palm = Vec3::Zero();
};

HandFrame FrameOf(const HandModel& hand, const std::vector<double>& q) {
  HandFrame frame;
  KinematicsData data(hand, 1);
  const double identity[4] = {1, 0, 0, 0};
  const std::vector<double> row = PoseRow(hand, Vec3::Zero(), identity, q);
  ForwardKinematics(hand, row.data(), 0, 1, data);
  Vec3 palm = Vec3::Zero(), tips = Vec3::Zero();
  int palms = 0, fingers = 0;
  for (int c : hand.wrap) {
    double x[3];
    ContactFrames(hand, data, 0, &c, 1, x, nullptr, nullptr);
    if (hand.contacts[c].link == 0) {
      palm += Vec3(x);
      ++palms;
    } else {
      tips += Vec3(x);
      ++fingers;
    }
  }
  frame.palm_normal = PalmNormal(hand);
  if (palms > 0) frame.palm = palm / palms;
  if (fingers > 0) {
    const Vec3 u = tips / fingers - frame.palm;
    const Vec3 v = u - frame.palm_normal * frame.palm_normal.dot(u);
    if (v.norm() > 1e-9) frame.fingers = v.normalized();
  }
  return frame;
}

std::vector<double> PreShape(const HandModel& hand, GraspMode mode, std::mt19937& rng) {
  std::vector<double> q = hand.RestJoints();
  const std::vector<double> mid = hand.MidJoints();
  std::uniform_real_distribution<double> jitter(-0.1, 0.1);
  const double toward_mid = mode == GraspMode::kWrap ? 0.3 : 0.2;
  for (int j = 0; j < hand.nq(); ++j) {
    const double range = hand.joints[j].upper - hand.joints[j].lower;
    q[j] += toward_mid * (mid[j] - q[j]) + jitter(rng) * range;
    q[j] = std::clamp(q[j], hand.joints[j].lower, hand.joints[j].upper);
  }
  return q;
}

Vec3 AnyPerpendicular(const Vec3& d) { return d.unitOrthogonal(); }

/// Rotation taking the hand's (palm normal, fingers) to (d, u) (u is made perpendicular to d).
Mat3 AlignHand(const HandFrame& frame, const Vec3& d, Vec3 u) {
  u -= d * d.dot(u);
  u = u.norm() > 1e-9 ? u.normalized() : AnyPerpendicular(d);
  Mat3 A, B;
  A << frame.palm_normal, frame.fingers, frame.palm_normal.cross(frame.fingers);
  B << d, u, d.cross(u);
  return B * A.transpose();
}

/// A part whose centre (or sampled point) lies lower than this over the table is approached from
/// above (docs/synth.md "On a table").
constexpr double kLowPart = 0.04;         ///< m
constexpr double kTopTilt = 0.5;          ///< rad, the most a downward approach leans
constexpr double kTableClearance = 1e-4;  ///< m: a hand lifted off the table clears it by this

/// Whether `point` (a part's centre or sampled point) lies lower than kLowPart over `table`.
bool LowOnTable(const TablePlane& table, const Vec3& point) {
  return table.Height(point) < kLowPart;
}

std::vector<double> InitialPoseFor(const HandModel& hand, const PartModel& part, GraspMode mode,
                                   unsigned seed, int attempt, const TablePlane* table = nullptr) {
  std::mt19937 rng(seed * 1000003u + static_cast<unsigned>(attempt) * 7919u + 17u);
  std::uniform_real_distribution<double> uniform(0, 1);
  const std::vector<double> q = PreShape(hand, mode, rng);
  const HandFrame frame = FrameOf(hand, q);
  const OrientedBox& box = part.info.box;
  const Vec3 a0 = box.axes.col(0), a2 = box.axes.col(2);
  Vec3 d, u, target = box.centre;
  const double phi = 2 * kPi * uniform(rng);
  const double flip = uniform(rng) < 0.5 ? -1 : 1;
  switch (part.info.category) {
    case PartCategory::kLid: {  // palm onto the lid, 24 jittered angles about its normal
      Vec3 out = a2.dot(part.outward) >= 0 ? a2 : Vec3(-a2);
      d = -out;
      const double angle = 2 * kPi * (attempt % 24) / 24 + (uniform(rng) - 0.5) * 2 * kPi / 24;
      u = Eigen::AngleAxisd(angle, d) * a0;
      break;
    }
    case PartCategory::kDisk: {  // sideways: approach across the disk normal
      const Vec3 side = Eigen::AngleAxisd(phi, a2) * AnyPerpendicular(a2);
      d = -side;
      u = flip * a2.cross(d);
      break;
    }
    case PartCategory::kLShaped: {  // at a sampled point, against its normal, around the bar
      if (!part.points.empty()) {
        // prefer points facing away from the rest of the object (the outside of a handle)
        size_t i = static_cast<size_t>(uniform(rng) * part.points.size()) % part.points.size();
        for (int tries = 0; tries < 16 && part.normals[i].dot(part.outward) < 0.3; ++tries) {
          i = static_cast<size_t>(uniform(rng) * part.points.size()) % part.points.size();
        }
        d = -part.normals[i];
        target = part.points[i];
      } else {
        d = -(Eigen::AngleAxisd(phi, a0) * AnyPerpendicular(a0));
      }
      u = flip * a0.cross(d);
      break;
    }
    case PartCategory::kShaft:
    default: {  // perpendicular to the principal axis, fingers around it
      d = -(Eigen::AngleAxisd(phi, a0) * AnyPerpendicular(a0));
      u = flip * a0.cross(d);
      break;
    }
  }
  d.normalize();
  if (table != nullptr) {
    const Vec3& up = table->normal;
    if (LowOnTable(*table, target)) {
      // a low part (lying on the table): a side approach would put half the hand under the
      // table, so the hand comes down onto it, tilted at most kTopTilt from straight above
      // towards the category's own approach
      Vec3 h = d - d.dot(up) * up;
      if (h.norm() < 1e-6) h = AnyPerpendicular(up);
      const double tilt = kTopTilt * uniform(rng);
      d = -std::cos(tilt) * up + std::sin(tilt) * h.normalized();
      u -= u.dot(d) * d;
      if (u.norm() < 1e-6) u = AnyPerpendicular(d);
      u.normalize();
    } else if (d.dot(up) > 0) {  // a standing part: approach from the side or above, mirrored
      d -= 2 * d.dot(up) * up;
      u -= 2 * u.dot(up) * up;
    }
  }
  const Mat3 R = AlignHand(frame, d, u);
  // palm point outside the part's box along -d, 2-4 cm clear
  double support = 0;
  for (int a = 0; a < 3; ++a) support += box.half_extents[a] * std::abs(d.dot(box.axes.col(a)));
  const Vec3 centre = part.info.category == PartCategory::kLShaped ? target : box.centre;
  const double back =
      (part.info.category == PartCategory::kLShaped ? 0 : support) + 0.02 + 0.02 * uniform(rng);
  const Vec3 palm_at = centre - back * d;
  const Vec3 t = palm_at - R * frame.palm;
  const Eigen::Quaterniond quat(R);
  const double wxyz[4] = {quat.w(), quat.x(), quat.y(), quat.z()};
  return PoseRow(hand, t, wxyz, q);
}

using Worker = OptimiserWorkspace;

/// What the filters need besides the hand and the options.
struct FilterContext {
  const LabeledMesh& object;
  const MeshSdf& exact;
  const EnergyObject& eo;
  int part;
  const std::vector<int>& contacts;
  const std::vector<Vec3>& dense;  ///< object surface samples of the exact penetration check
};

/// Deepest penetration (m, <= 0 when clear) between the hand posed in `data` and the object:
/// hand samples against the exact object distance (the grid screens out those clear of the
/// surface) and object samples against the hand.
double PenetrationDepth(const HandModel& hand, const FilterContext& f, const KinematicsData& data) {
  const double screen = 2 * f.eo.field->spacing();
  double depth = -1;
  for (const LinkPoint& s : hand.surface_points) {
    double p[3];
    PointPosition(data, 0, s, p);
    const double near = f.eo.field->Distance(Vec3(p), nullptr);
    if (near > screen) continue;
    // the cutoff must exceed the depth itself, else a point deep inside reads as outside
    const double d = f.exact.Query(Vec3(p), std::abs(near) + 2 * screen).distance;
    if (d < 0 && f.exact.Inside(Vec3(p))) depth = std::max(depth, -d);  // parity confirms
  }
  for (const Vec3& p : f.dense) {
    depth = std::max(depth, -HandSignedDistance(hand, data, 0, p, 0.0).distance);
  }
  return depth;
}

/// An optimised attempt: accepted (empty reason) with its grasp, or why it was rejected.
struct Outcome {
  std::string reason;
  Grasp grasp;
};

/// The lowest hand surface sample along `normal` for the kinematics in `data` (pose 0).
double LowestAlong(const HandModel& hand, const KinematicsData& data, const Vec3& normal) {
  double lowest = std::numeric_limits<double>::infinity(), p[3];
  for (const LinkPoint& point : hand.surface_points) {
    PointPosition(data, 0, point, p);
    lowest = std::min(lowest, normal.dot(Vec3(p[0], p[1], p[2])));
  }
  return lowest;
}

/// Whether the hand in `data` reaches below `table` (false without one).
bool BelowTable(const HandModel& hand, const KinematicsData& data,
                const std::optional<TablePlane>& table) {
  return table && LowestAlong(hand, data, table->normal) < table->offset;
}

/// Filters an optimised pose x (exact distances) and, when it passes, fills the grasp with its
/// contacts, squeeze and pregrasp. `w.data` must hold x's kinematics and `w.ws` its energy.
Outcome Judge(const HandModel& hand, const FilterContext& f, const SynthOptions& options,
              const double* x, const EnergyTerms& energy, Worker& w) {
  Outcome out;
  const int k = static_cast<int>(f.contacts.size()), dof = hand.dof(), ps = hand.pose_size();
  const std::vector<double>& x_c = w.ws.x;
  const std::vector<double>& J = w.ws.J;
  double contact = 0;
  std::vector<int> parts(k);
  bool off_part = false;
  for (int c = 0; c < k; ++c) {
    const SurfaceHit hit = f.exact.Query(Vec3(&x_c[3 * c]));
    parts[c] = f.object.face_labels[hit.face];
    if (hand.contacts[f.contacts[c]].link == 0) continue;  // the palm keeps its gap (E_dis)
    contact = std::max(contact, std::abs(hit.distance));
    if (parts[c] != f.part) off_part = true;
  }
  const double pen_depth = PenetrationDepth(hand, f, w.data);
  const double self = -SelfCollisionDistance(hand, w.data, 0, nullptr, 0.0).distance;
  if (contact > options.max_contact_distance) {
    out.reason = "contact distance";
  } else if (pen_depth > options.max_penetration) {
    out.reason = "penetration";
  } else if (self > options.max_self_penetration) {
    out.reason = "self-penetration";
  } else if (energy.residual > options.max_residual) {
    out.reason = "force closure";
  } else if (BelowTable(hand, w.data, options.table)) {
    out.reason = "below the table";
  } else if (energy.limit > 1e-9) {
    out.reason = "joint limits";
  } else if (off_part) {
    out.reason = "off the target part";
  }
  if (!out.reason.empty()) return out;
  Grasp& g = out.grasp;
  g.grasp.assign(x, x + ps);
  g.energy = energy;
  g.penetration = std::max(0.0, pen_depth);
  g.self_penetration = std::max(0.0, self);
  g.contact_parts = parts;
  // squeeze: every contact's finger closes along the joint direction that pushes that contact
  // into the object (J_q^T c), the largest joint of the finger by squeeze_angle x its LP force,
  // so that each finger presses (one global normalisation left most fingers idle)
  std::vector<double> dir(hand.nq(), 0.0), mine(hand.nq());
  for (int c = 0; c < k; ++c) {
    g.contact_points.emplace_back(&x_c[3 * c]);
    g.contact_forces.push_back(w.ws.f[c]);
    double largest = 0;
    for (int j = 0; j < hand.nq(); ++j) {
      mine[j] = 0;
      for (int a = 0; a < 3; ++a) {
        mine[j] += J[(static_cast<size_t>(3 * c) + a) * dof + 6 + j] * w.ws.c[3 * c + a];
      }
      largest = std::max(largest, std::abs(mine[j]));
    }
    if (largest < 1e-9) continue;  // a palm contact: no joint moves it
    for (int j = 0; j < hand.nq(); ++j) {
      dir[j] += options.squeeze_force > 0 ? w.ws.f[c] * mine[j] : w.ws.f[c] * mine[j] / largest;
    }
  }
  g.squeeze = g.grasp;
  for (int j = 0; j < hand.nq(); ++j) {
    // force mode: the joint torque J^T (F f c) over the actuators' stiffness
    const double step = options.squeeze_force > 0
                            ? options.squeeze_force * dir[j] / options.squeeze_stiffness
                            : options.squeeze_angle * std::clamp(dir[j], -1.0, 1.0);
    g.squeeze[7 + j] = std::clamp(x[7 + j] + step, hand.joints[j].lower, hand.joints[j].upper);
  }
  if (options.table) {  // the squeezing fingers must not dig under the table either
    ForwardKinematics(hand, g.squeeze.data(), 0, 1, w.data);
    if (BelowTable(hand, w.data, options.table)) {
      out.reason = "below the table";
      return out;
    }
  }
  // pregrasp: fingers opened towards the rest pose and the palm backed off along its normal;
  // the first clear candidate (a hook around a handle must open before it backs off)
  const double candidates[][2] = {{0.5, 0.02}, {1.0, 0.02}, {1.0, 0.01}, {0.5, 0.01}, {1.0, 0.0}};
  for (const auto& [open, back] : candidates) {
    g.pregrasp = OpenedPose(hand, g.grasp, open, back);
    ForwardKinematics(hand, g.pregrasp.data(), 0, 1, w.data);
    if (BelowTable(hand, w.data, options.table)) {
      continue;  // an opened hand reaching under the table
    }
    if (PenetrationDepth(hand, f, w.data) <= 0) return out;
  }
  out.reason = "no clear pregrasp";
  return out;
}

/// Runs `refine` on an accepted grasp, then its contacts anew and the penetration and table
/// filters on the moved rows.
void Refine(const HandModel& hand, const FilterContext& f, const SynthOptions& options,
            const GraspRefiner& refine, Outcome& out, Worker& w) {
  Grasp& g = out.grasp;
  out.reason = refine(g);
  if (!out.reason.empty()) return;
  const int k = static_cast<int>(f.contacts.size());
  ForwardKinematics(hand, g.grasp.data(), 0, 1, w.data);
  std::vector<double> x(3 * k);
  ContactFrames(hand, w.data, 0, f.contacts.data(), k, x.data(), nullptr, nullptr);
  g.contact_points.clear();
  for (int c = 0; c < k; ++c) {
    g.contact_points.emplace_back(&x[3 * c]);
    const SurfaceHit hit = f.exact.Query(Vec3(&x[3 * c]));
    g.contact_parts[c] = hit.face >= 0 ? f.object.face_labels[hit.face] : -1;
  }
  const double depth = PenetrationDepth(hand, f, w.data);
  g.penetration = std::max(0.0, depth);
  if (depth > options.max_penetration) {
    out.reason = "penetration after refinement";
    return;
  }
  if (!options.table) return;
  for (const std::vector<double>* row : {&g.pregrasp, &g.grasp, &g.squeeze}) {
    ForwardKinematics(hand, row->data(), 0, 1, w.data);
    if (BelowTable(hand, w.data, options.table)) {
      out.reason = "below the table after refinement";
      return;
    }
  }
}

}  // namespace

void CoupleJoints(const HandModel& hand, double* q) {
  for (const JointCoupling& c : hand.couplings) {
    if (c.kind != "tendon" || c.joints.size() < 2) continue;
    bool equal = true;
    for (double coef : c.coefs) equal = equal && std::abs(coef - c.coefs[0]) < 1e-9;
    if (!equal) continue;
    double mean = 0, lo = -1e9, hi = 1e9;
    for (int j : c.joints) {
      mean += q[j] / c.joints.size();
      lo = std::max(lo, hand.joints[j].lower);
      hi = std::min(hi, hand.joints[j].upper);
    }
    for (int j : c.joints) q[j] = lo <= hi ? std::clamp(mean, lo, hi) : q[j];
  }
}

Status SynthOptions::Validate() const {
  std::ostringstream bad;
  auto positive = [&](const char* name, double v) {
    if (bad.tellp() == 0 && !(v > 0 && std::isfinite(v)))
      bad << name << " " << v << " (expected > 0)";
  };
  auto non_negative = [&](const char* name, double v) {
    if (bad.tellp() == 0 && !(v >= 0 && std::isfinite(v)))
      bad << name << " " << v << " (expected >= 0)";
  };
  positive("count", count);
  positive("steps", steps);
  positive("batch", batch);
  non_negative("max_attempts", max_attempts);
  positive("lr_t", lr_t);
  positive("lr_r", lr_r);
  positive("lr_q", lr_q);
  positive("sdf_spacing", sdf_spacing);
  positive("surface_stride", surface_stride);
  non_negative("max_penetration", max_penetration);
  non_negative("max_self_penetration", max_self_penetration);
  non_negative("max_contact_distance", max_contact_distance);
  non_negative("max_residual", max_residual);
  non_negative("squeeze_angle", squeeze_angle);
  if (bad.tellp() == 0 && !(weights.fc_floor >= 0 && weights.fc_floor <= 1))
    bad << "fc_floor " << weights.fc_floor << " (expected 0..1)";
  if (bad.tellp() == 0 && !(weights.palm >= 0 && std::isfinite(weights.palm)))
    bad << "palm weight " << weights.palm << " (expected >= 0)";
  if (bad.tellp() == 0 && !(touch_palm >= 0 && std::isfinite(touch_palm)))
    bad << "touch_palm " << touch_palm << " (expected >= 0)";
  if (bad.tellp() == 0 && !(weights.palm_gap >= 0 && weights.palm_gap <= 0.05))
    bad << "palm_gap " << weights.palm_gap << " (expected 0..0.05 m)";
  if (bad.tellp() == 0 && !(weights.fc_friction >= 0 && weights.fc_friction <= 2))
    bad << "fc_friction " << weights.fc_friction << " (expected 0..2)";
  if (bad.tellp() == 0 && !(weights.fc_edges >= 3 && weights.fc_edges <= kMaxFcEdges))
    bad << "fc_edges " << weights.fc_edges << " (expected 3.." << kMaxFcEdges << ")";
  non_negative("squeeze_force", squeeze_force);
  positive("squeeze_stiffness", squeeze_stiffness);
  if (bad.tellp() == 0 && table && !(std::abs(table->normal.norm() - 1) < 1e-6)) {
    bad << "table normal of length " << table->normal.norm() << " (expected a unit vector)";
  }
  if (bad.tellp() != 0) return Error{"synthesis options: " + bad.str()};
  return Status::Ok();
}

Status CheckGraspableSize(const TriMesh& mesh, const std::string& label) {
  Vec3 lo, hi;
  mesh.Bounds(&lo, &hi);
  const double size = (hi - lo).norm();
  if (size >= kMinGraspableSize && size <= kMaxGraspableSize) return Status::Ok();
  std::ostringstream m;
  m << std::setprecision(3) << label << ": " << size << " m across (bounding-box diagonal); a hand "
    << "grasps objects of " << kMinGraspableSize << " to " << kMaxGraspableSize << " m. "
    << "Rescale it: --scale " << 0.25 / std::max(size, 1e-12) << " makes it 0.25 m, or --size "
    << "0.1:0.3 fits it into 10-30 cm";
  return Error{m.str()};
}

const char* ModeName(GraspMode mode) { return mode == GraspMode::kWrap ? "wrap" : "pinch"; }

const char* PalmModeName(PalmMode mode) {
  return mode == PalmMode::kAuto ? "auto" : mode == PalmMode::kTouch ? "touch" : "gap";
}

bool ParsePalmMode(const std::string& name, PalmMode* mode) {
  for (PalmMode m : {PalmMode::kAuto, PalmMode::kTouch, PalmMode::kGap}) {
    if (name == PalmModeName(m)) {
      *mode = m;
      return true;
    }
  }
  return false;
}

bool PalmTouches(const PartInfo& part) {
  const Vec3& h = part.box.half_extents;
  return part.category == PartCategory::kShaft && h[1] >= kPalmTouchMinHalfWidth &&
         h[0] >= kPalmTouchElongation * h[1];
}

const std::vector<int>& ModeContacts(const HandModel& hand, GraspMode mode) {
  return mode == GraspMode::kWrap ? hand.wrap : hand.pinch;
}

Vec3 PalmNormal(const HandModel& hand) {
  Vec3 normal = Vec3::Zero();
  for (int c : hand.wrap) {
    if (hand.contacts[c].link == 0) normal += hand.contacts[c].n_L;
  }
  return normal.norm() > 1e-9 ? Vec3(normal.normalized()) : Vec3(-Vec3::UnitY());
}

std::vector<double> OpenedPose(const HandModel& hand, const std::vector<double>& pose, double open,
                               double back) {
  std::vector<double> out = pose;
  const Mat3 R = Eigen::Quaterniond(pose[3], pose[4], pose[5], pose[6]).toRotationMatrix();
  const Vec3 normal = R * PalmNormal(hand);
  for (int a = 0; a < 3; ++a) out[a] -= back * normal[a];
  const std::vector<double> rest = hand.RestJoints();
  for (int j = 0; j < hand.nq(); ++j) out[7 + j] += open * (rest[j] - pose[7 + j]);
  return out;
}

HandModel CoarseSurface(const HandModel& hand, int stride) {
  HandModel coarse = hand;
  if (stride <= 1) return coarse;
  coarse.surface_points.clear();
  for (int l = 0; l < hand.num_links(); ++l) {
    const auto [begin, end] = hand.surface_range[l];
    const int first = static_cast<int>(coarse.surface_points.size());
    for (int i = begin; i < end; i += stride)
      coarse.surface_points.push_back(hand.surface_points[i]);
    coarse.surface_range[l] = {first, static_cast<int>(coarse.surface_points.size())};
  }
  return coarse;
}

std::vector<double> InitialPose(const HandModel& hand, const LabeledMesh& object, int part,
                                GraspMode mode, unsigned seed, int attempt,
                                const TablePlane* table) {
  return InitialPoseFor(hand, DescribePart(object, part), mode, seed, attempt, table);
}

std::vector<double> InitialPose(const HandModel& hand, const ObjectModel& object, int part,
                                GraspMode mode, unsigned seed, int attempt,
                                const TablePlane* table) {
  return InitialPoseFor(hand, object.Part(part), mode, seed, attempt, table);
}

double LowestAlong(const HandModel& hand, const double* pose, const Vec3& normal) {
  KinematicsData data(hand, 1);
  ForwardKinematics(hand, pose, 0, 1, data);
  return LowestAlong(hand, data, normal);
}

OptimiserWorkspace::OptimiserWorkspace(const HandModel& hand, const std::vector<int>& contacts)
    : data(hand, 1),
      ws(hand, contacts),
      grad(hand.dof()),
      m(hand.dof()),
      v(hand.dof()),
      delta(hand.dof()) {}

std::pair<EnergyTerms, EnergyTerms> OptimisePose(const HandModel& hand, const HandModel& coarse,
                                                 const EnergyObject& object,
                                                 const SynthOptions& options, int steps, double* x,
                                                 OptimiserWorkspace& w) {
  const int dof = hand.dof();
  EnergyTerms first;
  std::fill(w.m.begin(), w.m.end(), 0.0);
  std::fill(w.v.begin(), w.v.end(), 0.0);
  for (int step = 0; step < steps; ++step) {
    ForwardKinematics(hand, x, 0, 1, w.data);
    const EnergyTerms e =
        Energy(coarse, object, options.weights, w.data, 0, x, true, w.ws, w.grad.data());
    if (step == 0) first = e;
    // Adam, step sizes decaying linearly to 10%
    const double decay = 1.0 - 0.9 * step / steps;
    const double b1 = 0.9, b2 = 0.999;
    const double c1 = 1 - std::pow(b1, step + 1), c2 = 1 - std::pow(b2, step + 1);
    double* delta = w.delta.data();
    for (int c = 0; c < dof; ++c) {
      w.m[c] = b1 * w.m[c] + (1 - b1) * w.grad[c];
      w.v[c] = b2 * w.v[c] + (1 - b2) * w.grad[c] * w.grad[c];
      const double lr = c < 3 ? options.lr_t : c < 6 ? options.lr_r : options.lr_q;
      delta[c] = -decay * lr * (w.m[c] / c1) / (std::sqrt(w.v[c] / c2) + 1e-12);
    }
    for (int a = 0; a < 3; ++a) x[a] += delta[a];
    const Eigen::Quaterniond qr(x[3], x[4], x[5], x[6]);
    const Eigen::Quaterniond updated =
        Eigen::Quaterniond(ExpSO3(Vec3(delta[3], delta[4], delta[5])) * qr.toRotationMatrix())
            .normalized();
    x[3] = updated.w();
    x[4] = updated.x();
    x[5] = updated.y();
    x[6] = updated.z();
    for (int j = 0; j < hand.nq(); ++j) {
      x[7 + j] = std::clamp(x[7 + j] + delta[6 + j], hand.joints[j].lower, hand.joints[j].upper);
    }
    if (options.couple_joints) CoupleJoints(hand, x + 7);
  }
  ForwardKinematics(hand, x, 0, 1, w.data);
  if (object.table) {
    // a hand pressing into the table by no more than the penetration tolerance (E_pen lets the
    // optimiser rest a few tenths of a millimetre to 2 mm in it) is lifted clear of it, so that
    // the filter's strict test (nothing below the table) judges the grasp a lifted hand makes
    const double low = LowestAlong(hand, w.data, object.table->normal) - object.table->offset;
    if (low < 0 && low > -options.max_penetration) {
      for (int a = 0; a < 3; ++a) x[a] += (kTableClearance - low) * object.table->normal[a];
      ForwardKinematics(hand, x, 0, 1, w.data);
    }
  }
  const EnergyTerms last =
      Energy(coarse, object, options.weights, w.data, 0, x, true, w.ws, nullptr);
  return {steps > 0 ? first : last, last};
}

namespace {

/// The label of `options.part` on `object`, or an error listing its parts.
Expected<int> TargetLabel(const LabeledMesh& object, const SynthOptions& options) {
  if (const int label = object.PartLabel(options.part); label >= 0) return label;
  std::string names;
  for (const std::string& name : object.part_names) names += (names.empty() ? "" : ", ") + name;
  return Error{object.name + ": no part named \"" + options.part + "\" (parts: " + names + ")"};
}

}  // namespace

Expected<SynthResult> Synthesize(const HandModel& hand, const LabeledMesh& object,
                                 const SynthOptions& options,
                                 const std::function<void(int, int)>& progress,
                                 const GraspRefiner& refine) {
  const auto start = std::chrono::steady_clock::now();
  if (auto label = TargetLabel(object, options); !label) return label.error();
  if (Status s = options.Validate(); !s) return s.error();
  ObjectModel::Options mo;
  mo.sdf_spacing = options.sdf_spacing;
  mo.sample_seed = options.seed + 1;
  auto model = ObjectModel::Build(object, mo);
  if (!model) return model.error();
  auto result = Synthesize(hand, **model, options, progress, refine);
  if (result) {  // the object's fields and samples count as this run's setup
    const double built = (*model)->build_seconds();
    result->summary.setup_seconds += built;
    result->summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return result;
}

Expected<SynthResult> Synthesize(const HandModel& hand, const ObjectModel& model,
                                 const SynthOptions& requested,
                                 const std::function<void(int, int)>& progress,
                                 const GraspRefiner& refine) {
  const auto start = std::chrono::steady_clock::now();
  const LabeledMesh& object = model.object();
  SynthOptions options = requested;  // with the palm weights the part calls for (below)
  SynthResult result;
  auto label = TargetLabel(object, options);
  if (!label) return label.error();
  const int part = *label;
  result.target_label = part;
  result.contacts = ModeContacts(hand, options.mode);
  const int k = static_cast<int>(result.contacts.size());
  if (k < 2 || k > kMaxFcContacts) {
    return Error{"hand: the " + std::string(ModeName(options.mode)) + " set has " +
                 std::to_string(k) + " contacts (2.." + std::to_string(kMaxFcContacts) + ")"};
  }
  if (Status s = options.Validate(); !s) return s.error();
  if (std::abs(model.options().sdf_spacing - options.sdf_spacing) > 1e-12) {
    std::ostringstream m;
    m << object.name << ": the object model's grids have spacing " << model.options().sdf_spacing
      << " m, the synthesis options ask for " << options.sdf_spacing << " m";
    return Error{m.str()};
  }
  const PartModel& setup = model.Part(part);
  SynthSummary& summary = result.summary;
  // auto: not on a part lying on a table, which the hand comes down onto from above (the
  // touching palm lost the lying bottle and box of docs/synth.md "The palm")
  const bool lying = options.table && LowOnTable(*options.table, setup.info.box.centre);
  summary.palm_touch = options.palm == PalmMode::kTouch ||
                       (options.palm == PalmMode::kAuto && PalmTouches(setup.info) && !lying);
  if (summary.palm_touch) {
    options.weights.palm = options.touch_palm;
    options.weights.palm_gap = 0;
  }
  EnergyObject eo;
  eo.field = &model.field();
  eo.part_field = &setup.field;
  eo.centre = setup.info.box.centre;
  eo.table = options.table;
  eo.pen_points = model.pen_points();
  eo.off_part = setup.off_part;
  const MeshSdf& exact = model.exact();
  const SurfaceSamples& dense = model.dense();

  const int ps = hand.pose_size();
  const int max_attempts = options.max_attempts > 0 ? options.max_attempts : 16 * options.count;
  tbb::enumerable_thread_specific<Worker> workers([&] { return Worker(hand, result.contacts); });
  const FilterContext filter{object, exact, eo, part, result.contacts, dense.points};
  const HandModel optimised = CoarseSurface(hand, options.surface_stride);
  summary.setup_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double energy_start = 0, energy_end = 0;
  while (summary.accepted < options.count && summary.attempts < max_attempts) {
    const int n = std::min(options.batch, max_attempts - summary.attempts);
    const int first = summary.attempts;
    std::vector<double> poses(static_cast<size_t>(n) * ps);
    std::vector<EnergyTerms> e0(n), e1(n);
    std::vector<Outcome> outcomes(n);
    tbb::parallel_for(0, n, [&](int i) {
      Worker& w = workers.local();
      double* x = &poses[static_cast<size_t>(i) * ps];
      const std::vector<double> init =
          InitialPoseFor(hand, setup, options.mode, options.seed, first + i,
                         options.table ? &*options.table : nullptr);
      std::copy(init.begin(), init.end(), x);
      std::tie(e0[i], e1[i]) = OptimisePose(hand, optimised, eo, options, options.steps, x, w);
      outcomes[i] = Judge(hand, filter, options, x, e1[i], w);
      if (refine && outcomes[i].reason.empty())
        Refine(hand, filter, options, refine, outcomes[i], w);
      outcomes[i].grasp.attempt = first + i;
    });
    summary.steps += static_cast<long long>(n) * options.steps;
    // accept in attempt order (the outcome of an attempt does not depend on the threads)
    for (int i = 0; i < n && summary.accepted < options.count; ++i) {
      ++summary.attempts;
      energy_start += e0[i].total;
      energy_end += e1[i].total;
      if (!outcomes[i].reason.empty()) {
        ++summary.rejected[outcomes[i].reason];
        continue;
      }
      result.grasps.push_back(std::move(outcomes[i].grasp));
      ++summary.accepted;
    }
    if (progress) progress(summary.accepted, options.count);
  }
  if (summary.attempts > 0) {
    summary.mean_energy_start = energy_start / summary.attempts;
    summary.mean_energy_end = energy_end / summary.attempts;
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace dexvlg
