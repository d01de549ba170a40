#include "hand/mjcf.h"

#include <mujoco/mujoco.h>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace dexvlg {
namespace {

// MuJoCo reports fatal errors through mju_user_error and exits unless the handler does not return.
// Turning them into exceptions lets the loader convert them into Error values below.
struct MujocoFatal : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void ThrowOnMujocoError(const char* msg) { throw MujocoFatal(msg); }
void IgnoreMujocoWarning(const char*) {}

void InstallHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    mju_user_error = ThrowOnMujocoError;
    mju_user_warning = IgnoreMujocoWarning;
  });
}

Expected<MjModelPtr> Compile(const char* filename, const mjVFS* vfs, const std::string& label) {
  InstallHandlers();
  char error[1024] = {0};
  mjModel* m = nullptr;
  try {
    m = mj_loadXML(filename, vfs, error, sizeof(error));
  } catch (const MujocoFatal& e) {  // the C library's fatal path, converted to an error value
    return Error{label + ": MuJoCo failed while loading the MJCF: " + e.what()};
  }
  if (m == nullptr) {
    return Error{label +
                 ": not a valid MJCF model: " + (error[0] ? error : "unknown MuJoCo error")};
  }
  return MjModelPtr(m);
}

}  // namespace

void MjModelDeleter::operator()(mjModel_* m) const { mj_deleteModel(m); }

Expected<MjModelPtr> LoadMjcf(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error{path + ": no such MJCF file"};
  }
  return Compile(path.c_str(), nullptr, path);
}

Expected<MjModelPtr> LoadMjcfText(std::string_view xml, const std::string& name) {
  auto vfs = std::make_unique<mjVFS>();
  mj_defaultVFS(vfs.get());
  const std::string file = "dexvlg_inline.xml";
  if (mj_makeEmptyFileVFS(vfs.get(), file.c_str(), static_cast<int>(xml.size())) != 0) {
    mj_deleteVFS(vfs.get());
    return Error{name + ": could not stage the MJCF text in MuJoCo's virtual file system"};
  }
  const int id = mj_findFileVFS(vfs.get(), file.c_str());
  std::memcpy(vfs->filedata[id], xml.data(), xml.size());
  auto result = Compile(file.c_str(), vfs.get(), name);
  mj_deleteVFS(vfs.get());
  return result;
}

}  // namespace dexvlg
