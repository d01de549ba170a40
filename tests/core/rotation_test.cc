#include "core/rotation.h"

#include <gtest/gtest.h>

#include <random>

namespace dexvlg {
namespace {

TEST(RotationTest, QuaternionRoundTrip) {
  std::mt19937 rng(1);
  std::normal_distribution<double> n;
  for (int i = 0; i < 200; ++i) {
    double q[4] = {n(rng), n(rng), n(rng), n(rng)};
    const Mat3 R = QuatToMatrix(q);
    EXPECT_NEAR((R * R.transpose() - Mat3::Identity()).norm(), 0, 1e-12);
    EXPECT_NEAR(R.determinant(), 1, 1e-12);
    double back[4];
    MatrixToQuat(R, back);
    EXPECT_GE(back[0], 0);
    EXPECT_NEAR((QuatToMatrix(back) - R).norm(), 0, 1e-12);
  }
}

TEST(RotationTest, ExpMatchesAxisAngleAndSkew) {
  const Vec3 w(0.3, -0.2, 0.9);
  EXPECT_NEAR((ExpSO3(w) - AxisAngleMatrix(w.normalized(), w.norm())).norm(), 0, 1e-14);
  const Vec3 a(1, 2, 3), b(-2, 0.5, 4);
  EXPECT_NEAR((Skew(a) * b - a.cross(b)).norm(), 0, 1e-14);
  // (w, x, y, z) order: 90 degrees about z maps x to y
  const double q[4] = {std::sqrt(0.5), 0, 0, std::sqrt(0.5)};
  EXPECT_NEAR((QuatToMatrix(q) * Vec3::UnitX() - Vec3::UnitY()).norm(), 0, 1e-14);
}

}  // namespace
}  // namespace dexvlg
