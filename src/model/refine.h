// Ranking the model's samples by physics (docs/eval.md, "Ranking"): the paper names "no
// effective sample ranking" as a limitation of VLM-based grasping. Each sampled grasp is refined
// by a few steps of the synthesis energy (contact distance, penetration, force closure, the
// table as a half-space) against what the camera saw (an oriented-point signed distance of the
// view's cloud), and the samples are ranked by their energy.
#pragma once

#include <vector>

#include "core/status.h"
#include "hand/hand_model.h"
#include "model/model.h"
#include "model/training_set.h"
#include "object/sdf_grid.h"
#include "synth/energy.h"
#include "synth/synth.h"

namespace dexvlg {

struct RefineOptions {
  int steps = 200;                 ///< optimiser steps per grasp (0: rank the samples as they are)
  int max_points = 2048;           ///< object points of the cloud the field is built from
  double spacing = 0.004;          ///< field grid spacing (m)
  double flat = 0.004;             ///< within this of a point its tangent plane is the surface (m)
  int neighbours = 12;             ///< points per normal estimate
  double table_clearance = 0.005;  ///< points this far above the table top belong to the object
  double lr_scale = 1.0;           ///< step sizes against the synthesis optimiser's
  Status Validate() const;
};

/// What the energy sees of an object from one view: the cloud's points above the table with
/// normals (local PCA, turned away from the centroid), the signed-distance field they define,
/// and the table top z = 0.
class CloudObject {
 public:
  /// Errors when the cloud has too few points above the table to stand for an object.
  static Expected<CloudObject> Build(const Cloud& cloud, const RefineOptions& options);
  const EnergyObject& energy() const { return energy_; }
  const std::vector<Vec3>& points() const { return points_; }
  const std::vector<Vec3>& normals() const { return normals_; }

  CloudObject(const CloudObject& other) = delete;
  CloudObject& operator=(const CloudObject& other) = delete;
  CloudObject(CloudObject&& other) noexcept;
  CloudObject& operator=(CloudObject&& other) noexcept;

 private:
  CloudObject() = default;
  std::vector<Vec3> points_, normals_;
  SdfGrid field_;
  EnergyObject energy_;  ///< points at field_
};

/// Samples refined and ranked; rows in the cloud's frame, in the input order.
struct RankedGrasps {
  PredictedGrasps grasps;             ///< refined (as given when steps = 0)
  std::vector<double> energy_before;  ///< energy of each sample as the model gave it
  std::vector<double> energy_after;   ///< after refinement
  std::vector<int> order;             ///< sample indices, lowest energy after refinement first
  double seconds = 0;
};

/// Refines every grasp of `in` (the pregrasp and squeeze follow the grasp's root and joint
/// change) with the energy of `mode`'s contacts and ranks them.
RankedGrasps RefineAndRank(const HandModel& hand, const CloudObject& object, GraspMode mode,
                           const PredictedGrasps& in, const RefineOptions& options);

}  // namespace dexvlg
