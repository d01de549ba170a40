// Scenes (resting poses, RGB-D point clouds, table filter) and the shard store.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "core/npy_dict.h"
#include "dataset/generate.h"
#include "dataset/scene.h"
#include "dataset/store.h"
#include "hand/hand_loader.h"
#include "hand/kinematics.h"
#include "object/convex.h"
#include "object/mesh_sdf.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "synth/dexgraspbench.h"

namespace dexvlg {
namespace {
namespace fs = std::filesystem;

struct Fixture {
  LabeledMesh box;
  std::vector<TriMesh> pieces;
  std::vector<Placement> poses;
};

const Fixture& Box() {
  static const Fixture f = [] {
    Fixture x;
    x.box = LoadClosedObject("box").value();
    x.pieces = ShellPieces(x.box.mesh);
    x.poses = RestingPoses(x.box, x.pieces, 3, 7).value();
    return x;
  }();
  return f;
}

SceneOptions Small() {
  SceneOptions o;
  o.width = 320;
  o.height = 180;
  o.cameras = 4;
  o.points = 2000;
  return o;
}

TEST(DatasetTest, RestingPosesLieFlatOnTheTable) {
  const Fixture& f = Box();
  ASSERT_FALSE(f.poses.empty());
  for (const Placement& p : f.poses) {
    double lowest = 1e9;
    for (const Vec3& v : f.box.mesh.vertices) lowest = std::min(lowest, (p.R * v + p.t).z());
    EXPECT_NEAR(lowest, 0.0, 0.003) << "resting on the table top";
    // a box rests on a face: the table normal is along one of its axes
    const Vec3 up = p.R.transpose() * Vec3::UnitZ();
    EXPECT_GT(up.cwiseAbs().maxCoeff(), std::cos(5 * 3.14159265 / 180)) << up.transpose();
  }
  // distinct poses rest on distinct sides
  for (size_t a = 0; a < f.poses.size(); ++a) {
    for (size_t b = a + 1; b < f.poses.size(); ++b) {
      const Vec3 ua = f.poses[a].R.transpose() * Vec3::UnitZ();
      const Vec3 ub = f.poses[b].R.transpose() * Vec3::UnitZ();
      EXPECT_LT(ua.dot(ub), std::cos(15 * 3.14159265 / 180));
    }
  }
}

TEST(DatasetTest, ScenePointCloudsLieOnTheObjectAndTable) {
  const Fixture& f = Box();
  const SceneOptions o = Small();
  const Scene s = MakeScene(f.box, f.box.mesh, PartFaceColors(f.box), f.poses[0], o, 3);
  ASSERT_EQ(static_cast<int>(s.views.size()), o.cameras);
  const MeshSdf sdf(f.box.mesh);
  for (const SceneView& v : s.views) {
    ASSERT_EQ(static_cast<int>(v.labels.size()), o.points);
    ASSERT_EQ(v.points.size(), 3 * v.labels.size());
    ASSERT_EQ(v.colors.size(), 3 * v.labels.size());
    int object_points = 0;
    std::set<int> parts;
    for (size_t i = 0; i < v.labels.size(); ++i) {
      const Vec3 p(v.points[3 * i], v.points[3 * i + 1], v.points[3 * i + 2]);
      // the depth noise at ~0.5 m is under a millimetre (1 sigma); 5 mm is far out
      if (v.labels[i] < 0) {
        EXPECT_NEAR(p.z(), 0.0, 0.005) << "table point off the table";
      } else {
        ++object_points;
        parts.insert(v.labels[i]);
        const Vec3 local = f.poses[0].R.transpose() * (p - f.poses[0].t);
        EXPECT_LT(std::abs(sdf.Query(local).distance), 0.005) << "object point off the surface";
        EXPECT_LT(v.labels[i], static_cast<int>(f.box.part_names.size()));
      }
    }
    EXPECT_GT(object_points, o.points / 5) << "the cameras see the object";
    // the pinhole model: every point projects inside the image
    for (size_t i = 0; i < v.labels.size(); i += 97) {
      const Vec3 p(v.points[3 * i], v.points[3 * i + 1], v.points[3 * i + 2]);
      const Vec3 c = v.R_wc.transpose() * (p - v.t_wc);
      ASSERT_GT(c.z(), 0);
      const double u = v.fx * c.x() / c.z() + v.cx, w = v.fy * c.y() / c.z() + v.cy;
      EXPECT_GE(u, -1);
      EXPECT_LE(u, o.width + 1);
      EXPECT_GE(w, -1);
      EXPECT_LE(w, o.height + 1);
    }
  }
  // same seed, same cloud
  const Scene again = MakeScene(f.box, f.box.mesh, PartFaceColors(f.box), f.poses[0], o, 3);
  EXPECT_EQ(again.views[0].points, s.views[0].points);
}

TEST(DatasetTest, HandsBelowTheTableAreDetected) {
  const HandModel& hand = DefaultHand();
  const double quat[4] = {1, 0, 0, 0};
  const double down[4] = {0, 1, 0, 0};  // turned over: the fingers point down
  std::vector<double> row = PoseRow(hand, Vec3(0, 0, 1.0), down, hand.RestJoints());
  EXPECT_TRUE(HandAboveTable(hand, row));
  row[2] = 0.05;  // the root 5 cm above the table top: the fingers reach below it
  EXPECT_FALSE(HandAboveTable(hand, row));
  // placing a pose: translation and rotation compose
  Placement p;
  p.R = Eigen::AngleAxisd(0.5, Vec3::UnitZ()).toRotationMatrix();
  p.t = Vec3(0.1, 0, 0);
  const std::vector<double> placed =
      PlacePose(PoseRow(hand, Vec3(0, 0.2, 0), quat, hand.RestJoints()), p);
  EXPECT_NEAR(placed[0], 0.1 - 0.2 * std::sin(0.5), 1e-12);
  EXPECT_NEAR(placed[1], 0.2 * std::cos(0.5), 1e-12);
  EXPECT_NEAR(placed[3], std::cos(0.25), 1e-12);
}

ShardContent SmallShard(const Fixture& f, const SceneOptions& o) {
  ShardContent c;
  c.object = "box";
  c.object_source = "box";
  c.hand_name = DefaultHand().name;
  for (const Joint& j : DefaultHand().joints) c.joint_names.push_back(j.name);
  c.mesh = &f.box;
  ShardGrasps& g = c.grasps;
  g.pose_size = DefaultHand().pose_size();
  const double quat[4] = {1, 0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const std::vector<double> row =
        PoseRow(DefaultHand(), Vec3(0, 0, 0.3 + 0.01 * i), quat, DefaultHand().RestJoints());
    for (auto* v : {&g.pregrasp, &g.grasp, &g.squeeze}) v->insert(v->end(), row.begin(), row.end());
    g.part.push_back(i % 2);
    g.mode.push_back(0);
    g.scene.push_back(0);
    g.success.push_back(i != 1);
    g.held.insert(g.held.end(), 6, 1);
    g.penetration.push_back(0.001);
    g.reason.push_back(i != 1 ? "" : "dropped along +x");
    g.caption.push_back("Grasp the body of the box object, with contacts on thumb");
  }
  c.scenes.push_back(MakeScene(f.box, f.box.mesh, PartFaceColors(f.box), f.poses[0], o, 1));
  c.scene_grasps.push_back({0, 2});
  return c;
}

TEST(DatasetTest, ShardsRoundTripAndVerify) {
  const Fixture& f = Box();
  const fs::path dir = fs::temp_directory_path() / "dexvlg_store_test";
  fs::remove_all(dir);
  fs::create_directories(dir / kShardDir);
  const std::string shard = (dir / kShardDir / "box-0.h5").string();
  ASSERT_TRUE(WriteShard(shard, SmallShard(f, Small())).ok());
  EXPECT_FALSE(fs::exists(shard + ".tmp"));
  auto s = SummariseShard(shard);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->grasps, 3);
  EXPECT_EQ(s->successful, 2);
  EXPECT_EQ(s->scenes, 1);
  EXPECT_EQ(s->scene_grasps, 2);
  std::ostringstream report;
  EXPECT_EQ(VerifyDataset(dir.string(), report), 1) << "no index yet: " << report.str();
  ASSERT_TRUE(WriteIndex(dir.string()).ok());
  report.str("");
  EXPECT_EQ(VerifyDataset(dir.string(), report), 0) << report.str();
  // a truncated copy is caught and named
  const std::string broken = (dir / kShardDir / "box-1.h5").string();
  fs::copy_file(shard, broken);
  fs::resize_file(broken, fs::file_size(broken) / 2);
  report.str("");
  EXPECT_GE(VerifyDataset(dir.string(), report), 2) << report.str();
  EXPECT_NE(report.str().find("box-1.h5"), std::string::npos) << report.str();
  // export: one PLY per view and the grasp rows
  fs::remove(broken);
  std::ostringstream log;
  ASSERT_TRUE(ExportDataset(dir.string(), (dir / "export").string(), "csv", log).ok());
  int plys = 0;
  for (const auto& e : fs::directory_iterator(dir / "export"))
    plys += e.path().extension() == ".ply";
  EXPECT_EQ(plys, Small().cameras);
  std::ifstream rows(dir / "export" / "grasps.csv");
  std::string line, header, first_row;
  int lines = 0;
  while (std::getline(rows, line)) {
    if (lines == 0) header = line;
    if (lines == 1) first_row = line;
    ++lines;
  }
  EXPECT_EQ(lines, 1 + 3);
  // every grasp with its pregrasp and squeeze, in its scene's table frame (the clouds' frame)
  EXPECT_EQ(header.rfind("object,shard,scene,part,mode,success,caption,pregrasp_x,", 0), 0u)
      << header;
  EXPECT_NE(header.find(",grasp_x,"), std::string::npos);
  EXPECT_NE(header.find(",squeeze_qz,"), std::string::npos);
  {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : first_row) {  // the caption is quoted and may hold commas
      if (c == '"') quoted = !quoted;
      if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    const ShardGrasps written = ShardReader::Open(shard).value().Grasps().value();
    const int scene = std::stoi(cells[2]);
    const Scene placed_scene = ShardReader::Open(shard).value().SceneAt(scene).value();
    const size_t ps = written.pose_size;
    const std::vector<double> row(written.grasp.begin(), written.grasp.begin() + ps);
    const std::vector<double> expected = PlacePose(row, placed_scene.placement);
    for (size_t k = 0; k < ps; ++k) {
      EXPECT_NEAR(std::stod(cells[7 + ps + k]), expected[k], 1e-6) << "grasp column " << k;
    }
  }
  // DexGraspBench: one .npy per successful grasp, rows as the shard holds them
  ASSERT_TRUE(ExportDataset(dir.string(), (dir / "bench").string(), "dexgraspbench", log).ok());
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir / "bench"))
    if (e.path().extension() == ".npy") files.push_back(e.path());
  ASSERT_EQ(files.size(), 2u) << "the shard's 2 successful grasps";
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files[0].parent_path().filename(), "scale100_pose000");
  auto dict = ReadNpyDict(files[0].string());
  ASSERT_TRUE(dict.ok()) << dict.error().message;
  auto bench = FromNpy(*dict, files[0].string());
  ASSERT_TRUE(bench.ok()) << bench.error().message;
  auto bench_rows = FromBench(*bench, DefaultHand(), files[0].string());
  ASSERT_TRUE(bench_rows.ok()) << bench_rows.error().message;
  auto grasps = ShardReader::Open(shard).value().Grasps().value();
  int first = 0;
  while (grasps.success[first] != 1) ++first;
  const size_t ps = grasps.pose_size;
  for (size_t k = 0; k < ps; ++k) {
    EXPECT_NEAR((*bench_rows)[1][k], grasps.grasp[first * ps + k], 1e-12);
    EXPECT_NEAR((*bench_rows)[2][k], grasps.squeeze[first * ps + k], 1e-12);
  }
  fs::remove_all(dir);
}

TEST(DatasetTest, ShardReaderReadsBackWhatWasWritten) {
  const Fixture& f = Box();
  const fs::path dir = fs::temp_directory_path() / "dexvlg_reader_test";
  fs::remove_all(dir);
  fs::create_directories(dir / kShardDir);
  const std::string shard = (dir / kShardDir / "box-0.h5").string();
  ShardContent c = SmallShard(f, Small());
  c.generate_params = "count=3";
  ASSERT_TRUE(WriteShard(shard, c).ok());
  auto r = ShardReader::Open(shard);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->info().object, "box");
  EXPECT_EQ(r->info().generate_params, "count=3");
  EXPECT_EQ(r->info().joint_names, c.joint_names);
  EXPECT_EQ(r->info().part_names, f.box.part_names);
  auto object = r->Object();
  ASSERT_TRUE(object.ok()) << object.error().message;
  EXPECT_EQ(object->mesh.vertices, f.box.mesh.vertices);
  EXPECT_EQ(object->mesh.faces, f.box.mesh.faces);
  EXPECT_EQ(object->face_labels, f.box.face_labels);
  auto grasps = r->Grasps();
  ASSERT_TRUE(grasps.ok()) << grasps.error().message;
  EXPECT_EQ(grasps->grasp, c.grasps.grasp);
  EXPECT_EQ(grasps->success, c.grasps.success);
  EXPECT_EQ(grasps->held, c.grasps.held);
  EXPECT_EQ(grasps->caption, c.grasps.caption);
  ASSERT_EQ(r->num_scenes(), 1);
  auto scene = r->SceneAt(0);
  ASSERT_TRUE(scene.ok()) << scene.error().message;
  ASSERT_EQ(scene->views.size(), c.scenes[0].views.size());
  EXPECT_EQ(scene->views[1].points, c.scenes[0].views[1].points);
  EXPECT_EQ(scene->views[1].colors, c.scenes[0].views[1].colors);
  EXPECT_EQ(scene->views[1].labels, c.scenes[0].views[1].labels);
  EXPECT_TRUE(scene->placement.R.isApprox(c.scenes[0].placement.R));
  EXPECT_TRUE(scene->views[1].R_wc.isApprox(c.scenes[0].views[1].R_wc));
  EXPECT_DOUBLE_EQ(scene->views[1].fx, c.scenes[0].views[1].fx);
  auto index = r->SceneGrasps(0);
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(*index, (std::vector<int>{0, 2}));
  fs::remove_all(dir);
}

TEST(DatasetTest, CorruptShardsAreNamedNotTrusted) {
  // what an outside probe found `dataset verify` passing: NaN vertices, face indices of 1e8 and
  // -5, a grasp with a zero quaternion, a success flag of 7
  const Fixture& f = Box();
  const fs::path dir = fs::temp_directory_path() / "dexvlg_corrupt_test";
  struct Case {
    const char* what;
    std::function<void(LabeledMesh&, ShardContent&)> spoil;
  };
  const std::vector<Case> cases = {
      {"/object/vertices", [](LabeledMesh& m, ShardContent&) { m.mesh.vertices[3].y() = NAN; }},
      {"/object/faces", [](LabeledMesh& m, ShardContent&) { m.mesh.faces[2][1] = 100000000; }},
      {"/object/faces", [](LabeledMesh& m, ShardContent&) { m.mesh.faces[0][0] = -5; }},
      {"/object/face_labels", [](LabeledMesh& m, ShardContent&) { m.face_labels[1] = 9; }},
      {"/grasps/grasp",
       [](LabeledMesh&, ShardContent& c) {
         for (int a = 3; a < 7; ++a) c.grasps.grasp[a] = 0;
       }},
      {"/grasps/success", [](LabeledMesh&, ShardContent& c) { c.grasps.success[1] = 7; }},
  };
  for (const Case& k : cases) {
    fs::remove_all(dir);
    fs::create_directories(dir / kShardDir);
    LabeledMesh mesh = f.box;
    ShardContent c = SmallShard(f, Small());
    c.mesh = &mesh;
    k.spoil(mesh, c);
    ASSERT_TRUE(WriteShard((dir / kShardDir / "box-0.h5").string(), c).ok());
    ASSERT_TRUE(WriteIndex(dir.string()).ok());
    std::ostringstream report;
    EXPECT_GE(VerifyDataset(dir.string(), report), 1) << k.what;
    EXPECT_NE(report.str().find(k.what), std::string::npos) << k.what << ": " << report.str();
  }
  fs::remove_all(dir);
}

TEST(DatasetTest, AResumeWithOtherParametersSaysSo) {
  GenerateOptions o;
  o.objects = {"box"};
  o.out = (fs::temp_directory_path() / "dexvlg_resume_test").string();
  fs::remove_all(o.out);
  fs::create_directories(fs::path(o.out) / kShardDir);
  const Fixture& f = Box();
  ShardContent c = SmallShard(f, Small());
  c.generate_params = GenerateParamsText(o);
  const std::string shard = (fs::path(o.out) / kShardDir / ShardName("box")).string();
  ASSERT_TRUE(WriteShard(shard, c).ok());
  std::ostringstream log;
  auto rows = Generate(o, 0, 1, log);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, "already done");
  o.count = 7;  // another count: the old shard is not this run's
  rows = Generate(o, 0, 1, log);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].status.find("other generation parameters"), std::string::npos)
      << rows[0].status;
  EXPECT_NE(rows[0].status.find("count=16"), std::string::npos) << rows[0].status;
  // part names for every object: a count that does not fit is said, before any work
  fs::remove_all(o.out);
  o.part_names = {"a", "b", "c", "d", "e", "f", "g"};
  rows = Generate(o, 0, 1, log);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].status.find("--part-names gives 7"), std::string::npos) << rows[0].status;
  fs::remove_all(o.out);
}

TEST(DatasetTest, ObjectListsAndShardNames) {
  const fs::path dir = fs::temp_directory_path() / "dexvlg_list_test";
  fs::remove_all(dir);
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::ofstream(dir / "a" / "textured.obj") << "v 0 0 0\n";
  std::ofstream(dir / "b" / "thing.stl") << "solid x\n";
  auto listed = ListObjects(dir.string());
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_NE(ShardName((*listed)[0]), ShardName((*listed)[1]));
  EXPECT_EQ(ShardName((*listed)[0]).rfind("a-", 0), 0u) << ShardName((*listed)[0]);
  EXPECT_EQ(ShardName("mug"), ShardName("mug")) << "stable";
  std::ofstream(dir / "list.txt") << "# objects\nmug\n\nbox  # a comment\n";
  auto from_file = ListObjects((dir / "list.txt").string());
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(*from_file, (std::vector<std::string>{"mug", "box"}));
  EXPECT_EQ(*ListObjects("mug,bottle"), (std::vector<std::string>{"mug", "bottle"}));
  // a procedural spec's own commas stay in it; FAMILY*N expands to seeded instances
  EXPECT_EQ(*ListObjects("mug:size=1.05,proportion=0.9,bottle,knife*2"),
            (std::vector<std::string>{"mug:size=1.05,proportion=0.9", "bottle", "knife:seed=0",
                                      "knife:seed=1"}));
  EXPECT_FALSE(ListObjects("teapot*2").ok());
  // a list of object folders reads like a folder of them
  std::ofstream(dir / "folders.txt") << "a\nb\n";
  auto folders = ListObjects((dir / "folders.txt").string());
  ASSERT_TRUE(folders.ok());
  EXPECT_EQ(*folders, *listed);
  fs::create_directories(dir / "empty");
  EXPECT_FALSE(ListObjects((dir / "empty").string()).ok()) << "a folder with no objects";
  // one object's own folder is that object, not a folder of objects: YCB's textured.obj, and an
  // MJCF file beside its assets folder (BiGym) stands for the folder
  EXPECT_EQ(*ListObjects((dir / "a").string()),
            (std::vector<std::string>{(dir / "a" / "textured.obj").string()}));
  fs::create_directories(dir / "c" / "assets");
  std::ofstream(dir / "c" / "assets" / "c.obj") << "v 0 0 0\n";
  std::ofstream(dir / "c" / "c.xml") << "<mujoco model=\"c\"/>\n";
  EXPECT_EQ(*ListObjects((dir / "c").string()),
            (std::vector<std::string>{(dir / "c" / "c.xml").string()}));
  // a prepared folder stands for itself (read whole, with its pieces), not for its visual.obj,
  // alone and inside a folder of objects
  fs::create_directories(dir / "d");
  std::ofstream(dir / "d" / "object.json") << "{}\n";
  std::ofstream(dir / "d" / "visual.obj") << "v 0 0 0\n";
  EXPECT_EQ(*ListObjects((dir / "d").string()), (std::vector<std::string>{(dir / "d").string()}));
  const std::vector<std::string> all = *ListObjects(dir.string());
  EXPECT_NE(std::find(all.begin(), all.end(), (dir / "d").string()), all.end());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dexvlg
