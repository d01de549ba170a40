#include "cli/object_commands.h"

#include <filesystem>
#include <iomanip>
#include <nlohmann/json.hpp>

#include "cli/hand_commands.h"
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "object/repair.h"
#include "parts/parts.h"
#include "parts/prepare.h"
#include "parts/segment.h"
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
    j["parts"] = nlohmann::json::parse(PartsJsonText(parts));
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

Status SegmentObject(const std::string& source, const SegmentOptions& options,
                     const std::string& png, std::ostream& out) {
  auto object = LoadClosedObject(source);
  if (!object) return object.error();
  const LabeledMesh& truth = object.value();
  auto segmented = SegmentParts(truth.mesh, truth.name, options);
  if (!segmented) return Error{source + ": " + segmented.error().message};
  PrintObjectInfo(*segmented, false, out);
  std::vector<Image> views = {PartPreview(*segmented, 320, 240)};
  if (truth.part_names.size() > 1) {  // labelled input: compare
    const std::vector<double> iou =
        PartIoU(truth.face_labels, static_cast<int>(truth.part_names.size()),
                segmented->face_labels, static_cast<int>(segmented->part_names.size()));
    out << "against the input's labels (face IoU of the best-matching segment):\n";
    for (size_t p = 0; p < iou.size(); ++p) {
      out << "  " << std::left << std::setw(16) << truth.part_names[p] << std::fixed
          << std::setprecision(3) << iou[p] << "\n";
    }
    out.unsetf(std::ios::fixed);
    views.insert(views.begin(), PartPreview(truth, 320, 240));
  }
  if (png.empty()) return {};
  if (Status s = WritePng(Tile(views, 1), png); !s) return s;
  out << "wrote " << png << (views.size() > 1 ? " (top: input labels, bottom: segmentation)" : "")
      << "\n";
  return {};
}

}  // namespace dexvlg::cli
