// Rotation helpers. Quaternions are (w, x, y, z) everywhere in dexvlg (DESIGN.md §2).
#pragma once

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace dexvlg {

using Vec3 = Eigen::Vector3d;
using Mat3 = Eigen::Matrix3d;

/// Rotation matrix of a (w, x, y, z) quaternion; the quaternion need not be normalised.
Mat3 QuatToMatrix(const double* wxyz);

/// Unit (w, x, y, z) quaternion of a rotation matrix, with w >= 0.
void MatrixToQuat(const Mat3& R, double* wxyz);

/// Rotation by `angle` radians about the unit axis `axis`.
Mat3 AxisAngleMatrix(const Vec3& axis, double angle);

/// Exponential map of a rotation vector (axis * angle), exact for all angles.
Mat3 ExpSO3(const Vec3& omega);

/// Cross-product (skew) matrix: Skew(a) * b == a.cross(b).
inline Mat3 Skew(const Vec3& a) {
  Mat3 S;
  S << 0, -a.z(), a.y(), a.z(), 0, -a.x(), -a.y(), a.x(), 0;
  return S;
}

}  // namespace dexvlg
