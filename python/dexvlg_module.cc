// `import dexvlg`: the library from Python with numpy arrays in and out (docs/python.md).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include "dataset/store.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "model/model.h"
#include "object/convex.h"
#include "parts/prepare.h"
#include "sim/settle.h"
#include "sim/sim.h"
#include "sim/validate.h"
#include "synth/grasp_file.h"
#include "synth/synth.h"

namespace py = pybind11;
using namespace dexvlg;

namespace {

template <typename T>
T Check(Expected<T> e) {
  if (!e) throw std::runtime_error(e.error().message);
  return std::move(*e);
}

py::array_t<double> Rows(const std::vector<double>& v, size_t cols) {
  const size_t rows = cols ? v.size() / cols : 0;
  py::array_t<double> a({rows, cols});
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

std::vector<double> Flat(const py::array_t<double, py::array::c_style | py::array::forcecast>& a,
                         size_t cols, const char* what) {
  if (a.ndim() != 2 || static_cast<size_t>(a.shape(1)) != cols)
    throw std::invalid_argument(std::string(what) + ": expected an N x " + std::to_string(cols) +
                                " array");
  return std::vector<double>(a.data(), a.data() + a.size());
}

HandModel LoadAnyHand(const std::string& path) {
  return path.empty() ? DefaultHand() : Check(LoadHand(path));
}

py::dict MeshDict(const LabeledMesh& m) {
  py::array_t<double> v({m.mesh.vertices.size(), size_t{3}});
  for (size_t i = 0; i < m.mesh.vertices.size(); ++i)
    for (int k = 0; k < 3; ++k) v.mutable_at(i, k) = m.mesh.vertices[i][k];
  py::array_t<int> f({m.mesh.faces.size(), size_t{3}});
  for (size_t i = 0; i < m.mesh.faces.size(); ++i)
    for (int k = 0; k < 3; ++k) f.mutable_at(i, k) = m.mesh.faces[i][k];
  py::dict d;
  d["name"] = m.name;
  d["vertices"] = v;
  d["faces"] = f;
  d["face_labels"] = py::array_t<int>(m.face_labels.size(), m.face_labels.data());
  d["part_names"] = m.part_names;
  return d;
}

}  // namespace

PYBIND11_MODULE(dexvlg, m) {
  m.doc() = "dexvlg: part-aware, language-conditioned dexterous grasping (docs/python.md)";
  m.attr("__version__") = DEXVLG_VERSION;

  py::class_<HandModel>(m, "Hand",
                        "A hand model (MJCF + hand spec); the built-in Shadow Hand by default")
      .def(py::init(&LoadAnyHand), py::arg("path") = "",
           "Loads a hand spec (.json) or MJCF (.xml); '' is the built-in Shadow Hand")
      .def_property_readonly("name", [](const HandModel& h) { return h.name; })
      .def_property_readonly("joint_names",
                             [](const HandModel& h) {
                               std::vector<std::string> n;
                               for (const Joint& j : h.joints) n.push_back(j.name);
                               return n;
                             })
      .def_property_readonly("link_names",
                             [](const HandModel& h) {
                               std::vector<std::string> n;
                               for (const Link& l : h.links) n.push_back(l.name);
                               return n;
                             })
      .def_property_readonly("pose_size", &HandModel::pose_size,
                             "Values per pose row: [x, y, z, qw, qx, qy, qz, joints...]")
      .def_property_readonly("joint_limits",
                             [](const HandModel& h) {
                               py::array_t<double> a({h.joints.size(), size_t{2}});
                               for (size_t j = 0; j < h.joints.size(); ++j) {
                                 a.mutable_at(j, 0) = h.joints[j].lower;
                                 a.mutable_at(j, 1) = h.joints[j].upper;
                               }
                               return a;
                             })
      .def(
          "fk",
          [](const HandModel& h,
             const py::array_t<double, py::array::c_style | py::array::forcecast>& poses) {
            const std::vector<double> rows = Flat(poses, h.pose_size(), "fk");
            const int n = static_cast<int>(rows.size() / h.pose_size());
            KinematicsData data(h, std::max(1, n));
            ForwardKinematics(h, rows.data(), 0, n, data);
            const size_t L = h.links.size();
            py::array_t<double> T({static_cast<size_t>(n), L, size_t{4}, size_t{4}});
            for (int b = 0; b < n; ++b)
              for (size_t l = 0; l < L; ++l) {
                const double* R = data.R(b, static_cast<int>(l));
                const double* p = data.p(b, static_cast<int>(l));
                for (int r = 0; r < 4; ++r)
                  for (int c = 0; c < 4; ++c)
                    T.mutable_at(b, l, r, c) =
                        r < 3 ? (c < 3 ? R[3 * r + c] : p[r]) : (c == 3 ? 1.0 : 0.0);
              }
            return T;
          },
          py::arg("poses"),
          "Link frames (N x links x 4 x 4) of N pose rows (N x pose_size), in the rows' frame");

  m.def(
      "load_object",
      [](const std::string& source) { return MeshDict(Check(LoadClosedObject(source))); },
      py::arg("source"),
      "A closed, part-labelled object: a mesh file, an object folder or a procedural spec "
      "('mug', 'mug:size=1.2'); dict of name, vertices, faces, face_labels, part_names");

  m.def(
      "synthesize",
      [](const std::string& source, const std::string& part, const std::string& mode, int count,
         unsigned seed, int attempts, int settle, const std::string& hand_path) {
        const HandModel hand = LoadAnyHand(hand_path);
        const LabeledMesh object = Check(LoadClosedObject(source));
        SynthOptions o;
        o.part = part;
        o.mode = mode == "pinch" ? GraspMode::kPinch : GraspMode::kWrap;
        o.count = count;
        o.seed = seed;
        o.max_attempts = attempts;
        SynthResult r;
        {
          py::gil_scoped_release release;
          if (settle > 0) {
            SimScene scene =
                Check(SimScene::Build(hand, object, ShellPieces(object.mesh), SimParams{}));
            r = Check(Synthesize(hand, object, o, {}, Settler(scene, settle)));
          } else {
            r = Check(Synthesize(hand, object, o));
          }
        }
        std::vector<double> pre, grasp, squeeze;
        for (const Grasp& g : r.grasps) {
          pre.insert(pre.end(), g.pregrasp.begin(), g.pregrasp.end());
          grasp.insert(grasp.end(), g.grasp.begin(), g.grasp.end());
          squeeze.insert(squeeze.end(), g.squeeze.begin(), g.squeeze.end());
        }
        py::dict d;
        d["pregrasp"] = Rows(pre, hand.pose_size());
        d["grasp"] = Rows(grasp, hand.pose_size());
        d["squeeze"] = Rows(squeeze, hand.pose_size());
        d["attempts"] = r.summary.attempts;
        d["rejected"] = r.summary.rejected;
        d["seconds"] = r.summary.seconds;
        return d;
      },
      py::arg("source"), py::arg("part"), py::arg("mode") = "wrap", py::arg("count") = 8,
      py::arg("seed") = 0, py::arg("attempts") = 0, py::arg("settle") = 2, py::arg("hand") = "",
      "Part-aware grasp synthesis (docs/synth.md): pose rows (object frame) of pregrasp, grasp "
      "and squeeze");

  m.def(
      "validate",
      [](const std::string& source, const py::array_t<double>& pregrasp,
         const py::array_t<double>& grasp, const py::array_t<double>& squeeze,
         const std::string& part, const std::string& hand_path) {
        const HandModel hand = LoadAnyHand(hand_path);
        const LabeledMesh object = Check(LoadClosedObject(source));
        const size_t ps = hand.pose_size();
        const std::vector<double> a = Flat(pregrasp, ps, "pregrasp"), b = Flat(grasp, ps, "grasp"),
                                  c = Flat(squeeze, ps, "squeeze");
        if (a.size() != b.size() || b.size() != c.size())
          throw std::invalid_argument("pregrasp, grasp and squeeze must have the same rows");
        const int found = object.PartLabel(part);
        if (!part.empty() && found < 0)
          throw std::invalid_argument(source + ": no part named \"" + part + "\"");
        const int label = found < 0 ? 0 : found;
        py::list out;
        std::vector<SimOutcome> outcomes;
        {
          py::gil_scoped_release release;
          SimScene scene =
              Check(SimScene::Build(hand, object, ShellPieces(object.mesh), SimParams{}));
          outcomes =
              Check(ValidateGrasps(scene, a, b, c, static_cast<int>(a.size() / ps), label, ""))
                  .outcomes;
        }
        for (const SimOutcome& o : outcomes) {
          py::dict d;
          d["success"] = o.success;
          d["valid"] = o.valid;
          d["reason"] = o.reason;
          d["held"] = std::vector<int>(o.held.begin(), o.held.end());
          d["penetration"] = o.penetration;
          d["part_aligned"] = o.part_aligned;
          d["caption"] = o.caption;
          out.append(d);
        }
        return out;
      },
      py::arg("source"), py::arg("pregrasp"), py::arg("grasp"), py::arg("squeeze"),
      py::arg("part") = "", py::arg("hand") = "",
      "Simulates grasps (object frame) under the default DexGraspBench protocol (docs/sim.md)");

  m.def(
      "read_grasps",
      [](const std::string& path) {
        const GraspSet s = Check(ReadGraspFile(path));
        py::dict d;
        d["object"] = s.object;
        d["object_source"] = s.object_source;
        d["part"] = s.part;
        d["mode"] = s.mode;
        d["joint_names"] = s.joint_names;
        d["part_names"] = s.part_names;
        d["pregrasp"] = Rows(s.pregrasp, s.pose_size);
        d["grasp"] = Rows(s.grasp, s.pose_size);
        d["squeeze"] = Rows(s.squeeze, s.pose_size);
        return d;
      },
      py::arg("path"), "A grasp file (docs/grasp_file.md)");

  m.def(
      "read_shard",
      [](const std::string& path) {
        const ShardReader r = Check(ShardReader::Open(path));
        const ShardGrasps g = Check(r.Grasps());
        py::dict d;
        d["object"] = r.info().object;
        d["object_source"] = r.info().object_source;
        d["joint_names"] = r.info().joint_names;
        d["part_names"] = r.info().part_names;
        d["mesh"] = MeshDict(Check(r.Object()));
        d["pregrasp"] = Rows(g.pregrasp, g.pose_size);
        d["grasp"] = Rows(g.grasp, g.pose_size);
        d["squeeze"] = Rows(g.squeeze, g.pose_size);
        d["part"] = py::array_t<int>(g.part.size(), g.part.data());
        d["mode"] = py::array_t<int>(g.mode.size(), g.mode.data());
        d["scene"] = py::array_t<int>(g.scene.size(), g.scene.data());
        d["success"] = py::array_t<int>(g.success.size(), g.success.data());
        d["caption"] = g.caption;
        py::list scenes;
        for (int k = 0; k < r.num_scenes(); ++k) {
          const Scene s = Check(r.SceneAt(k));
          py::dict sd;
          py::array_t<double> T({size_t{4}, size_t{4}});
          for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b)
              T.mutable_at(a, b) =
                  a < 3 ? (b < 3 ? s.placement.R(a, b) : s.placement.t[a]) : (b == 3);
          sd["placement"] = T;
          py::list views;
          for (const SceneView& v : s.views) {
            py::dict vd;
            const size_t n = v.points.size() / 3;
            py::array_t<float> p({n, size_t{3}});
            std::copy(v.points.begin(), v.points.end(), p.mutable_data());
            py::array_t<uint8_t> c({n, size_t{3}});
            std::copy(v.colors.begin(), v.colors.end(), c.mutable_data());
            vd["points"] = p;
            vd["colors"] = c;
            vd["labels"] = py::array_t<int8_t>(v.labels.size(), v.labels.data());
            views.append(vd);
          }
          sd["views"] = views;
          sd["grasps"] = Check(r.SceneGrasps(k));
          scenes.append(sd);
        }
        d["scenes"] = scenes;
        return d;
      },
      py::arg("path"), "A dataset shard (docs/dataset.md), read through the typed ShardReader");

  py::class_<GraspModel>(m, "Model", "A trained DexVLG model (docs/model.md)")
      .def(py::init([](const std::string& path) { return Check(GraspModel::Load(path)); }),
           py::arg("path"), "Loads a model folder or model.h5")
      .def_property_readonly("parameters", &GraspModel::parameters)
      .def_property_readonly("joint_names",
                             [](const GraspModel& g) { return g.config().joint_names; })
      .def_property_readonly(
          "config", [](const GraspModel& g) { return g.config().ToJson(); },
          "The config as JSON text")
      .def(
          "predict",
          [](const GraspModel& g,
             const py::array_t<float, py::array::c_style | py::array::forcecast>& points,
             const py::object& colors, const std::string& instruction, int count, unsigned seed,
             int steps) {
            if (points.ndim() != 2 || points.shape(1) != 3)
              throw std::invalid_argument("points: expected an N x 3 array");
            Cloud cloud;
            cloud.xyz.assign(points.data(), points.data() + points.size());
            if (!colors.is_none()) {
              const auto c =
                  colors.cast<py::array_t<uint8_t, py::array::c_style | py::array::forcecast>>();
              if (c.ndim() != 2 || c.shape(1) != 3 || c.shape(0) != points.shape(0))
                throw std::invalid_argument("colors: expected an N x 3 uint8 array like points");
              cloud.rgb.assign(c.data(), c.data() + c.size());
            }
            PredictOptions o;
            o.count = count;
            o.seed = seed;
            o.steps = steps;
            PredictedGrasps p;
            {
              py::gil_scoped_release release;
              p = Check(g.Predict(cloud, instruction, o));
            }
            py::dict d;
            d["pregrasp"] = Rows(p.pregrasp, p.pose_size);
            d["grasp"] = Rows(p.grasp, p.pose_size);
            d["squeeze"] = Rows(p.squeeze, p.pose_size);
            d["centroid"] = std::vector<double>{p.centroid.x(), p.centroid.y(), p.centroid.z()};
            d["seconds"] = p.seconds;
            return d;
          },
          py::arg("points"), py::arg("colors") = py::none(), py::arg("instruction"),
          py::arg("count") = 16, py::arg("seed") = 0, py::arg("steps") = 0,
          "Grasps (pose rows in the cloud's frame: table frame, z up) for an instruction");
}
