#include "object/mesh_io.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "object/object_source.h"
#include "object/procedural.h"
#include "test_util.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

std::string TempPath(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("dexvlg_mesh_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string WriteText(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(MeshIoTest, ObjRoundTrip) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug.ok());
  const std::string path = TempPath("mug.obj");
  ASSERT_TRUE(SaveObj(mug->mesh, path).ok());
  auto back = LoadMesh(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->num_faces(), mug->mesh.num_faces());
  EXPECT_NEAR(back->SurfaceArea(), mug->mesh.SurfaceArea(), 1e-9);
  Vec3 lo1, hi1, lo2, hi2;
  mug->mesh.Bounds(&lo1, &hi1);
  back->Bounds(&lo2, &hi2);
  EXPECT_NEAR((lo1 - lo2).norm() + (hi1 - hi2).norm(), 0, 1e-8);
  auto scaled = LoadMesh(path, {0.5});
  ASSERT_TRUE(scaled.ok());
  EXPECT_NEAR(scaled->SurfaceArea(), 0.25 * mug->mesh.SurfaceArea(), 1e-9);
}

// The parser's child process starts with everything its parent maps: a parent that already maps
// gigabytes (LibTorch, a server) must still parse meshes.
TEST(MeshIoTest, ParsesUnderAParentThatMapsGigabytes) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug.ok());
  const std::string path = TempPath("mug_big_parent.obj");
  ASSERT_TRUE(SaveObj(mug->mesh, path).ok());
  const size_t reserved = size_t{6} << 30;  // address space only: nothing is committed
  void* block =
      mmap(nullptr, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(block, MAP_FAILED);
  auto back = LoadMesh(path);
  munmap(block, reserved);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->num_faces(), mug->mesh.num_faces());
}

TEST(MeshIoTest, TexturedMeshKeepsItsTexture) {
  DEXVLG_REQUIRE_ASSETS(assets);
  auto mustard = LoadMesh(assets + "/objects/ycb_006_mustard_bottle/textured.obj");
  ASSERT_TRUE(mustard.ok()) << mustard.error().message;
  ASSERT_FALSE(mustard->texture.empty());
  ASSERT_EQ(mustard->uvs.size(), mustard->vertices.size());
  const std::string path = TempPath("mustard_copy.obj");
  ASSERT_TRUE(SaveObj(*mustard, path).ok());
  auto back = LoadMesh(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(fs::path(back->texture).filename(), fs::path(mustard->texture).filename());
  EXPECT_TRUE(fs::exists(fs::path(path).parent_path() / fs::path(mustard->texture).filename()));
  EXPECT_EQ(back->num_faces(), mustard->num_faces());
}

TEST(MeshIoTest, BadFilesGiveClearErrors) {
  struct Case {
    const char* name;
    std::string text;
    const char* expect;
  };
  const std::vector<Case> cases = {
      {"empty.obj", "", "cannot read"},
      {"nan.obj", "v 0 0 0\nv nan 0 0\nv 0 1 0\nf 1 2 3\n", ""},
      {"flat.obj", "v 0 0 0\nv 0 0 0\nv 0 0 0\nf 1 2 3\n", ""},
      {"huge.obj", "v 0 0 0\nv 500 0 0\nv 0 500 0\nf 1 2 3\n", "implausible size"},
      {"tiny.obj", "v 0 0 0\nv 1e-4 0 0\nv 0 1e-4 0\nf 1 2 3\n", "implausible size"},
      {"garbage.stl", std::string("solid x\n\x01\x02\x03 facet garbage"), ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = WriteText(c.name, c.text);
    auto mesh = LoadMesh(path);
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find(path), std::string::npos) << mesh.error().message;
    EXPECT_NE(mesh.error().message.find(c.expect), std::string::npos) << mesh.error().message;
  }
  auto missing = LoadMesh("/nonexistent/mesh.obj");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/mesh.obj"), std::string::npos);
}

TEST(MeshIoTest, CorruptedFilesNeverCrash) {
  auto box = MakeProcedural("box");
  ASSERT_TRUE(box.ok());
  const std::string good_path = TempPath("good.obj");
  ASSERT_TRUE(SaveObj(box->mesh, good_path).ok());
  std::ifstream in(good_path);
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // an ASCII PLY and a binary STL of the same box, written by hand
  std::string ply = "ply\nformat ascii 1.0\nelement vertex " +
                    std::to_string(box->mesh.num_vertices()) +
                    "\nproperty float x\nproperty float y\nproperty float z\nelement face " +
                    std::to_string(box->mesh.num_faces()) +
                    "\nproperty list uchar int vertex_indices\nend_header\n";
  for (const Vec3& v : box->mesh.vertices)
    ply += std::to_string(v.x()) + " " + std::to_string(v.y()) + " " + std::to_string(v.z()) + "\n";
  for (const auto& f : box->mesh.faces)
    ply += "3 " + std::to_string(f[0]) + " " + std::to_string(f[1]) + " " + std::to_string(f[2]) +
           "\n";
  std::string stl(80, ' ');
  const uint32_t n = box->mesh.num_faces();
  stl.append(reinterpret_cast<const char*>(&n), 4);
  for (const auto& f : box->mesh.faces) {
    float rec[12] = {0};
    for (int k = 0; k < 3; ++k) {
      for (int i = 0; i < 3; ++i)
        rec[3 + 3 * k + i] = static_cast<float>(box->mesh.vertices[f[k]][i]);
    }
    stl.append(reinterpret_cast<const char*>(rec), sizeof(rec));
    stl.append(2, '\0');
  }
  const std::vector<std::pair<std::string, std::string>> originals = {
      {"obj", good}, {"ply", ply}, {"stl", stl}};
  for (const auto& [ext, text] : originals) {
    auto ok = LoadMesh(WriteText("orig." + ext, text));
    ASSERT_TRUE(ok.ok()) << ext << ": " << ok.error().message;
  }
  std::mt19937 rng(2024);
  int errors = 0, total = 0;
  for (int t = 0; t < 300; ++t) {
    const auto& [ext, text] = originals[t % 3];
    std::string bad = text;
    switch ((t / 3) % 4) {
      case 0:
        for (int k = 0; k < 1 + t % 7; ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
        break;
      case 1:
        bad.resize(rng() % bad.size());
        break;
      case 2:  // absurd counts / indices
        if (ext == "stl") {
          const uint32_t huge = 0x7fffffff;
          bad.replace(80, 4, reinterpret_cast<const char*>(&huge), 4);
        } else if (ext == "ply") {
          bad.replace(bad.find("element vertex ") + 15, 1, "99999999");
        } else {
          bad += "f 1 2 99999\n";
        }
        break;
      case 3:
        bad.insert(rng() % bad.size(),
                   ext == "stl" ? std::string("\xff\xff\xff\x7f", 4) : "nan inf -1e400 ");
        break;
    }
    auto mesh = LoadMesh(WriteText("fuzz." + ext, bad));  // must return, not crash or hang
    ++total;
    if (!mesh.ok())
      ++errors;
    else
      EXPECT_TRUE(ValidateMesh(*mesh, "fuzz").ok());
  }
  EXPECT_GT(errors, 30) << "of " << total;
}

TEST(LabeledMeshTest, SharedHammerLabelsFollowFaceOrder) {
  DEXVLG_REQUIRE_ASSETS(assets);
  const std::string dir = assets + "/objects_parts/grab_hammer_parts";
  auto hammer = LoadLabeledMesh(dir);
  ASSERT_TRUE(hammer.ok()) << hammer.error().message;
  ASSERT_EQ(hammer->part_names, (std::vector<std::string>{"head", "handle"}));
  EXPECT_EQ(std::count(hammer->face_labels.begin(), hammer->face_labels.end(), 0), 4572);
  EXPECT_EQ(std::count(hammer->face_labels.begin(), hammer->face_labels.end(), 1), 3347);
  // the faces labelled "head" span exactly the separate head mesh
  auto head = LoadMesh(dir + "/parts/hammer_head.stl");
  ASSERT_TRUE(head.ok());
  Vec3 lo1, hi1, lo2, hi2;
  hammer->Part(0).Bounds(&lo1, &hi1);
  head->Bounds(&lo2, &hi2);
  EXPECT_NEAR((lo1 - lo2).norm() + (hi1 - hi2).norm(), 0, 1e-5);
}

TEST(LabeledMeshTest, BadLabelFilesAreErrors) {
  const fs::path dir = fs::path(TempPath("labels"));
  fs::create_directories(dir);
  auto box = MakeProcedural("box");
  ASSERT_TRUE(SaveObj(box->mesh, (dir / "merged.obj").string()).ok());
  std::ofstream(dir / "part_labels.json") << R"({"labels": {"0": "body", "1": "lid"}})";
  std::ofstream(dir / "merged_face_labels.txt") << "0\n1\n";  // too few
  auto few = LoadLabeledMesh(dir.string());
  ASSERT_FALSE(few.ok());
  EXPECT_NE(few.error().message.find("2 labels for 24 faces"), std::string::npos)
      << few.error().message;
  {
    std::ofstream labels(dir / "merged_face_labels.txt");
    for (int i = 0; i < 24; ++i) labels << (i == 5 ? 7 : 0) << "\n";
  }
  auto unnamed = LoadLabeledMesh(dir.string());
  ASSERT_FALSE(unnamed.ok());
  EXPECT_NE(unnamed.error().message.find("line 6"), std::string::npos) << unnamed.error().message;
  std::ofstream(dir / "part_labels.json") << "{ broken";
  EXPECT_FALSE(LoadLabeledMesh(dir.string()).ok());
}

TEST(ObjectSourceTest, ResolvesProceduralFilesAndErrors) {
  auto mug = LoadObject("mug");
  ASSERT_TRUE(mug.ok());
  EXPECT_EQ(mug->part_names.size(), 2u);
  auto missing = LoadObject("/nonexistent/thing.obj");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/thing.obj"), std::string::npos);
}

}  // namespace
}  // namespace dexvlg

namespace dexvlg {
namespace {

TEST(ObjectSourceTest, ScaleAndSizeApplyOnLoading) {
  auto diagonal = [](const LabeledMesh& m) {
    Vec3 lo, hi;
    m.mesh.Bounds(&lo, &hi);
    return (hi - lo).norm();
  };
  const double plain = diagonal(LoadObject("mug").value());
  ObjectScale twice;
  twice.scale = 2;
  EXPECT_NEAR(diagonal(LoadObject("mug", twice).value()), 2 * plain, 1e-9);
  ObjectScale fit;
  fit.min_size = 0.5;
  fit.max_size = 0.6;
  EXPECT_NEAR(diagonal(LoadObject("mug", fit).value()), 0.5, 1e-9) << "grown into the range";
  fit.min_size = 0.01;
  fit.max_size = 0.05;
  EXPECT_NEAR(diagonal(LoadObject("mug", fit).value()), 0.05, 1e-9) << "shrunk into the range";
  ObjectScale bad;
  bad.scale = 0;
  auto r = LoadObject("mug", bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--scale"), std::string::npos);
  bad = ObjectScale{};
  bad.min_size = 0.4;
  bad.max_size = 0.2;
  EXPECT_FALSE(LoadObject("mug", bad).ok());
}

TEST(ObjectSourceTest, ObjectFoldersLoadLikeTheirMesh) {
  // a BiGym / GRAB style folder: the mesh one level down, a collision folder beside it
  const fs::path dir = fs::temp_directory_path() / "dexvlg_folder_test" / "spoon";
  fs::remove_all(dir.parent_path());
  fs::create_directories(dir / "assets");
  fs::create_directories(dir / "collision");
  const LabeledMesh mug = MakeProcedural("mug").value();
  ASSERT_TRUE(SaveObj(mug.mesh, (dir / "assets" / "spoon.obj").string()).ok());
  ASSERT_TRUE(SaveObj(mug.mesh, (dir / "collision" / "piece_0.obj").string()).ok());
  EXPECT_EQ(ObjectFolderMesh(dir.string()), (dir / "assets" / "spoon.obj").string());
  auto loaded = LoadObject(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->mesh.faces.size(), mug.mesh.faces.size());
  EXPECT_EQ(loaded->name, "spoon");
  // scaled as the file is read
  ObjectScale half;
  half.scale = 0.5;
  auto scaled = LoadObject(dir.string(), half);
  ASSERT_TRUE(scaled.ok());
  EXPECT_NEAR(scaled->mesh.vertices[5].x(), 0.5 * loaded->mesh.vertices[5].x(), 1e-9);
  // a folder with nothing in it says so
  fs::create_directories(dir.parent_path() / "empty");
  auto empty = LoadObject((dir.parent_path() / "empty").string());
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("no part_labels.json"), std::string::npos);
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace dexvlg
