#include "synth/dexgraspbench.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/rotation.h"

namespace dexvlg {

NpyDict ToNpy(const BenchGrasp& g) {
  NpyDict d = {
      {"obj_pose", NpyValue::Array({g.obj_pose.begin(), g.obj_pose.end()})},
      {"obj_scale", NpyValue::Number(g.obj_scale)},
      {"obj_path", NpyValue::Text(g.obj_path)},
      {"pregrasp_qpos", NpyValue::Array(g.pregrasp)},
      {"grasp_qpos", NpyValue::Array(g.grasp)},
      {"squeeze_qpos", NpyValue::Array(g.squeeze)},
  };
  if (!g.joint_names.empty()) d.emplace_back("joint_names", NpyValue::Texts(g.joint_names));
  return d;
}

Expected<BenchGrasp> FromNpy(const NpyDict& dict, const std::string& label) {
  BenchGrasp g;
  auto array = [&](const char* key, size_t min_size, std::vector<double>* out) -> Status {
    const NpyValue* v = Find(dict, key);
    if (v == nullptr) return Error{label + ": no \"" + key + "\""};
    if (v->kind != NpyValue::Kind::kArray || v->shape.size() != 1 || v->values.size() < min_size)
      return Error{label + ": \"" + key + "\" is not a vector of at least " +
                   std::to_string(min_size) + " numbers"};
    for (double x : v->values) {
      if (!std::isfinite(x)) return Error{label + ": \"" + key + "\" holds a non-finite number"};
    }
    *out = v->values;
    return Status::Ok();
  };
  if (Status s = array("grasp_qpos", 8, &g.grasp); !s) return s.error();
  // a file without a pregrasp or squeeze replays the grasp for them
  for (auto [key, row] : {std::pair{"pregrasp_qpos", &g.pregrasp}, {"squeeze_qpos", &g.squeeze}}) {
    if (Find(dict, key) == nullptr) {
      *row = g.grasp;
    } else if (Status s = array(key, g.grasp.size(), row); !s) {
      return s.error();
    }
    if (row->size() != g.grasp.size()) {
      return Error{label + ": \"" + key + "\" has " + std::to_string(row->size()) +
                   " values, \"grasp_qpos\" " + std::to_string(g.grasp.size())};
    }
  }
  if (const NpyValue* p = Find(dict, "obj_path"); p != nullptr) {
    if (p->kind != NpyValue::Kind::kText) return Error{label + ": \"obj_path\" is not a string"};
    g.obj_path = p->text;
  }
  if (const NpyValue* s = Find(dict, "obj_scale"); s != nullptr) {
    const double v = s->kind == NpyValue::Kind::kNumber                           ? s->number
                     : s->kind == NpyValue::Kind::kArray && s->values.size() == 1 ? s->values[0]
                                                                                  : -1;
    if (!(v > 0) || !std::isfinite(v))
      return Error{label + ": \"obj_scale\" is not a positive number"};
    g.obj_scale = v;
  }
  if (Find(dict, "obj_pose") != nullptr) {
    std::vector<double> pose;
    if (Status s = array("obj_pose", 7, &pose); !s) return s.error();
    if (pose.size() != 7) return Error{label + ": \"obj_pose\" must have 7 numbers"};
    std::copy(pose.begin(), pose.end(), g.obj_pose.begin());
  }
  if (const NpyValue* n = Find(dict, "joint_names"); n != nullptr) {
    if (n->kind != NpyValue::Kind::kTexts || n->texts.size() + 7 != g.grasp.size())
      return Error{label + ": \"joint_names\" must name each of the " +
                   std::to_string(g.grasp.size() - 7) + " joints"};
    g.joint_names = n->texts;
  }
  return g;
}

namespace {

/// A pose row's root moved between the root link's frame and the MJCF model's frame:
/// `to_model` T_O_M = T_O_R T_M_R^-1, else T_O_R = T_O_M T_M_R (HandModel::model_R_root).
std::vector<double> MoveRoot(const HandModel& hand, const double* row, bool to_model) {
  std::vector<double> out(row, row + hand.pose_size());
  const Eigen::Quaterniond q(row[3], row[4], row[5], row[6]);
  const Mat3 R = q.normalized().toRotationMatrix();
  const Vec3 t(row[0], row[1], row[2]);
  const Mat3 R_new =
      to_model ? Mat3(R * hand.model_R_root.transpose()) : Mat3(R * hand.model_R_root);
  const Vec3 t_new =
      to_model ? Vec3(t - R_new * hand.model_p_root) : Vec3(t + R * hand.model_p_root);
  const Eigen::Quaterniond q_new(R_new);
  out[0] = t_new.x();
  out[1] = t_new.y();
  out[2] = t_new.z();
  out[3] = q_new.w();
  out[4] = q_new.x();
  out[5] = q_new.y();
  out[6] = q_new.z();
  return out;
}

}  // namespace

BenchGrasp ToBench(const HandModel& hand, const std::vector<double>& pregrasp,
                   const std::vector<double>& grasp, const std::vector<double>& squeeze,
                   const std::string& obj_path, double obj_scale) {
  BenchGrasp g;
  g.obj_path = obj_path;
  g.obj_scale = obj_scale;
  g.pregrasp = MoveRoot(hand, pregrasp.data(), true);
  g.grasp = MoveRoot(hand, grasp.data(), true);
  g.squeeze = MoveRoot(hand, squeeze.data(), true);
  for (const Joint& j : hand.joints) g.joint_names.push_back(j.name);
  return g;
}

namespace {

/// A joint name without its side prefix ("rh_FFJ4", "lh_ffj4" -> "ffj4"), lower case.
std::string Bare(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), ::tolower);
  for (const char* prefix : {"rh_", "lh_", "right_", "left_"}) {
    if (name.rfind(prefix, 0) == 0) return name.substr(std::string(prefix).size());
  }
  return name;
}

}  // namespace

Expected<std::array<std::vector<double>, 3>> FromBench(const BenchGrasp& g, const HandModel& hand,
                                                       const std::string& label) {
  const size_t joints = g.grasp.size() - 7;
  std::vector<int> source(hand.nq(), -1);  // our joint j <- their joint source[j]
  if (g.joint_names.empty()) {
    if (static_cast<int>(joints) != hand.nq()) {
      return Error{label + ": " + std::to_string(joints) +
                   " joint values without names, the hand " + hand.name + " has " +
                   std::to_string(hand.nq()) + " joints"};
    }
    for (int j = 0; j < hand.nq(); ++j) source[j] = j;
  } else {
    for (int j = 0; j < hand.nq(); ++j) {
      for (size_t k = 0; k < joints; ++k) {
        if (Bare(g.joint_names[k]) == Bare(hand.joints[j].name)) source[j] = static_cast<int>(k);
      }
      if (source[j] < 0) {
        return Error{label + ": no value for joint \"" + hand.joints[j].name + "\" of " +
                     hand.name + " among the file's joints"};
      }
    }
  }
  const Eigen::Quaterniond q_o(g.obj_pose[3], g.obj_pose[4], g.obj_pose[5], g.obj_pose[6]);
  if (q_o.norm() < 1e-9) return Error{label + ": \"obj_pose\" has a zero quaternion"};
  const Eigen::Quaterniond R_o = q_o.normalized();
  const Vec3 p_o(g.obj_pose[0], g.obj_pose[1], g.obj_pose[2]);
  std::array<std::vector<double>, 3> rows;
  const std::vector<double>* from[3] = {&g.pregrasp, &g.grasp, &g.squeeze};
  for (int r = 0; r < 3; ++r) {
    const std::vector<double>& in = *from[r];
    const Eigen::Quaterniond q_h(in[3], in[4], in[5], in[6]);
    if (q_h.norm() < 1e-9) return Error{label + ": a hand pose with a zero quaternion"};
    const Vec3 t = R_o.conjugate() * (Vec3(in[0], in[1], in[2]) - p_o);
    const Eigen::Quaterniond q = (R_o.conjugate() * q_h.normalized()).normalized();
    std::vector<double> model = {t.x(), t.y(), t.z(), q.w(), q.x(), q.y(), q.z()};
    for (int j = 0; j < hand.nq(); ++j) model.push_back(in[7 + source[j]]);
    rows[r] = MoveRoot(hand, model.data(), false);  // the file poses the model, dexvlg the root
  }
  return rows;
}

}  // namespace dexvlg
