// LP-based force closure (DexGraspNet 3.0, DESIGN.md §3): per-contact force magnitudes that best
// balance the contact wrenches.
#pragma once

namespace dexvlg {

/// Largest number of contacts BalancedMagnitudes accepts.
inline constexpr int kMaxFcContacts = 8;
/// Largest number of edges of a linearised friction cone.
inline constexpr int kMaxFcEdges = 8;

/// Unit contact wrenches w_i = [c_i, p_i x c_i] (n x 6, row-major; c the inward contact normal,
/// p the contact point, torques about the origin) -> magnitudes f (n) with 0 <= f_i <= 1 and
/// max_i f_i = 1 minimising the L1 residual || sum_i f_i w_i ||_1, which is returned.
/// Solved exactly as n small LPs (f_k = 1 fixed for each k; the best is kept) by a dense
/// bounded simplex with Bland's rule; no heap allocation. n in [1, kMaxFcContacts].
/// `lower` (n values in [0, 1], or null for zeros) floors the magnitudes: lower_i <= f_i <= 1,
/// so that every contact given a floor must carry at least that share of the largest force.
double BalancedMagnitudes(const double* wrenches, int n, double* f, const double* lower = nullptr);

/// The same with friction: contact i's force is a non-negative combination of its `edges` edge
/// wrenches (n x edges x 6, edge e of contact i at (i * edges + e) * 6; every edge's force of
/// normal component 1, as ConeEdgeWrenches makes them), its normal force (the sum of its weights)
/// in [lower_i, 1] with the largest 1. Writes the weights `lambda` (n x edges) and returns the
/// least L1 residual. A floor is carried along the normal (the edges' mean), which keeps the
/// force in the cone. edges = 1 is BalancedMagnitudes.
double BalancedForces(const double* edge_wrenches, int n, int edges, double* lambda,
                      const double* lower = nullptr);

/// Edge wrenches of linearised friction cones (a pyramid of `edges` sides, coefficient `mu`;
/// edges = 1: the normal alone) for contacts at `points` with inward normals `normals` (n x 3,
/// unit), torques about `centre`: out is n x edges x 6, edge e = c + mu (cos a_e t1 + sin a_e t2).
void ConeEdgeWrenches(const double* points, const double* normals, int n, const double* centre,
                      double mu, int edges, double* out);

}  // namespace dexvlg
