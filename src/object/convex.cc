#include "object/convex.h"

#include <hacdHACD.h>

#include <algorithm>
#include <filesystem>

#include "object/mesh_io.h"
#include "object/procedural.h"
#include "object/repair.h"

namespace dexvlg {

namespace fs = std::filesystem;

Expected<std::vector<TriMesh>> ConvexPieces(const TriMesh& mesh, const ConvexOptions& options) {
  if (options.max_pieces < 1 || options.max_pieces > 256)
    return Error{"convex: max_pieces must be in [1, 256]"};
  RepairOptions coarse;
  coarse.resolution = options.coarse_resolution;
  coarse.adaptivity = 0.5;
  auto simple = RepairWatertight(mesh, coarse);
  if (!simple) return simple.error();
  std::vector<HACD::Vec3<HACD::Real>> points;
  std::vector<HACD::Vec3<long>> triangles;
  for (const Vec3& v : simple->vertices) points.emplace_back(v.x(), v.y(), v.z());
  for (const auto& f : simple->faces) triangles.emplace_back(f[0], f[1], f[2]);
  Vec3 lo, hi;
  simple->Bounds(&lo, &hi);
  HACD::HACD hacd;
  hacd.SetPoints(points.data());
  hacd.SetNPoints(points.size());
  hacd.SetTriangles(triangles.data());
  hacd.SetNTriangles(triangles.size());
  hacd.SetCompacityWeight(0.0001);
  hacd.SetVolumeWeight(0.0);
  hacd.SetScaleFactor((hi - lo).norm());  // concavity is measured relative to this length
  hacd.SetConnectDist(30);
  hacd.SetNClusters(static_cast<size_t>(options.max_pieces));
  hacd.SetNVerticesPerCH(static_cast<size_t>(options.max_vertices));
  hacd.SetConcavity(options.concavity / (hi - lo).norm() * 1000.0);
  hacd.SetAddExtraDistPoints(false);
  hacd.SetAddNeighboursDistPoints(false);
  hacd.SetAddFacesPoints(false);
  if (!hacd.Compute()) return Error{"convex: HACD failed on the mesh"};
  std::vector<TriMesh> pieces;
  for (size_t c = 0; c < hacd.GetNClusters(); ++c) {
    const size_t np = hacd.GetNPointsCH(c), nt = hacd.GetNTrianglesCH(c);
    std::vector<HACD::Vec3<HACD::Real>> cp(np);
    std::vector<HACD::Vec3<long>> ct(nt);
    if (!hacd.GetCH(c, cp.data(), ct.data()) || nt < 4) continue;
    TriMesh piece;
    for (const auto& p : cp) piece.vertices.emplace_back(p.X(), p.Y(), p.Z());
    for (const auto& t : ct) piece.faces.push_back({int(t.X()), int(t.Y()), int(t.Z())});
    if (SignedVolume(piece) < 0) {
      for (auto& f : piece.faces) std::swap(f[1], f[2]);
    }
    if (SignedVolume(piece) > 0) pieces.push_back(std::move(piece));
  }
  if (pieces.empty()) return Error{"convex: HACD produced no usable piece"};
  return pieces;
}

Expected<std::vector<TriMesh>> OwnPieces(const std::string& mesh_path) {
  std::vector<TriMesh> pieces;
  const fs::path dir = fs::path(mesh_path).parent_path() / "collision";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return pieces;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string ext = e.path().extension().string();
    if (ext == ".stl" || ext == ".STL" || ext == ".obj") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    auto piece = LoadMesh(f.string());
    if (!piece) return piece.error();
    pieces.push_back(std::move(piece.value()));
  }
  return pieces;
}

}  // namespace dexvlg
