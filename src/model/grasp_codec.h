// The grasp vector the flow-matching head learns (DESIGN.md §7, docs/model.md "Grasp vector"):
// pose rows [t, quat wxyz, q] of pregrasp, grasp and squeeze in the cloud's (table) frame <->
// one float vector of ModelConfig::GraspDim() values:
//   [ (t - centroid) / translation_scale (3), R's first two columns (6),
//     q normalised by the joint limits to [-1, 1] (J),
//     squeeze - grasp joints, scaled as the joints (J),
//     pregrasp root offset in the grasp's root frame / pregrasp_scale (3),
//     pregrasp - grasp joints, scaled as the joints (J) ].
#pragma once

#include <vector>

#include "core/rotation.h"
#include "model/config.h"

namespace dexvlg {

/// m: a cloud's points higher than this over the table top are the object's.
constexpr double kObjectAboveTable = 0.005;

/// Centroid of a cloud's object points: the points above the table (z > kObjectAboveTable), else
/// all of them. `xyz` is N x 3 (table frame, m).
Vec3 CloudCentroid(const float* xyz, int n);

class GraspCodec {
 public:
  explicit GraspCodec(const ModelConfig& config);
  int dim() const { return dim_; }
  int pose_size() const { return 7 + joints_; }
  /// Encodes one grasp; rows are pose_size() values each.
  void Encode(const double* pregrasp, const double* grasp, const double* squeeze,
              const Vec3& centroid, float* out) const;
  /// Decodes one vector (6D rotation by Gram-Schmidt, joints clamped to their limits).
  void Decode(const float* v, const Vec3& centroid, double* pregrasp, double* grasp,
              double* squeeze) const;

 private:
  int joints_, dim_;
  double ts_, ps_;
  std::vector<double> lower_, upper_;
};

/// Rotates a pose row about the vertical axis through `centre` by `angle` (rad).
void RotatePoseAboutZ(double* row, const Vec3& centre, double angle);

}  // namespace dexvlg
