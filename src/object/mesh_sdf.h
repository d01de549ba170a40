// Exact signed distance to a closed triangle mesh: an AABB tree for the closest point, and the
// angle-weighted pseudo-normal of the closest feature for the sign (Baerentzen & Aanaes 2005).
#pragma once

#include <limits>
#include <vector>

#include "object/mesh.h"

namespace dexvlg {

/// Result of a closest-point query.
struct SurfaceHit {
  double distance = std::numeric_limits<double>::infinity();  ///< signed: negative inside
  Vec3 point = Vec3::Zero();                                  ///< closest surface point
  Vec3 gradient = Vec3::Zero();  ///< d distance / d p: unit, points outwards
  int face = -1;                 ///< closest face
};

/// Signed distance to one closed, consistently outward-oriented mesh. Immutable after
/// construction; queries are thread-safe and allocation-free. On meshes with holes the sign near
/// the holes is unreliable: repair them first (object prepare).
class MeshSdf {
 public:
  MeshSdf() = default;
  explicit MeshSdf(const TriMesh& mesh);

  /// Signed distance at p; faces farther than `cutoff` may be skipped (result then >= cutoff).
  SurfaceHit Query(const Vec3& p, double cutoff = std::numeric_limits<double>::infinity()) const;
  const TriMesh& mesh() const { return mesh_; }
  /// Whether p is inside the closed mesh by ray parity (majority of three rays): a sign check
  /// that does not depend on the closest feature's pseudo-normal, which thin or non-manifold
  /// spots of repaired scans can flip. Used to confirm a negative distance before it counts as
  /// penetration.
  bool Inside(const Vec3& p) const;

 private:
  int Crossings(const Vec3& origin, const Vec3& direction) const;
  struct Node {
    Eigen::AlignedBox3d box;
    int left = -1, right = -1;  ///< children, or -1 for a leaf
    int begin = 0, end = 0;     ///< leaf: faces [begin, end) of order_
  };
  int Build(int begin, int end, std::vector<Vec3>& centroids);

  TriMesh mesh_;
  std::vector<int> order_;
  std::vector<Node> nodes_;
  std::vector<Vec3> face_normal_;                 ///< unit
  std::vector<std::array<Vec3, 3>> edge_normal_;  ///< per face, edge k = (v_k, v_k+1)
  std::vector<Vec3> vertex_normal_;               ///< angle weighted
};

/// Signed distance to a union of closed parts (min over parts), e.g. a procedural object whose
/// handle is sunk into its body. Exact outside the union; inside it is the depth in the part
/// the point is deepest in (the usual CSG-union bound).
class UnionSdf {
 public:
  UnionSdf() = default;
  explicit UnionSdf(const std::vector<TriMesh>& parts);
  SurfaceHit Query(const Vec3& p, double cutoff = std::numeric_limits<double>::infinity()) const;
  int num_parts() const { return static_cast<int>(parts_.size()); }

 private:
  std::vector<MeshSdf> parts_;
};

/// Points on a mesh surface with outward unit normals and the face each came from.
struct SurfaceSamples {
  std::vector<Vec3> points;
  std::vector<Vec3> normals;
  std::vector<int> faces;
};

/// `count` area-weighted random surface samples (seeded, deterministic).
SurfaceSamples SampleSurface(const TriMesh& mesh, int count, unsigned seed);

/// Farthest-point subset of `samples` with `count` points (deterministic: starts at index 0).
SurfaceSamples FarthestPointSubset(const SurfaceSamples& samples, int count);

}  // namespace dexvlg
