#include "core/rotation.h"

#include <cmath>

namespace dexvlg {

Mat3 QuatToMatrix(const double* wxyz) {
  Eigen::Quaterniond q(wxyz[0], wxyz[1], wxyz[2], wxyz[3]);
  q.normalize();
  return q.toRotationMatrix();
}

void MatrixToQuat(const Mat3& R, double* wxyz) {
  Eigen::Quaterniond q(R);
  q.normalize();
  if (q.w() < 0) q.coeffs() *= -1.0;
  wxyz[0] = q.w();
  wxyz[1] = q.x();
  wxyz[2] = q.y();
  wxyz[3] = q.z();
}

Mat3 AxisAngleMatrix(const Vec3& axis, double angle) {
  return Eigen::AngleAxisd(angle, axis).toRotationMatrix();
}

Mat3 ExpSO3(const Vec3& omega) {
  const double angle = omega.norm();
  if (angle < 1e-12) return Mat3::Identity() + Skew(omega);
  return Eigen::AngleAxisd(angle, omega / angle).toRotationMatrix();
}

}  // namespace dexvlg
