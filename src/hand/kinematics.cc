#include "hand/kinematics.h"

#include <cmath>
#include <cstring>
#include <random>

#include <Eigen/Geometry>

#include "core/demand.h"

namespace dexvlg {
namespace {

using RowMat3 = Eigen::Matrix<double, 3, 3, Eigen::RowMajor>;
using MapMat3 = Eigen::Map<RowMat3>;
using MapConstMat3 = Eigen::Map<const RowMat3>;
using MapVec3 = Eigen::Map<Vec3>;
using MapConstVec3 = Eigen::Map<const Vec3>;

// Rodrigues' formula for a unit axis.
inline Mat3 Rotation(const Vec3& axis, double angle) {
  const double s = std::sin(angle), c = std::cos(angle), t = 1.0 - c;
  const double x = axis.x(), y = axis.y(), z = axis.z();
  Mat3 R;
  R << t * x * x + c, t * x * y - s * z, t * x * z + s * y,  //
      t * x * y + s * z, t * y * y + c, t * y * z - s * x,   //
      t * x * z - s * y, t * y * z + s * x, t * z * z + c;
  return R;
}

}  // namespace

KinematicsData::KinematicsData(const HandModel& model, int capacity)
    : capacity_(capacity), num_links_(model.num_links()), nq_(model.nq()) {
  DEXVLG_DEMAND(capacity >= 0, "capacity: expected >= 0, got " << capacity);
  R_.assign(static_cast<size_t>(capacity) * num_links_ * 9, 0.0);
  p_.assign(static_cast<size_t>(capacity) * num_links_ * 3, 0.0);
  axis_.assign(static_cast<size_t>(capacity) * nq_ * 3, 0.0);
  anchor_.assign(static_cast<size_t>(capacity) * nq_ * 3, 0.0);
}

namespace {

// Which coordinate axis a unit joint axis is (0, 1, 2), or -1; `sign` gets +1 or -1.
inline int AxisIndex(const Vec3& a, double* sign) {
  for (int i = 0; i < 3; ++i) {
    const int u = (i + 1) % 3, v = (i + 2) % 3;
    if (a[u] == 0.0 && a[v] == 0.0 && std::abs(a[i]) == 1.0) {
      *sign = a[i];
      return i;
    }
  }
  return -1;
}

// R <- R * Rot(axis_i, angle) for a coordinate axis i: only two columns of R change.
inline void RotateColumns(double* R, int i, double c, double s) {
  const int u = (i + 1) % 3, v = (i + 2) % 3;
  for (int r = 0; r < 3; ++r) {
    const double a = R[3 * r + u], b = R[3 * r + v];
    R[3 * r + u] = c * a + s * b;
    R[3 * r + v] = -s * a + c * b;
  }
}

inline bool IsIdentity(const Mat3& R) { return R == Mat3::Identity(); }

}  // namespace

void ForwardKinematics(const HandModel& model, const double* poses, int begin, int end,
                       KinematicsData& data) {
  DEXVLG_DEMAND(0 <= begin && begin <= end && end <= data.capacity(),
                "pose range: expected within [0, " << data.capacity() << "], got [" << begin << ", "
                                                   << end << ")");
  const int stride = model.pose_size();
  const int num_links = model.num_links();
  for (int b = begin; b < end; ++b) {
    const double* x = poses + static_cast<size_t>(b) * stride;
    const double* q = x + 7;
    // root: the free pose of the hand
    {
      Eigen::Quaterniond quat(x[3], x[4], x[5], x[6]);
      const double norm = quat.norm();
      DEXVLG_DEMAND(norm > 1e-12, "pose " << b << ": quaternion has zero norm");
      quat.coeffs() /= norm;
      MapMat3(data.R(b, 0)) = quat.toRotationMatrix();
      MapVec3(data.p(b, 0)) = MapConstVec3(x);
    }
    for (int l = 1; l < num_links; ++l) {
      const Link& link = model.links[l];
      MapConstMat3 R_parent(data.R(b, link.parent));
      MapConstVec3 p_parent(data.p(b, link.parent));
      double* R = data.R(b, l);
      MapMat3 R_map(R);
      if (IsIdentity(link.R_PL)) {
        R_map = R_parent;
      } else {
        R_map.noalias() = R_parent * link.R_PL;
      }
      Vec3 p = p_parent + R_parent * link.p_PL;
      for (int j = link.first_joint; j < link.first_joint + link.num_joints; ++j) {
        const Joint& joint = model.joints[j];
        const bool off_centre = !joint.pos_L.isZero(0.0);
        const Vec3 anchor = off_centre ? Vec3(p + R_map * joint.pos_L) : p;
        const Vec3 axis = R_map * joint.axis_L;
        MapVec3(data.anchor(b, j)) = anchor;
        MapVec3(data.axis(b, j)) = axis;
        const double value = q[j] - joint.ref;
        if (joint.type == JointType::kHinge) {
          double sign = 1;
          const int i = AxisIndex(joint.axis_L, &sign);
          if (i >= 0) {
            RotateColumns(R, i, std::cos(value), sign * std::sin(value));
          } else {
            const Mat3 rotated = R_map * Rotation(joint.axis_L, value);
            R_map = rotated;
          }
          if (off_centre) p = anchor - R_map * joint.pos_L;
        } else {
          p += axis * value;
        }
      }
      MapVec3(data.p(b, l)) = p;
    }
  }
}

void PointPosition(const KinematicsData& data, int b, const LinkPoint& point, double* p_O) {
  MapVec3 out(p_O);
  out = MapConstVec3(data.p(b, point.link)) + MapConstMat3(data.R(b, point.link)) * point.p_L;
}

void PointJacobian(const HandModel& model, const KinematicsData& data, int b, int link,
                   const double* p_O, double* J) {
  const int dof = model.dof();
  std::memset(J, 0, sizeof(double) * 3 * dof);
  const Vec3 p = MapConstVec3(p_O);
  const Vec3 r = p - MapConstVec3(data.root(b));
  // translation: identity; rotation: ω x r = -[r]x ω
  for (int i = 0; i < 3; ++i) J[i * dof + i] = 1.0;
  J[0 * dof + 4] = r.z();
  J[0 * dof + 5] = -r.y();
  J[1 * dof + 3] = -r.z();
  J[1 * dof + 5] = r.x();
  J[2 * dof + 3] = r.y();
  J[2 * dof + 4] = -r.x();
  for (int j : model.links[link].chain_joints) {
    const Vec3 axis = MapConstVec3(data.axis(b, j));
    Vec3 col;
    if (model.joints[j].type == JointType::kHinge) {
      col = axis.cross(p - MapConstVec3(data.anchor(b, j)));
    } else {
      col = axis;
    }
    J[0 * dof + 6 + j] = col.x();
    J[1 * dof + 6 + j] = col.y();
    J[2 * dof + 6 + j] = col.z();
  }
}

void PointsWithJacobians(const HandModel& model, const KinematicsData& data, int b,
                         const LinkPoint* points, int n, double* p_O, double* J) {
  const int dof = model.dof();
  for (int i = 0; i < n; ++i) {
    PointPosition(data, b, points[i], p_O + 3 * i);
    if (J != nullptr) {
      PointJacobian(model, data, b, points[i].link, p_O + 3 * i,
                    J + static_cast<size_t>(i) * 3 * dof);
    }
  }
}

void ContactFrames(const HandModel& model, const KinematicsData& data, int b, const int* contacts,
                   int n, double* p_O, double* n_O, double* J) {
  const int dof = model.dof();
  for (int i = 0; i < n; ++i) {
    const ContactCandidate& c = model.contacts[contacts[i]];
    MapConstMat3 R(data.R(b, c.link));
    MapVec3(p_O + 3 * i) = MapConstVec3(data.p(b, c.link)) + R * c.p_L;
    if (n_O != nullptr) MapVec3(n_O + 3 * i) = R * c.n_L;
    if (J != nullptr) {
      PointJacobian(model, data, b, c.link, p_O + 3 * i, J + static_cast<size_t>(i) * 3 * dof);
    }
  }
}

std::vector<double> RandomPoses(const HandModel& model, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> poses(static_cast<size_t>(count) * model.pose_size());
  for (int b = 0; b < count; ++b) {
    double* x = &poses[static_cast<size_t>(b) * model.pose_size()];
    for (int i = 0; i < 3; ++i) x[i] = 0.1 * normal(rng);
    double norm = 0;
    for (int i = 3; i < 7; ++i) {
      x[i] = normal(rng);  // a normalised 4D Gaussian is a uniform rotation
      norm += x[i] * x[i];
    }
    for (int i = 3; i < 7; ++i) x[i] /= std::sqrt(norm);
    for (int j = 0; j < model.nq(); ++j) {
      const Joint& jt = model.joints[j];
      std::uniform_real_distribution<double> u(jt.limited ? jt.lower : -3.14159,
                                               jt.limited ? jt.upper : 3.14159);
      x[7 + j] = u(rng);
    }
  }
  return poses;
}

std::vector<double> PoseRow(const HandModel& model, const Vec3& t, const double* quat_wxyz,
                            const std::vector<double>& q) {
  DEXVLG_DEMAND(static_cast<int>(q.size()) == model.nq(),
                "joint vector: expected " << model.nq() << " values, got " << q.size());
  std::vector<double> row(model.pose_size());
  row[0] = t.x();
  row[1] = t.y();
  row[2] = t.z();
  for (int i = 0; i < 4; ++i) row[3 + i] = quat_wxyz[i];
  for (int j = 0; j < model.nq(); ++j) row[7 + j] = q[j];
  return row;
}

void BlendPoseRows(const double* a, const double* b, int size, double s, double* out) {
  for (int i = 0; i < size; ++i) out[i] = (1 - s) * a[i] + s * b[i];
  const Eigen::Quaterniond qa(a[3], a[4], a[5], a[6]), qb(b[3], b[4], b[5], b[6]);
  const Eigen::Quaterniond q = qa.normalized().slerp(s, qb.normalized());
  out[3] = q.w();
  out[4] = q.x();
  out[5] = q.y();
  out[6] = q.z();
}

}  // namespace dexvlg
