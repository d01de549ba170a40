#include "synth/force_closure.h"

#include <gtest/gtest.h>
#include <coin/ClpSimplex.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "core/rotation.h"

namespace dexvlg {
namespace {

/// min obj . x over lo <= x <= hi, rlo <= A x <= rhi (A dense, rows x cols) by CLP's primal
/// simplex; the optimum.
double SolveClp(const std::vector<double>& dense, int rows, int cols, const std::vector<double>& lo,
                const std::vector<double>& hi, const std::vector<double>& obj,
                const std::vector<double>& rlo, const std::vector<double>& rhi) {
  std::vector<int> start(cols + 1), index;  // column-major sparse
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
  ClpSimplex lp;
  lp.setLogLevel(0);
  lp.loadProblem(cols, rows, start.data(), index.data(), value.data(), lo.data(), hi.data(),
                 obj.data(), rlo.data(), rhi.data());
  lp.primal();
  EXPECT_TRUE(lp.isProvenOptimal());
  return lp.objectiveValue();
}

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
    std::vector<double> lo(cols, 0.0), hi(cols, COIN_DBL_MAX), obj(cols, 0.0), rlo(rows), rhi(rows);
    for (int i = 0, c = 0; i < n; ++i) {
      if (i == k) continue;
      hi[c] = 1;
      lo[c++] = lower.empty() ? 0.0 : lower[i];
    }
    for (int c = m; c < cols; ++c) obj[c] = 1;
    for (int j = 0; j < 6; ++j) rlo[j] = rhi[j] = -w[k * 6 + j];
    best = std::min(best, SolveClp(dense, rows, cols, lo, hi, obj, rlo, rhi));
  }
  return best;
}

/// BalancedForces' problem solved by CLP: for each k, min sum(r+ + r-) over edge weights
/// l >= 0 with sum_e l_ke = 1, sum_e l_ie <= 1 - lower_i (i != k, the floor carried along the
/// edges' mean) and sum_i sum_e l_ie w_ie + floors - r+ + r- = 0; the best k.
double ClpFrictionResidual(const std::vector<double>& w, int n, int edges,
                           const std::vector<double>& lower) {
  double best = 1e300;
  const int vars = n * edges, cols = vars + 12, rows = 6 + n;
  for (int k = 0; k < n; ++k) {
    std::vector<double> dense(rows * cols, 0.0), rlo(rows), rhi(rows);
    for (int j = 0; j < 6; ++j) {
      double floors = 0;
      for (int i = 0; i < n; ++i) {
        for (int e = 0; e < edges; ++e) {
          dense[j * cols + i * edges + e] = w[(i * edges + e) * 6 + j];
          if (i != k) floors += lower[i] * w[(i * edges + e) * 6 + j] / edges;
        }
      }
      dense[j * cols + vars + j] = -1;
      dense[j * cols + vars + 6 + j] = 1;
      rlo[j] = rhi[j] = -floors;
    }
    for (int i = 0; i < n; ++i) {
      for (int e = 0; e < edges; ++e) dense[(6 + i) * cols + i * edges + e] = 1;
      rlo[6 + i] = i == k ? 1.0 : 0.0;
      rhi[6 + i] = i == k ? 1.0 : 1 - lower[i];
    }
    std::vector<double> lo(cols, 0.0), hi(cols, COIN_DBL_MAX), obj(cols, 0.0);
    for (int c = vars; c < cols; ++c) obj[c] = 1;
    best = std::min(best, SolveClp(dense, rows, cols, lo, hi, obj, rlo, rhi));
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

TEST(ForceClosureTest, FrictionConeForcesMatchClpAndStayInTheirCones) {
  std::mt19937 rng(5);
  std::normal_distribution<double> gauss(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 2 + trial % 6, edges = 3 + trial % 4;
    const double mu = 0.2 + 0.6 * uniform(rng);
    std::vector<double> points(3 * n), normals(3 * n), lower(n, 0.0);
    for (int i = 0; i < n; ++i) {
      const Vec3 c = Vec3(gauss(rng), gauss(rng), gauss(rng)).normalized();
      for (int a = 0; a < 3; ++a) {
        normals[3 * i + a] = c[a];
        points[3 * i + a] = 0.05 * gauss(rng);
      }
      if (trial % 2 == 1 && i > 0) lower[i] = 0.4 * uniform(rng);
    }
    const double centre[3] = {0.01, -0.02, 0.005};
    std::vector<double> w(static_cast<size_t>(n) * edges * 6);
    ConeEdgeWrenches(points.data(), normals.data(), n, centre, mu, edges, w.data());
    double lambda[kMaxFcContacts * kMaxFcEdges];
    const double ours = BalancedForces(w.data(), n, edges, lambda, lower.data());
    EXPECT_NEAR(ours, ClpFrictionResidual(w, n, edges, lower), 1e-7) << "trial " << trial;
    double largest = 0, residual = 0;
    for (int i = 0; i < n; ++i) {
      double normal = 0;
      Vec3 force = Vec3::Zero();
      for (int e = 0; e < edges; ++e) {
        EXPECT_GE(lambda[i * edges + e], 0);
        normal += lambda[i * edges + e];
        force += lambda[i * edges + e] * Vec3(&w[(i * edges + e) * 6]);
      }
      EXPECT_GE(normal, lower[i] - 1e-12);
      EXPECT_LE(normal, 1 + 1e-12);
      largest = std::max(largest, normal);
      // the force lies in the contact's (circumscribed) friction cone
      const Vec3 c(&normals[3 * i]);
      const double along = force.dot(c);
      EXPECT_NEAR(along, normal, 1e-9);
      EXPECT_LE((force - along * c).norm(), mu * along + 1e-9);
    }
    for (int a = 0; a < 6; ++a) {
      double s = 0;
      for (int v = 0; v < n * edges; ++v) s += lambda[v] * w[v * 6 + a];
      residual += std::abs(s);
    }
    EXPECT_NEAR(residual, ours, 1e-9);  // the returned residual is that of the weights
    EXPECT_NEAR(largest, 1.0, 1e-12);
    // one edge per contact is the normal-only LP
    std::vector<double> plain(static_cast<size_t>(n) * 6);
    ConeEdgeWrenches(points.data(), normals.data(), n, centre, mu, 1, plain.data());
    double f[kMaxFcContacts], lam1[kMaxFcContacts];
    EXPECT_DOUBLE_EQ(BalancedForces(plain.data(), n, 1, lam1, lower.data()),
                     BalancedMagnitudes(plain.data(), n, f, lower.data()));
  }
}

TEST(ForceClosureTest, FrictionBalancesAPinchAboveTheEquator) {
  // thumb and finger on a lying cylinder 20 degrees above its equator: their normals both lean
  // down, so normal forces alone leave a net push; friction of 0.5 (26.6 degrees) balances it
  const double a = 20 * 3.14159265358979323846 / 180;
  const double points[6] = {-std::cos(a), 0, std::sin(a), std::cos(a), 0, std::sin(a)};
  const double normals[6] = {std::cos(a), 0, -std::sin(a), -std::cos(a), 0, -std::sin(a)};
  const double centre[3] = {0, 0, 0};
  double w[2 * 4 * 6], lambda[8], f[2];
  ConeEdgeWrenches(points, normals, 2, centre, 0.5, 1, w);
  EXPECT_NEAR(BalancedMagnitudes(w, 2, f), 2 * std::sin(a), 1e-9);
  ConeEdgeWrenches(points, normals, 2, centre, 0.5, 4, w);
  EXPECT_NEAR(BalancedForces(w, 2, 4, lambda), 0, 1e-9);
  ConeEdgeWrenches(points, normals, 2, centre, 0.3, 4, w);  // 16.7 degrees: not enough
  EXPECT_GT(BalancedForces(w, 2, 4, lambda), 0.05);
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
