// DexGraspBench grasp files: rows survive the trip out and back, the model frame is honoured,
// joints are matched by name across prefixes and order, and bad files are named.
#include "synth/dexgraspbench.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "hand/hand_loader.h"
#include "hand/kinematics.h"

namespace dexvlg {
namespace {

std::vector<double> Row(const HandModel& hand, int seed) {
  return RandomPoses(hand, 1, static_cast<unsigned>(seed));
}

void ExpectRowsNear(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  const double sign = a[3] * b[3] + a[4] * b[4] + a[5] * b[5] + a[6] * b[6] < 0 ? -1 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i], (i >= 3 && i < 7 ? sign : 1) * b[i], 1e-9) << "value " << i;
  }
}

TEST(DexGraspBenchTest, RowsSurviveTheFileWithTheModelFrameHonoured) {
  HandModel hand = DefaultHand();  // a root that sits off the MJCF's origin, as in their files
  hand.model_p_root = Vec3(0.01, -0.02, 0.034);
  hand.model_R_root = Eigen::AngleAxisd(0.7, Vec3(1, 2, 3).normalized()).toRotationMatrix();
  const std::vector<double> pre = Row(hand, 1), grasp = Row(hand, 2), squeeze = Row(hand, 3);
  BenchGrasp g = ToBench(hand, pre, grasp, squeeze, "objects/mug", 0.08);
  // the file poses the model frame: its root link lands where dexvlg's row put it
  KinematicsData a(hand, 1);
  ForwardKinematics(hand, grasp.data(), 0, 1, a);
  const Eigen::Quaterniond q_m(g.grasp[3], g.grasp[4], g.grasp[5], g.grasp[6]);
  const Vec3 root = q_m * hand.model_p_root + Vec3(g.grasp[0], g.grasp[1], g.grasp[2]);
  EXPECT_LT((root - Vec3(a.p(0, 0)[0], a.p(0, 0)[1], a.p(0, 0)[2])).norm(), 1e-9);
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("dexvlg_dgb_" + std::to_string(::getpid()) + ".npy"))
                               .string();
  ASSERT_TRUE(WriteNpyDict(path, ToNpy(g)).ok());
  auto dict = ReadNpyDict(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(dict.ok()) << dict.error().message;
  auto back = FromNpy(*dict, path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->obj_path, "objects/mug");
  EXPECT_EQ(back->obj_scale, 0.08);
  auto rows = FromBench(*back, hand, path);
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ExpectRowsNear((*rows)[0], pre);
  ExpectRowsNear((*rows)[1], grasp);
  ExpectRowsNear((*rows)[2], squeeze);
}

TEST(DexGraspBenchTest, ObjectPoseAndJointNamesAreApplied) {
  const HandModel& hand = DefaultHand();
  const std::vector<double> row = Row(hand, 4);
  BenchGrasp g = ToBench(hand, row, row, row, "x", 1);
  // their joints: rh_ prefixes, reversed order; the object moved and turned in the world
  std::reverse(g.joint_names.begin(), g.joint_names.end());
  for (std::string& n : g.joint_names) n = "rh_" + n;
  const Eigen::Quaterniond q_o(Eigen::AngleAxisd(1.1, Vec3(0, 0, 1)));
  const Vec3 p_o(0.3, -0.1, 0.05);
  g.obj_pose = {p_o.x(), p_o.y(), p_o.z(), q_o.w(), q_o.x(), q_o.y(), q_o.z()};
  for (std::vector<double>* r : {&g.pregrasp, &g.grasp, &g.squeeze}) {
    std::vector<double>& v = *r;
    const Vec3 t = q_o * Vec3(v[0], v[1], v[2]) + p_o;
    const Eigen::Quaterniond q = q_o * Eigen::Quaterniond(v[3], v[4], v[5], v[6]);
    std::vector<double> moved = {t.x(), t.y(), t.z(), q.w(), q.x(), q.y(), q.z()};
    moved.insert(moved.end(), v.rbegin(), v.rend() - 7);  // joints reversed like the names
    v = moved;
  }
  auto rows = FromBench(g, hand, "file");
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  ExpectRowsNear((*rows)[1], row);
}

TEST(DexGraspBenchTest, BadFilesAreNamed) {
  const HandModel& hand = DefaultHand();
  NpyDict d = {{"obj_path", NpyValue::Text("x")}};
  auto r = FromNpy(d, "a.npy");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("a.npy: no \"grasp_qpos\""), std::string::npos);
  d.emplace_back("grasp_qpos", NpyValue::Array(std::vector<double>(7 + 16, 0.0)));
  d.back().second.values[3] = 1;
  auto g = FromNpy(d, "a.npy");
  ASSERT_TRUE(g.ok()) << g.error().message;  // no pregrasp or squeeze: the grasp for both
  EXPECT_EQ(g->pregrasp, g->grasp);
  auto rows = FromBench(*g, hand, "a.npy");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("16 joint values without names"), std::string::npos)
      << rows.error().message;
  g->joint_names.assign(16, "thumb_twist");
  rows = FromBench(*g, hand, "a.npy");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(rows.error().message.find("no value for joint"), std::string::npos);
  NpyDict scale = {{"grasp_qpos", NpyValue::Array(Row(hand, 1))},
                   {"obj_scale", NpyValue::Number(-1)}};
  EXPECT_FALSE(FromNpy(scale, "b.npy").ok());
  NpyDict zero = {{"grasp_qpos", NpyValue::Array(std::vector<double>(hand.pose_size(), 0.0))}};
  auto z = FromNpy(zero, "c.npy");
  ASSERT_TRUE(z.ok());
  EXPECT_FALSE(FromBench(*z, hand, "c.npy").ok()) << "a zero quaternion";
}

}  // namespace
}  // namespace dexvlg
