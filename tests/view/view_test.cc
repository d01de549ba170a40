// The web viewer: what the page holds, the inputs it refuses, and a real headless Chromium that
// loads it without errors and shows the hand (pixels with and without the hand differ).
#include "view/view.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.h"
#include "hand/hand_loader.h"
#include "model/toy_data.h"
#include "parts/prepare.h"
#include "render/render.h"
#include "synth/grasp_file.h"

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

bool ThreeInstalled() { return fs::exists(ThreeDir() + "/build/three.core.js"); }

std::string Browser() {
  for (const char* b : {"/usr/bin/chromium-headless-shell", "/usr/bin/chromium"})
    if (fs::exists(b)) return b;
  return "";
}

/// Runs `command`, returns its exit code; stdout and stderr go to `out`.
int RunCommand(const std::string& command, std::string* out) {
  const std::string log = testing::ProcessTemp("view_cmd") + ".log";
  const int rc = std::system((command + " > " + log + " 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream s;
  s << in.rdbuf();
  *out = s.str();
  std::remove(log.c_str());
  return rc;
}

/// The browser's console lines (the page's messages and errors) in `log`.
std::string Console(const std::string& log) {
  std::istringstream in(log);
  std::string line, out;
  while (std::getline(in, line))
    if (line.find(":CONSOLE") != std::string::npos || line.find("data-error") != std::string::npos)
      out += line.substr(0, 400) + "\n";
  return out.empty() ? "(no console output)" : out;
}

/// A grasp file of `count` hand-placed grasps beside the procedural box (not synthesised: the
/// viewer shows whatever the file holds).
std::string WriteToyGraspFile(const std::string& path, int count) {
  const HandModel& hand = DefaultHand();
  const LabeledMesh box = LoadClosedObject("box").value();
  SynthOptions options;
  options.part = box.part_names[0];
  SynthResult result;
  for (int i = 0; i < count; ++i) {
    double quat[4];
    MatrixToQuat(AxisAngleMatrix(Vec3::UnitZ(), 0.5 * i), quat);
    Grasp g;
    g.grasp = PoseRow(hand, Vec3(0.0, -0.09, 0.02 * i), quat, hand.RestJoints());
    g.pregrasp = g.grasp;
    g.pregrasp[1] -= 0.03;
    g.squeeze = g.grasp;
    result.grasps.push_back(g);
  }
  const Status s = WriteGraspFile(path, hand, box, options, result, "box");
  DEXVLG_DEMAND(s.ok(), "toy grasp file: " << s.error().message);
  return path;
}

TEST(ViewTest, GraspFileBecomesOneItemWithItsObjectAndResults) {
  const std::string path = WriteToyGraspFile(testing::ProcessTemp("view_grasps") + ".h5", 3);
  const HandModel& hand = DefaultHand();
  auto content = ReadViewContent(path, hand, ViewOptions{});
  ASSERT_TRUE(content.ok()) << content.error().message;
  ASSERT_EQ(content->items.size(), 1u);
  ASSERT_EQ(content->objects.size(), 1u);
  EXPECT_EQ(content->objects[0].name, "box");
  ASSERT_EQ(content->items[0].grasps.size(), 3u);
  for (const ViewGrasp& g : content->items[0].grasps) {
    EXPECT_EQ(g.held, -1);  // never validated
    EXPECT_EQ(g.result, "not simulated");
    EXPECT_EQ(static_cast<int>(g.grasp.size()), hand.pose_size());
  }
  // validation results come through, grasp by grasp
  GraspValidation v;
  v.success = {1, 0, 1};
  v.valid = {1, 0, 0};
  v.part_aligned = {1, 1, 0};
  v.held.assign(18, 1);
  v.translation.assign(18, 0.0);
  v.rotation_deg.assign(18, 0.0);
  v.penetration = v.self_penetration = v.pregrasp_penetration = {0, 0, 0};
  v.reason = {"", "dropped along +x", ""};
  v.caption = {"a", "b", "c"};
  ASSERT_TRUE(WriteValidation(path, v).ok());
  auto back = ReadValidation(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->success, v.success);
  EXPECT_EQ(back->reason, v.reason);
  content = ReadViewContent(path, hand, ViewOptions{});
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(content->items[0].grasps[0].held, 1);
  EXPECT_EQ(content->items[0].grasps[1].held, 0);
  EXPECT_EQ(content->items[0].grasps[1].result, "failed: dropped along +x");
  EXPECT_EQ(content->items[0].grasps[2].caption, "c");
  // at most max_grasps, spread over the file
  ViewOptions few;
  few.max_grasps = 2;
  content = ReadViewContent(path, hand, few);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(content->items[0].grasps.size(), 2u);
  fs::remove(path);
}

TEST(ViewTest, DatasetGivesAnItemPerObjectAndPerSceneWithTheCloud) {
  const std::string dir = testing::WriteToyDataset(testing::ProcessTemp("view_dataset"), 2, 1);
  auto content = ReadViewContent(dir, DefaultHand(), ViewOptions{});
  ASSERT_TRUE(content.ok()) << content.error().message;
  ASSERT_EQ(content->items.size(), 2u);  // every grasp, then scene 0
  EXPECT_FALSE(content->items[0].table);
  EXPECT_TRUE(content->items[0].points.empty());
  EXPECT_TRUE(content->items[1].table);
  EXPECT_EQ(content->items[1].points.size(), 512u * 3);
  EXPECT_EQ(content->items[1].colors.size(), content->items[1].points.size());
  EXPECT_EQ(content->items[0].grasps.size(), content->items[1].grasps.size());
  // scene grasps are placed on the table, as the object is: moved by the scene's placement
  auto shard = ShardReader::Open(ListShards(dir).at(0));
  ASSERT_TRUE(shard.ok());
  const Placement placement = shard->SceneAt(0).value().placement;
  EXPECT_TRUE(content->items[1].R.isApprox(placement.R));
  EXPECT_TRUE(content->items[1].t.isApprox(placement.t));
  const std::vector<double> placed = PlacePose(content->items[0].grasps[0].grasp, placement);
  for (size_t k = 0; k < placed.size(); ++k)
    EXPECT_NEAR(content->items[1].grasps[0].grasp[k], placed[k], 1e-12) << k;
  EXPECT_EQ(content->items[1].grasps[0].held, 1);
  fs::remove_all(dir);
}

TEST(ViewTest, BadInputsGetErrorsNamingThem) {
  const HandModel& hand = DefaultHand();
  const std::string dir = testing::ProcessTemp("view_bad");
  fs::create_directories(dir);
  auto missing = ReadViewContent(dir + "/nothing.h5", hand, ViewOptions{});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nothing.h5"), std::string::npos);
  auto folder = ReadViewContent(dir, hand, ViewOptions{});
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.error().message.find("neither a dataset"), std::string::npos);
  const std::string text = dir + "/text.h5";
  ASSERT_TRUE(WriteTextAtomically(text, "not hdf5").ok());
  auto not_h5 = ReadViewContent(text, hand, ViewOptions{});
  ASSERT_FALSE(not_h5.ok());
  EXPECT_NE(not_h5.error().message.find("text.h5"), std::string::npos);
  ViewOptions zero;
  zero.max_grasps = 0;
  EXPECT_FALSE(ReadViewContent(text, hand, zero).ok());
  ViewOptions nowhere;
  nowhere.three_dir = dir + "/no_three";
  ViewContent content;
  content.items.push_back(ViewItem{});
  auto page = ViewerPage(hand, content, nowhere);
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.error().message.find("three.js not found"), std::string::npos);
  EXPECT_FALSE(ViewerPage(hand, ViewContent{}, ViewOptions{}).ok());  // nothing to show
  ViewContent wrong;
  wrong.items.emplace_back();
  ViewGrasp short_row;
  short_row.pregrasp = short_row.grasp = short_row.squeeze = {0, 0, 0, 1, 0, 0, 0};
  wrong.items[0].grasps.push_back(short_row);
  if (ThreeInstalled()) {
    auto bad_row = ViewerPage(hand, wrong, ViewOptions{});
    ASSERT_FALSE(bad_row.ok());
    EXPECT_NE(bad_row.error().message.find("pose row"), std::string::npos);
  }
  fs::remove_all(dir);
}

TEST(ViewTest, PageLoadsInHeadlessChromiumAndShowsTheHand) {
  if (!ThreeInstalled())
    GTEST_SKIP() << "three.js not installed at " << ThreeDir() << " (scripts/setup.sh installs it)";
  const std::string browser = Browser();
  if (browser.empty())
    GTEST_SKIP() << "no headless Chromium (apt-get install chromium-headless-shell)";
  const std::string dir = testing::WriteToyDataset(testing::ProcessTemp("view_page"), 2, 1);
  const HandModel& hand = DefaultHand();
  auto content = ReadViewContent(dir, hand, ViewOptions{});
  ASSERT_TRUE(content.ok()) << content.error().message;
  auto page = ViewerPage(hand, *content, ViewOptions{});
  ASSERT_TRUE(page.ok()) << page.error().message;
  const std::string html = dir + "/view.html";
  ASSERT_TRUE(WriteTextAtomically(html, *page).ok());
  const std::string flags =
      " --no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader --window-size=900,600 "
      "--virtual-time-budget=8000 --enable-logging=stderr --v=0 ";
  // the page runs its script to the end, with no error and nothing on the console
  std::string dom;
  ASSERT_EQ(RunCommand(browser + flags + "--dump-dom file://" + html, &dom), 0) << Console(dom);
  EXPECT_NE(dom.find("data-ready=\"1\""), std::string::npos) << Console(dom);
  EXPECT_EQ(dom.find("data-error"), std::string::npos) << Console(dom);
  EXPECT_EQ(dom.find(":CONSOLE"), std::string::npos) << Console(dom);
  // scene item 1 (the table, the cloud, the hand), with and without the hand
  std::string log;
  const std::string with = dir + "/with.png", without = dir + "/without.png";
  ASSERT_EQ(
      RunCommand(browser + flags + "--screenshot=" + with + " 'file://" + html + "#item=1&grasp=0'",
                 &log),
      0)
      << Console(log);
  ASSERT_EQ(RunCommand(browser + flags + "--screenshot=" + without + " 'file://" + html +
                           "#item=1&grasp=0&hand=0'",
                       &log),
            0)
      << Console(log);
  auto a = ReadPng(with), b = ReadPng(without);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  ASSERT_EQ(a->width, b->width);
  ASSERT_EQ(a->height, b->height);
  // pixels of the 3-D view (right of the 300-pixel panel) that the hand changes, and that are
  // not the background colour in the picture with the hand
  const int kBackground[3] = {0xf4, 0xf5, 0xf7};  // the page's scene background
  long changed = 0, view_pixels = 0;
  for (int y = 0; y < a->height; ++y)
    for (int x = 300; x < a->width; ++x) {
      ++view_pixels;
      int diff = 0, from_background = 0;
      for (int c = 0; c < 3; ++c) {
        const int pa = a->rgb[(static_cast<size_t>(y) * a->width + x) * 3 + c];
        const int pb = b->rgb[(static_cast<size_t>(y) * b->width + x) * 3 + c];
        diff = std::max(diff, std::abs(pa - pb));
        from_background = std::max(from_background, std::abs(pa - kBackground[c]));
      }
      changed += diff > 30 && from_background > 30;
    }
  EXPECT_GT(changed, view_pixels / 100) << changed << " of " << view_pixels << " pixels";
  if (const char* keep = std::getenv("DEXVLG_VIEW_SCREENSHOT"))
    fs::copy_file(with, keep, fs::copy_options::overwrite_existing);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dexvlg
