#include "hand/mjcf.h"

#include <mujoco/mujoco.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
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

namespace {

/// `xml` for MuJoCo 2.2.2 when it was written for a later MuJoCo: what 2.2.2 rejects and dexvlg
/// does not use is dropped or mapped (position actuators' velocity gain `kv`: dexvlg writes its
/// own actuators; the `implicitfast` integrator becomes `implicit`), and the asset folders are made
/// absolute against `dir` so the text compiles from anywhere. Returns "" when there is nothing to
/// change.
std::string ForOldMujoco(const std::string& xml, const std::filesystem::path& dir) {
  static const std::regex kv(R"re(\s+kv\s*=\s*"[^"]*")re");
  static const std::regex implicitfast(R"re(integrator\s*=\s*"implicitfast")re");
  std::string out = std::regex_replace(xml, kv, "");
  // implicitfast (MuJoCo 3) is implicit without the Coriolis terms; 2.2.2 has implicit
  out = std::regex_replace(out, implicitfast, "integrator=\"implicit\"");
  // later MuJoCos infer ctrllimited/range-limited from a given range (autolimits by default)
  static const std::regex compiler(R"(<compiler\b)");
  if (out.find("autolimits") == std::string::npos && std::regex_search(out, compiler))
    out = std::regex_replace(out, compiler, "<compiler autolimits=\"true\"",
                             std::regex_constants::format_first_only);
  if (out == xml) return "";
  bool has_meshdir = false;
  for (const char* attribute : {"meshdir", "texturedir", "assetdir"}) {
    const std::regex folder(std::string(R"(\b)") + attribute + R"re(\s*=\s*"([^"]*)")re");
    std::smatch m;
    if (std::regex_search(out, m, folder)) {
      has_meshdir = has_meshdir || std::string(attribute) != "texturedir";
      const std::filesystem::path p(m[1].str());
      const std::string absolute = (p.is_absolute() ? p : dir / p).lexically_normal().string();
      out = m.prefix().str() + attribute + "=\"" + absolute + "/\"" + m.suffix().str();
    }
  }
  if (!has_meshdir) {  // mesh files relative to the model's folder
    const std::regex root(R"(<mujoco\b[^>]*>)");
    std::smatch m;
    if (std::regex_search(out, m, root))
      out = m.prefix().str() + m.str() + "<compiler autolimits=\"true\" meshdir=\"" + dir.string() +
            "/\"/>" + m.suffix().str();
  }
  return out;
}

}  // namespace

Expected<MjModelPtr> LoadMjcf(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error{path + ": no such MJCF file"};
  }
  Expected<MjModelPtr> model = Compile(path.c_str(), nullptr, path);
  if (model || (model.error().message.find("unrecognized attribute") == std::string::npos &&
                model.error().message.find("invalid keyword") == std::string::npos))
    return model;
  // a model written for a later MuJoCo: compile a copy with what 2.2.2 rejects dropped
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string patched =
      ForOldMujoco(text.str(), std::filesystem::absolute(path, ec).parent_path());
  if (patched.empty()) return model;
  const std::filesystem::path copy = std::filesystem::temp_directory_path(ec) /
                                     ("dexvlg_mjcf_" + std::to_string(::getpid()) + "_" +
                                      std::filesystem::path(path).filename().string());
  {
    std::ofstream out(copy, std::ios::binary);
    out << patched;
    if (!out) return model;
  }
  Expected<MjModelPtr> retried = Compile(copy.string().c_str(), nullptr, path);
  std::filesystem::remove(copy, ec);
  if (retried) return retried;
  return Error{model.error().message +
               "; with what MuJoCo 2.2.2 lacks dropped or mapped: " + retried.error().message};
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
