#include "object/convex.h"

#include <hacdHACD.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

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
  hacd.SetAddExtraDistPoints(true);
  hacd.SetAddNeighboursDistPoints(false);
  hacd.SetAddFacesPoints(true);
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

std::vector<TriMesh> ShellPieces(const TriMesh& closed, const ShellOptions& options) {
  const int nf = closed.num_faces();
  if (nf == 0) return {};
  std::vector<Vec3> centre(nf), normal(nf);
  std::vector<double> area(nf);
  std::vector<Vec3> vertex_normal(closed.num_vertices(), Vec3::Zero());
  double total = 0;
  for (int f = 0; f < nf; ++f) {
    const Vec3 n = closed.FaceNormal(f);
    centre[f] = closed.FaceCentroid(f);
    area[f] = 0.5 * n.norm();
    normal[f] = n.norm() > 0 ? Vec3(n.normalized()) : Vec3::UnitZ();
    total += area[f];
    for (int v : closed.faces[f]) vertex_normal[v] += n;
  }
  const int k =
      std::clamp(static_cast<int>(std::ceil(total / (options.patch_size * options.patch_size))), 1,
                 std::max(1, std::min(options.max_pieces, nf)));
  // features: position and normal scaled so that opposite normals are a patch apart
  const double lambda = 0.5 * options.patch_size;
  auto distance2 = [&](int f, const Vec3& c, const Vec3& n) {
    return (centre[f] - c).squaredNorm() + lambda * lambda * (normal[f] - n).squaredNorm();
  };
  // farthest-point initialisation (deterministic), then Lloyd iterations
  std::vector<Vec3> cc{centre[0]}, cn{normal[0]};
  std::vector<double> nearest(nf, std::numeric_limits<double>::infinity());
  while (static_cast<int>(cc.size()) < k) {
    int far = 0;
    for (int f = 0; f < nf; ++f) {
      nearest[f] = std::min(nearest[f], distance2(f, cc.back(), cn.back()));
      if (nearest[f] > nearest[far]) far = f;
    }
    cc.push_back(centre[far]);
    cn.push_back(normal[far]);
  }
  std::vector<int> label(nf, 0);
  for (int it = 0; it <= options.iterations; ++it) {
    for (int f = 0; f < nf; ++f) {
      double best = std::numeric_limits<double>::infinity();
      for (int c = 0; c < k; ++c) {
        const double d = distance2(f, cc[c], cn[c]);
        if (d < best) {
          best = d;
          label[f] = c;
        }
      }
    }
    if (it == options.iterations) break;
    std::vector<Vec3> sum_c(k, Vec3::Zero()), sum_n(k, Vec3::Zero());
    std::vector<double> weight(k, 0);
    for (int f = 0; f < nf; ++f) {
      sum_c[label[f]] += area[f] * centre[f];
      sum_n[label[f]] += area[f] * normal[f];
      weight[label[f]] += area[f];
    }
    for (int c = 0; c < k; ++c) {
      if (weight[c] <= 0) continue;
      cc[c] = sum_c[c] / weight[c];
      if (sum_n[c].norm() > 0) cn[c] = sum_n[c].normalized();
    }
  }
  std::vector<std::vector<int>> members(k);
  for (int f = 0; f < nf; ++f) {
    for (int v : closed.faces[f]) members[label[f]].push_back(v);
  }
  std::vector<TriMesh> pieces;
  for (auto& vs : members) {
    std::sort(vs.begin(), vs.end());
    vs.erase(std::unique(vs.begin(), vs.end()), vs.end());
    if (vs.size() < 3) continue;
    TriMesh piece;
    for (int v : vs) {
      const Vec3 n =
          vertex_normal[v].norm() > 0 ? Vec3(vertex_normal[v].normalized()) : Vec3::UnitZ();
      piece.vertices.push_back(closed.vertices[v]);
      piece.vertices.push_back(closed.vertices[v] - options.thickness * n);
    }
    pieces.push_back(std::move(piece));
  }
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
