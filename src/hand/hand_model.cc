#include "hand/hand_model.h"

#include <algorithm>
#include <initializer_list>
#include <string>

namespace dexvlg {

int HandModel::LinkIndex(const std::string& link_name) const {
  for (int i = 0; i < num_links(); ++i) {
    if (links[i].name == link_name) return i;
  }
  return -1;
}

int HandModel::JointIndex(const std::string& joint_name) const {
  for (int i = 0; i < nq(); ++i) {
    if (joints[i].name == joint_name) return i;
  }
  return -1;
}

int HandModel::ContactIndex(const std::string& contact_name) const {
  for (size_t i = 0; i < contacts.size(); ++i) {
    if (contacts[i].name == contact_name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<double> HandModel::MidJoints() const {
  std::vector<double> q(nq(), 0.0);
  for (int j = 0; j < nq(); ++j) {
    if (joints[j].limited) q[j] = 0.5 * (joints[j].lower + joints[j].upper);
  }
  return q;
}

std::vector<ActuatorChannel> HandModel::Channels(bool with_couplings) const {
  std::vector<ActuatorChannel> out;
  std::vector<char> coupled(nq(), 0);
  if (with_couplings) {
    for (const JointCoupling& c : couplings) {
      if (c.kind != "tendon") continue;
      ActuatorChannel channel;
      for (size_t i = 0; i < c.joints.size(); ++i) {
        channel.emplace_back(c.joints[i], c.coefs[i]);
        coupled[c.joints[i]] = 1;
      }
      out.push_back(std::move(channel));
    }
  }
  for (int j = 0; j < nq(); ++j) {
    if (!coupled[j]) out.push_back({{j, 1.0}});
  }
  return out;
}

std::vector<double> HandModel::RestJoints() const {
  std::vector<double> q(nq(), 0.0);
  for (int j = 0; j < nq(); ++j) {
    q[j] = joints[j].ref;
    if (joints[j].limited) q[j] = std::clamp(q[j], joints[j].lower, joints[j].upper);
  }
  return q;
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

}  // namespace dexvlg
