#include "model/grasp_codec.h"

#include <algorithm>
#include <cmath>

namespace dexvlg {

Vec3 CloudCentroid(const float* xyz, int n) {
  Vec3 above = Vec3::Zero(), all = Vec3::Zero();
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const Vec3 p(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
    all += p;
    if (p.z() > kObjectAboveTable) {
      above += p;
      ++count;
    }
  }
  if (count > 0) return above / count;
  return n > 0 ? Vec3(all / n) : Vec3(Vec3::Zero());
}

GraspCodec::GraspCodec(const ModelConfig& config)
    : joints_(config.joints),
      dim_(config.GraspDim()),
      ts_(config.translation_scale),
      ps_(config.pregrasp_scale),
      lower_(config.joint_lower),
      upper_(config.joint_upper) {
  // a config without limits (tests) normalises by [-pi, pi]
  if (static_cast<int>(lower_.size()) != joints_) lower_.assign(joints_, -M_PI);
  if (static_cast<int>(upper_.size()) != joints_) upper_.assign(joints_, M_PI);
}

void GraspCodec::Encode(const double* pregrasp, const double* grasp, const double* squeeze,
                        const Vec3& centroid, float* out) const {
  const Mat3 R = QuatToMatrix(grasp + 3);
  const Vec3 t(grasp[0], grasp[1], grasp[2]);
  float* o = out;
  for (int k = 0; k < 3; ++k) *o++ = static_cast<float>((t[k] - centroid[k]) / ts_);
  for (int c = 0; c < 2; ++c)
    for (int r = 0; r < 3; ++r) *o++ = static_cast<float>(R(r, c));
  const int J = joints_;
  for (int j = 0; j < J; ++j)
    *o++ = static_cast<float>(2 * (grasp[7 + j] - lower_[j]) / (upper_[j] - lower_[j]) - 1);
  for (int j = 0; j < J; ++j)
    *o++ = static_cast<float>(2 * (squeeze[7 + j] - grasp[7 + j]) / (upper_[j] - lower_[j]));
  const Vec3 d = R.transpose() * (Vec3(pregrasp[0], pregrasp[1], pregrasp[2]) - t) / ps_;
  for (int k = 0; k < 3; ++k) *o++ = static_cast<float>(d[k]);
  for (int j = 0; j < J; ++j)
    *o++ = static_cast<float>(2 * (pregrasp[7 + j] - grasp[7 + j]) / (upper_[j] - lower_[j]));
}

void GraspCodec::Decode(const float* v, const Vec3& centroid, double* pregrasp, double* grasp,
                        double* squeeze) const {
  const Vec3 t = centroid + ts_ * Vec3(v[0], v[1], v[2]);
  Vec3 a(v[3], v[4], v[5]), b(v[6], v[7], v[8]);
  if (a.norm() < 1e-9) a = Vec3::UnitX();
  a.normalize();
  b -= a.dot(b) * a;
  if (b.norm() < 1e-9) b = a.unitOrthogonal();
  b.normalize();
  Mat3 R;
  R.col(0) = a;
  R.col(1) = b;
  R.col(2) = a.cross(b);
  double quat[4];
  MatrixToQuat(R, quat);
  const int J = joints_;
  auto joint = [&](int j, double normalised) {
    return std::clamp(lower_[j] + (normalised + 1) * 0.5 * (upper_[j] - lower_[j]), lower_[j],
                      upper_[j]);
  };
  for (double* row : {pregrasp, grasp, squeeze}) {
    for (int k = 0; k < 3; ++k) row[k] = t[k];
    for (int k = 0; k < 4; ++k) row[3 + k] = quat[k];
  }
  const float* q = v + 9;
  const float* dq_squeeze = q + J;
  const float* d = dq_squeeze + J;
  const float* dq_pre = d + 3;
  for (int j = 0; j < J; ++j) {
    grasp[7 + j] = joint(j, q[j]);
    squeeze[7 + j] = joint(j, q[j] + dq_squeeze[j]);
    pregrasp[7 + j] = joint(j, q[j] + dq_pre[j]);
  }
  const Vec3 p = t + R * (ps_ * Vec3(d[0], d[1], d[2]));
  for (int k = 0; k < 3; ++k) pregrasp[k] = p[k];
}

void RotatePoseAboutZ(double* row, const Vec3& centre, double angle) {
  const Mat3 Rz = AxisAngleMatrix(Vec3::UnitZ(), angle);
  const Vec3 t = centre + Rz * (Vec3(row[0], row[1], row[2]) - centre);
  const Mat3 R = Rz * QuatToMatrix(row + 3);
  for (int k = 0; k < 3; ++k) row[k] = t[k];
  MatrixToQuat(R, row + 3);
}

}  // namespace dexvlg
