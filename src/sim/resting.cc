#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <sstream>

#include "mj/mjcf.h"
#include "sim/scene_mjcf.h"
#include "sim/sim.h"

namespace dexvlg {

using namespace sim_detail;

namespace {
constexpr double kPi = 3.14159265358979323846;
}  // namespace

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
  MujocoError().clear();
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
      if (!MujocoError().empty()) {
        return Error{object.name +
                     ": MuJoCo failed while the object settled on the table: " + MujocoError()};
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

}  // namespace dexvlg
