// The long jobs end to end: `dexvlg generate` killed with kill -9 at any moment resumes without
// losing, duplicating or corrupting work; two MPI ranks; the Python reader example on the
// result; `dexvlg validate` killed mid-run resumes from its checkpoint with the same results.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "h5/h5.h"
#include "shell.h"

extern char** environ;

namespace {
namespace fs = std::filesystem;

using dexvlg::testing::Outcome;
using dexvlg::testing::Shell;

// small and quick: three procedural objects, pinch only, few grasps, small images
const char* const kObjects = "box,mug,bottle";
std::vector<std::string> GenerateArgs(const std::string& out) {
  return {DEXVLG_BINARY, "generate", "--objects", kObjects, "--out",         out,
          "--count",     "2",        "--modes",   "pinch",  "--scenes",      "1",
          "--views",     "4",        "--points",  "1000",   "--image-scale", "0.25"};
}
std::string Joined(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += a + " ";
  return s;
}

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

/// Finished shards: name -> (inode, modification time in ns).
std::map<std::string, std::pair<ino_t, long long>> Shards(const fs::path& dataset) {
  std::map<std::string, std::pair<ino_t, long long>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dataset / "shards", ec)) {
    if (e.path().extension() != ".h5") continue;
    struct stat st {};
    stat(e.path().c_str(), &st);
    out[e.path().filename().string()] = {st.st_ino,
                                         st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
  }
  return out;
}

std::string Python() {  // a python3 that has h5py (Debian's python3-h5py), or ""
  for (const char* p : {"/usr/bin/python3", "python3"}) {
    if (Shell(std::string(p) + " -c 'import h5py'").code == 0) return p;
  }
  return "";
}

TEST(GenerateTest, KilledAtAnyMomentItResumesWithoutLosingOrDuplicatingWork) {
  const fs::path dir = fs::temp_directory_path() / "dexvlg_generate_kill";
  fs::remove_all(dir);
  const std::vector<std::string> args = GenerateArgs(dir.string());
  // kill -9 twice: early (inside the first object) and once a shard is finished
  std::map<std::string, std::pair<ino_t, long long>> before;
  for (int round = 0; round < 2; ++round) {
    const pid_t pid = Spawn(args);
    ASSERT_GT(pid, 0);
    const auto start = std::chrono::steady_clock::now();
    while (true) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const double t =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (round == 0 && t > 1.5) break;
      if (round == 1 && (Shards(dir).size() > before.size() || t > 120)) break;
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << ": the run ended before the kill";
    // whatever is there as a finished shard is complete and readable
    before = Shards(dir);
    if (!before.empty()) {
      const Outcome info = Shell(std::string(DEXVLG_BINARY) + " dataset info " + dir.string());
      EXPECT_EQ(info.code, 0) << info.output;
    }
  }
  ASSERT_GE(before.size(), 1u) << "the second kill came after a finished shard";
  ASSERT_LT(before.size(), 3u) << "and before the last";
  // run again to the end
  const Outcome done = Shell(Joined(args));
  ASSERT_EQ(done.code, 0) << done.output;
  EXPECT_NE(done.output.find("already done"), std::string::npos) << done.output;
  const auto after = Shards(dir);
  EXPECT_EQ(after.size(), 3u) << "one shard per object, none duplicated";
  for (const auto& [name, id] : before) {
    ASSERT_TRUE(after.count(name));
    EXPECT_EQ(after.at(name), id) << name << " was rewritten";
  }
  for (const auto& e : fs::directory_iterator(dir / "shards")) {
    EXPECT_NE(e.path().extension(), ".tmp") << "leftover " << e.path();
  }
  const Outcome verify = Shell(std::string(DEXVLG_BINARY) + " dataset verify " + dir.string());
  EXPECT_EQ(verify.code, 0) << verify.output;
  EXPECT_NE(verify.output.find("3 shards, OK"), std::string::npos) << verify.output;
  // an uninterrupted run makes the same dataset (the work is deterministic)
  const fs::path clean = fs::temp_directory_path() / "dexvlg_generate_clean";
  fs::remove_all(clean);
  ASSERT_EQ(Shell(Joined(GenerateArgs(clean.string()))).code, 0);
  const Outcome a = Shell(std::string(DEXVLG_BINARY) + " dataset info " + dir.string());
  const Outcome b = Shell(std::string(DEXVLG_BINARY) + " dataset info " + clean.string());
  auto totals = [](const std::string& s) { return s.substr(s.rfind("\n", s.size() - 2) + 1); };
  EXPECT_EQ(totals(a.output).substr(0, totals(a.output).find(" held") + 5),
            totals(b.output).substr(0, totals(b.output).find(" held") + 5));
  // the Python reader example reads it with h5py alone
  const std::string python = Python();
  if (python.empty()) {
    std::cout << "[note] python3-h5py is not installed: the reader example was not run\n";
  } else {
    const Outcome reader =
        Shell(python + " " + DEXVLG_SOURCE_DIR + "/examples/read_dataset.py " + dir.string());
    EXPECT_EQ(reader.code, 0) << reader.output;
    EXPECT_NE(reader.output.find("3 shards"), std::string::npos) << reader.output;
  }
  // export to plain formats
  const Outcome exported = Shell(std::string(DEXVLG_BINARY) + " dataset export " + dir.string() +
                                 " --out " + (dir / "export").string() + " --format json");
  EXPECT_EQ(exported.code, 0) << exported.output;
  EXPECT_TRUE(fs::exists(dir / "export" / "grasps.json"));
  fs::remove_all(dir);
  fs::remove_all(clean);
}

TEST(GenerateTest, ValidateKilledMidRunResumesWithTheSameResults) {
  const fs::path dir = fs::temp_directory_path() / "dexvlg_validate_kill";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string a = (dir / "a.h5").string(), b = (dir / "b.h5").string();
  ASSERT_EQ(
      Shell(std::string(DEXVLG_BINARY) + " synth hammer --part handle --count 32 --out " + a).code,
      0);
  fs::copy_file(a, b);
  const Outcome whole = Shell(std::string(DEXVLG_BINARY) + " validate " + a);
  ASSERT_EQ(whole.code, 0) << whole.output;
  EXPECT_FALSE(fs::exists(a + ".validate.partial")) << "the checkpoint goes once results are in";
  // kill once the checkpoint holds a finished chunk (its header plus 8 grasps)
  const pid_t pid = Spawn({DEXVLG_BINARY, "validate", b});
  const auto start = std::chrono::steady_clock::now();
  auto lines = [&] {
    std::ifstream f(b + ".validate.partial");
    return static_cast<int>(
        std::count(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>(), '\n'));
  };
  while (lines() < 9 &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 60) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "validate ended before the kill";
  const Outcome resumed = Shell(std::string(DEXVLG_BINARY) + " validate " + b);
  ASSERT_EQ(resumed.code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resumed: "), std::string::npos) << resumed.output;
  EXPECT_FALSE(fs::exists(b + ".validate.partial"));
  auto ra = dexvlg::H5Reader::Open(a);
  auto rb = dexvlg::H5Reader::Open(b);
  ASSERT_TRUE(ra.ok() && rb.ok());
  for (const char* name : {"/sim_success", "/sim_held"}) {
    EXPECT_EQ(ra->Ints(name).value(), rb->Ints(name).value()) << name;
  }
  for (const char* name : {"/sim_translation", "/sim_penetration"}) {
    EXPECT_EQ(ra->Doubles(name).value(), rb->Doubles(name).value()) << name;
  }
  EXPECT_EQ(ra->Strings("/caption").value(), rb->Strings("/caption").value());
  fs::remove_all(dir);
}

TEST(GenerateTest, BadInputGivesAClearError) {
  const fs::path dir = fs::temp_directory_path() / "dexvlg_generate_bad";
  fs::remove_all(dir);
  Outcome r =
      Shell(std::string(DEXVLG_BINARY) + " generate --objects /nonexistent/thing.obj --out " +
            dir.string() + " --count 1 --scenes 1");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/thing.obj"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("failed"), std::string::npos) << r.output;
  r = Shell(std::string(DEXVLG_BINARY) + " dataset verify /nonexistent/dataset");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/dataset"), std::string::npos) << r.output;
  r = Shell(std::string(DEXVLG_BINARY) + " dataset info " + dir.string());
  EXPECT_EQ(r.code, 1) << "no shards: " << r.output;
  r = Shell(std::string(DEXVLG_BINARY) + " generate --objects mug --out " + dir.string() +
            " --image-scale 3");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("--image-scale"), std::string::npos) << r.output;
  fs::remove_all(dir);
}

// A disk that fills up mid-run: the objects that no longer fit fail with a message that says
// so, the finished shard stays, no temporary is left, and the process exits 1 (it used to
// crash inside HDF5's exit-time clean-up: exit 139, its last output lost).
TEST(GenerateTest, AFullDiskIsReportedNotACrash) {
  const fs::path dir = fs::temp_directory_path() / ("dexvlg_full_disk_" + std::to_string(getpid()));
  fs::create_directories(dir);
  if (std::system(
          ("mount -t tmpfs -o size=1200k tmpfs " + dir.string() + " 2>/dev/null").c_str()) != 0) {
    fs::remove_all(dir);
    GTEST_SKIP() << "cannot mount a small tmpfs here (needs root): the full-disk case is not run";
  }
  const Outcome r =
      Shell(std::string(DEXVLG_BINARY) + " generate --objects mug,bottle,box --out " +
            (dir / "ds").string() + " --scenes 1 --count 2 --attempts 16 --views 2 --settle 0");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("the disk is full"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("this run:"), std::string::npos) << "the summary is complete";
  int shards = 0, temporaries = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir / "ds")) {
    shards += e.path().extension() == ".h5";
    temporaries += e.path().extension() == ".tmp";
  }
  EXPECT_GE(shards, 1) << "the shard that fitted stays";
  EXPECT_EQ(temporaries, 0);
  std::system(("umount " + dir.string()).c_str());
  fs::remove_all(dir);
}

TEST(GenerateTest, TwoMpiRanksShareTheObjects) {
  if (Shell("command -v mpirun").code != 0) GTEST_SKIP() << "mpirun is not installed";
  if (Shell(std::string(DEXVLG_BINARY) + " --version").output.find("mpi") == std::string::npos) {
    GTEST_SKIP() << "this dexvlg was built without MPI";
  }
  const fs::path dir = fs::temp_directory_path() / "dexvlg_generate_mpi";
  fs::remove_all(dir);
  // as root (CI) Open MPI wants explicit consent; two ranks on any number of cores
  const Outcome run = Shell(
      "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 " +
      Joined(GenerateArgs(dir.string())));
  ASSERT_EQ(run.code, 0) << run.output;
  EXPECT_NE(run.output.find("rank 0 of 2"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("rank 1 of 2"), std::string::npos) << run.output;
  EXPECT_EQ(Shards(dir).size(), 3u);
  const Outcome verify = Shell(std::string(DEXVLG_BINARY) + " dataset verify " + dir.string());
  EXPECT_EQ(verify.code, 0) << verify.output;
  EXPECT_NE(verify.output.find("3 shards, OK"), std::string::npos)
      << "merged index: " << verify.output;
  fs::remove_all(dir);
}

}  // namespace
