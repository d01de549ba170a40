// .npy files of one pickled dict (DexGraspBench's grasp files): round trips, NumPy both ways,
// and files that must be refused without running anything.
#include "core/npy_dict.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace dexvlg {
namespace {

namespace fs = std::filesystem;

fs::path Temp() {
  const fs::path dir = fs::temp_directory_path() / ("dexvlg_npy_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

bool HaveNumpy() { return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0; }

/// Runs a python3 script; returns its standard output.
std::string Python(const std::string& script) {
  const fs::path file = Temp() / "script.py";
  std::ofstream(file) << script;
  std::string out;
  FILE* p = ::popen(("/usr/bin/python3 " + file.string() + " 2>&1").c_str(), "r");
  char buffer[4096];
  while (p != nullptr && std::fgets(buffer, sizeof(buffer), p) != nullptr) out += buffer;
  if (p != nullptr) ::pclose(p);
  return out;
}

NpyDict Sample() {
  return {{"obj_scale", NpyValue::Number(0.06)},
          {"obj_path", NpyValue::Text("assets/objects/mug")},
          {"grasp_qpos", NpyValue::Array({0.1, -0.2, 0.3, 1, 0, 0, 0, 0.25, 1e-9})},
          {"joint_names", NpyValue::Texts({"rh_FFJ4", "rh_FFJ3"})}};
}

TEST(NpyDictTest, RoundTrip) {
  const std::string path = (Temp() / "round.npy").string();
  ASSERT_TRUE(WriteNpyDict(path, Sample()).ok());
  auto read = ReadNpyDict(path);
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 4u);
  EXPECT_EQ(Find(*read, "obj_scale")->number, 0.06);
  EXPECT_EQ(Find(*read, "obj_path")->text, "assets/objects/mug");
  EXPECT_EQ(Find(*read, "grasp_qpos")->values, Sample()[2].second.values);
  EXPECT_EQ(Find(*read, "grasp_qpos")->shape, std::vector<long long>{9});
  EXPECT_EQ(Find(*read, "joint_names")->texts, Sample()[3].second.texts);
  EXPECT_EQ(Find(*read, "nothing"), nullptr);
}

TEST(NpyDictTest, NumpyReadsWhatWeWriteAndWeReadWhatNumpyWrites) {
  if (!HaveNumpy()) GTEST_SKIP() << "no python3 with numpy (python3-numpy)";
  const fs::path dir = Temp();
  const std::string ours = (dir / "ours.npy").string();
  ASSERT_TRUE(WriteNpyDict(ours, Sample()).ok());
  const std::string out = Python(
      "import numpy as np\n"
      "d = np.load('" +
      ours +
      "', allow_pickle=True).item()\n"
      "print(type(d['obj_scale']).__name__, d['obj_scale'], d['obj_path'])\n"
      "print(d['grasp_qpos'].dtype, d['grasp_qpos'].shape, d['grasp_qpos'][2], d['joint_names'])\n"
      // as DexGraspBench writes them: float32 qpos, a float64 scalar, a memo-sharing pickle
      "np.save('" +
      (dir / "theirs.npy").string() +
      "', {'obj_pose': np.array([0., 0, 0, 1, 0, 0, 0]),"
      " 'obj_scale': np.float64(0.08), 'obj_path': 'assets/x', 'n': 3, 'f': 2.5,"
      " 'grasp_qpos': np.arange(29, dtype=np.float32) / 4, 'big': np.arange(4, dtype='>i2'),"
      " 'half': np.array([1.5, -2], dtype=np.float16), 'grid': np.ones((2, 3))}, "
      "allow_pickle=True)\n");
  EXPECT_NE(out.find("float64 0.06 assets/objects/mug"), std::string::npos) << out;
  EXPECT_NE(out.find("float64 (9,) 0.3 ['rh_FFJ4', 'rh_FFJ3']"), std::string::npos) << out;
  auto theirs = ReadNpyDict((dir / "theirs.npy").string());
  ASSERT_TRUE(theirs.ok()) << theirs.error().message;
  EXPECT_EQ(Find(*theirs, "obj_scale")->number, 0.08);
  EXPECT_EQ(Find(*theirs, "obj_path")->text, "assets/x");
  EXPECT_EQ(Find(*theirs, "n")->number, 3);
  EXPECT_EQ(Find(*theirs, "f")->number, 2.5);
  EXPECT_EQ(Find(*theirs, "obj_pose")->values, (std::vector<double>{0, 0, 0, 1, 0, 0, 0}));
  const NpyValue* q = Find(*theirs, "grasp_qpos");
  ASSERT_EQ(q->values.size(), 29u);
  EXPECT_EQ(q->values[5], 1.25);
  EXPECT_EQ(Find(*theirs, "big")->values, (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(Find(*theirs, "half")->values, (std::vector<double>{1.5, -2}));
  EXPECT_EQ(Find(*theirs, "grid")->shape, (std::vector<long long>{2, 3}));
  fs::remove_all(dir);
}

TEST(NpyDictTest, CodeAndDamageAreRefusedNotRun) {
  const fs::path dir = Temp();
  // a pickle that would call os.system("touch FILE") if it were run
  const fs::path marker = dir / "ran";
  const std::string cmd = "touch " + marker.string();
  std::string evil(
      "\x80\x03}q\x00X\x01\x00\x00\x00"
      "a",
      11);
  evil += "cos\nsystem\nX";
  const uint32_t n = static_cast<uint32_t>(cmd.size());
  evil += std::string(reinterpret_cast<const char*>(&n), 4) + cmd + "\x85R" + "s.";
  const std::string evil_path = (dir / "evil.pkl").string();
  std::ofstream(evil_path, std::ios::binary) << evil;
  auto r = ReadNpyDict(evil_path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("os.system"), std::string::npos) << r.error().message;
  EXPECT_FALSE(fs::exists(marker));
  // every truncation of a good file, and random bytes after a good header, give errors
  const std::string good = (dir / "good.npy").string();
  ASSERT_TRUE(WriteNpyDict(good, Sample()).ok());
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = (dir / "cut.npy").string();
  for (size_t len = 0; len < bytes.size(); len += 7) {
    std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, len);
    EXPECT_FALSE(ReadNpyDict(cut).ok()) << "cut at " << len;
  }
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    std::string noisy = bytes;
    for (int k = 0; k < 4; ++k)
      noisy[128 + rng() % (noisy.size() - 128)] = static_cast<char>(rng());
    std::ofstream(cut, std::ios::binary | std::ios::trunc) << noisy;
    (void)ReadNpyDict(cut);  // an answer either way, never a crash
  }
  EXPECT_FALSE(ReadNpyDict((dir / "missing.npy").string()).ok());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dexvlg
