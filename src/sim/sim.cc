#include "sim/sim.h"

#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <new>
#include <random>
#include <set>
#include <sstream>

#include "core/demand.h"
#include "hand/hand_geometry.h"
#include "hand/kinematics.h"
#include "mj/mjcf.h"
#include "object/convex.h"

namespace dexvlg {
namespace {

constexpr double kPi = 3.14159265358979323846;
const char* const kObjectBody = "dexvlg_object";

std::string Vec(const Vec3& v) {
  std::ostringstream s;
  s << std::setprecision(17) << v.x() << " " << v.y() << " " << v.z();
  return s.str();
}

std::string Quat(const Mat3& R) {
  const Eigen::Quaterniond q(R);
  std::ostringstream s;
  s << std::setprecision(17) << q.w() << " " << q.x() << " " << q.y() << " " << q.z();
  return s.str();
}

std::string Vertices(const std::vector<Vec3>& vertices) {
  std::ostringstream s;
  s << std::setprecision(9);
  for (const Vec3& v : vertices) s << v.x() << " " << v.y() << " " << v.z() << " ";
  return s.str();
}

/// Mass properties of a closed, outward surface of uniform density scaled to `mass`: centre of
/// mass and the inertia tensor about it (sum of signed tetrahedra from the origin).
void MassProperties(const TriMesh& mesh, double mass, Vec3* com, Mat3* inertia) {
  double volume = 0;
  Vec3 first = Vec3::Zero();
  Mat3 second = Mat3::Zero();  // integral of x x^T over the volume
  for (const auto& f : mesh.faces) {
    const Vec3 &a = mesh.vertices[f[0]], &b = mesh.vertices[f[1]], &c = mesh.vertices[f[2]];
    const double v = a.dot(b.cross(c)) / 6.0;
    volume += v;
    first += v * (a + b + c) / 4.0;
    // integral of x x^T over a tetrahedron (0, a, b, c): v/20 (sum of outer products + sum x sum^T)
    const Vec3 s = a + b + c;
    second +=
        v / 20.0 * (a * a.transpose() + b * b.transpose() + c * c.transpose() + s * s.transpose());
  }
  *com = volume != 0 ? Vec3(first / volume) : Vec3::Zero();
  const double density = volume != 0 ? mass / volume : 0;
  const Mat3 about_origin = density * second;
  const Mat3 centred = about_origin - mass * (*com) * com->transpose();
  *inertia = centred.trace() * Mat3::Identity() - centred;
}

/// The object's collision pieces as MJCF mesh assets (`object_piece_<i>`).
std::string ObjectAssets(const std::vector<TriMesh>& pieces) {
  std::ostringstream x;
  for (size_t i = 0; i < pieces.size(); ++i) {
    x << "    <mesh name=\"object_piece_" << i << "\" vertex=\"" << Vertices(pieces[i].vertices)
      << "\"/>\n";
  }
  return x.str();
}

/// The object as a free body of its pieces with `mass` and the inertia of its closed surface;
/// priority 1, so its friction governs every contact it makes.
std::string ObjectBody(const LabeledMesh& object, size_t pieces, double mass) {
  Vec3 com;
  Mat3 I;
  MassProperties(object.mesh, mass, &com, &I);
  std::ostringstream x;
  x << std::setprecision(17) << "    <body name=\"" << kObjectBody << "\">\n      <freejoint/>\n"
    << "      <inertial pos=\"" << Vec(com) << "\" mass=\"" << mass << "\" fullinertia=\""
    << I(0, 0) << " " << I(1, 1) << " " << I(2, 2) << " " << I(0, 1) << " " << I(0, 2) << " "
    << I(1, 2) << "\"/>\n";
  for (size_t i = 0; i < pieces; ++i) {
    x << "      <geom name=\"object_geom_" << i << "\" type=\"mesh\" mesh=\"object_piece_" << i
      << "\" priority=\"1\" density=\"0\"/>\n";
  }
  x << "    </body>\n";
  return x.str();
}

const char* GeomTypeName(GeomType type) {
  switch (type) {
    case GeomType::kSphere:
      return "sphere";
    case GeomType::kCapsule:
      return "capsule";
    case GeomType::kBox:
      return "box";
    case GeomType::kCylinder:
      return "cylinder";
    case GeomType::kEllipsoid:
      return "ellipsoid";
    case GeomType::kMesh:
      return "mesh";
  }
  return "sphere";
}

const char* const kMocapBody = "dexvlg_mocap";
const char* const kHandRootJoint = "dexvlg_hand_root";

/// The scene MJCF: the hand written from its model (root = a free body welded to a mocap body,
/// position actuators on its joints and tendon couplings), the object as a free body of convex
/// mesh pieces.
std::string SceneMjcf(const HandModel& hand, const LabeledMesh& object,
                      const std::vector<TriMesh>& pieces, const SimParams& p) {
  std::ostringstream x;
  x << std::setprecision(17);
  x << "<mujoco model=\"dexvlg_validation\">\n"
    << "  <compiler angle=\"radian\" inertiafromgeom=\"auto\" boundmass=\"0.001\" "
       "boundinertia=\"1e-7\"/>\n"
    << "  <option timestep=\"" << p.timestep << "\" gravity=\"0 0 " << (p.table ? -9.81 : 0.0)
    << "\" cone=\"elliptic\" impratio=\"" << p.impratio << "\" noslip_iterations=\""
    << p.noslip_iterations << "\" integrator=\"" << (p.implicit ? "implicit" : "Euler") << "\"/>\n"
    << "  <size njmax=\"2000\" nconmax=\"500\"/>\n"
    << "  <default>\n"
    << "    <joint damping=\"" << p.joint_damping << "\" armature=\"" << p.armature
    << "\" frictionloss=\"" << p.frictionloss << "\"/>\n"
    << "    <geom density=\"1000\" condim=\"4\" friction=\"" << p.friction << " " << p.torsional
    << " 0.0001\"/>\n"
    << "    <default class=\"hand\"><geom solref=\"" << p.hand_solref[0] << " " << p.hand_solref[1]
    << "\" solimp=\"" << p.hand_solimp[0] << " " << p.hand_solimp[1] << " " << p.hand_solimp[2]
    << "\"/></default>\n"
    << "  </default>\n  <asset>\n";
  for (size_t g = 0; g < hand.geoms.size(); ++g) {
    if (hand.geoms[g].type == GeomType::kMesh) {
      x << "    <mesh name=\"hand_hull_" << g << "\" vertex=\""
        << Vertices(hand.geoms[g].hull_vertices) << "\"/>\n";
    }
  }
  x << ObjectAssets(pieces) << "  </asset>\n  <worldbody>\n";
  x << "    <body name=\"" << kMocapBody << "\" mocap=\"true\"/>\n";
  if (p.table) {
    Vec3 lo, hi;
    object.mesh.Bounds(&lo, &hi);
    x << "    <geom name=\"table\" type=\"box\" size=\"0.5 0.5 0.01\" pos=\"0 0 " << lo.z() - 0.01
      << "\"/>\n";
  }
  // hand links, depth first (links are in topological order)
  std::vector<std::vector<int>> children(hand.num_links());
  for (int l = 1; l < hand.num_links(); ++l) children[hand.links[l].parent].push_back(l);
  std::function<void(int, int)> body = [&](int l, int depth) {
    const Link& link = hand.links[l];
    const std::string pad(2 * depth + 4, ' ');
    x << pad << "<body name=\"" << link.name << "\"";
    if (l == 0) {
      x << " childclass=\"hand\">\n" << pad << "  <freejoint name=\"" << kHandRootJoint << "\"/>\n";
    } else {
      x << " pos=\"" << Vec(link.p_PL) << "\" quat=\"" << Quat(link.R_PL) << "\">\n";
    }
    for (int j = link.first_joint; j < link.first_joint + link.num_joints; ++j) {
      const Joint& joint = hand.joints[j];
      x << pad << "  <joint name=\"" << joint.name << "\" type=\""
        << (joint.type == JointType::kHinge ? "hinge" : "slide") << "\" axis=\""
        << Vec(joint.axis_L) << "\" pos=\"" << Vec(joint.pos_L) << "\" ref=\"" << joint.ref << "\"";
      if (joint.limited) {
        x << " limited=\"true\" range=\"" << joint.lower << " " << joint.upper << "\"";
      }
      x << "/>\n";
    }
    for (int gi : link.geoms) {
      const CollisionGeom& g = hand.geoms[gi];
      if (g.type == GeomType::kBox && p.box_cell > 0) {
        // MuJoCo 2.2.2 measures box-mesh depth (MPR) along the line between the two centres:
        // a 9 cm palm box against a 2 cm patch off its centre reported centimetres. Tiling the
        // box into cells of at most box_cell keeps that line near the face normal; the union is
        // the same box.
        int n[3];
        for (int a = 0; a < 3; ++a) {
          n[a] = std::max(1, static_cast<int>(std::ceil(2 * g.size[a] / p.box_cell)));
        }
        const Vec3 cell(g.size[0] / n[0], g.size[1] / n[1], g.size[2] / n[2]);
        int piece = 0;
        for (int i = 0; i < n[0]; ++i) {
          for (int j = 0; j < n[1]; ++j) {
            for (int k = 0; k < n[2]; ++k) {
              const Vec3 local(-g.size[0] + (2 * i + 1) * cell[0],
                               -g.size[1] + (2 * j + 1) * cell[1],
                               -g.size[2] + (2 * k + 1) * cell[2]);
              x << pad << "  <geom name=\"hand_geom_" << gi << "_" << piece++
                << "\" type=\"box\" pos=\"" << Vec(g.p_LG + g.R_LG * local) << "\" quat=\""
                << Quat(g.R_LG) << "\" size=\"" << Vec(cell) << "\"/>\n";
            }
          }
        }
        continue;
      }
      x << pad << "  <geom name=\"hand_geom_" << gi << "\" type=\"" << GeomTypeName(g.type)
        << "\" pos=\"" << Vec(g.p_LG) << "\" quat=\"" << Quat(g.R_LG) << "\"";
      if (g.type == GeomType::kMesh) {
        x << " mesh=\"hand_hull_" << gi << "\"";
      } else {
        x << " size=\"" << Vec(g.size) << "\"";
      }
      x << "/>\n";
    }
    for (int c : children[l]) body(c, depth + 1);
    x << pad << "</body>\n";
  };
  body(0, 0);
  x << ObjectBody(object, pieces.size(), p.object_mass) << "  </worldbody>\n  <contact>\n";
  // only the hand's self-collision pairs collide within the hand
  std::set<std::pair<int, int>> pairs(hand.self_pairs.begin(), hand.self_pairs.end());
  for (int a = 0; a < hand.num_links(); ++a) {
    for (int b = a + 1; b < hand.num_links(); ++b) {
      if (hand.links[a].geoms.empty() || hand.links[b].geoms.empty()) continue;
      if (pairs.count({a, b}) || pairs.count({b, a})) continue;
      if (hand.links[b].parent == a || hand.links[a].parent == b) continue;  // never collide
      x << "    <exclude body1=\"" << hand.links[a].name << "\" body2=\"" << hand.links[b].name
        << "\"/>\n";
    }
  }
  x << "  </contact>\n  <equality>\n    <weld body1=\"" << kMocapBody << "\" body2=\""
    << hand.links[0].name << "\" relpose=\"0 0 0 1 0 0 0\" torquescale=\"1\" solimp=\"";
  for (int i = 0; i < 5; ++i) x << (i ? " " : "") << p.weld_solimp[i];
  x << "\"/>\n  </equality>\n";
  // one position actuator per channel: on its joint, or on a fixed tendon over its joints
  std::ostringstream tendons, actuators;
  tendons << std::setprecision(17);
  int t = 0;
  for (const ActuatorChannel& channel : hand.Channels(p.couplings)) {
    actuators << "    <position ";
    if (channel.size() == 1 && channel[0].second == 1.0) {
      actuators << "joint=\"" << hand.joints[channel[0].first].name << "\"";
    } else {
      tendons << "    <fixed name=\"dexvlg_tendon_" << t << "\">";
      for (const auto& [j, coef] : channel) {
        tendons << "<joint joint=\"" << hand.joints[j].name << "\" coef=\"" << coef << "\"/>";
      }
      tendons << "</fixed>\n";
      actuators << "tendon=\"dexvlg_tendon_" << t++ << "\"";
    }
    actuators << " kp=\"" << p.kp << "\" forcelimited=\"true\" forcerange=\"" << -p.force_limit
              << " " << p.force_limit << "\"/>\n";
  }
  x << "  <tendon>\n" << tendons.str() << "  </tendon>\n  <actuator>\n" << actuators.str();
  x << "  </actuator>\n</mujoco>\n";
  return x.str();
}

double RotationDeg(const mjtNum* q) {
  const double w = std::min(
      1.0, std::abs(q[0]) / std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]));
  return 2 * std::acos(w) * 180 / kPi;
}

}  // namespace

namespace {

/// Calls visit(name, field) for every field of SimParams (one list for writing and parsing).
template <class P, class F>
void VisitParams(P& p, F&& visit) {
  visit("object_mass", p.object_mass);
  visit("friction", p.friction);
  visit("torsional", p.torsional);
  visit("impratio", p.impratio);
  visit("noslip_iterations", p.noslip_iterations);
  visit("timestep", p.timestep);
  visit("implicit", p.implicit);
  visit("hand_solref", p.hand_solref);
  visit("hand_solimp", p.hand_solimp);
  visit("weld_solimp", p.weld_solimp);
  visit("kp", p.kp);
  visit("force_limit", p.force_limit);
  visit("joint_damping", p.joint_damping);
  visit("armature", p.armature);
  visit("frictionloss", p.frictionloss);
  visit("couplings", p.couplings);
  visit("waypoints", p.waypoints);
  visit("substeps", p.substeps);
  visit("max_pregrasp_penetration", p.max_pregrasp_penetration);
  visit("force_per_kg", p.force_per_kg);
  visit("force_time", p.force_time);
  visit("force_checks", p.force_checks);
  visit("max_translation", p.max_translation);
  visit("max_rotation_deg", p.max_rotation_deg);
  visit("max_penetration", p.max_penetration);
  visit("max_self_penetration", p.max_self_penetration);
  visit("box_cell", p.box_cell);
  visit("early_exit", p.early_exit);
  visit("settle_time", p.settle_time);
  visit("settle_margin", p.settle_margin);
  visit("reuse_closing", p.reuse_closing);
  visit("pin_object_while_closing", p.pin_object_while_closing);
  visit("table", p.table);
  visit("lift_height", p.lift_height);
  visit("lift_time", p.lift_time);
}

void Put(std::ostream& s, double v) { s << std::setprecision(17) << v; }
void Put(std::ostream& s, int v) { s << v; }
void Put(std::ostream& s, bool v) { s << (v ? 1 : 0); }
template <size_t N>
void Put(std::ostream& s, const std::array<double, N>& v) {
  for (size_t i = 0; i < N; ++i) {
    if (i) s << " ";
    Put(s, v[i]);
  }
}

bool Take(std::istream& s, double* v) { return static_cast<bool>(s >> *v) && std::isfinite(*v); }
bool Take(std::istream& s, int* v) { return static_cast<bool>(s >> *v); }
bool Take(std::istream& s, bool* v) {
  int i = 0;
  if (!(s >> i) || (i != 0 && i != 1)) return false;
  *v = i == 1;
  return true;
}
template <size_t N>
bool Take(std::istream& s, std::array<double, N>* v) {
  for (size_t i = 0; i < N; ++i) {
    if (!Take(s, &(*v)[i])) return false;
  }
  return true;
}

}  // namespace

namespace {

/// Overloads for SimParams::Validate: every number finite and not negative.
void NotNegative(const char* name, double v, std::string* bad) {
  if (bad->empty() && !(v >= 0 && std::isfinite(v))) {
    *bad = std::string(name) + " " + std::to_string(v) + " (expected a finite value >= 0)";
  }
}
void NotNegative(const char* name, int v, std::string* bad) {
  if (bad->empty() && v < 0)
    *bad = std::string(name) + " " + std::to_string(v) + " (expected >= 0)";
}
void NotNegative(const char*, bool, std::string*) {}
template <size_t N>
void NotNegative(const char* name, const std::array<double, N>& v, std::string* bad) {
  for (double x : v) NotNegative(name, x, bad);
}

}  // namespace

Status SimParams::Validate() const {
  std::string bad;
  VisitParams(*this, [&](const char* name, const auto& v) { NotNegative(name, v, &bad); });
  const std::pair<const char*, double> positive[] = {{"object_mass", object_mass},
                                                     {"timestep", timestep},
                                                     {"kp", kp},
                                                     {"force_limit", force_limit},
                                                     {"force_time", force_time},
                                                     {"max_translation", max_translation},
                                                     {"max_rotation_deg", max_rotation_deg},
                                                     {"waypoints", double(waypoints)},
                                                     {"substeps", double(substeps)},
                                                     {"force_checks", double(force_checks)}};
  for (const auto& [name, v] : positive) {
    if (bad.empty() && !(v > 0))
      bad = std::string(name) + " " + std::to_string(v) + " (expected > 0)";
  }
  if (bad.empty() && timestep > 0.05) {
    bad = "timestep " + std::to_string(timestep) + " s (expected at most 0.05)";
  }
  if (!bad.empty()) return Error{"simulation parameters: " + bad};
  return Status::Ok();
}

std::string SimParamsText(const SimParams& params) {
  std::ostringstream s;
  bool first = true;
  VisitParams(params, [&](const char* name, const auto& value) {
    s << (first ? "" : ",") << name << "=";
    Put(s, value);
    first = false;
  });
  return s.str();
}

Expected<SimParams> ParseSimParams(const std::string& text) {
  SimParams p;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      return Error{"simulation parameters: \"" + item + "\" is not name=value"};
    }
    const std::string name = item.substr(0, eq);
    bool known = false, ok = false;
    VisitParams(p, [&](const char* field, auto& value) {
      if (name != field) return;
      known = true;
      std::istringstream v(item.substr(eq + 1));
      ok = Take(v, &value) && (v >> std::ws).eof();
    });
    if (!known) return Error{"simulation parameters: unknown parameter \"" + name + "\""};
    if (!ok) return Error{"simulation parameters: bad value in \"" + item + "\""};
  }
  return p;
}

const char* DirectionName(int direction) {
  static const char* const names[kDirections] = {"+x", "-x", "+y", "-y", "+z", "-z"};
  return direction >= 0 && direction < kDirections ? names[direction] : "?";
}

namespace sim_detail {

/// A worker's MuJoCo data: the running state and a saved copy.
struct Data {
  mjData* data = nullptr;
  mjData* saved = nullptr;
  ~Data() {
    if (data) mj_deleteData(data);
    if (saved) mj_deleteData(saved);
  }
};

/// The compiled scene: MuJoCo's model, the ids dexvlg drives it by, and the helpers that work on
/// a worker's data.
struct Model {
  ~Model() {
    if (model_) mj_deleteModel(model_);
  }
  void SetTargets(mjData* d, const double* row) const;  ///< mocap root and actuator targets
  /// Actuator targets from the hand's joint values `q` (nq, the channels' couplings applied).
  void SetJointTargets(mjData* d, const double* q) const;
  /// The hand link of a contact between the hand and the object; -1 for any other contact.
  int ObjectContactLink(const mjContact& c) const;
  void Place(mjData* d, const double* row) const;  ///< reset, hand at a row, object home
  /// Waypoints x substeps from one row to another (`waypoints` 0: the protocol's); `pin` holds
  /// the object at home meanwhile.
  void Move(mjData* d, const double* from, const double* to, bool pin, int waypoints = 0) const;
  void Depths(const mjData* d, double* object_depth, double* self_depth) const;

  std::shared_ptr<const HandModel> hand_;
  SimParams params_;
  mjModel* model_ = nullptr;
  int object_body_ = -1, object_qpos_ = -1, mocap_ = -1, root_qpos_ = -1;
  std::vector<int> joint_qpos_;            ///< per hand joint
  std::vector<ActuatorChannel> channels_;  ///< the actuators
  std::vector<int> body_link_;             ///< MuJoCo body -> hand link (-1: not the hand)
};

}  // namespace sim_detail

SimWorker::SimWorker() = default;
SimWorker::SimWorker(SimWorker&&) noexcept = default;
SimWorker& SimWorker::operator=(SimWorker&&) noexcept = default;
SimWorker::~SimWorker() = default;

SimScene::SimScene() = default;
SimScene::SimScene(SimScene&&) noexcept = default;
SimScene& SimScene::operator=(SimScene&&) noexcept = default;
SimScene::~SimScene() = default;

Expected<SimScene> SimScene::Build(const HandModel& hand, const LabeledMesh& object,
                                   const std::vector<TriMesh>& pieces, const SimParams& params) {
  if (pieces.empty()) return Error{object.name + ": no collision pieces to simulate"};
  if (Status s = params.Validate(); !s) return s.error();
  SimScene scene;
  scene.hand_ = std::make_shared<const HandModel>(hand);
  scene.object_ = std::make_shared<const LabeledMesh>(object);
  scene.params_ = params;
  scene.mj_ = std::make_unique<sim_detail::Model>();
  scene.mj_->hand_ = scene.hand_;
  scene.mj_->params_ = params;
  scene.mjcf_ = SceneMjcf(hand, object, pieces, params);
  auto model = LoadMjcfText(scene.mjcf_, object.name + " simulation scene");
  if (!model) return model.error();
  scene.mj_->model_ = model->release();
  const mjModel* m = scene.mj_->model_;
  const int root_joint = mj_name2id(m, mjOBJ_JOINT, kHandRootJoint);
  const int mocap_body = mj_name2id(m, mjOBJ_BODY, kMocapBody);
  DEXVLG_DEMAND(root_joint >= 0 && mocap_body >= 0 && m->body_mocapid[mocap_body] >= 0,
                "the scene has its hand root joint and mocap body");
  scene.mj_->object_body_ = mj_name2id(m, mjOBJ_BODY, kObjectBody);
  scene.mj_->object_qpos_ = m->jnt_qposadr[m->body_jntadr[scene.mj_->object_body_]];
  scene.mj_->mocap_ = m->body_mocapid[mocap_body];
  scene.mj_->root_qpos_ = m->jnt_qposadr[root_joint];
  for (const Joint& j : hand.joints) {
    scene.mj_->joint_qpos_.push_back(m->jnt_qposadr[mj_name2id(m, mjOBJ_JOINT, j.name.c_str())]);
  }
  scene.mj_->channels_ = hand.Channels(params.couplings);
  scene.mj_->body_link_.assign(m->nbody, -1);
  for (int l = 0; l < hand.num_links(); ++l) {
    scene.mj_->body_link_[mj_name2id(m, mjOBJ_BODY, hand.links[l].name.c_str())] = l;
  }
  scene.sdf_ = std::make_unique<MeshSdf>(object.mesh);
  scene.samples_ = SampleSurface(object.mesh, 4096, 1).points;
  return scene;
}

namespace {

/// The first fatal MuJoCo error of this thread's current simulation ("" while there is none).
/// Once one happened the steps below do nothing, and Run, Settle or RestingPoses report it.
thread_local std::string t_mujoco_error;

struct AdvanceCall {
  const mjModel* m;
  mjData* d;
  int steps;
};

/// `steps` calls of mj_step, or one mj_forward when `steps` is 0, guarded (GuardMujoco).
void Advance(const mjModel* m, mjData* d, int steps) {
  if (!t_mujoco_error.empty()) return;
  AdvanceCall call{m, d, steps};
  t_mujoco_error = GuardMujoco(
      [](void* context) {
        const auto* c = static_cast<const AdvanceCall*>(context);
        if (c->steps == 0) mj_forward(c->m, c->d);
        for (int s = 0; s < c->steps; ++s) mj_step(c->m, c->d);
      },
      &call);
}
void Step(const mjModel* m, mjData* d, int steps = 1) { Advance(m, d, steps); }
void Forward(const mjModel* m, mjData* d) { Advance(m, d, 0); }

struct MakeDataCall {
  const mjModel* m;
  mjData* d;
};

/// mj_makeData, guarded: MuJoCo's fatal error (out of memory) becomes std::bad_alloc.
mjData* MakeData(const mjModel* m) {
  MakeDataCall call{m, nullptr};
  const std::string fatal = GuardMujoco(
      [](void* context) {
        auto* c = static_cast<MakeDataCall*>(context);
        c->d = mj_makeData(c->m);
      },
      &call);
  if (!fatal.empty() || call.d == nullptr) throw std::bad_alloc();
  return call.d;
}

}  // namespace

SimWorker SimScene::MakeWorker() const {
  SimWorker w;
  w.data_ = std::make_unique<sim_detail::Data>();
  w.data_->data = MakeData(mj_->model_);
  w.data_->saved = MakeData(mj_->model_);
  return w;
}

void sim_detail::Model::SetJointTargets(mjData* d, const double* q) const {
  for (size_t c = 0; c < channels_.size(); ++c) {
    double ctrl = 0;
    for (const auto& [j, coef] : channels_[c]) ctrl += coef * q[j];
    d->ctrl[c] = ctrl;
  }
}

void sim_detail::Model::SetTargets(mjData* d, const double* r) const {
  for (int a = 0; a < 3; ++a) d->mocap_pos[3 * mocap_ + a] = r[a];
  for (int a = 0; a < 4; ++a) d->mocap_quat[4 * mocap_ + a] = r[3 + a];
  SetJointTargets(d, r + 7);
}

void sim_detail::Model::Place(mjData* d, const double* r) const {
  mj_resetData(model_, d);
  for (int a = 0; a < 7; ++a) d->qpos[root_qpos_ + a] = r[a];
  for (size_t j = 0; j < joint_qpos_.size(); ++j) d->qpos[joint_qpos_[j]] = r[7 + j];
  SetTargets(d, r);
  Forward(model_, d);
}

void sim_detail::Model::Move(mjData* d, const double* from, const double* to, bool pin,
                             int waypoints) const {
  const mjModel* m = model_;
  const SimParams& p = params_;
  const int size = hand_->pose_size();
  const int object_dof = m->jnt_dofadr[m->body_jntadr[object_body_]];
  const int n = waypoints > 0 ? waypoints : p.waypoints;
  std::vector<double> row(size);
  for (int k = 1; k <= n; ++k) {
    BlendPoseRows(from, to, size, static_cast<double>(k) / n, row.data());
    SetTargets(d, row.data());
    for (int s = 0; s < p.substeps; ++s) {
      Step(m, d);
      if (pin && !p.table) {
        const double identity[7] = {0, 0, 0, 1, 0, 0, 0};
        for (int a = 0; a < 7; ++a) d->qpos[object_qpos_ + a] = identity[a];
        for (int a = 0; a < 6; ++a) d->qvel[object_dof + a] = 0;
      }
    }
  }
}

int sim_detail::Model::ObjectContactLink(const mjContact& c) const {
  const int b1 = model_->geom_bodyid[c.geom1], b2 = model_->geom_bodyid[c.geom2];
  return b1 == object_body_ ? body_link_[b2] : b2 == object_body_ ? body_link_[b1] : -1;
}

void sim_detail::Model::Depths(const mjData* d, double* object_depth, double* self_depth) const {
  *object_depth = *self_depth = 0;
  for (int i = 0; i < d->ncon; ++i) {
    const mjContact& c = d->contact[i];
    const int l1 = body_link_[model_->geom_bodyid[c.geom1]],
              l2 = body_link_[model_->geom_bodyid[c.geom2]];
    if (l1 >= 0 && l2 >= 0) {
      *self_depth = std::max(*self_depth, -c.dist);
    } else if (l1 >= 0 || l2 >= 0) {
      *object_depth = std::max(*object_depth, -c.dist);
    }
  }
}

SimOutcome SimScene::Run(const double* pregrasp, const double* grasp, const double* squeeze,
                         int target_part, SimWorker& w) const {
  const mjModel* m = mj_->model_;
  mjData* d = w.data_->data;
  const SimParams& p = params_;
  SimOutcome out;
  out.held.fill(-1);
  t_mujoco_error.clear();
  const int object_dof = m->jnt_dofadr[m->body_jntadr[mj_->object_body_]];
  // pregrasp -> grasp, then grasp -> squeeze: waypoints x substeps each, palm and fingers
  // together (DexGraspBench's control_hand_with_interp)
  auto from_pregrasp = [&] {  // the hand placed at the pregrasp closes and squeezes
    mj_->Move(d, pregrasp, grasp, p.pin_object_while_closing);  // pinned: the lenient variant only
    mj_->Move(d, grasp, squeeze, p.pin_object_while_closing);
    Forward(m, d);
  };

  // the DexVLG checks at the placed grasp pose: exact penetration, self-penetration
  mj_->Place(d, grasp);
  {
    double ignored = 0;
    mj_->Depths(d, &ignored, &out.self_penetration);
    KinematicsData kin(*hand_, 1);
    ForwardKinematics(*hand_, grasp, 0, 1, kin);
    double depth = 0, q[3];
    for (const LinkPoint& s : hand_->surface_points) {
      PointPosition(kin, 0, s, q);
      // no cutoff (deep points count); a negative distance counts once ray parity agrees
      const double dist = sdf_->Query(Vec3(q)).distance;
      if (dist < 0 && sdf_->Inside(Vec3(q))) depth = std::max(depth, -dist);
    }
    for (const Vec3& s : samples_) {
      depth = std::max(depth, -HandSignedDistance(*hand_, kin, 0, s, 0.02).distance);
    }

    out.penetration = depth;
  }
  // DexGraspBench: a pregrasp deep in collision fails before anything moves
  mj_->Place(d, pregrasp);
  {
    double object_depth = 0, self_depth = 0;
    mj_->Depths(d, &object_depth, &self_depth);
    out.pregrasp_penetration = std::max(object_depth, self_depth);
  }
  const bool clear = out.pregrasp_penetration <= p.max_pregrasp_penetration;
  bool all = clear;
  if (clear) from_pregrasp();
  {  // how far the closing hand pushed the object before any force acted
    const mjtNum* q = d->qpos + mj_->object_qpos_;
    out.closing_translation = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
    out.closing_rotation_deg = RotationDeg(q + 3);
  }
  // contacts after the squeeze: the links on the object and the parts they touch
  std::set<int> links;
  bool aligned = true;
  const Vec3 obj_p(d->xpos[3 * mj_->object_body_], d->xpos[3 * mj_->object_body_ + 1],
                   d->xpos[3 * mj_->object_body_ + 2]);
  Mat3 obj_R;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) obj_R(r, c) = d->xmat[9 * mj_->object_body_ + 3 * r + c];
  }
  for (int i = 0; i < d->ncon && clear; ++i) {
    const mjContact& c = d->contact[i];
    const int link = mj_->ObjectContactLink(c);
    if (link < 0) continue;
    links.insert(link);
    const Vec3 in_object = obj_R.transpose() * (Vec3(c.pos[0], c.pos[1], c.pos[2]) - obj_p);
    const SurfaceHit hit = sdf_->Query(in_object);
    if (hit.face < 0 || object_->face_labels[hit.face] != target_part) aligned = false;
  }
  out.contact_links.assign(links.begin(), links.end());
  out.part_aligned = aligned && !links.empty();
  const std::string part_name =
      target_part >= 0 && target_part < static_cast<int>(object_->part_names.size())
          ? object_->part_names[target_part]
          : "object";
  out.caption = Caption(*hand_, part_name, object_->name, out.contact_links);
  // the six directions from the same post-squeeze state (the simulation is deterministic, so
  // restoring it equals closing again from a fresh reset: tests/sim/sim_test.cc checks it)
  mj_copyData(w.data_->saved, m, d);
  const int force_steps = std::max(1, static_cast<int>(std::lround(p.force_time / p.timestep)));
  const int check_every = std::max(1, force_steps / p.force_checks);
  const double force = p.force_per_kg * p.object_mass;
  auto judge = [&](int slot, const mjtNum* q, double lift) {
    out.translation[slot] = std::sqrt(q[0] * q[0] + q[1] * q[1] + (q[2] - lift) * (q[2] - lift));
    out.rotation_deg[slot] = RotationDeg(q + 3);
    return out.translation[slot] < p.max_translation && out.rotation_deg[slot] < p.max_rotation_deg;
  };
  if (p.table && clear) {  // lift straight up, then hold: the object must come along
    const int lift = std::max(1, static_cast<int>(std::lround(p.lift_time / p.timestep)));
    const double z0 = d->mocap_pos[3 * mj_->mocap_ + 2];
    for (int s = 0; s < 2 * lift; ++s) {
      d->mocap_pos[3 * mj_->mocap_ + 2] = z0 + p.lift_height * std::min(1.0, (s + 1.0) / lift);
      Step(m, d);
    }
    // displacement relative to where the hand took it: the lifted pose
    all = judge(4, d->qpos + mj_->object_qpos_, p.lift_height);
    out.held[4] = all ? 1 : 0;
  }
  for (int dir = 0; dir < kDirections && clear && (all || !p.early_exit) && !p.table; ++dir) {
    if (p.reuse_closing) {
      mj_copyData(d, m, w.data_->saved);
    } else {  // the plain protocol: every direction closes the hand again from a fresh reset
      mj_->Place(d, pregrasp);
      from_pregrasp();
    }
    mjtNum* f = d->xfrc_applied + 6 * mj_->object_body_;
    for (int a = 0; a < 6; ++a) f[a] = 0;
    f[dir / 2] = dir % 2 == 0 ? force : -force;
    bool held = true;
    const int settle_steps =
        p.settle_time > 0 ? std::max(1, static_cast<int>(std::lround(p.settle_time / p.timestep)))
                          : force_steps + 1;
    int still = 0;
    for (int s = 0; s < force_steps && held && still < settle_steps; ++s) {
      Step(m, d);
      const mjtNum* q = d->qpos + mj_->object_qpos_;
      // judged every check_every steps, from the pose at reset (DexGraspBench)
      if ((s + 1) % check_every == 0) held = judge(dir, q, 0);
      // settled: even moving on at settle_margin x its present speed for the rest of the
      // force, the object would stay within both limits (speeds only decay once the grasp has
      // taken the load)
      const mjtNum* v = d->qvel + object_dof;
      const double left = (force_steps - 1 - s) * p.timestep;
      const double speed = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
      const double spin_deg = std::sqrt(v[3] * v[3] + v[4] * v[4] + v[5] * v[5]) * 180 / kPi;
      const double moved = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
      const bool settled =
          moved + p.settle_margin * speed * left < p.max_translation &&
          RotationDeg(q + 3) + p.settle_margin * spin_deg * left < p.max_rotation_deg;
      still = settled ? still + 1 : 0;
      if (still >= settle_steps) judge(dir, q, 0);  // the figures where it stopped
    }
    out.held[dir] = held ? 1 : 0;
    all = all && held;
  }
  out.success = all;
  if (!clear) {
    out.reason = "pregrasp in collision";
  } else if (!all && (out.closing_translation >= p.max_translation ||
                      out.closing_rotation_deg >= p.max_rotation_deg)) {
    out.reason = "pushed away while closing";
  } else if (!all) {
    for (int dir = 0; dir < kDirections; ++dir) {
      if (out.held[dir] == 0) {
        out.reason = std::string("dropped along ") + DirectionName(dir);
        break;
      }
    }
  } else if (out.penetration >= p.max_penetration) {
    out.reason = "penetration";
  } else if (out.self_penetration >= p.max_self_penetration) {
    out.reason = "self-penetration";
  } else if (out.contact_links.empty()) {
    out.reason = "no contact";
  } else if (!out.part_aligned) {
    out.reason = "off the target part";
  }
  if (!t_mujoco_error.empty()) {  // what the simulation said after the error means nothing
    out.success = false;
    out.held.fill(0);
    out.reason = "MuJoCo error: " + t_mujoco_error;
  }
  out.valid = out.reason.empty();
  return out;
}

namespace {
constexpr int kReleaseRounds = 12;       ///< at most, 0.05 s each
constexpr double kReleasedDepth = 5e-4;  ///< m: released once the contacts are this shallow
}  // namespace

SettledGrasp SimScene::Settle(const double* pregrasp, const double* grasp, const double* squeeze,
                              SimWorker& w, int gentle, double hold) const {
  const mjModel* m = mj_->model_;
  mjData* d = w.data_->data;
  const int size = hand_->pose_size(), nq = hand_->nq();
  SettledGrasp out;
  t_mujoco_error.clear();
  auto failed = [&] {  // a fatal MuJoCo error: nothing after it can be trusted
    if (t_mujoco_error.empty()) return false;
    out.reason = "MuJoCo error: " + t_mujoco_error;
    return true;
  };
  mj_->Place(d, pregrasp);
  double object_depth = 0, self_depth = 0;
  mj_->Depths(d, &object_depth, &self_depth);
  if (std::max(object_depth, self_depth) > params_.max_pregrasp_penetration) {
    out.reason = "pregrasp in collision";
    return out;
  }
  if (gentle > 1) {  // from the grasp itself, squeezing `gentle` times slower
    mj_->Place(d, grasp);
    mj_->Move(d, grasp, squeeze, false, gentle * params_.waypoints);
  } else {
    mj_->Move(d, pregrasp, grasp, false);
    mj_->Move(d, grasp, squeeze, false);
  }
  const int hold_steps = std::max(0, static_cast<int>(std::lround(hold / params_.timestep)));
  Step(m, d, hold_steps);
  Forward(m, d);
  if (failed()) return out;
  const mjtNum* q_O = d->qpos + mj_->object_qpos_;
  out.moved = std::sqrt(q_O[0] * q_O[0] + q_O[1] * q_O[1] + q_O[2] * q_O[2]);
  out.turned_deg = RotationDeg(q_O + 3);
  std::set<int> links;
  for (int i = 0; i < d->ncon; ++i) {
    const int link = mj_->ObjectContactLink(d->contact[i]);
    if (link >= 0) links.insert(link);
  }
  out.contact_links.assign(links.begin(), links.end());
  const int object_dof = m->jnt_dofadr[m->body_jntadr[mj_->object_body_]];
  const mjtNum* v = d->qvel + object_dof;
  const double speed = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (links.size() < 2) {
    out.reason = "lost the object while closing";
    return out;
  }
  if (speed > 0.01) {  // m/s: still moving after the hold
    out.reason = "object not at rest";
    return out;
  }
  // relax: the fingers' targets where they are, so that the squeeze force fades and the
  // contacts push the fingers back to the surface (the at-rest hand presses into the soft
  // contacts by millimetres; the grasp row is where it touches)
  std::vector<double> q(nq);
  for (int round = 0; round < kReleaseRounds; ++round) {  // each releases what the last left
    double depth = 0, ignored = 0;
    mj_->Depths(d, &depth, &ignored);
    if (round >= 4 && depth < kReleasedDepth) break;
    for (int j = 0; j < nq; ++j) q[j] = d->qpos[mj_->joint_qpos_[j]];
    mj_->SetJointTargets(d, q.data());
    Step(m, d, hold_steps / 4);
  }
  Forward(m, d);
  if (failed()) return out;
  // the hand relative to the object at rest: X_OH = X_WO^-1 X_WH
  const Eigen::Quaterniond R_WO(q_O[3], q_O[4], q_O[5], q_O[6]);
  const mjtNum* q_H = d->qpos + mj_->root_qpos_;
  const Eigen::Quaterniond R_WH(q_H[3], q_H[4], q_H[5], q_H[6]);
  const Vec3 p_OH =
      R_WO.conjugate() * (Vec3(q_H[0], q_H[1], q_H[2]) - Vec3(q_O[0], q_O[1], q_O[2]));
  const Eigen::Quaterniond R_OH = (R_WO.conjugate() * R_WH).normalized();
  out.grasp.assign(size, 0.0);
  for (int a = 0; a < 3; ++a) out.grasp[a] = p_OH[a];
  out.grasp[3] = R_OH.w();
  out.grasp[4] = R_OH.x();
  out.grasp[5] = R_OH.y();
  out.grasp[6] = R_OH.z();
  for (int j = 0; j < nq; ++j) {
    out.grasp[7 + j] =
        std::clamp(d->qpos[mj_->joint_qpos_[j]], hand_->joints[j].lower, hand_->joints[j].upper);
  }
  out.squeeze = out.grasp;
  for (int j = 0; j < nq; ++j) out.squeeze[7 + j] = squeeze[7 + j];
  // the pregrasp: the old pregrasp's offset from its grasp (root in the hand frame, joints),
  // then the fingers opened further towards the rest pose when that is in collision
  const Eigen::Quaterniond R_old(grasp[3], grasp[4], grasp[5], grasp[6]);
  const Eigen::Quaterniond R_pre(pregrasp[3], pregrasp[4], pregrasp[5], pregrasp[6]);
  const Vec3 dp_H = R_old.conjugate() * (Vec3(pregrasp[0], pregrasp[1], pregrasp[2]) -
                                         Vec3(grasp[0], grasp[1], grasp[2]));
  const Eigen::Quaterniond dR_H = R_old.conjugate() * R_pre;
  const std::vector<double> rest = hand_->RestJoints();
  for (const double open : {0.0, 0.5, 1.0}) {
    std::vector<double> pre(size);
    const Vec3 p = p_OH + R_OH * dp_H;
    const Eigen::Quaterniond R = (R_OH * dR_H).normalized();
    for (int a = 0; a < 3; ++a) pre[a] = p[a];
    pre[3] = R.w();
    pre[4] = R.x();
    pre[5] = R.y();
    pre[6] = R.z();
    for (int j = 0; j < nq; ++j) {
      const double base = out.grasp[7 + j] + (pregrasp[7 + j] - grasp[7 + j]);
      pre[7 + j] = std::clamp(base + open * (rest[j] - base), hand_->joints[j].lower,
                              hand_->joints[j].upper);
    }
    mj_->Place(d, pre.data());
    if (failed()) return out;
    mj_->Depths(d, &object_depth, &self_depth);
    if (object_depth <= 0 && self_depth <= params_.max_self_penetration) {
      out.pregrasp = pre;
      return out;
    }
  }
  out.reason = "no clear pregrasp";
  return out;
}

std::array<double, kDirections> SimScene::UnheldTranslation(SimWorker& w) const {
  const mjModel* m = mj_->model_;
  mjData* d = w.data_->data;
  std::array<double, kDirections> moved{};
  t_mujoco_error.clear();
  const int force_steps =
      std::max(1, static_cast<int>(std::lround(params_.force_time / params_.timestep)));
  for (int dir = 0; dir < kDirections; ++dir) {
    mj_resetData(m, d);
    for (int a = 0; a < 3; ++a) {  // the hand parked away
      d->mocap_pos[3 * mj_->mocap_ + a] = 100.0;
      d->qpos[mj_->root_qpos_ + a] = 100.0;
    }
    mjtNum* f = d->xfrc_applied + 6 * mj_->object_body_;
    f[dir / 2] = (dir % 2 == 0 ? 1 : -1) * params_.force_per_kg * params_.object_mass;
    Step(m, d, force_steps);
    const mjtNum* q = d->qpos + mj_->object_qpos_;
    moved[dir] = t_mujoco_error.empty() ? std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2])
                                        : std::numeric_limits<double>::infinity();
  }
  return moved;
}

Expected<std::vector<Placement>> RestingPoses(const LabeledMesh& object,
                                              const std::vector<TriMesh>& pieces, int count,
                                              unsigned seed, const SimParams& params) {
  if (pieces.empty()) return Error{object.name + ": no collision pieces to drop"};
  std::ostringstream x;
  x << "<mujoco model=\"dexvlg_drop\">\n"
    << "  <option timestep=\"0.002\" gravity=\"0 0 -9.81\" cone=\"elliptic\"/>\n"
    // rolling friction (condim 6) so that round objects (an apple) come to rest
    << "  <default><geom condim=\"6\" friction=\"" << params.friction << " " << params.torsional
    << " 0.002\"/></default>\n  <asset>\n"
    << ObjectAssets(pieces)
    << "  </asset>\n  <worldbody>\n    <geom name=\"table\" type=\"plane\" size=\"1 1 0.01\"/>\n"
    << ObjectBody(object, pieces.size(), params.object_mass) << "  </worldbody>\n</mujoco>\n";
  auto model = LoadMjcfText(x.str(), object.name + " drop scene");
  if (!model) return model.error();
  std::unique_ptr<mjModel, void (*)(mjModel*)> m(model->release(), mj_deleteModel);
  std::unique_ptr<mjData, void (*)(mjData*)> d(MakeData(m.get()), mj_deleteData);
  Vec3 lo, hi;
  object.mesh.Bounds(&lo, &hi);
  const double radius = 0.5 * (hi - lo).norm();
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  struct Found {
    Placement placement;
    Vec3 up;  // the table normal in the object frame
    int hits = 0;
  };
  std::vector<Found> found;
  const int drops = std::max(4, 3 * count);
  t_mujoco_error.clear();
  for (int drop = 0; drop < drops; ++drop) {
    mj_resetData(m.get(), d.get());
    Eigen::Quaterniond q(normal(rng), normal(rng), normal(rng), normal(rng));
    q.normalize();
    // the object's centre of bounds above the table by its radius plus 1 cm
    const Vec3 start = Vec3(0, 0, radius + 0.01) - q.toRotationMatrix() * (0.5 * (lo + hi));
    for (int a = 0; a < 3; ++a) d->qpos[a] = start[a];
    d->qpos[3] = q.w(), d->qpos[4] = q.x(), d->qpos[5] = q.y(), d->qpos[6] = q.z();
    double speed = 1e9;  // falls, tips and settles: up to 6 s, checked every second
    for (int second = 0; second < 6 && speed > 0.01; ++second) {
      Step(m.get(), d.get(), 500);
      if (!t_mujoco_error.empty()) {
        return Error{object.name +
                     ": MuJoCo failed while the object settled on the table: " + t_mujoco_error};
      }
      speed = 0;
      for (int a = 0; a < 6; ++a) speed = std::max(speed, std::abs(d->qvel[a]));
    }
    if (speed > 0.05) continue;  // still rolling: not a resting pose
    const Eigen::Quaterniond r(d->qpos[3], d->qpos[4], d->qpos[5], d->qpos[6]);
    Placement p;
    p.R = r.normalized().toRotationMatrix();
    // centred over the origin: the object's bounds centre at x = y = 0
    const Vec3 centre = p.R * (0.5 * (lo + hi));
    p.t = Vec3(-centre.x(), -centre.y(), d->qpos[2]);
    const Vec3 up = p.R.transpose() * Vec3::UnitZ();
    bool same = false;
    for (Found& f : found) {
      if (f.up.dot(up) > std::cos(15 * kPi / 180)) {
        ++f.hits;
        same = true;
        break;
      }
    }
    if (!same) found.push_back({p, up, 1});
  }
  if (found.empty()) return Error{object.name + ": never came to rest on the table"};
  std::stable_sort(found.begin(), found.end(),
                   [](const Found& a, const Found& b) { return a.hits > b.hits; });
  std::vector<Placement> out;
  for (const Found& f : found) {
    if (static_cast<int>(out.size()) == count) break;
    out.push_back(f.placement);
  }
  return out;
}

std::string FingerOfLink(const HandModel& hand, int link) {
  if (link <= 0) return "palm";
  int first = link;  // the child of the root on the way to `link`
  while (hand.links[first].parent > 0) first = hand.links[first].parent;
  std::string name = hand.links[link].name + " " + hand.links[first].name;
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  auto has = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      const std::string key(k);
      if (name.rfind(key, 0) == 0 || name.find(" " + key) != std::string::npos ||
          name.find("_" + key) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  if (has({"th", "thumb"})) return "thumb";
  if (has({"ff", "index", "if"})) return "index";
  if (has({"mf", "middle"})) return "middle";
  if (has({"rf", "ring"})) return "ring";
  if (has({"lf", "little", "pinky"})) return "little";
  return hand.links[first].name;
}

std::string Caption(const HandModel& hand, const std::string& part, const std::string& object,
                    const std::vector<int>& contact_links) {
  static const char* const order[] = {"thumb", "index", "middle", "ring", "little", "palm"};
  std::vector<std::string> fingers;
  for (int l : contact_links) {
    const std::string f = FingerOfLink(hand, l);
    if (std::find(fingers.begin(), fingers.end(), f) == fingers.end()) fingers.push_back(f);
  }
  std::stable_sort(fingers.begin(), fingers.end(), [&](const std::string& a, const std::string& b) {
    auto rank = [&](const std::string& s) {
      return static_cast<int>(std::find(std::begin(order), std::end(order), s) - std::begin(order));
    };
    return rank(a) < rank(b);
  });
  std::string list;
  for (size_t i = 0; i < fingers.size(); ++i) {
    const std::string word =
        fingers[i] == "thumb" || fingers[i] == "palm" ? fingers[i] : fingers[i] + " finger";
    list += (i == 0 ? "" : i + 1 == fingers.size() ? " and " : ", ") + word;
  }
  if (list.empty()) list = "no fingers";
  return "Grasp the " + part + " of the " + object + " object, with contacts on " + list;
}

}  // namespace dexvlg
