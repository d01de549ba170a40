#include "synth/force_closure.h"

#include <cmath>
#include <limits>

#include "core/demand.h"

namespace dexvlg {
namespace {

constexpr int kRows = 6 + kMaxFcContacts - 1;
constexpr int kCols = 2 * (kMaxFcContacts - 1) + 12 + 1;  // variables + right-hand side
constexpr double kEps = 1e-12;

/// min sum(r+ + r-) s.t. sum_{i != k} g_i w_i - r+ + r- = -w_k - sum_{i != k} lo_i w_i,
/// g_i + s_i = 1 - lo_i, all >= 0, with f_i = lo_i + g_i. Columns: g (m), s (m), r+ (6), r- (6),
/// rhs. Returns the optimum and writes f (n, f_k = 1).
double SolveWithFixed(const double* w, int n, int k, const double* lo, double* f) {
  const int m = n - 1, rows = 6 + m, cols = 2 * m + 12, rhs = cols;
  double T[kRows][kCols] = {};
  double z[kCols] = {};  // reduced costs; z[rhs] = -objective
  int basis[kRows];
  int other[kMaxFcContacts];  // column -> contact
  for (int i = 0, c = 0; i < n; ++i) {
    if (i != k) other[c++] = i;
  }
  for (int j = 0; j < 6; ++j) {
    double b = -w[k * 6 + j];
    for (int c = 0; c < m; ++c) b -= lo[other[c]] * w[other[c] * 6 + j];
    const double sign = b < 0 ? -1.0 : 1.0;
    for (int c = 0; c < m; ++c) T[j][c] = sign * w[other[c] * 6 + j];
    T[j][2 * m + j] = -sign;     // r+
    T[j][2 * m + 6 + j] = sign;  // r-
    T[j][rhs] = sign * b;
    basis[j] = sign > 0 ? 2 * m + 6 + j : 2 * m + j;
  }
  for (int c = 0; c < m; ++c) {
    T[6 + c][c] = 1;
    T[6 + c][m + c] = 1;
    T[6 + c][rhs] = 1 - lo[other[c]];
    basis[6 + c] = m + c;
  }
  for (int c = 2 * m; c < cols; ++c) z[c] = 1;  // costs of r+ and r-
  for (int j = 0; j < 6; ++j) {                 // price out the basic r's (cost 1)
    for (int c = 0; c <= cols; ++c) z[c] -= T[j][c];
  }
  for (int iteration = 0; iteration < 1000; ++iteration) {
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
  for (int i = 0; i < n; ++i) f[i] = lo[i];
  f[k] = 1;
  for (int r = 0; r < rows; ++r) {
    if (basis[r] < m) {
      const int i = other[basis[r]];
      f[i] = std::min(1.0, lo[i] + std::max(0.0, T[r][rhs]));
    }
  }
  // the residual of the returned magnitudes (robust to round-off in the tableau)
  double residual = 0;
  for (int j = 0; j < 6; ++j) {
    double s = 0;
    for (int i = 0; i < n; ++i) s += f[i] * w[i * 6 + j];
    residual += std::abs(s);
  }
  return residual;
}

}  // namespace

double BalancedMagnitudes(const double* wrenches, int n, double* f, const double* lower) {
  DEXVLG_DEMAND(n >= 1 && n <= kMaxFcContacts,
                "contacts: expected 1.." << kMaxFcContacts << ", got " << n);
  double lo[kMaxFcContacts] = {};
  for (int i = 0; i < n && lower != nullptr; ++i) {
    DEXVLG_DEMAND(lower[i] >= 0 && lower[i] <= 1,
                  "force floor of contact " << i << ": expected 0..1, got " << lower[i]);
    lo[i] = lower[i];
  }
  double best = std::numeric_limits<double>::infinity();
  double trial[kMaxFcContacts];
  for (int k = 0; k < n; ++k) {
    const double residual = SolveWithFixed(wrenches, n, k, lo, trial);
    if (residual < best) {
      best = residual;
      for (int i = 0; i < n; ++i) f[i] = trial[i];
    }
  }
  return best;
}

}  // namespace dexvlg
