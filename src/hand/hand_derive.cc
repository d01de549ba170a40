#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>
#include <vector>

#include "hand/hand_geometry.h"
#include "hand/hand_internal.h"
#include "hand/kinematics.h"

namespace dexvlg::hand_detail {
namespace {

Vec3 MarchToSurface(const HandModel& hand, int link, const Vec3& start, const Vec3& dir) {
  double lo = 0, hi = 0.2;  // the start is inside; 20 cm is beyond any hand link
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (LinkLocalDistance(hand, link, start + dir * mid, nullptr) < 0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return start + dir * hi;
}

struct FingerInfo {
  int link;
  Vec3 base_H;     // first joint anchor of the finger, root frame
  Vec3 closing_H;  // closing direction at the tip, root frame
  int contact;     // index into hand.contacts
};

}  // namespace

// Derives fingertip and palm contact candidates and the wrap / pinch sets:
// - fingertips are the leaf links (with geometry) below at least one hinge joint;
// - a fingertip's contact normal is the direction its tip moves when the nearest hinge closes
//   (towards the larger end of the joint range), and the point is where a ray from inside the
//   distal geometry, 40% of the way to the tip, leaves the surface in that direction;
// - the palm normal is the mean closing direction of the non-thumb fingers; two palm points are
//   cast along it from the root link's geometry, one at its centre and one towards the fingers;
// - the thumb is the finger named th*/thumb, else the one closing least along the palm normal;
//   index and middle are named ff/if/index and mf/middle, else the non-thumb fingers nearest it.
Status DeriveContacts(HandModel* hand, const std::string& label) {
  KinematicsData data(*hand, 1);
  const double identity[4] = {1, 0, 0, 0};
  const std::vector<double> pose = PoseRow(*hand, Vec3::Zero(), identity, hand->RestJoints());
  ForwardKinematics(*hand, pose.data(), 0, 1, data);
  using MapMat = Eigen::Map<const Eigen::Matrix<double, 3, 3, Eigen::RowMajor>>;
  auto R = [&](int l) { return Mat3(MapMat(data.R(0, l))); };
  auto P = [&](int l) { return Vec3(Eigen::Map<const Vec3>(data.p(0, l))); };

  // a tip link has no child link that carries geometry (a URDF's fixed, geometry-free "tip"
  // frames below the distal links do not count); links come parents first
  std::vector<bool> has_child(hand->num_links(), false), carries(hand->num_links(), false);
  for (int l = hand->num_links() - 1; l >= 1; --l) {
    carries[l] = carries[l] || !hand->links[l].geoms.empty();
    const int parent = hand->links[l].parent;
    if (carries[l] && parent >= 0) has_child[parent] = carries[parent] = true;
  }
  std::vector<FingerInfo> fingers;
  for (int l = 1; l < hand->num_links(); ++l) {
    const Link& link = hand->links[l];
    if (has_child[l] || link.geoms.empty()) continue;
    int hinge = -1;
    for (int j : link.chain_joints) {
      if (hand->joints[j].type == JointType::kHinge) hinge = j;
    }
    if (hinge < 0) continue;
    const Joint& joint = hand->joints[hinge];
    const double sign = (!joint.limited || std::abs(joint.upper) >= std::abs(joint.lower)) ? 1 : -1;
    // geometry centre and finger direction, world (= root) frame
    Vec3 centre = Vec3::Zero();
    for (int gi : link.geoms) centre += P(l) + R(l) * hand->geoms[gi].p_LG;
    centre /= static_cast<double>(link.geoms.size());
    const Vec3 anchor = Eigen::Map<const Vec3>(data.anchor(0, hinge));
    const Vec3 axis = Eigen::Map<const Vec3>(data.axis(0, hinge));
    Vec3 along = centre - anchor;
    if (along.norm() < 1e-9) along = R(l).col(2);
    along.normalize();
    const Vec3 centre_L = R(l).transpose() * (centre - P(l));
    const Vec3 tip_L = MarchToSurface(*hand, l, centre_L, R(l).transpose() * along);
    const Vec3 pad_base = P(l) + R(l) * (centre_L + 0.4 * (tip_L - centre_L));
    Vec3 closing = sign * axis.cross(pad_base - anchor);
    closing -= along * along.dot(closing);
    if (closing.norm() < 1e-9) continue;
    closing.normalize();
    const Vec3 pad_L =
        MarchToSurface(*hand, l, R(l).transpose() * (pad_base - P(l)), R(l).transpose() * closing);
    Vec3 normal_L = Vec3::Zero();
    LinkLocalDistance(*hand, l, pad_L, &normal_L);
    ContactCandidate c;
    c.name = link.name + "_tip";
    c.link = l;
    c.p_L = pad_L;
    c.n_L = normal_L.normalized();
    hand->contacts.push_back(c);
    const int first_joint = link.chain_joints.front();
    fingers.push_back({l, Vec3(Eigen::Map<const Vec3>(data.anchor(0, first_joint))), closing,
                       static_cast<int>(hand->contacts.size()) - 1});
  }
  if (fingers.size() < 2) {
    return Error{label + ": cannot derive contacts: found " + std::to_string(fingers.size()) +
                 " finger tip link(s) below hinge joints; name them in the hand spec"};
  }
  // thumb
  int thumb = -1;
  for (size_t i = 0; i < fingers.size(); ++i) {
    if (FingerOfLink(*hand, fingers[i].link) == "thumb") thumb = static_cast<int>(i);
  }
  Vec3 mean_closing = Vec3::Zero();
  for (const FingerInfo& f : fingers) mean_closing += f.closing_H;
  if (thumb < 0) {
    double worst = 2;
    for (size_t i = 0; i < fingers.size(); ++i) {
      const double s = fingers[i].closing_H.dot(mean_closing.normalized());
      if (s < worst) {
        worst = s;
        thumb = static_cast<int>(i);
      }
    }
  }
  Vec3 palm_normal = Vec3::Zero(), finger_bases = Vec3::Zero();
  for (size_t i = 0; i < fingers.size(); ++i) {
    if (static_cast<int>(i) == thumb) continue;
    palm_normal += fingers[i].closing_H;
    finger_bases += fingers[i].base_H;
  }
  palm_normal.normalize();
  finger_bases /= static_cast<double>(fingers.size() - 1);
  // palm points, cast from the root link's geometry centre
  const Link& root = hand->links[0];
  if (root.geoms.empty()) {
    return Error{label + ": root body '" + root.name + "' has no collision geometry (no palm)"};
  }
  Vec3 palm_centre = Vec3::Zero();
  double weight = 0;
  for (int gi : root.geoms) {  // weighted by size, so the main palm block dominates
    const double w = std::pow(hand->geoms[gi].bounding_radius, 3);
    palm_centre += w * hand->geoms[gi].p_LG;
    weight += w;
  }
  palm_centre /= weight;
  Vec3 towards = finger_bases - palm_centre;
  towards -= palm_normal * palm_normal.dot(towards);
  const std::pair<const char*, double> palm_spots[] = {{"palm_center", 0.0}, {"palm_upper", 0.4}};
  std::vector<int> palm_contacts;
  for (const auto& [name, frac] : palm_spots) {
    Vec3 start = palm_centre + towards * frac;
    if (LinkLocalDistance(*hand, 0, start, nullptr) >= 0) start = palm_centre;
    ContactCandidate c;
    c.name = name;
    c.link = 0;
    c.p_L = MarchToSurface(*hand, 0, start, palm_normal);
    Vec3 n = Vec3::Zero();
    LinkLocalDistance(*hand, 0, c.p_L, &n);
    c.n_L = n.normalized();
    hand->contacts.push_back(c);
    palm_contacts.push_back(static_cast<int>(hand->contacts.size()) - 1);
  }
  // index and middle
  auto by_name = [&](const char* finger) {
    for (size_t i = 0; i < fingers.size(); ++i) {
      if (static_cast<int>(i) != thumb && FingerOfLink(*hand, fingers[i].link) == finger) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  int index = by_name("index");
  int middle = by_name("middle");
  if (index < 0 || middle < 0 || index == middle) {
    std::vector<int> order;
    for (size_t i = 0; i < fingers.size(); ++i) {
      if (static_cast<int>(i) != thumb) order.push_back(static_cast<int>(i));
    }
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      return (fingers[a].base_H - fingers[thumb].base_H).norm() <
             (fingers[b].base_H - fingers[thumb].base_H).norm();
    });
    index = order[0];
    middle = order.size() > 1 ? order[1] : order[0];
  }
  hand->wrap.push_back(fingers[thumb].contact);
  for (size_t i = 0; i < fingers.size(); ++i) {
    if (static_cast<int>(i) != thumb) hand->wrap.push_back(fingers[i].contact);
  }
  hand->wrap.insert(hand->wrap.end(), palm_contacts.begin(), palm_contacts.end());
  hand->pinch = {fingers[thumb].contact, fingers[index].contact, fingers[middle].contact,
                 palm_contacts[0]};
  return Status::Ok();
}

void BuildSurfacePoints(HandModel* hand, double spacing) {
  hand->surface_points.clear();
  hand->surface_range.assign(hand->num_links(), {0, 0});
  for (int l = 0; l < hand->num_links(); ++l) {
    const int begin = static_cast<int>(hand->surface_points.size());
    for (int gi : hand->links[l].geoms) {
      const CollisionGeom& g = hand->geoms[gi];
      for (const Vec3& s : GeomSurfaceSamples(g, spacing)) {
        const Vec3 p_L = g.R_LG * s + g.p_LG;
        // keep only the link's outer surface: drop samples buried in its other geoms
        if (LinkLocalDistance(*hand, l, p_L, nullptr) >= -1e-6)
          hand->surface_points.push_back({l, p_L});
      }
    }
    hand->surface_range[l] = {begin, static_cast<int>(hand->surface_points.size())};
  }
}

// Links not touching in the rest pose, not parent and child (skipping geometry-less links), and
// not excluded by the MJCF or the spec.
}  // namespace dexvlg::hand_detail
