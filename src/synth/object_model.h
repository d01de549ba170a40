// One object as synthesis, settling and validation see it, built once and shared (DESIGN.md §1):
// the closed labelled mesh, its exact signed distance, the optimiser's grids, surface samples,
// part boxes and categories, and the collision pieces. Immutable; every accessor is thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"
#include "object/mesh_sdf.h"
#include "object/sdf_grid.h"
#include "parts/parts.h"

namespace dexvlg {

/// What synthesis derives from one part of an object.
struct PartModel {
  PartInfo info;                      ///< box and category
  Vec3 outward = Vec3::UnitZ();       ///< from the rest of the object towards the part
  std::vector<Vec3> points, normals;  ///< surface samples on the part (initial poses)
  SdfGrid field;                      ///< distance to the part's faces, signed by the object
  std::vector<Vec3> off_part;         ///< surface samples off the part (the E_bar barrier)
};

/// What ObjectModel::Build makes (defaults: synthesis's).
struct ObjectModelOptions {
  double sdf_spacing = 0.004;  ///< grid spacing (m): SynthOptions::sdf_spacing
  double padding = 0.03;       ///< the grids reach this far beyond the mesh bounds (m)
  int dense_samples = 8192;    ///< surface samples of the exact penetration check
  unsigned sample_seed = 1;    ///< their seed
  /// An error naming the first value out of range.
  Status Validate() const;
};

class ObjectModel {
 public:
  using Options = ObjectModelOptions;

  /// Builds the exact SDF, the object grid and the surface samples now; each part's grid and
  /// the collision pieces on first use. Fails for an object without faces, parts or labels
  /// that fit, or of a size a hand cannot grasp (CheckGraspableSize).
  /// `pieces`: the object's own convex collision pieces (a prepared folder's); empty: made by
  /// ShellPieces on first use.
  static Expected<std::shared_ptr<const ObjectModel>> Build(LabeledMesh object,
                                                            const Options& options = {},
                                                            std::vector<TriMesh> pieces = {});

  const LabeledMesh& object() const { return object_; }
  const Options& options() const { return options_; }
  const MeshSdf& exact() const { return exact_; }
  const SdfGrid& field() const { return field_; }
  const std::vector<PartInfo>& parts() const { return parts_; }
  const SurfaceSamples& dense() const { return dense_; }
  const std::vector<Vec3>& pen_points() const { return pen_points_; }
  /// Part `label` (0 <= label < parts().size()), built on first use.
  const PartModel& Part(int label) const;
  /// Convex collision pieces: the ones given to Build, else the closed mesh's ShellPieces, built
  /// on first use.
  const std::vector<TriMesh>& Pieces() const;
  /// Seconds Build took (the lazily built parts and pieces not included).
  double build_seconds() const { return build_seconds_; }

 private:
  ObjectModel() = default;
  LabeledMesh object_;
  Options options_;
  MeshSdf exact_;
  SdfGrid field_;
  std::vector<PartInfo> parts_;
  SurfaceSamples dense_;
  std::vector<Vec3> pen_points_;
  SurfaceSamples barrier_;  ///< the farthest-point subset the off-part samples come from
  SurfaceSamples part_samples_;
  double build_seconds_ = 0;
  mutable std::vector<std::unique_ptr<PartModel>> part_models_;
  mutable std::unique_ptr<std::once_flag[]> part_once_;
  mutable std::vector<TriMesh> pieces_;
  mutable std::once_flag pieces_once_;
};

/// A part's box, category, outward direction and surface samples, without its grid: what
/// initial poses need (ObjectModel::Part has the same values).
PartModel DescribePart(const LabeledMesh& object, int label);

using ObjectModelPtr = std::shared_ptr<const ObjectModel>;

}  // namespace dexvlg
