#include "cli/object_commands.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/hand_commands.h"
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "object/procedural.h"
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

void AddObjectCommands(Commands& commands) {
  CLI::App& app = commands.app();
  struct State {
    std::string object_source;
    bool object_json = false;
    std::string procedural_list;
    dexvlg::ObjectScale object_scale;
    std::string prepare_out, size_range;
    dexvlg::PrepareOptions prepare_options;
    std::string segment_out;
    dexvlg::SegmentOptions segment_options;
    std::string render_out;
    int view_width = 480, view_height = 360;
  };
  const auto opt = std::make_shared<State>();
  // dexvlg object ...
  auto* object_cmd = app.add_subcommand("object", "Inspect objects: meshes, parts and categories");
  object_cmd->require_subcommand(1);
  for (const std::string& n : dexvlg::ProceduralNames()) opt->procedural_list += " " + n;
  auto* object_info = object_cmd->add_subcommand(
      "info",
      "Size, watertightness, parts with oriented boxes and categories (lid, disk, "
      "L-shaped, shaft)");
  object_info
      ->add_option("OBJECT", opt->object_source,
                   "Mesh file (OBJ/STL/PLY/GLB), part-labelled folder (part_labels.json), or a "
                   "procedural object:" +
                       opt->procedural_list + " (e.g. mug:size=1.2,proportion=0.8)")
      ->required();
  object_info->add_flag("--json", opt->object_json, "Print JSON instead of a table");
  AddObjectScale(object_info, &opt->object_scale);

  auto* object_prepare = object_cmd->add_subcommand(
      "prepare",
      "Write a prepared object folder: watertight mesh with part labels, surface samples, "
      "object.json with part categories and boxes (format in docs/object_format.md)");
  object_prepare
      ->add_option("OBJECT", opt->object_source,
                   "Mesh file, part-labelled folder or procedural object")
      ->required();
  object_prepare->add_option("--out", opt->prepare_out, "Output folder")->required();
  object_prepare->add_option("--size", opt->size_range,
                             "Rescale so the bounding-box diagonal lies in MIN:MAX metres (e.g. "
                             "0.2:0.5, as the paper); default: keep metric units");
  object_prepare
      ->add_option("--resolution", opt->prepare_options.resolution,
                   "Repair voxels along the diagonal")
      ->capture_default_str();
  object_prepare
      ->add_option("--samples", opt->prepare_options.samples, "Surface samples (farthest point)")
      ->capture_default_str();
  object_prepare
      ->add_option("--segment", opt->prepare_options.segment,
                   "Geometric part segmentation: auto (inputs without part labels), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  object_prepare->add_option("--name", opt->prepare_options.name,
                             "Object name (default: from the input)");
  object_prepare
      ->add_option("--part-names", opt->prepare_options.part_names,
                   "Part names in label order, comma separated (see `object segment`)")
      ->delimiter(',');

  auto* object_segment = object_cmd->add_subcommand(
      "segment",
      "Split an object into parts by its geometry alone (protrusions, then cross-section "
      "steps; docs/parts.md); compares with the object's own labels when it has some");
  object_segment
      ->add_option("OBJECT", opt->object_source,
                   "Mesh file, part-labelled or prepared folder, or procedural object")
      ->required();
  object_segment->add_option("--out", opt->segment_out,
                             "Output PNG (input labels above, parts below)");
  object_segment
      ->add_option("--resolution", opt->segment_options.resolution,
                   "Voxels along the longest side of the object's box")
      ->capture_default_str()
      ->check(CLI::Range(16, 512));

  auto* object_render = object_cmd->add_subcommand(
      "render", "Write a PNG of an object coloured by part: four views in a 2 x 2 grid");
  object_render
      ->add_option("OBJECT", opt->object_source,
                   "Mesh file, part-labelled or prepared folder, or procedural object")
      ->required();
  object_render->add_option("--out", opt->render_out, "Output PNG")->required();
  object_render->add_option("--width", opt->view_width, "Width of one view (pixels)")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  object_render->add_option("--height", opt->view_height, "Height of one view (pixels)")
      ->capture_default_str()
      ->check(CLI::Range(16, 4096));
  commands.On(object_prepare, [opt] {
    if (!opt->size_range.empty()) {
      const size_t colon = opt->size_range.find(':');
      if (colon == std::string::npos) {
        return Fail({"--size: expected MIN:MAX in metres, got \"" + opt->size_range + "\""});
      }
      try {
        opt->prepare_options.min_diagonal = std::stod(opt->size_range.substr(0, colon));
        opt->prepare_options.max_diagonal = std::stod(opt->size_range.substr(colon + 1));
      } catch (const std::exception&) {
        return Fail({"--size: expected MIN:MAX in metres, got \"" + opt->size_range + "\""});
      }
    }
    auto object = dexvlg::LoadAnyObject(opt->object_source);
    if (!object) return Fail(object.error());
    auto prepared = dexvlg::PrepareObject(*object, opt->object_source, opt->prepare_options);
    if (!prepared) return Fail(prepared.error());
    if (dexvlg::Status s = dexvlg::WritePrepared(*prepared, opt->prepare_out); !s)
      return Fail(s.error());
    const std::string preview = opt->prepare_out + "/preview.png";
    if (dexvlg::Status s =
            dexvlg::WritePng(dexvlg::PartPreview(prepared->watertight, 320, 240), preview);
        !s) {
      return Fail(s.error());
    }
    dexvlg::cli::PrintObjectInfo(prepared->watertight, false, std::cout);
    std::cout << "wrote " << opt->prepare_out << "/object.json (scale " << prepared->scale << ", "
              << prepared->pieces.size() << " " << prepared->pieces_source
              << " collision pieces)\n";
    return 0;
  });
  commands.On(object_segment, [opt] {
    if (dexvlg::Status s = dexvlg::cli::SegmentObject(opt->object_source, opt->segment_options,
                                                      opt->segment_out, std::cout);
        !s) {
      return Fail(s.error());
    }
    return 0;
  });
  commands.On(object_render, [opt] {
    auto object = dexvlg::LoadAnyObject(opt->object_source);
    if (!object) return Fail(object.error());
    if (dexvlg::Status s = dexvlg::WritePng(
            dexvlg::PartPreview(*object, opt->view_width, opt->view_height), opt->render_out);
        !s) {
      return Fail(s.error());
    }
    std::cout << "wrote " << opt->render_out << "\n";
    return 0;
  });
  commands.On(object_info, [opt] {
    auto object = dexvlg::LoadAnyObject(opt->object_source, opt->object_scale);
    if (!object) return Fail(object.error());
    dexvlg::cli::PrintObjectInfo(*object, opt->object_json, std::cout);
    return 0;
  });
}

}  // namespace dexvlg::cli
