#include "cli/object_commands.h"

#include <iomanip>
#include <nlohmann/json.hpp>

#include "cli/hand_commands.h"
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "parts/parts.h"
#include "parts/prepare.h"
#include "render/render.h"

namespace dexvlg::cli {

void PrintObjectInfo(const LabeledMesh& object, bool as_json, std::ostream& out) {
  Vec3 lo, hi;
  object.mesh.Bounds(&lo, &hi);
  const EdgeReport edges = Edges(object.mesh);
  const std::vector<PartInfo> parts = AnalyseParts(object);
  if (as_json) {
    nlohmann::json j;
    j["name"] = object.name;
    j["vertices"] = object.mesh.num_vertices();
    j["faces"] = object.mesh.num_faces();
    j["bounds"] = {{lo.x(), lo.y(), lo.z()}, {hi.x(), hi.y(), hi.z()}};
    j["boundary_edges"] = edges.boundary_edges;
    j["non_manifold_edges"] = edges.non_manifold_edges;
    j["parts"] = PartsJson(parts);
    out << j.dump(2) << "\n";
    return;
  }
  out << "object " << object.name << ": " << object.mesh.num_vertices() << " vertices, "
      << object.mesh.num_faces() << " faces\n"
      << std::fixed << std::setprecision(1) << "  size " << (hi - lo).x() * 100 << " x "
      << (hi - lo).y() * 100 << " x " << (hi - lo).z() * 100 << " cm (diagonal "
      << (hi - lo).norm() * 100 << " cm)\n  " << edges.boundary_edges << " boundary edges, "
      << edges.non_manifold_edges << " non-manifold edges"
      << (edges.watertight() ? " (watertight)" : " (not watertight)") << "\n\n"
      << "  part          label  faces  category   box half extents (cm)\n";
  for (const PartInfo& p : parts) {
    out << "  " << std::left << std::setw(14) << p.name << std::right << std::setw(5) << p.label
        << std::setw(7) << p.num_faces << "  " << std::left << std::setw(10)
        << CategoryName(p.category) << std::right << " " << p.box.half_extents.x() * 100 << " x "
        << p.box.half_extents.y() * 100 << " x " << p.box.half_extents.z() * 100 << "\n";
  }
  out.unsetf(std::ios::fixed);
}

Status RenderHand(const HandModel& hand, const std::string& preset, const std::string& path) {
  KinematicsData data(hand, 1);
  const double identity[4] = {1, 0, 0, 0};
  const std::vector<double> row = PoseRow(hand, Vec3::Zero(), identity, PresetJoints(hand, preset));
  ForwardKinematics(hand, row.data(), 0, 1, data);
  LabeledMesh surface;
  std::vector<int> links;
  surface.mesh = HandSurface(hand, data, 0, &links);
  surface.face_labels = links;
  return WritePng(PartPreview(surface, 360, 300), path);
}

}  // namespace dexvlg::cli
