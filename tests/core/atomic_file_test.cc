#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dexvlg {
namespace {
namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(AtomicFileTest, DevicesFoldersAndMissingFoldersAreRefused) {
  for (const char* device : {"/dev/null", "/dev/full"}) {
    if (!fs::exists(device)) continue;
    const Status s = CheckOutputPath(device);
    ASSERT_FALSE(s.ok()) << device;
    EXPECT_NE(s.error().message.find("device"), std::string::npos) << s.error().message;
    EXPECT_FALSE(WriteTextAtomically(device, "x").ok());
    EXPECT_TRUE(fs::is_character_file(device)) << device << " is still a device";
  }
  const fs::path dir = fs::temp_directory_path() / "dexvlg_atomic_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Status folder = CheckOutputPath(dir.string());
  ASSERT_FALSE(folder.ok());
  EXPECT_NE(folder.error().message.find("directory"), std::string::npos);
  const Status missing = CheckOutputPath((dir / "no" / "such" / "out.h5").string(), false);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
  EXPECT_TRUE(CheckOutputPath((dir / "made" / "out.h5").string()).ok());
  EXPECT_TRUE(fs::is_directory(dir / "made")) << "the folder is made when asked";
  EXPECT_FALSE(CheckOutputPath("").ok());
  fs::remove_all(dir);
}

TEST(AtomicFileTest, AFailedWriteLeavesTheOldFile) {
  const fs::path dir = fs::temp_directory_path() / "dexvlg_atomic_test2";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path path = dir / "out.txt";
  ASSERT_TRUE(WriteTextAtomically(path.string(), "first\n").ok());
  EXPECT_EQ(Read(path), "first\n");
  const Status failed = WriteAtomically(path.string(), [](const std::string& tmp) -> Status {
    std::ofstream(tmp) << "half of the second";
    return Error{tmp + ": the disk is full"};
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(Read(path), "first\n") << "the old file is untouched";
  EXPECT_FALSE(fs::exists(path.string() + ".tmp")) << "the temporary is removed";
  ASSERT_TRUE(WriteTextAtomically(path.string(), "second\n").ok());
  EXPECT_EQ(Read(path), "second\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dexvlg
