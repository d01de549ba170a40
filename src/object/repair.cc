#include "object/repair.h"

#include <openvdb/openvdb.h>
#include <openvdb/tools/MeshToVolume.h>
#include <openvdb/tools/VolumeToMesh.h>

#include <cmath>
#include <mutex>
#include <queue>

#include "object/mesh_sdf.h"
#include "object/procedural.h"

namespace dexvlg {

// Method (after Huang et al., "Robust watertight manifold surface generation", the idea behind
// ManifoldPlus): rasterise the unsigned distance to the input; voxels within `close_radius` of
// the surface are wall; flood-fill the outside from the grid border through non-wall voxels;
// everything the flood does not reach is solid. The zero level of
//   phi = udf - r (outside),  phi = min(udf - r, 0) (not reached)
// is the outer offset surface at distance r, closed wherever holes are narrower than 2 r. Its
// vertices are then projected back onto the input surface.
Expected<TriMesh> RepairWatertight(const TriMesh& mesh, const RepairOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { openvdb::initialize(); });
  if (options.resolution < 8 || options.resolution > 512) {
    return Error{
        "repair: resolution must be in [8, 512] (the dense grid holds up to 512^3 voxels), got " +
        std::to_string(options.resolution)};
  }
  if (!(options.close_radius >= 0.5 && options.close_radius <= 8)) {
    return Error{"repair: close radius must be in [0.5, 8] voxels"};
  }
  Vec3 lo, hi;
  mesh.Bounds(&lo, &hi);
  const double voxel = (hi - lo).norm() / options.resolution;
  if (!(voxel > 0)) return Error{"repair: the mesh has no extent"};
  const double r = options.close_radius * voxel;
  auto transform = openvdb::math::Transform::createLinearTransform(voxel);
  std::vector<openvdb::Vec3s> points;
  std::vector<openvdb::Vec3I> triangles;
  for (const Vec3& v : mesh.vertices) points.emplace_back(v.x(), v.y(), v.z());  // world space
  for (const auto& f : mesh.faces) triangles.emplace_back(f[0], f[1], f[2]);
  const float band = static_cast<float>(options.close_radius + 3);
  openvdb::FloatGrid::Ptr udf = openvdb::tools::meshToUnsignedDistanceField<openvdb::FloatGrid>(
      *transform, points, triangles, std::vector<openvdb::Vec4I>(), band);
  auto udf_access = udf->getConstAccessor();

  // dense voxel block around the mesh, padded so the flood can go round it
  const int pad = static_cast<int>(std::ceil(options.close_radius)) + 3;
  const openvdb::Coord c0 =
      transform->worldToIndexCellCentered(openvdb::Vec3d(lo.x(), lo.y(), lo.z())) -
      openvdb::Coord(pad);
  const openvdb::Coord c1 =
      transform->worldToIndexCellCentered(openvdb::Vec3d(hi.x(), hi.y(), hi.z())) +
      openvdb::Coord(pad);
  const int nx = c1.x() - c0.x() + 1, ny = c1.y() - c0.y() + 1, nz = c1.z() - c0.z() + 1;
  const size_t total = static_cast<size_t>(nx) * ny * nz;
  auto at = [&](int i, int j, int k) { return (static_cast<size_t>(i) * ny + j) * nz + k; };
  std::vector<float> dist(total);
  std::vector<uint8_t> outside(total, 0);
  const float background = udf->background();
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) {
      for (int k = 0; k < nz; ++k) {
        const float d = udf_access.getValue(openvdb::Coord(c0.x() + i, c0.y() + j, c0.z() + k));
        dist[at(i, j, k)] = d >= background ? std::numeric_limits<float>::max() : d;
      }
    }
  }
  // flood the outside from the block's border through voxels farther than r from the surface
  std::queue<std::array<int, 3>> frontier;
  auto push = [&](int i, int j, int k) {
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return;
    const size_t id = at(i, j, k);
    if (outside[id] || dist[id] <= r) return;
    outside[id] = 1;
    frontier.push({i, j, k});
  };
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) {
      push(i, j, 0);
      push(i, j, nz - 1);
    }
  }
  for (int i = 0; i < nx; ++i) {
    for (int k = 0; k < nz; ++k) {
      push(i, 0, k);
      push(i, ny - 1, k);
    }
  }
  for (int j = 0; j < ny; ++j) {
    for (int k = 0; k < nz; ++k) {
      push(0, j, k);
      push(nx - 1, j, k);
    }
  }
  while (!frontier.empty()) {
    const auto [i, j, k] = frontier.front();
    frontier.pop();
    push(i + 1, j, k);
    push(i - 1, j, k);
    push(i, j + 1, k);
    push(i, j - 1, k);
    push(i, j, k + 1);
    push(i, j, k - 1);
  }
  // level set of the closed solid (in world units), narrow band only
  const float width = static_cast<float>(3 * voxel);
  openvdb::FloatGrid::Ptr phi = openvdb::FloatGrid::create(width);
  phi->setTransform(transform);
  phi->setGridClass(openvdb::GRID_LEVEL_SET);
  auto phi_access = phi->getAccessor();
  for (int i = 0; i < nx; ++i) {
    for (int j = 0; j < ny; ++j) {
      for (int k = 0; k < nz; ++k) {
        const size_t id = at(i, j, k);
        const float d = dist[id];
        float value = outside[id]
                          ? static_cast<float>(std::min<double>(d, 1e9) - r)
                          : static_cast<float>(std::min<double>(std::min<double>(d, 1e9) - r, 0.0));
        if (!outside[id] && d > r) value = -width;  // enclosed interior
        if (std::abs(value) < width)
          phi_access.setValue(openvdb::Coord(c0.x() + i, c0.y() + j, c0.z() + k), value);
        else if (value <= -width)
          phi_access.setValueOff(openvdb::Coord(c0.x() + i, c0.y() + j, c0.z() + k), -width);
      }
    }
  }
  std::vector<openvdb::Vec3s> out_points;
  std::vector<openvdb::Vec3I> out_triangles;
  std::vector<openvdb::Vec4I> out_quads;
  openvdb::tools::volumeToMesh(*phi, out_points, out_triangles, out_quads, 0.0, options.adaptivity);
  TriMesh out;
  for (const auto& p : out_points) out.vertices.emplace_back(p.x(), p.y(), p.z());
  for (const auto& t : out_triangles) out.faces.push_back({int(t.x()), int(t.y()), int(t.z())});
  for (const auto& q : out_quads) {
    out.faces.push_back({int(q.x()), int(q.y()), int(q.z())});
    out.faces.push_back({int(q.x()), int(q.z()), int(q.w())});
  }
  if (out.faces.empty()) return Error{"repair: the remeshed surface is empty"};
  if (SignedVolume(out) < 0) {
    for (auto& f : out.faces) std::swap(f[1], f[2]);
  }
  // pull the offset surface back onto the input where the input is near (not across holes);
  // 1% of the offset is kept so that vertices landing on the same input edge or corner stay
  // distinct points (a reader that welds equal positions would otherwise make the surface
  // non-manifold)
  const MeshSdf input(mesh);
  for (Vec3& v : out.vertices) {
    const SurfaceHit hit = input.Query(v, 1.5 * r);
    if (hit.face >= 0) v = hit.point + 0.01 * (v - hit.point);
  }
  return out;
}

}  // namespace dexvlg
