#include "render/render.h"

#include <gtest/gtest.h>

#include <fstream>

#include "object/procedural.h"

namespace dexvlg {
namespace {

TEST(RenderTest, SeesPartsWhereTheyAre) {
  auto box = MakeProcedural("box");  // body (label 0) below, lid (label 1) on top
  ASSERT_TRUE(box.ok());
  Vec3 lo, hi;
  box->mesh.Bounds(&lo, &hi);
  const Camera camera = FitCamera(lo, hi, -90, 0, 200, 200);  // from -y, level
  const Image image = Render({{&box->mesh, PartFaceColors(*box)}}, camera);
  ASSERT_EQ(image.width, 200);
  // corners miss: background white
  EXPECT_EQ(image.At(0, 0)[0], 255);
  EXPECT_EQ(image.At(199, 199)[2], 255);
  // scan the centre column: the lid colour (orange: red > blue) lies above the body colour
  int lid_row = -1, body_row = -1;
  for (int y = 0; y < 200; ++y) {
    const uint8_t* p = image.At(100, y);
    if (p[0] == 255 && p[1] == 255 && p[2] == 255) continue;
    if (p[0] > p[2] && lid_row < 0) lid_row = y;
    if (p[2] > p[0]) body_row = y;
  }
  ASSERT_GE(lid_row, 0);
  ASSERT_GE(body_row, 0);
  EXPECT_LT(lid_row, body_row);
}

TEST(RenderTest, WritesPngAndReportsBadPaths) {
  auto mug = MakeProcedural("mug");
  ASSERT_TRUE(mug.ok());
  const Image preview = PartPreview(*mug, 80, 60);
  EXPECT_EQ(preview.width, 160);
  EXPECT_EQ(preview.height, 120);
  const std::string path = "/tmp/dexvlg_render_test.png";
  ASSERT_TRUE(WritePng(preview, path).ok());
  std::ifstream in(path, std::ios::binary);
  char sig[8];
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig + 1, 3), "PNG");
  auto bad = WritePng(preview, "/nonexistent/dir/x.png");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("/nonexistent/dir/x.png"), std::string::npos);
}

}  // namespace
}  // namespace dexvlg

namespace dexvlg {
namespace {

TEST(TileTest, ImagesOfSeveralSizesKeepTheirPixels) {
  // a large scene view beside smaller grasp views (eval's per-object picture): each image lands
  // whole in its own cell; the smaller ones are padded with white, nothing is read past them
  Image big, small;
  big.Resize(6, 4, 10);
  small.Resize(3, 2, 200);
  small.At(2, 1)[0] = 7;
  const Image t = Tile({big, small, small}, 2);
  ASSERT_EQ(t.width, 12);
  ASSERT_EQ(t.height, 8);
  EXPECT_EQ(t.At(5, 3)[0], 10);    // the big one's last pixel
  EXPECT_EQ(t.At(6, 0)[0], 200);   // the small one's first pixel, second cell
  EXPECT_EQ(t.At(8, 1)[0], 7);     // its marked pixel
  EXPECT_EQ(t.At(9, 0)[0], 255);   // beside it: white padding
  EXPECT_EQ(t.At(6, 2)[0], 255);   // below it: white padding
  EXPECT_EQ(t.At(2, 5)[0], 7);     // the third image, second row, first cell
  EXPECT_EQ(t.At(11, 7)[0], 255);  // the empty fourth cell
}

}  // namespace
}  // namespace dexvlg
