#include "synth/force_closure.h"

#include <gtest/gtest.h>
#include <coin/ClpSimplex.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "core/rotation.h"

namespace dexvlg {
namespace {

/// The same problem solved by CLP: for each k, min sum(r+ + r-) over f_i in [lower_i, 1]
/// (i != k), r >= 0 with sum_{i != k} f_i w_i - r+ + r- = -w_k; the best k.
double ClpResidual(const std::vector<double>& w, int n, const std::vector<double>& lower = {}) {
  double best = 1e300;
  for (int k = 0; k < n; ++k) {
    const int m = n - 1, cols = m + 12, rows = 6;
    std::vector<double> dense(rows * cols, 0.0);
    for (int j = 0; j < 6; ++j) {
      for (int i = 0, c = 0; i < n; ++i) {
        if (i != k) dense[j * cols + c++] = w[i * 6 + j];
      }
      dense[j * cols + m + j] = -1;
      dense[j * cols + m + 6 + j] = 1;
    }
    std::vector<int> start(cols + 1), index;
    std::vector<double> value;
    for (int c = 0; c < cols; ++c) {
      start[c] = static_cast<int>(index.size());
      for (int j = 0; j < rows; ++j) {
        if (dense[j * cols + c] != 0) {
          index.push_back(j);
          value.push_back(dense[j * cols + c]);
        }
      }
    }
    start[cols] = static_cast<int>(index.size());
    std::vector<double> lo(cols, 0.0), hi(cols, COIN_DBL_MAX), obj(cols, 0.0), rlo(rows), rhi(rows);
    for (int i = 0, c = 0; i < n; ++i) {
      if (i == k) continue;
      hi[c] = 1;
      lo[c++] = lower.empty() ? 0.0 : lower[i];
    }
    for (int c = m; c < cols; ++c) obj[c] = 1;
    for (int j = 0; j < 6; ++j) rlo[j] = rhi[j] = -w[k * 6 + j];
    ClpSimplex lp;
    lp.setLogLevel(0);
    lp.loadProblem(cols, rows, start.data(), index.data(), value.data(), lo.data(), hi.data(),
                   obj.data(), rlo.data(), rhi.data());
    lp.primal();
    EXPECT_TRUE(lp.isProvenOptimal());
    best = std::min(best, lp.objectiveValue());
  }
  return best;
}

std::vector<double> RandomWrenches(std::mt19937& rng, int n) {
  std::normal_distribution<double> gauss(0, 1);
  std::vector<double> w(n * 6);
  for (int i = 0; i < n; ++i) {
    const Vec3 c = Vec3(gauss(rng), gauss(rng), gauss(rng)).normalized();
    const Vec3 p = 0.05 * Vec3(gauss(rng), gauss(rng), gauss(rng));
    const Vec3 tau = p.cross(c);
    for (int a = 0; a < 3; ++a) {
      w[6 * i + a] = c[a];
      w[6 * i + 3 + a] = tau[a];
    }
  }
  return w;
}

TEST(ForceClosureTest, MatchesClpOnRandomGrasps) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = 2 + trial % 6;  // 2..7 contacts, as wrap and pinch sets
    const std::vector<double> w = RandomWrenches(rng, n);
    double f[kMaxFcContacts];
    const double ours = BalancedMagnitudes(w.data(), n, f);
    EXPECT_NEAR(ours, ClpResidual(w, n), 1e-7) << "trial " << trial;
    double largest = 0;
    for (int i = 0; i < n; ++i) {
      EXPECT_GE(f[i], 0);
      EXPECT_LE(f[i], 1);
      largest = std::max(largest, f[i]);
    }
    EXPECT_DOUBLE_EQ(largest, 1.0);
  }
}

TEST(ForceClosureTest, FlooredMagnitudesMatchClpAndKeepTheirFloor) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + trial % 6;
    const std::vector<double> w = RandomWrenches(rng, n);
    std::vector<double> lower(n);
    for (int i = 0; i < n; ++i) lower[i] = i == 0 ? 0.0 : 0.5 * uniform(rng);  // a palm: 0
    double f[kMaxFcContacts], free_f[kMaxFcContacts];
    const double floored = BalancedMagnitudes(w.data(), n, f, lower.data());
    EXPECT_NEAR(floored, ClpResidual(w, n, lower), 1e-7) << "trial " << trial;
    // a floor can only make the balance worse, never better
    EXPECT_GE(floored, BalancedMagnitudes(w.data(), n, free_f) - 1e-9) << "trial " << trial;
    double largest = 0, residual = 0;
    for (int i = 0; i < n; ++i) {
      EXPECT_GE(f[i], lower[i] - 1e-12) << "trial " << trial << " contact " << i;
      EXPECT_LE(f[i], 1);
      largest = std::max(largest, f[i]);
    }
    for (int a = 0; a < 6; ++a) {
      double s = 0;
      for (int i = 0; i < n; ++i) s += f[i] * w[6 * i + a];
      residual += std::abs(s);
    }
    EXPECT_NEAR(residual, floored, 1e-9);  // the returned residual is that of f
    EXPECT_DOUBLE_EQ(largest, 1.0);
  }
  // three fingers on one side and one opposite: unfloored, one finger of the three balances the
  // opposite one; floored at 0.5, the other two must push too, leaving a residual of 0.5
  const double w[24] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0};
  const double floor[4] = {0.5, 0.5, 0.5, 0.5};
  double f[4];
  EXPECT_NEAR(BalancedMagnitudes(w, 4, f), 0, 1e-12);
  EXPECT_NEAR(BalancedMagnitudes(w, 4, f, floor), 0.5, 1e-12);
  EXPECT_NEAR(f[3], 1, 1e-12);
  EXPECT_NEAR(f[0] + f[1] + f[2], 1.5, 1e-12);
}

TEST(ForceClosureTest, OpposingContactsBalanceExactly) {
  // two opposite fingertips pressing a box from both sides: zero residual
  const double w[12] = {1, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0};
  double f[2];
  EXPECT_NEAR(BalancedMagnitudes(w, 2, f), 0, 1e-12);
  EXPECT_NEAR(f[0], 1, 1e-12);
  EXPECT_NEAR(f[1], 1, 1e-12);
  // the same direction twice cannot balance: residual 2 (both at full force is no better than
  // one at full force and one at zero, which gives 1)
  const double same[12] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
  EXPECT_NEAR(BalancedMagnitudes(same, 2, f), 1, 1e-12);
}

}  // namespace
}  // namespace dexvlg
