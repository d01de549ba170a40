// Geometric part segmentation of an unlabelled closed mesh (docs/parts.md, "Segmentation").
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Parameters of SegmentParts (all relative, so the result does not depend on the unit).
struct SegmentOptions {
  int resolution = 160;       ///< voxels along the longest side of the principal-axis box
  double opening = 0.5;       ///< protrusion ball radius, fraction of the largest inscribed radius
  double thinner = 1.8;       ///< a protrusion is this many times thinner than where it attaches
  double min_part = 0.01;     ///< smallest part, fraction of the solid volume
  double min_step = 0.1;      ///< smallest cross-section step, |log(area ratio)|
  double flat_window = 0.06;  ///< flat run needed on both sides of a step, fraction of the axis
  double flat_spread = 0.05;  ///< a run is flat when its |log(area)| varies less than this
  double big_step = 0.9;      ///< along a part's length, a step this large needs one flat side
  int max_parts = 8;          ///< stop splitting at this many parts
};

/// Splits a closed surface into the parts a person would name, in three steps on a voxel solid
/// in the surface's principal-axis frame:
///  1. fill: the solid (winding number along grid columns) plus enclosed cavities (empty voxels
///     that see the solid in at least 5 of the 6 axis directions: the inside of a mug or a pan);
///  2. protrusions: a morphological opening with a ball of `opening` x the largest inscribed
///     radius removes thin parts. Removed voxels at least 0.75 ball radius from the opened solid
///     form cores; a core that reaches a full radius out starts a protrusion, which takes the
///     removed voxels that climb to it (the distance growing half a voxel a step) and becomes a
///     part when it is `thinner` times thinner than the body near where it attaches (handles,
///     necks; not the tines of a claw). Rounded-off rims and everything else are grown back
///     onto the nearest part;
///  3. steps: a part whose cross-section area along one of the three axes is flat (prismatic)
///     on both sides of a jump of at least `min_step` over at most 4 slices, a jump that moves
///     the outline by most of a voxel all round (not aliasing), is cut there, largest step
///     first: a box into its lid, a neck into its cap. Along a part's longest axis a step of at
///     least `big_step` with one side flat to within a tenth of the step also counts: a
///     tapered hammer handle running into its head.
/// Faces take the part of the voxel just inside them. Parts are ordered by decreasing volume and
/// named "body" (a single part) or "part_1", "part_2", ...
Expected<LabeledMesh> SegmentParts(const TriMesh& closed, const std::string& name,
                                   const SegmentOptions& options = {});

/// Intersection over union of each true part's faces with the best-matching segment's faces,
/// counting faces; one value per true part (what the tests and `object segment` report).
std::vector<double> PartIoU(const std::vector<int>& truth, int num_truth,
                            const std::vector<int>& predicted, int num_predicted);

}  // namespace dexvlg
