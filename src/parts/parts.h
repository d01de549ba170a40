// Parts of an object: oriented bounding boxes and the four DexVLG part categories (DESIGN.md §3).
#pragma once

#include <string>
#include <vector>

#include "object/mesh.h"

namespace dexvlg {

/// Oriented bounding box: centre, axes (columns, sorted by decreasing half extent), half extents.
struct OrientedBox {
  Vec3 centre = Vec3::Zero();
  Mat3 axes = Mat3::Identity();      ///< column i is the unit axis of half_extents[i]
  Vec3 half_extents = Vec3::Zero();  ///< h0 >= h1 >= h2 (m)
};

/// Principal-axis box of a surface: axes from the area-weighted covariance of the triangles,
/// extents from the vertices. Deterministic (axis signs fixed so the largest |component| is
/// positive).
OrientedBox SurfaceBox(const TriMesh& mesh);

/// How the palm approaches a part during initialisation (DESIGN.md §3).
enum class PartCategory { kLid, kDisk, kLShaped, kShaft };
const char* CategoryName(PartCategory c);

/// Thresholds of the category rules (documented in docs/parts.md).
struct CategoryRules {
  double elongated = 1.6;  ///< h0 / h1 at or above this: elongated
  double thin = 0.6;       ///< h2 / h1 below this: not round (a flat bar or plate)
  double flat = 0.5;       ///< h2 / h1 below this: flat
  double covers = 0.7;     ///< a lid's footprint spans this fraction of the rest's cross-section
  double max_l_thickness = 0.03;  ///< m: an L-shaped part is at most this thick (2 h2): graspable
};

/// One part of an object with its box and category.
struct PartInfo {
  std::string name;
  int label = 0;
  int num_faces = 0;
  double area = 0;  ///< m^2
  OrientedBox box;
  PartCategory category = PartCategory::kShaft;
};

/// Boxes and categories of every part of `object`. Rules, in order:
///  1. L-shaped: elongated (h0 >= elongated h1), not round (h2 < thin h1) and thin in absolute
///     terms (2 h2 <= max_l_thickness): handles, bars, loops.
///  2. lid: flat (h2 < flat h1), not elongated, its thin axis points at the rest of the object
///     (|a2 . d| > 0.7, d from the rest's centroid to the part's) and its footprint covers the
///     rest's cross-section (h1 >= covers x the rest's half extent along a1): box lids, pot lids.
///  3. disk: not elongated, and either flat, or a part smaller than the rest (less surface area,
///     narrower) protruding from it along d no further than it is wide (extent along d <= extent
///     across d): caps, knobs, pans and plates (single flat parts are disks).
///  4. shaft: everything else: bodies, round handles, hammer heads.
std::vector<PartInfo> AnalyseParts(const LabeledMesh& object, const CategoryRules& rules = {});

}  // namespace dexvlg
