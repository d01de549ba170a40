// LP-based force closure (DexGraspNet 3.0, DESIGN.md §3): per-contact force magnitudes that best
// balance the contact wrenches.
#pragma once

namespace dexvlg {

/// Largest number of contacts BalancedMagnitudes accepts.
inline constexpr int kMaxFcContacts = 8;

/// Unit contact wrenches w_i = [c_i, p_i x c_i] (n x 6, row-major; c the inward contact normal,
/// p the contact point, torques about the origin) -> magnitudes f (n) with 0 <= f_i <= 1 and
/// max_i f_i = 1 minimising the L1 residual || sum_i f_i w_i ||_1, which is returned.
/// Solved exactly as n small LPs (f_k = 1 fixed for each k; the best is kept) by a dense
/// bounded simplex with Bland's rule; no heap allocation. n in [1, kMaxFcContacts].
/// `lower` (n values in [0, 1], or null for zeros) floors the magnitudes: lower_i <= f_i <= 1,
/// so that every contact given a floor must carry at least that share of the largest force.
double BalancedMagnitudes(const double* wrenches, int n, double* f, const double* lower = nullptr);

}  // namespace dexvlg
