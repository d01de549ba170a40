// The dexvlg binary end to end: help, output, exit codes, error messages.
#include <gtest/gtest.h>

#include <unistd.h>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int code;
  std::string output;  // stdout and stderr together
};

CliRun Dexvlg(const std::string& args) {
  const std::string cmd = std::string(DEXVLG_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

TEST(CliTest, HelpExplainsCommands) {
  const CliRun r = Dexvlg("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("hand"), std::string::npos);
  EXPECT_NE(r.output.find("demo"), std::string::npos);
  EXPECT_EQ(Dexvlg("hand fk --help").code, 0);
}

TEST(CliTest, HandInfoListsJointsAndContactSets) {
  const CliRun r = Dexvlg("hand info");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("22 joints"), std::string::npos);
  EXPECT_NE(r.output.find("THJ1"), std::string::npos);
  EXPECT_NE(r.output.find("wrap  set (7)"), std::string::npos);
}

TEST(CliTest, HandFkPrintsFramesAsJson) {
  const CliRun r = Dexvlg("hand fk --preset closed --pose 0,0,0.1,1,0,0,0 --json");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\"links\""), std::string::npos);
  EXPECT_NE(r.output.find("\"th_tip\""), std::string::npos);
}

TEST(CliTest, BadInputGivesMessageAndNonZeroExit) {
  CliRun r = Dexvlg("hand info --hand /nonexistent/hand.xml");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("/nonexistent/hand.xml"), std::string::npos) << r.output;
  r = Dexvlg("hand fk --q 0.1,0.2");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("expected 22"), std::string::npos) << r.output;
  r = Dexvlg("hand fk --pose 0,0,0,0,0,0,0");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("quaternion"), std::string::npos) << r.output;
  r = Dexvlg("hand nonsense");
  EXPECT_NE(r.code, 0);
}

TEST(CliTest, BadNumbersAndOutputsAreRefusedBeforeAnyWork) {
  // what an outside probe found accepted (or crashing): each now a message and a non-zero
  // exit (1 for inputs, CLI11's own code for flags it rejects while parsing)
  const std::string out = "/tmp/dexvlg_cli_bad_numbers";
  struct Case {
    std::string args, says;
  };
  for (const Case& c : std::vector<Case>{
           {"generate --objects mug --out " + out + " --points -5", "--points"},
           {"generate --objects mug --out " + out + " --count 0", "--count"},
           {"generate --objects mug --out " + out + " --scenes -1", "--scenes"},
           {"synth mug --part body --max-penetration nan", "max_penetration"},
           {"synth mug --part body --out /dev/full", "device"},
           {"synth mug --part body --out /tmp", "directory"},
           {"synth mug --part body --scale 0", "--scale"},
           {"synth mug --part body --size 0.3:0.1", "--size"},
           {"view /nonexistent/grasps.h5 --out " + out + ".html", "/nonexistent/grasps.h5"},
           {"view /tmp --out " + out + ".html", "neither a dataset"},
           {"view /tmp --out /dev/full", "device"},
           {"view /tmp --out " + out + ".html --max-grasps 0", "max_grasps"},
       }) {
    const CliRun r = Dexvlg(c.args);
    EXPECT_NE(r.code, 0) << c.args << "\n" << r.output;
    EXPECT_NE(r.code, 3) << "not an internal error: " << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/full")) << "the device is untouched";
  std::filesystem::remove_all(out);
}

TEST(CliTest, ObjectSegmentComparesWithLabelsAndPrepareNamesParts) {
  const std::string png = "/tmp/dexvlg_cli_segment_" + std::to_string(::getpid()) + ".png";
  const CliRun r = Dexvlg("object segment box --out " + png);
  ASSERT_EQ(r.code, 0) << r.output;
  // the segmented part is named from its shape ("lid"), then the IoU table names the true lid
  const size_t first = r.output.find("  lid ");
  ASSERT_NE(first, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  lid ", first + 1), std::string::npos) << r.output;
  FILE* f = std::fopen(png.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  std::remove(png.c_str());
  // segmentation replaces labels on request, and the parts can be renamed
  const std::string dir = "/tmp/dexvlg_cli_segment_" + std::to_string(::getpid());
  const CliRun p = Dexvlg("object prepare box --segment on --part-names base,top --name crate " +
                          std::string("--samples 64 --out ") + dir);
  ASSERT_EQ(p.code, 0) << p.output;
  EXPECT_NE(p.output.find("object crate"), std::string::npos) << p.output;
  EXPECT_NE(p.output.find("top "), std::string::npos) << p.output;
  const CliRun bad = Dexvlg("object prepare box --segment on --part-names a --out " + dir);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.output.find("1 part names given for 2 parts"), std::string::npos) << bad.output;
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace

namespace {

TEST(CliTest, ObjectInfoShowsPartCategories) {
  const CliRun r = Dexvlg("object info mug --json");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\"L-shaped\""), std::string::npos);
  const CliRun bad = Dexvlg("object info teapot");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.output.find("unknown procedural object 'teapot'"), std::string::npos) << bad.output;
  const CliRun missing = Dexvlg("object info /nonexistent/cup.obj");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.output.find("/nonexistent/cup.obj"), std::string::npos) << missing.output;
}

TEST(CliTest, ObjectPrepareWritesAFolder) {
  const std::string dir = "/tmp/dexvlg_cli_prepare_" + std::to_string(::getpid());
  const CliRun r = Dexvlg("object prepare bottle --samples 128 --out " + dir);
  ASSERT_EQ(r.code, 0) << r.output;
  const CliRun info = Dexvlg("object info " + dir);
  ASSERT_EQ(info.code, 0) << info.output;
  EXPECT_NE(info.output.find("(watertight)"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("cap"), std::string::npos);
  EXPECT_EQ(Dexvlg("object prepare bottle --size 3 --out " + dir).code, 1);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace

namespace dexvlg {
namespace {

TEST(CliTest, SynthWritesGraspsSheetAndRowsAndNamesBadParts) {
  const std::string base = "/tmp/dexvlg_cli_synth_" + std::to_string(::getpid());
  const CliRun r = Dexvlg("synth hammer --part handle --count 2 --attempts 64 --out " + base +
                          "/g.h5 --sheet " + base + "/s.png --rows " + base + "/r.csv");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("hammer / handle / wrap: 2 accepted of"), std::string::npos) << r.output;
  for (const char* name : {"/g.h5", "/s.png", "/r.csv"}) {
    FILE* f = std::fopen((base + name).c_str(), "rb");
    EXPECT_NE(f, nullptr) << name;
    if (f) std::fclose(f);
    std::remove((base + name).c_str());
  }
  ::rmdir(base.c_str());
  const CliRun bad = Dexvlg("synth mug --part spout");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.output.find("no part named \"spout\" (parts: body, handle)"), std::string::npos)
      << bad.output;
}

}  // namespace
}  // namespace dexvlg
