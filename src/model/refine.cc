#include "model/refine.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/rotation.h"

namespace dexvlg {

Status RefineOptions::Validate() const {
  if (steps < 0 || steps > 1000)
    return Error{"refine: steps " + std::to_string(steps) + " (0..1000)"};
  if (max_points < 32)
    return Error{"refine: max_points " + std::to_string(max_points) + " (>= 32)"};
  if (!(spacing > 0.0005 && spacing < 0.05))
    return Error{"refine: spacing " + std::to_string(spacing) + " (0.0005..0.05 m)"};
  if (!(flat >= 0 && flat < 0.05)) return Error{"refine: flat " + std::to_string(flat)};
  if (neighbours < 3) return Error{"refine: neighbours " + std::to_string(neighbours) + " (>= 3)"};
  if (!(table_clearance >= 0 && table_clearance < 0.1))
    return Error{"refine: table_clearance " + std::to_string(table_clearance)};
  if (!(lr_scale > 0 && lr_scale <= 10))
    return Error{"refine: lr_scale " + std::to_string(lr_scale)};
  return {};
}

CloudObject::CloudObject(CloudObject&& other) noexcept { *this = std::move(other); }

CloudObject& CloudObject::operator=(CloudObject&& other) noexcept {
  points_ = std::move(other.points_);
  normals_ = std::move(other.normals_);
  field_ = std::move(other.field_);
  energy_ = std::move(other.energy_);
  energy_.field = &field_;
  energy_.part_field = nullptr;
  return *this;
}

Expected<CloudObject> CloudObject::Build(const Cloud& cloud, const RefineOptions& options) {
  if (Status s = options.Validate(); !s) return s.error();
  std::vector<Vec3> above;
  for (int i = 0; i < cloud.size(); ++i) {
    const Vec3 p(cloud.xyz[3 * i], cloud.xyz[3 * i + 1], cloud.xyz[3 * i + 2]);
    if (p.z() > options.table_clearance) above.push_back(p);
  }
  if (above.size() < 32) {
    return Error{"the cloud has " + std::to_string(above.size()) + " points above the table (z > " +
                 std::to_string(options.table_clearance) + " m); too few to refine grasps against"};
  }
  CloudObject out;
  const size_t keep = std::min(above.size(), static_cast<size_t>(options.max_points));
  for (size_t i = 0; i < keep; ++i) out.points_.push_back(above[i * above.size() / keep]);
  const int n = static_cast<int>(out.points_.size());
  Vec3 centre = Vec3::Zero();
  for (const Vec3& p : out.points_) centre += p;
  centre /= n;
  // normals: the least-variance direction of each point's neighbours, turned away from the
  // centroid (objects are seen from outside)
  out.normals_.resize(n);
  const int k = std::min(options.neighbours, n);
  tbb::parallel_for(0, n, [&](int i) {
    std::vector<std::pair<double, int>> d(n);
    for (int j = 0; j < n; ++j) d[j] = {(out.points_[j] - out.points_[i]).squaredNorm(), j};
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    Vec3 mean = Vec3::Zero();
    for (int a = 0; a < k; ++a) mean += out.points_[d[a].second];
    mean /= k;
    Mat3 cov = Mat3::Zero();
    for (int a = 0; a < k; ++a) {
      const Vec3 v = out.points_[d[a].second] - mean;
      cov += v * v.transpose();
    }
    const Eigen::SelfAdjointEigenSolver<Mat3> eig(cov);
    Vec3 normal = eig.eigenvectors().col(0).normalized();
    if (normal.dot(out.points_[i] - centre) < 0) normal = -normal;
    out.normals_[i] = normal;
  });
  out.field_ =
      SdfGrid::FromOrientedPoints(out.points_, out.normals_, options.spacing, 0.04, options.flat);
  out.energy_.field = &out.field_;
  out.energy_.part_field = nullptr;
  out.energy_.centre = centre;
  const size_t pen = std::min<size_t>(384, out.points_.size());
  for (size_t i = 0; i < pen; ++i)
    out.energy_.pen_points.push_back(out.points_[i * out.points_.size() / pen]);
  out.energy_.table = TablePlane{Vec3::UnitZ(), 0};  // the table top z = 0 of the cloud's frame
  return out;
}

namespace {

/// `row` moved as the grasp moved from `before` to `after`: the root by the same rigid motion,
/// the joints by the same change (clamped to their limits).
std::vector<double> Follow(const HandModel& hand, const double* row, const double* before,
                           const double* after) {
  const Mat3 R0 = QuatToMatrix(before + 3), R1 = QuatToMatrix(after + 3);
  const Mat3 dR = R1 * R0.transpose();
  const Vec3 t0(before[0], before[1], before[2]), t1(after[0], after[1], after[2]);
  std::vector<double> out(row, row + hand.pose_size());
  const Vec3 t = dR * (Vec3(row[0], row[1], row[2]) - t0) + t1;
  double quat[4];
  MatrixToQuat(dR * QuatToMatrix(row + 3), quat);
  for (int a = 0; a < 3; ++a) out[a] = t[a];
  for (int a = 0; a < 4; ++a) out[3 + a] = quat[a];
  for (int j = 0; j < hand.nq(); ++j)
    out[7 + j] = std::clamp(row[7 + j] + after[7 + j] - before[7 + j], hand.joints[j].lower,
                            hand.joints[j].upper);
  return out;
}

}  // namespace

RankedGrasps RefineAndRank(const HandModel& hand, const CloudObject& object, GraspMode mode,
                           const PredictedGrasps& in, const RefineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  RankedGrasps out;
  out.grasps = in;
  const int n = in.count, ps = hand.pose_size();
  out.energy_before.assign(n, 0.0);
  out.energy_after.assign(n, 0.0);
  SynthOptions so;
  so.lr_t *= options.lr_scale;
  so.lr_r *= options.lr_scale;
  so.lr_q *= options.lr_scale;
  const std::vector<int>& contacts = ModeContacts(hand, mode);
  const HandModel coarse = CoarseSurface(hand, so.surface_stride);
  tbb::enumerable_thread_specific<OptimiserWorkspace> workers(
      [&] { return OptimiserWorkspace(hand, contacts); });
  tbb::parallel_for(0, n, [&](int g) {
    OptimiserWorkspace& w = workers.local();
    const size_t at = static_cast<size_t>(g) * ps;
    std::vector<double> x(in.grasp.begin() + at, in.grasp.begin() + at + ps);
    const auto [e0, e1] =
        OptimisePose(hand, coarse, object.energy(), so, options.steps, x.data(), w);
    out.energy_before[g] = e0.total;
    out.energy_after[g] = e1.total;
    if (options.steps == 0) return;
    const double* before = &in.grasp[at];
    const std::vector<double> pre = Follow(hand, &in.pregrasp[at], before, x.data());
    const std::vector<double> sq = Follow(hand, &in.squeeze[at], before, x.data());
    std::copy(x.begin(), x.end(), out.grasps.grasp.begin() + at);
    std::copy(pre.begin(), pre.end(), out.grasps.pregrasp.begin() + at);
    std::copy(sq.begin(), sq.end(), out.grasps.squeeze.begin() + at);
  });
  out.order.resize(n);
  std::iota(out.order.begin(), out.order.end(), 0);
  std::stable_sort(out.order.begin(), out.order.end(),
                   [&](int a, int b) { return out.energy_after[a] < out.energy_after[b]; });
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace dexvlg
