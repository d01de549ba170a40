#include "synth/grasp_file.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "h5/h5.h"
#include "hand/hand_loader.h"
#include "parts/prepare.h"

namespace dexvlg {
namespace {

std::string Attribute(hid_t file, const char* name) {
  const std::string v = GetAttribute(file, "/", name);
  return v.empty() ? "<missing>" : v;
}

/// Runs the docs' Python snippet (docs/grasp_file.md) on `path` with h5py; "" when it passed,
/// "skip" when no python3 with h5py is installed, else the output.
std::string RunDocsSnippet(const std::string& path) {
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) return "skip";
  const std::string cmd =
      "/usr/bin/python3 -c 'import h5py\n"
      "f = h5py.File(\"" +
      path +
      "\", \"r\")\n"
      "assert f.attrs[\"format\"] == \"dexvlg-grasps\" and f.attrs[\"version\"] == 1\n"
      "joints = f.attrs[\"joint_names\"].split(\",\")\n"
      "assert len(f[\"grasp\"][0]) == 7 + len(joints)\n' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  return pclose(pipe) == 0 ? "" : out + " (exit non-zero)";
}

TEST(GraspFileTest, WritesWhatWasSynthesisedAndReadsBack) {
  const HandModel& hand = DefaultHand();
  const LabeledMesh mug = LoadClosedObject("mug").value();
  SynthOptions options;
  options.part = "handle";
  options.mode = GraspMode::kPinch;
  options.count = 2;
  options.batch = 16;
  options.max_attempts = 64;
  const SynthResult result = Synthesize(hand, mug, options).value();
  ASSERT_EQ(result.grasps.size(), 2u);
  const std::string path = "/tmp/dexvlg_grasps_" + std::to_string(::getpid()) + ".h5";
  ASSERT_TRUE(WriteGraspFile(path, hand, mug, options, result).ok());

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(Attribute(file, "format"), "dexvlg-grasps");
  // the snippet in docs/grasp_file.md runs as written with h5py (str attributes, int version)
  const std::string snippet = RunDocsSnippet(path);
  if (snippet == "skip") {
    std::cout << "[note] no python3 with h5py: the docs snippet was not run\n";
  } else {
    EXPECT_EQ(snippet, "");
  }
  int version = 0;
  H5LTget_attribute_int(file, "/", "version", &version);
  EXPECT_EQ(version, kGraspVersion);
  EXPECT_EQ(Attribute(file, "part"), "handle");
  EXPECT_EQ(Attribute(file, "mode"), "pinch");
  EXPECT_EQ(Attribute(file, "part_names"), "body,handle");
  EXPECT_EQ(Attribute(file, "contact_names"), "th_tip,ff_tip,mf_tip,palm_center");
  EXPECT_EQ(Attribute(file, "contact_links"), "thdistal,ffdistal,mfdistal,palm");
  EXPECT_EQ(Attribute(file, "pose_layout").rfind("x,y,z,qw,qx,qy,qz,FFJ4,", 0), 0u);
  hsize_t dims[3] = {0, 0, 0};
  H5T_class_t cls;
  size_t size;
  ASSERT_GE(H5LTget_dataset_info(file, "/grasp", dims, &cls, &size), 0);
  EXPECT_EQ(dims[0], 2u);
  EXPECT_EQ(dims[1], static_cast<hsize_t>(hand.pose_size()));
  std::vector<double> grasp(2 * hand.pose_size());
  ASSERT_GE(H5LTread_dataset_double(file, "/grasp", grasp.data()), 0);
  for (int i = 0; i < hand.pose_size(); ++i) {
    EXPECT_EQ(grasp[hand.pose_size() + i], result.grasps[1].grasp[i]);
  }
  ASSERT_GE(H5LTget_dataset_info(file, "/contact_points", dims, &cls, &size), 0);
  EXPECT_EQ(dims[1], 4u);
  EXPECT_EQ(dims[2], 3u);
  std::vector<int> parts(2 * 4);
  ASSERT_GE(H5LTread_dataset_int(file, "/contact_parts", parts.data()), 0);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(parts[c], 1) << "fingertip " << c << " on the handle";
  H5Fclose(file);
  // the object's scale as it was loaded comes back, so validate reloads the same object
  EXPECT_EQ(ReadGraspFile(path).value().object_scale.scale, 1.0);
  ObjectScale scale;
  scale.scale = 0.0625;
  scale.min_size = 0.1;
  scale.max_size = 0.3;
  ASSERT_TRUE(WriteGraspFile(path, hand, mug, options, result, "mug", scale).ok());
  const GraspSet scaled = ReadGraspFile(path).value();
  EXPECT_EQ(scaled.object_scale.scale, 0.0625);
  EXPECT_EQ(scaled.object_scale.min_size, 0.1);
  EXPECT_EQ(scaled.object_scale.max_size, 0.3);
  std::remove(path.c_str());

  // rows: header with the joint names, one line per grasp
  const std::string csv = path + ".csv";
  ASSERT_TRUE(WritePoseRows(csv, hand, result, "squeeze").ok());
  std::ifstream in(csv);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("x,y,z,qw,qx,qy,qz,FFJ4,FFJ3", 0), 0u);
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), hand.pose_size() - 1);
  }
  EXPECT_EQ(lines, 2);
  std::remove(csv.c_str());

  // an unwritable place: an error naming the file, no partial file
  const Status bad = WriteGraspFile("/nonexistent/dir/g.h5", hand, mug, options, result);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("/nonexistent/dir/g.h5"), std::string::npos);
}

}  // namespace
}  // namespace dexvlg
