// A small synthetic dataset for the model's tests: a procedural mug (body and handle) resting
// upright on the table, one scene of a few views, and made-up "held" grasps clustered at each
// part, written as a real shard so the tests read it through the store's ShardReader.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "core/rotation.h"
#include "dataset/scene.h"
#include "dataset/store.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "model/config.h"
#include "model/model.h"
#include "object/procedural.h"

namespace dexvlg::testing {

/// A temporary path of this process alone: ctest runs every test as its own process, side by
/// side, and two of them must never share (or delete) each other's files.
inline std::string ProcessTemp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "_" + std::to_string(::getpid())))
      .string();
}

/// Writes `dir`/shards/toy_mug.h5 (`views` views of one scene, `per_part` wrap grasps per part)
/// and returns `dir`.
inline std::string WriteToyDataset(const std::string& dir, int per_part = 6, int views = 2) {
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  fs::create_directories(fs::path(dir) / kShardDir);
  static const LabeledMesh mug = MakeProcedural("mug").value();
  const HandModel& hand = DefaultHand();
  ShardContent c;
  c.object = "mug";
  c.object_source = "mug";
  c.hand_name = hand.name;
  for (const Joint& j : hand.joints) c.joint_names.push_back(j.name);
  c.mesh = &mug;
  Placement pl;
  double zmin = 1e9;
  for (const Vec3& v : mug.mesh.vertices) zmin = std::min(zmin, v.z());
  pl.t = Vec3(0, 0, -zmin);
  ShardGrasps& g = c.grasps;
  g.pose_size = hand.pose_size();
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 1);
  for (int part = 0; part < static_cast<int>(mug.part_names.size()); ++part) {
    Vec3 centre = Vec3::Zero();
    int n = 0;
    for (size_t f = 0; f < mug.mesh.faces.size(); ++f)
      if (mug.face_labels[f] == part) {
        centre += mug.mesh.vertices[mug.mesh.faces[f][0]];
        ++n;
      }
    centre /= std::max(1, n);
    const Vec3 away = Vec3(centre.x(), centre.y(), 0).normalized();
    for (int i = 0; i < per_part; ++i) {
      const Vec3 t = centre + 0.06 * away + 0.005 * Vec3(noise(rng), noise(rng), noise(rng));
      double quat[4];
      MatrixToQuat(AxisAngleMatrix(Vec3::UnitZ(), 0.3 * part + 0.05 * noise(rng)), quat);
      std::vector<double> q = hand.RestJoints();
      for (size_t j = 0; j < q.size(); ++j)
        q[j] = std::clamp(q[j] + 0.2 * part + 0.02 * noise(rng), hand.joints[j].lower,
                          hand.joints[j].upper);
      const std::vector<double> row = PoseRow(hand, t, quat, q);
      std::vector<double> pre = row, sq = row;
      pre[0] += 0.02 * away.x();
      pre[1] += 0.02 * away.y();
      for (size_t j = 0; j < q.size(); ++j)
        sq[7 + j] = std::clamp(q[j] + 0.1, hand.joints[j].lower, hand.joints[j].upper);
      g.pregrasp.insert(g.pregrasp.end(), pre.begin(), pre.end());
      g.grasp.insert(g.grasp.end(), row.begin(), row.end());
      g.squeeze.insert(g.squeeze.end(), sq.begin(), sq.end());
      g.part.push_back(part);
      g.mode.push_back(0);
      g.scene.push_back(0);
      g.success.push_back(1);
      g.held.insert(g.held.end(), 6, 1);
      g.penetration.push_back(0.0005);
      g.reason.push_back("");
      g.caption.push_back("Grasp the " + mug.part_names[part] +
                          " of the mug object, with contacts on thumb, index finger and palm");
    }
  }
  SceneOptions o;
  o.cameras = views;
  o.width = 160;
  o.height = 90;
  o.points = 512;
  c.scenes.push_back(MakeScene(
      mug, mug.mesh, std::vector<Vec3>(mug.mesh.faces.size(), Vec3(0.6, 0.5, 0.4)), pl, o, 1));
  std::vector<int> all(g.count());
  for (int i = 0; i < g.count(); ++i) all[i] = i;
  c.scene_grasps.push_back(all);
  const Status s = WriteShard((fs::path(dir) / kShardDir / "toy_mug.h5").string(), c);
  DEXVLG_DEMAND(s.ok(), "toy shard: " << s.error().message);
  return dir;
}

/// A config small enough to train in seconds on one core.
inline ModelConfig TinyConfig() {
  ModelConfig c;
  c.points = 256;
  c.patches = 16;
  c.patch_size = 12;
  c.width = 48;
  c.layers = 2;
  c.heads = 2;
  c.max_text = 24;
  c.grasps_per_sample = 4;
  c.batch = 8;
  c.steps = 60;
  c.warmup = 10;
  c.lr = 2e-3;
  SetHand(c, DefaultHand(), "built-in");
  return c;
}

}  // namespace dexvlg::testing
