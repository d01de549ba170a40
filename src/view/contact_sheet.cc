#include "view/contact_sheet.h"

#include <algorithm>
#include <cmath>

#include "hand/hand_geometry.h"
#include "hand/kinematics.h"

namespace dexvlg {

Image GraspView(const HandModel& hand, const LabeledMesh& object, int target_part,
                const std::vector<double>& pose, int width, int height, const Vec3& hand_color) {
  KinematicsData data(hand, 1);
  ForwardKinematics(hand, pose.data(), 0, 1, data);
  const TriMesh hand_mesh = HandSurface(hand, data, 0, nullptr);
  ColoredMesh obj{&object.mesh, {}}, hnd{&hand_mesh, {}};
  obj.face_colors.resize(object.mesh.num_faces());
  for (int f = 0; f < object.mesh.num_faces(); ++f) {
    const int label = object.face_labels.empty() ? 0 : object.face_labels[f];
    obj.face_colors[f] = label == target_part ? PartColor(1) : Vec3(0.78, 0.80, 0.85);
  }
  hnd.face_colors.assign(hand_mesh.num_faces(), hand_color);
  Vec3 lo, hi, hlo, hhi;
  object.mesh.Bounds(&lo, &hi);
  hand_mesh.Bounds(&hlo, &hhi);
  lo = lo.cwiseMin(hlo);
  hi = hi.cwiseMax(hhi);
  // look across the palm: from the side of the object the hand is on, turned 60 degrees
  Vec3 oc, ohi;
  object.mesh.Bounds(&oc, &ohi);
  const Vec3 side = 0.5 * (hlo + hhi) - 0.5 * (oc + ohi);
  const double azimuth = std::atan2(side.y(), side.x()) * 180 / 3.14159265358979323846 + 60;
  return Render({obj, hnd}, FitCamera(lo, hi, azimuth, 25, width, height));
}

Image ContactSheet(const HandModel& hand, const LabeledMesh& object, int target_part,
                   const std::vector<Grasp>& grasps, int count, int columns, int view_width,
                   int view_height) {
  std::vector<Image> views;
  const int n = std::min<int>(count, static_cast<int>(grasps.size()));
  for (int i = 0; i < n; ++i) {
    const size_t g = grasps.size() * static_cast<size_t>(i) / static_cast<size_t>(n);
    views.push_back(GraspView(hand, object, target_part, grasps[g].grasp, view_width, view_height));
  }
  if (views.empty()) {
    Image blank;
    blank.Resize(view_width, view_height);
    views.push_back(blank);
  }
  return Tile(views, std::max(1, std::min(columns, static_cast<int>(views.size()))));
}

}  // namespace dexvlg
