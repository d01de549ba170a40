// Batched forward kinematics and analytic point Jacobians (allocation-free hot path).
//
// Poses are rows [t(3), quat(4) (w,x,y,z), q(nq)] of the hand root frame H in the object/world
// frame O plus joint values, batch dimension first: the 29-value rows of DESIGN.md §2 for a
// 22-joint hand. Jacobian columns are [dt(3), dω(3), dq(nq)] where ω is a rotation perturbation of
// the root expressed in O and applied on the left: R_OH <- Exp(ω) R_OH. Rows are row-major 3 x
// dof().
#pragma once

#include <vector>

#include "hand/hand_model.h"

namespace dexvlg {

/// Per-thread (or per-batch) workspace for ForwardKinematics; allocate once, reuse for every call.
/// Arrays are batch-first: link l of pose b has rotation R(b, l) (row-major 3x3) and origin p(b,
/// l).
class KinematicsData {
 public:
  KinematicsData() = default;
  KinematicsData(const HandModel& model, int capacity);

  int capacity() const { return capacity_; }
  /// World rotation (row-major 3x3) of link l in pose b.
  double* R(int b, int l) { return &R_[(static_cast<size_t>(b) * num_links_ + l) * 9]; }
  const double* R(int b, int l) const { return &R_[(static_cast<size_t>(b) * num_links_ + l) * 9]; }
  /// World origin of link l in pose b.
  double* p(int b, int l) { return &p_[(static_cast<size_t>(b) * num_links_ + l) * 3]; }
  const double* p(int b, int l) const { return &p_[(static_cast<size_t>(b) * num_links_ + l) * 3]; }
  /// World axis and anchor of joint j in pose b.
  double* axis(int b, int j) { return &axis_[(static_cast<size_t>(b) * nq_ + j) * 3]; }
  const double* axis(int b, int j) const { return &axis_[(static_cast<size_t>(b) * nq_ + j) * 3]; }
  double* anchor(int b, int j) { return &anchor_[(static_cast<size_t>(b) * nq_ + j) * 3]; }
  const double* anchor(int b, int j) const {
    return &anchor_[(static_cast<size_t>(b) * nq_ + j) * 3];
  }
  /// Root translation of pose b, kept for the rotation columns of the Jacobians.
  const double* root(int b) const { return p(b, 0); }

 private:
  int capacity_ = 0, num_links_ = 0, nq_ = 0;
  std::vector<double> R_, p_, axis_, anchor_;
};

/// Computes every link frame for poses [begin, end) of `poses` (row stride model.pose_size()).
/// Writes data slots [begin, end); distinct ranges may run on different threads at once.
void ForwardKinematics(const HandModel& model, const double* poses, int begin, int end,
                       KinematicsData& data);

/// World position (3) of a point rigidly attached to `link`, pose b (after ForwardKinematics).
void PointPosition(const KinematicsData& data, int b, const LinkPoint& point, double* p_O);

/// Jacobian (3 x dof, row-major) of the velocity of `link`'s rigid motion at the world point p_O,
/// for pose b: d p / d [t, ω, q]. Joints that do not move `link` get zero columns.
void PointJacobian(const HandModel& model, const KinematicsData& data, int b, int link,
                   const double* p_O, double* J);

/// Positions (n x 3) and Jacobians (n x 3 x dof) of `n` link points in pose b; J may be null.
void PointsWithJacobians(const HandModel& model, const KinematicsData& data, int b,
                         const LinkPoint* points, int n, double* p_O, double* J);

/// Contact points (n x 3), outward normals (n x 3) and position Jacobians (n x 3 x dof, may be
/// null) of the listed contact candidates in pose b.
void ContactFrames(const HandModel& model, const KinematicsData& data, int b, const int* contacts,
                   int n, double* p_O, double* n_O, double* J);

/// `count` seeded random pose rows: translation ~ N(0, 0.1 m) per axis, uniformly random
/// rotation, joints uniform within their limits (within [-pi, pi] when unlimited).
std::vector<double> RandomPoses(const HandModel& model, int count, unsigned seed);

/// Pose row helpers: writes [t, quat, q] for identity rotation and the given joints.
std::vector<double> PoseRow(const HandModel& model, const Vec3& t, const double* quat_wxyz,
                            const std::vector<double>& q);

/// The pose row `s` (0..1) of the way from row `a` to row `b` (`size` values each): translation
/// and joints linear, the rotation by slerp (the shorter way). How the simulator moves the hand
/// between rows and the viewer animates it.
void BlendPoseRows(const double* a, const double* b, int size, double s, double* out);

}  // namespace dexvlg
