#include "synth/object_model.h"

#include <chrono>
#include <cmath>
#include <sstream>

#include "object/convex.h"
#include "synth/synth.h"

namespace dexvlg {
namespace {

/// Surface samples from which each part's initial-pose targets are drawn.
constexpr int kPartSamples = 2048;
constexpr unsigned kPartSampleSeed = 7;

}  // namespace

Status ObjectModelOptions::Validate() const {
  std::ostringstream bad;
  if (!(sdf_spacing > 0 && std::isfinite(sdf_spacing))) {
    bad << "sdf_spacing " << sdf_spacing << " (expected > 0)";
  } else if (!(padding >= 0 && std::isfinite(padding))) {
    bad << "padding " << padding << " (expected >= 0)";
  } else if (dense_samples < 1) {
    bad << "dense_samples " << dense_samples << " (expected >= 1)";
  }
  if (bad.tellp() != 0) return Error{"object model options: " + bad.str()};
  return Status::Ok();
}

Expected<std::shared_ptr<const ObjectModel>> ObjectModel::Build(LabeledMesh object,
                                                                const Options& options,
                                                                std::vector<TriMesh> pieces) {
  const auto start = std::chrono::steady_clock::now();
  if (Status s = options.Validate(); !s) return s.error();
  const TriMesh& m = object.mesh;
  if (m.num_faces() == 0) return Error{object.name + ": the mesh has no faces"};
  if (object.part_names.empty()) return Error{object.name + ": the object has no parts"};
  if (object.face_labels.size() != static_cast<size_t>(m.num_faces())) {
    return Error{object.name + ": " + std::to_string(object.face_labels.size()) +
                 " face labels for " + std::to_string(m.num_faces()) + " faces"};
  }
  for (int label : object.face_labels) {
    if (label < 0 || label >= static_cast<int>(object.part_names.size())) {
      return Error{object.name + ": face label " + std::to_string(label) + " outside the " +
                   std::to_string(object.part_names.size()) + " parts"};
    }
  }
  if (Status s = CheckGraspableSize(m, object.name); !s) return s.error();
  std::shared_ptr<ObjectModel> model(new ObjectModel());
  model->options_ = options;
  model->object_ = std::move(object);
  model->pieces_ = std::move(pieces);
  const LabeledMesh& o = model->object_;
  model->exact_ = MeshSdf(o.mesh);
  model->field_ = SdfGrid(model->exact_, options.sdf_spacing, options.padding);
  model->parts_ = AnalyseParts(o);
  model->dense_ = SampleSurface(o.mesh, options.dense_samples, options.sample_seed);
  model->pen_points_ = FarthestPointSubset(model->dense_, 384).points;
  model->barrier_ = FarthestPointSubset(model->dense_, 1024);
  model->part_samples_ = SampleSurface(o.mesh, kPartSamples, kPartSampleSeed);
  const size_t n = o.part_names.size();
  model->part_models_.resize(n);
  model->part_once_ = std::make_unique<std::once_flag[]>(n);
  model->build_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return std::shared_ptr<const ObjectModel>(std::move(model));
}

namespace {

/// The part's box, category, outward direction and samples from `part_samples`.
void DescribePart(const LabeledMesh& object, const std::vector<PartInfo>& parts,
                  const SurfaceSamples& part_samples, int label, PartModel& p) {
  for (const PartInfo& info : parts) {
    if (info.label == label) p.info = info;
  }
  // outward: from the area centroid of the rest to the part's
  Vec3 rest = Vec3::Zero(), mine = Vec3::Zero();
  double rest_area = 0, mine_area = 0;
  const TriMesh& m = object.mesh;
  for (int f = 0; f < m.num_faces(); ++f) {
    const Vec3 c = m.FaceCentroid(f);
    const double a = m.FaceArea(f);
    if (object.face_labels[f] == label) {
      mine += a * c;
      mine_area += a;
    } else {
      rest += a * c;
      rest_area += a;
    }
  }
  if (rest_area > 0 && mine_area > 0) {
    const Vec3 d = mine / mine_area - rest / rest_area;
    if (d.norm() > 1e-9) p.outward = d.normalized();
  }
  for (size_t i = 0; i < part_samples.points.size(); ++i) {
    if (object.face_labels[part_samples.faces[i]] == label) {
      p.points.push_back(part_samples.points[i]);
      p.normals.push_back(part_samples.normals[i]);
    }
  }
}

}  // namespace

PartModel DescribePart(const LabeledMesh& object, int label) {
  PartModel p;
  DescribePart(object, AnalyseParts(object),
               SampleSurface(object.mesh, kPartSamples, kPartSampleSeed), label, p);
  return p;
}

const PartModel& ObjectModel::Part(int label) const {
  std::call_once(part_once_[label], [&] {
    auto p = std::make_unique<PartModel>();
    DescribePart(object_, parts_, part_samples_, label, *p);
    for (size_t i = 0; i < barrier_.points.size(); ++i) {
      if (object_.face_labels[barrier_.faces[i]] != label)
        p->off_part.push_back(barrier_.points[i]);
    }
    const MeshSdf surface(object_.Part(label));
    p->field = SdfGrid(exact_, surface, options_.sdf_spacing, options_.padding);
    part_models_[label] = std::move(p);
  });
  return *part_models_[label];
}

const std::vector<TriMesh>& ObjectModel::Pieces() const {
  std::call_once(pieces_once_, [&] {
    if (pieces_.empty()) pieces_ = ShellPieces(object_.mesh);
  });
  return pieces_;
}

}  // namespace dexvlg
