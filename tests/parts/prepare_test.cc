#include "parts/prepare.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "object/procedural.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

std::vector<double> AreaShares(const LabeledMesh& m) {
  std::vector<double> share(m.part_names.size(), 0.0);
  double total = 0;
  for (int f = 0; f < m.mesh.num_faces(); ++f) {
    share[m.face_labels[f]] += m.mesh.FaceArea(f);
    total += m.mesh.FaceArea(f);
  }
  for (double& s : share) s /= total;
  return share;
}

TEST(PrepareTest, WritesAFolderThatLoadsBackWatertightWithItsParts) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug.ok());
  auto prepared = PrepareObject(*mug, "mug");
  ASSERT_TRUE(prepared.ok()) << prepared.error().message;
  const fs::path dir = fs::temp_directory_path() / ("dexvlg_prep_" + std::to_string(::getpid()));
  ASSERT_TRUE(WritePrepared(*prepared, dir.string()).ok());
  for (const char* f :
       {"object.json", "visual.obj", "watertight.obj", "watertight_labels.txt", "samples.ply"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  auto loaded = LoadPrepared(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_TRUE(Edges(loaded->mesh).watertight());
  EXPECT_EQ(loaded->part_names, mug->part_names);
  // label transfer: each part keeps its share of the surface (the sunk handle ends are hidden
  // inside the body after repair, hence the tolerance)
  const auto before = AreaShares(*mug), after = AreaShares(*loaded);
  for (size_t i = 0; i < before.size(); ++i)
    EXPECT_NEAR(after[i], before[i], 0.05) << mug->part_names[i];
  EXPECT_EQ(prepared->samples.points.size(), 2048u);
  EXPECT_EQ(prepared->pieces_source, "hacd");
  EXPECT_GE(prepared->pieces.size(), 3u);
  EXPECT_TRUE(fs::exists(dir / "collision" / "piece_00.obj"));
  // everything the folder holds reads back: the pieces and samples are not made again
  auto whole = ReadPrepared(dir.string());
  ASSERT_TRUE(whole.ok()) << whole.error().message;
  EXPECT_EQ(whole->watertight.mesh.num_faces(), loaded->mesh.num_faces());
  EXPECT_EQ(whole->watertight.face_labels, loaded->face_labels);
  EXPECT_EQ(whole->visual.num_faces(), prepared->visual.num_faces());
  ASSERT_EQ(whole->samples.points.size(), prepared->samples.points.size());
  EXPECT_EQ(whole->sample_labels, prepared->sample_labels);
  EXPECT_LT((whole->samples.points[7] - prepared->samples.points[7]).norm(), 1e-5);
  EXPECT_EQ(whole->pieces_source, "hacd");
  ASSERT_EQ(whole->pieces.size(), prepared->pieces.size());
  for (size_t i = 0; i < whole->pieces.size(); ++i) {
    EXPECT_EQ(whole->pieces[i].num_faces(), prepared->pieces[i].num_faces()) << "piece " << i;
  }
  // a damaged sample file is named
  {
    std::ofstream(dir / "samples.ply.bak") << std::ifstream(dir / "samples.ply").rdbuf();
    std::ofstream(dir / "samples.ply") << "ply\nelement vertex 3\nend_header\n0 0 0 0 0 1 0\n";
    auto bad = ReadPrepared(dir.string());
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("samples.ply: sample 1 of 3"), std::string::npos)
        << bad.error().message;
    fs::rename(dir / "samples.ply.bak", dir / "samples.ply");
  }
  // a future version is refused with a message
  std::ifstream in(dir / "object.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("\"version\": 1"), 12, "\"version\": 9");
  std::ofstream(dir / "object.json") << text;
  auto refused = LoadPrepared(dir.string());
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("unsupported object version"), std::string::npos);
  fs::remove_all(dir);
}

TEST(PrepareTest, NormalisesSizeIntoARange) {
  auto hammer = MakeProcedural("hammer");
  ASSERT_TRUE(hammer.ok());
  PrepareOptions options;
  options.min_diagonal = 0.2;
  options.max_diagonal = 0.25;
  options.samples = 64;
  auto prepared = PrepareObject(*hammer, "hammer", options);
  ASSERT_TRUE(prepared.ok());
  Vec3 lo, hi;
  prepared->visual.Bounds(&lo, &hi);
  EXPECT_NEAR((hi - lo).norm(), 0.25, 1e-9);
  options.min_diagonal = 0.3;  // min > max
  EXPECT_FALSE(PrepareObject(*hammer, "hammer", options).ok());
}

}  // namespace
}  // namespace dexvlg
