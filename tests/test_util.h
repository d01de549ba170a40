// Helpers shared by the test binaries.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "hand/hand_model.h"

namespace dexvlg::testing {

/// ../shared/assets beside the checkout, or "" when absent.
inline std::string SharedAssets() {
  const std::filesystem::path p =
      std::filesystem::path(DEXVLG_SOURCE_DIR) / ".." / "shared" / "assets";
  return std::filesystem::is_directory(p) ? p.string() : std::string();
}

/// Skips the current test with a message when ../shared/assets is missing.
#define DEXVLG_REQUIRE_ASSETS(var)                           \
  const std::string var = ::dexvlg::testing::SharedAssets(); \
  if (var.empty()) GTEST_SKIP() << "../shared/assets is absent; skipping this test"

/// Seeded random pose rows: translation ~ N(0, 0.1 m), uniform rotation, joints uniform within
/// limits (within [-pi, pi] when unlimited).
inline std::vector<double> RandomPoses(const HandModel& hand, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> poses(static_cast<size_t>(count) * hand.pose_size());
  for (int b = 0; b < count; ++b) {
    double* x = &poses[static_cast<size_t>(b) * hand.pose_size()];
    for (int i = 0; i < 3; ++i) x[i] = 0.1 * normal(rng);
    double norm = 0;
    for (int i = 3; i < 7; ++i) {
      x[i] = normal(rng);
      norm += x[i] * x[i];
    }
    for (int i = 3; i < 7; ++i) x[i] /= std::sqrt(norm);
    for (int j = 0; j < hand.nq(); ++j) {
      const Joint& jt = hand.joints[j];
      std::uniform_real_distribution<double> u(jt.limited ? jt.lower : -3.14159,
                                               jt.limited ? jt.upper : 3.14159);
      x[7 + j] = u(rng);
    }
  }
  return poses;
}

/// The pose row x moved by +eps and -eps along Jacobian column `col` of [t(3), ω(3), q(nq)], with
/// ω a rotation applied on the left in the object frame (the convention of hand/kinematics.h).
inline std::pair<std::vector<double>, std::vector<double>> PerturbedPoses(const HandModel& hand,
                                                                          const double* x, int col,
                                                                          double eps) {
  std::vector<double> plus(x, x + hand.pose_size()), minus = plus;
  if (col < 3) {
    plus[col] += eps;
    minus[col] -= eps;
  } else if (col < 6) {
    Vec3 w = Vec3::Zero();
    w[col - 3] = eps;
    MatrixToQuat(ExpSO3(w) * QuatToMatrix(x + 3), &plus[3]);
    MatrixToQuat(ExpSO3(-w) * QuatToMatrix(x + 3), &minus[3]);
  } else {
    plus[1 + col] += eps;
    minus[1 + col] -= eps;
  }
  return {plus, minus};
}

}  // namespace dexvlg::testing
