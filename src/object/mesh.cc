#include "object/mesh.h"

#include <cmath>
#include <map>
#include <unordered_map>

namespace dexvlg {

Status ValidateMesh(const TriMesh& mesh, const std::string& label) {
  if (mesh.vertices.empty() || mesh.faces.empty()) {
    return Error{label + ": the mesh is empty (" + std::to_string(mesh.vertices.size()) +
                 " vertices, " + std::to_string(mesh.faces.size()) + " faces)"};
  }
  for (size_t i = 0; i < mesh.vertices.size(); ++i) {
    if (!mesh.vertices[i].allFinite()) {
      return Error{label + ": vertex " + std::to_string(i) + " has a NaN or infinite coordinate"};
    }
  }
  int degenerate = 0;
  for (size_t f = 0; f < mesh.faces.size(); ++f) {
    for (int v : mesh.faces[f]) {
      if (v < 0 || v >= mesh.num_vertices()) {
        return Error{label + ": face " + std::to_string(f) + " uses vertex " + std::to_string(v) +
                     " but the mesh has " + std::to_string(mesh.num_vertices()) + " vertices"};
      }
    }
    degenerate += mesh.FaceArea(static_cast<int>(f)) <= 0;
  }
  if (degenerate == mesh.num_faces())
    return Error{label + ": every face is degenerate (zero area)"};
  Vec3 lo, hi;
  mesh.Bounds(&lo, &hi);
  const double diagonal = (hi - lo).norm();
  if (!(diagonal >= 1e-3 && diagonal <= 100.0)) {
    return Error{label + ": implausible size: bounding-box diagonal " + std::to_string(diagonal) +
                 " m (expected 1 mm to 100 m; is the file in millimetres? use --scale)"};
  }
  return Status::Ok();
}

EdgeReport Edges(const TriMesh& mesh) {
  std::unordered_map<uint64_t, int> count;
  count.reserve(mesh.faces.size() * 3);
  for (const auto& f : mesh.faces) {
    for (int k = 0; k < 3; ++k) {
      const uint64_t a = static_cast<uint32_t>(f[k]), b = static_cast<uint32_t>(f[(k + 1) % 3]);
      count[a < b ? (a << 32 | b) : (b << 32 | a)]++;
    }
  }
  EdgeReport r;
  for (const auto& [edge, n] : count) {
    r.boundary_edges += n == 1;
    r.non_manifold_edges += n > 2;
  }
  return r;
}

int LabeledMesh::PartLabel(const std::string& part) const {
  for (size_t i = 0; i < part_names.size(); ++i) {
    if (part_names[i] == part) return static_cast<int>(i);
  }
  return -1;
}

TriMesh LabeledMesh::Part(int label) const {
  TriMesh out;
  std::map<int, int> remap;
  for (int f = 0; f < mesh.num_faces(); ++f) {
    if (face_labels[f] != label) continue;
    std::array<int, 3> t;
    for (int k = 0; k < 3; ++k) {
      auto [it, inserted] = remap.emplace(mesh.faces[f][k], out.num_vertices());
      if (inserted) out.vertices.push_back(mesh.vertices[mesh.faces[f][k]]);
      t[k] = it->second;
    }
    out.faces.push_back(t);
  }
  return out;
}

}  // namespace dexvlg
