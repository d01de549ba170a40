#include "sim/scene_mjcf.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <new>
#include <set>
#include <sstream>

#include "mj/mjcf.h"

namespace dexvlg::sim_detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

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
}  // namespace

const char* const kObjectBody = "dexvlg_object";
const char* const kMocapBody = "dexvlg_mocap";
const char* const kHandRootJoint = "dexvlg_hand_root";

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

static const char* GeomTypeName(GeomType type) {
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

struct MakeDataCall {
  const mjModel* m;
  mjData* d;
};

}  // namespace

std::string& MujocoError() { return t_mujoco_error; }
void Step(const mjModel* m, mjData* d, int steps) { Advance(m, d, steps); }
void Forward(const mjModel* m, mjData* d) { Advance(m, d, 0); }

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

}  // namespace dexvlg::sim_detail
