// Helpers shared by the test binaries.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "hand/hand_model.h"
#include "hand/kinematics.h"

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

using ::dexvlg::RandomPoses;  // seeded random pose rows, from hand/kinematics.h

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
