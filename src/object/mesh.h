// Triangle meshes: the object representation every later stage reads.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/rotation.h"
#include "core/status.h"

namespace dexvlg {

/// An indexed triangle mesh in metres. Optional per-vertex colours (RGB in [0, 1]) and texture
/// coordinates are kept for rendering; geometry code ignores them.
struct TriMesh {
  std::vector<Vec3> vertices;
  std::vector<std::array<int, 3>> faces;  ///< counter-clockwise seen from outside
  std::vector<Vec3> colors;               ///< empty or one per vertex
  std::vector<Eigen::Vector2d> uvs;       ///< empty or one per vertex
  std::string texture;                    ///< path of a diffuse texture image, or ""

  int num_vertices() const { return static_cast<int>(vertices.size()); }
  int num_faces() const { return static_cast<int>(faces.size()); }
  /// Unnormalised face normal (length = 2 x area).
  Vec3 FaceNormal(int f) const;
  double FaceArea(int f) const { return 0.5 * FaceNormal(f).norm(); }
  double SurfaceArea() const;
  /// Axis-aligned bounds; both zero for an empty mesh.
  void Bounds(Vec3* lo, Vec3* hi) const;
  /// Appends another mesh (indices shifted); colours/uvs kept only when both have them.
  void Append(const TriMesh& other);
};

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
};

}  // namespace dexvlg
