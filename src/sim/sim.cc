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
#include "sim/scene_mjcf.h"

namespace dexvlg {

using namespace sim_detail;

namespace {

constexpr double kPi = 3.14159265358979323846;

double RotationDeg(const mjtNum* q) {
  const double w = std::min(
      1.0, std::abs(q[0]) / std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]));
  return 2 * std::acos(w) * 180 / kPi;
}

}  // namespace

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

std::string SimScene::RowSizes(const std::vector<double>& a, const std::vector<double>& b,
                               const std::vector<double>& c) const {
  const size_t want = static_cast<size_t>(hand_->pose_size());
  for (const std::vector<double>* row : {&a, &b, &c}) {
    if (row->size() != want) {
      return "a pose row of " + std::to_string(row->size()) + " values (the hand " + hand_->name +
             " takes " + std::to_string(want) + ")";
    }
  }
  return "";
}

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

SimOutcome SimScene::Run(const std::vector<double>& pregrasp_row,
                         const std::vector<double>& grasp_row,
                         const std::vector<double>& squeeze_row, int target_part,
                         SimWorker& w) const {
  if (const std::string bad = RowSizes(pregrasp_row, grasp_row, squeeze_row); !bad.empty()) {
    SimOutcome out;
    out.held.fill(0);
    out.reason = bad;
    return out;
  }
  const double *pregrasp = pregrasp_row.data(), *grasp = grasp_row.data(),
               *squeeze = squeeze_row.data();
  const mjModel* m = mj_->model_;
  mjData* d = w.data_->data;
  const SimParams& p = params_;
  SimOutcome out;
  out.held.fill(-1);
  MujocoError().clear();
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
  if (!MujocoError().empty()) {  // what the simulation said after the error means nothing
    out.success = false;
    out.held.fill(0);
    out.reason = "MuJoCo error: " + MujocoError();
  }
  out.valid = out.reason.empty();
  return out;
}

namespace {
constexpr int kReleaseRounds = 12;       ///< at most, 0.05 s each
constexpr double kReleasedDepth = 5e-4;  ///< m: released once the contacts are this shallow
}  // namespace

SettledGrasp SimScene::Settle(const std::vector<double>& pregrasp_row,
                              const std::vector<double>& grasp_row,
                              const std::vector<double>& squeeze_row, SimWorker& w, int gentle,
                              double hold) const {
  if (const std::string bad = RowSizes(pregrasp_row, grasp_row, squeeze_row); !bad.empty()) {
    SettledGrasp out;
    out.reason = bad;
    return out;
  }
  const double *pregrasp = pregrasp_row.data(), *grasp = grasp_row.data(),
               *squeeze = squeeze_row.data();
  const mjModel* m = mj_->model_;
  mjData* d = w.data_->data;
  const int size = hand_->pose_size(), nq = hand_->nq();
  SettledGrasp out;
  MujocoError().clear();
  auto failed = [&] {  // a fatal MuJoCo error: nothing after it can be trusted
    if (MujocoError().empty()) return false;
    out.reason = "MuJoCo error: " + MujocoError();
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
  MujocoError().clear();
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
    moved[dir] = MujocoError().empty() ? std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2])
                                       : std::numeric_limits<double>::infinity();
  }
  return moved;
}

}  // namespace dexvlg
