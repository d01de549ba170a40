// Objects from MJCF files: BiGym's spatula placed z-up by its geom, coloured from its texture.
#include "object/mjcf_object.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "object/mesh.h"
#include "object/mesh_io.h"
#include "object/object_source.h"
#include "render/render.h"
#include "test_util.h"

namespace dexvlg {
namespace {

TEST(MjcfObjectTest, BigymSpatulaIsPlacedAndColouredAsItsModelSays) {
  DEXVLG_REQUIRE_ASSETS(assets);
  const std::string folder = assets + "/objects/bigym_spatula";
  auto object = LoadObject(folder);  // the folder's spatula.xml wins over its bare mesh
  ASSERT_TRUE(object.ok()) << object.error().message;
  EXPECT_EQ(object->name, "spatula");
  const TriMesh& mesh = object->mesh;
  EXPECT_TRUE(Edges(mesh).watertight()) << "the welded corners make one closed surface";
  // the geom's euler="1.5708 0 0" turns the file's y-up mesh z-up: the spatula lies flat
  auto raw = LoadMesh(folder + "/assets/spatula.obj");
  ASSERT_TRUE(raw.ok()) << raw.error().message;
  Vec3 lo, hi, raw_lo, raw_hi;
  mesh.Bounds(&lo, &hi);
  raw->Bounds(&raw_lo, &raw_hi);
  EXPECT_NEAR(hi.z() - lo.z(), raw_hi.y() - raw_lo.y(), 1e-4);
  EXPECT_NEAR(hi.y() - lo.y(), raw_hi.z() - raw_lo.z(), 1e-4);
  // every vertex has a colour from the texture, and they agree with the file's own texture
  // mapping (assimp's UVs and the PNG) at the same place of the surface
  ASSERT_EQ(mesh.colors.size(), mesh.vertices.size());
  // the OBJ names no material: the texture comes from the MJCF's <texture>, given here by hand
  ASSERT_EQ(raw->uvs.size(), raw->vertices.size());
  raw->texture = folder + "/assets/spatula_basecolor.png";
  const std::vector<Vec3> mine = MeshFaceColors(mesh, Vec3::Zero());
  const std::vector<Vec3> theirs = MeshFaceColors(*raw, Vec3::Zero());
  const Mat3 turn = Eigen::AngleAxisd(1.5708, Vec3::UnitX()).toRotationMatrix();
  double diff = 0;
  for (int f = 0; f < mesh.num_faces(); ++f) {
    int best = 0;
    double best_d = 1e9;
    for (int g = 0; g < raw->num_faces(); ++g) {
      const double d = (turn * raw->FaceCentroid(g) - mesh.FaceCentroid(f)).norm();
      if (d < best_d) best_d = d, best = g;
    }
    diff += (mine[f] - theirs[best]).cwiseAbs().mean();
  }
  diff /= mesh.num_faces();
  EXPECT_LT(diff, 0.08) << "mean colour difference per face";
  std::printf("colour diff %.4f, first %.2f %.2f %.2f\n", diff, mine[0].x(), mine[0].y(),
              mine[0].z());
  Vec3 mean = Vec3::Zero();
  for (const Vec3& c : mine) mean += c / mine.size();
  EXPECT_GT((mine.front() - mean).norm() + (mine.back() - mean).norm(), 0.0);
}

TEST(MjcfObjectTest, BadFilesAreNamed) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("dexvlg_mjcf_object_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string no_mesh = (dir / "ball.xml").string();
  std::ofstream(no_mesh) << "<mujoco><worldbody><geom type=\"sphere\" size=\"0.05\"/>"
                            "</worldbody></mujoco>";
  auto r = LoadObject(no_mesh);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(no_mesh + ": the model has no mesh geom"), std::string::npos)
      << r.error().message;
  const std::string broken = (dir / "broken.xml").string();
  std::ofstream(broken) << "<mujoco><worldbody><geom type=\"mesh\" mesh=\"nothing\"/>";
  r = LoadObject(broken);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(broken), std::string::npos) << r.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dexvlg
