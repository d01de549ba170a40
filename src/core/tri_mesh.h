// The indexed triangle mesh: the one surface type shared by every stage (hands and objects).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/rotation.h"

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
  Vec3 FaceCentroid(int f) const {
    return (vertices[faces[f][0]] + vertices[faces[f][1]] + vertices[faces[f][2]]) / 3.0;
  }
  double SurfaceArea() const;
  /// Axis-aligned bounds; both zero for an empty mesh.
  void Bounds(Vec3* lo, Vec3* hi) const;
  /// Appends another mesh (indices shifted); colours/uvs kept only when both have them.
  void Append(const TriMesh& other);
};

/// Closest point to p on the triangle (a, b, c) (Ericson, Real-Time Collision Detection, 5.1.5).
Vec3 ClosestPointOnTriangle(const Vec3& p, const Vec3& a, const Vec3& b, const Vec3& c);

/// Signed volume (divergence theorem): positive for a closed, outward-oriented surface.
double SignedVolume(const TriMesh& mesh);

/// Reverses every face when the signed volume is negative (a closed surface turned inside out).
void FlipIfInward(TriMesh* mesh);

/// Closed surface of revolution about z of a profile (r, z) that starts and ends on the axis
/// (r = 0), with `segments` around; outward oriented.
TriMesh Revolve(const std::vector<Eigen::Vector2d>& profile, int segments);

/// Axis-aligned box between lo and hi; outward oriented.
TriMesh Box(const Vec3& lo, const Vec3& hi);

}  // namespace dexvlg
