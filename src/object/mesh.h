// Triangle meshes: the object representation every later stage reads.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/rotation.h"
#include "core/status.h"
#include "core/tri_mesh.h"

namespace dexvlg {

/// Checks a mesh read from `label`: non-empty, finite coordinates, face indices in range, at
/// least one non-degenerate face, a plausible size (bounding-box diagonal in [1 mm, 100 m]).
Status ValidateMesh(const TriMesh& mesh, const std::string& label);

/// Boundary edges (used by one face) and non-manifold edges (used by more than two faces).
struct EdgeReport {
  int boundary_edges = 0;
  int non_manifold_edges = 0;
  bool watertight() const { return boundary_edges == 0 && non_manifold_edges == 0; }
};
EdgeReport Edges(const TriMesh& mesh);

/// A mesh whose faces carry integer part labels; names[label] names the part.
struct LabeledMesh {
  std::string name;  ///< object name, e.g. "mug"
  TriMesh mesh;
  std::vector<int> face_labels;  ///< one per face, in [0, part_names.size())
  std::vector<std::string> part_names;
  /// The faces of one part as their own mesh (vertices compacted).
  TriMesh Part(int label) const;
  /// The label of the part called `part`, or -1.
  int PartLabel(const std::string& part) const;
};

}  // namespace dexvlg
