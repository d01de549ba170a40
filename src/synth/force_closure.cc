#include "synth/force_closure.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/demand.h"
#include "core/rotation.h"

namespace dexvlg {
namespace {

constexpr int kMaxVars = kMaxFcContacts * kMaxFcEdges;  // edge weights, at most
constexpr int kRows = 6 + kMaxFcContacts;
constexpr int kCols = kMaxVars + kMaxFcContacts + 12 + 1;  // variables, slacks, r+, r-, rhs
constexpr double kEps = 1e-12;

/// The problem with contact k's normal force fixed at 1, every contact's force a non-negative
/// combination of its E edges (each of unit normal component):
///   min sum(r+ + r-) s.t. sum_i (b_i + sum_e l_ie v_ie) - r+ + r- = 0,
///   sum_e l_ie + s_i = cap_i, all >= 0,
/// where, for i != k, b_i = lo_i n_i (n_i the mean of i's edges, its normal), v_ie = w_ie and
/// cap_i = 1 - lo_i; for k, b_k = w_k1, v_ke = w_ke - w_k1 (e >= 2) and cap_k = 1 (the force
/// stays a convex combination of k's edges). Columns: l, s (one per group), r+ (6), r- (6), rhs.
/// Writes each contact's edge weights (n x E, a contact's weights summing to its normal force)
/// and returns the L1 residual of the forces they give.
double SolveWithFixed(const double* w, int n, int edges, int k, const double* lo, double* lambda) {
  const int E = edges;
  // the variables: (contact, edge) pairs, grouped by contact
  int var_contact[kMaxVars], var_edge[kMaxVars];
  int group_of[kMaxFcContacts];  // contact -> group row (-1: none, k with one edge)
  int vars = 0, groups = 0;
  for (int i = 0; i < n; ++i) {
    const int first_edge = i == k ? 1 : 0;
    group_of[i] = -1;
    if (first_edge >= E) continue;
    group_of[i] = groups++;
    for (int e = first_edge; e < E; ++e) {
      var_contact[vars] = i;
      var_edge[vars++] = e;
    }
  }
  const int rows = 6 + groups, s0 = vars, r0 = vars + groups, cols = r0 + 12, rhs = cols;
  auto edge = [&](int i, int e) { return w + (static_cast<size_t>(i) * E + e) * 6; };
  // the tableau and reduced costs (z[rhs] = -objective), zeroed only where this problem uses them
  // (solved n times per optimiser step; the full arrays fit the largest problem)
  double T[kRows][kCols];
  double z[kCols];
  int basis[kRows];
  for (int r = 0; r < rows; ++r) std::fill(T[r], T[r] + cols + 1, 0.0);
  std::fill(z, z + cols + 1, 0.0);
  for (int j = 0; j < 6; ++j) {
    // right-hand side: minus the fixed part of the wrench
    double b = -edge(k, 0)[j];
    for (int i = 0; i < n; ++i) {
      if (i == k || lo[i] == 0) continue;
      double normal = 0;
      for (int e = 0; e < E; ++e) normal += edge(i, e)[j];
      b -= lo[i] * normal / E;
    }
    const double sign = b < 0 ? -1.0 : 1.0;
    for (int v = 0; v < vars; ++v) {
      const int i = var_contact[v];
      const double a = edge(i, var_edge[v])[j] - (i == k ? edge(k, 0)[j] : 0.0);
      T[j][v] = sign * a;
    }
    T[j][r0 + j] = -sign;     // r+
    T[j][r0 + 6 + j] = sign;  // r-
    T[j][rhs] = sign * b;
    basis[j] = sign > 0 ? r0 + 6 + j : r0 + j;
  }
  for (int v = 0; v < vars; ++v) T[6 + group_of[var_contact[v]]][v] = 1;
  for (int i = 0; i < n; ++i) {
    if (group_of[i] < 0) continue;
    const int r = 6 + group_of[i];
    T[r][s0 + group_of[i]] = 1;
    T[r][rhs] = i == k ? 1.0 : 1 - lo[i];
    basis[r] = s0 + group_of[i];
  }
  for (int c = r0; c < cols; ++c) z[c] = 1;  // costs of r+ and r-
  for (int j = 0; j < 6; ++j) {              // price out the basic r's (cost 1)
    for (int c = 0; c <= cols; ++c) z[c] -= T[j][c];
  }
  for (int iteration = 0; iteration < 2000; ++iteration) {
    int enter = -1;
    for (int c = 0; c < cols; ++c) {  // Bland: the first improving column
      if (z[c] < -1e-10) {
        enter = c;
        break;
      }
    }
    if (enter < 0) break;
    int leave = -1;
    double best = std::numeric_limits<double>::infinity();
    for (int r = 0; r < rows; ++r) {
      if (T[r][enter] > kEps) {
        const double ratio = T[r][rhs] / T[r][enter];
        if (ratio < best - 1e-12 ||
            (ratio <= best + 1e-12 && leave >= 0 && basis[r] < basis[leave])) {
          best = ratio;
          leave = r;
        }
      }
    }
    if (leave < 0) break;  // unbounded cannot happen (objective >= 0); stop defensively
    const double pivot = T[leave][enter];
    for (int c = 0; c <= cols; ++c) T[leave][c] /= pivot;
    for (int r = 0; r < rows; ++r) {
      if (r == leave || T[r][enter] == 0) continue;
      const double factor = T[r][enter];
      for (int c = 0; c <= cols; ++c) T[r][c] -= factor * T[leave][c];
    }
    const double factor = z[enter];
    for (int c = 0; c <= cols; ++c) z[c] -= factor * T[leave][c];
    basis[leave] = enter;
  }
  // edge weights: the floors spread evenly over the edges (their mean is the normal)
  for (int i = 0; i < n; ++i) {
    for (int e = 0; e < E; ++e) lambda[i * E + e] = i == k ? 0.0 : lo[i] / E;
  }
  double value[kMaxVars] = {};
  for (int r = 0; r < rows; ++r) {
    if (basis[r] < vars) value[basis[r]] = std::max(0.0, T[r][rhs]);
  }
  double k_rest = 0;
  for (int v = 0; v < vars; ++v) {
    const int i = var_contact[v];
    const double cap = i == k ? 1.0 : 1 - lo[i];
    const double x = std::min(cap, value[v]);
    lambda[i * E + var_edge[v]] += x;
    if (i == k) k_rest += x;
  }
  lambda[k * E] = std::max(0.0, 1 - k_rest);
  // the residual of the returned weights (robust to round-off in the tableau)
  double residual = 0;
  for (int j = 0; j < 6; ++j) {
    double s = 0;
    for (int i = 0; i < n; ++i) {
      for (int e = 0; e < E; ++e) s += lambda[i * E + e] * edge(i, e)[j];
    }
    residual += std::abs(s);
  }
  return residual;
}

}  // namespace

double BalancedForces(const double* edge_wrenches, int n, int edges, double* lambda,
                      const double* lower) {
  DEXVLG_DEMAND(n >= 1 && n <= kMaxFcContacts,
                "contacts: expected 1.." << kMaxFcContacts << ", got " << n);
  DEXVLG_DEMAND(edges >= 1 && edges <= kMaxFcEdges,
                "friction cone edges: expected 1.." << kMaxFcEdges << ", got " << edges);
  double lo[kMaxFcContacts] = {};
  for (int i = 0; i < n && lower != nullptr; ++i) {
    DEXVLG_DEMAND(lower[i] >= 0 && lower[i] <= 1,
                  "force floor of contact " << i << ": expected 0..1, got " << lower[i]);
    lo[i] = lower[i];
  }
  double best = std::numeric_limits<double>::infinity();
  double trial[kMaxVars];
  for (int k = 0; k < n; ++k) {
    const double residual = SolveWithFixed(edge_wrenches, n, edges, k, lo, trial);
    if (residual < best) {
      best = residual;
      for (int v = 0; v < n * edges; ++v) lambda[v] = trial[v];
    }
  }
  return best;
}

double BalancedMagnitudes(const double* wrenches, int n, double* f, const double* lower) {
  return BalancedForces(wrenches, n, 1, f, lower);
}

void ConeEdgeWrenches(const double* points, const double* normals, int n, const double* centre,
                      double mu, int edges, double* out) {
  const Vec3 o(centre);
  for (int i = 0; i < n; ++i) {
    const Vec3 c(normals + 3 * i), r = Vec3(points + 3 * i) - o;
    // a tangent basis (t1, t2) of the contact plane, from the axis least along c
    Vec3 a = Vec3::Zero();
    a[std::abs(c[0]) < 0.6 ? 0 : (std::abs(c[1]) < 0.6 ? 1 : 2)] = 1;
    const Vec3 t1 = a.cross(c).normalized(), t2 = c.cross(t1);
    for (int e = 0; e < edges; ++e) {
      const double angle = edges == 1 ? 0.0 : 2 * 3.14159265358979323846 * e / edges;
      const double m = edges == 1 ? 0.0 : mu;
      const Vec3 d = c + m * (std::cos(angle) * t1 + std::sin(angle) * t2);
      const Vec3 tau = r.cross(d);
      double* w = out + (static_cast<size_t>(i) * edges + e) * 6;
      for (int x = 0; x < 3; ++x) {
        w[x] = d[x];
        w[3 + x] = tau[x];
      }
    }
  }
}

}  // namespace dexvlg
