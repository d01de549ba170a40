#include "mj/mjcf.h"

#include <mujoco/mujoco.h>

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

namespace dexvlg {
namespace {

// MuJoCo reports fatal errors through mju_user_error and exits the process when the handler
// returns. The handler jumps back to the innermost GuardMujoco of its thread instead (as
// MuJoCo's own Python bindings do); no C++ exception ever crosses MuJoCo's C frames.
thread_local std::jmp_buf* t_guard = nullptr;
thread_local char t_message[1024];

void JumpOnMujocoError(const char* msg) {
  if (t_guard == nullptr) {
    std::fprintf(stderr, "dexvlg: fatal MuJoCo error outside a guarded call: %s\n", msg);
    std::abort();
  }
  std::snprintf(t_message, sizeof(t_message), "%s", msg);
  std::longjmp(*t_guard, 1);
}
void IgnoreMujocoWarning(const char*) {}

void InstallHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    mju_user_error = JumpOnMujocoError;
    mju_user_warning = IgnoreMujocoWarning;
  });
}

struct LoadCall {
  const char* filename;
  const mjVFS* vfs;
  char* error;
  int error_size;
  mjModel* model;
};

Expected<MjModelPtr> Compile(const char* filename, const mjVFS* vfs, const std::string& label) {
  char error[1024] = {0};
  LoadCall call{filename, vfs, error, sizeof(error), nullptr};
  const std::string fatal = GuardMujoco(
      [](void* c) {
        auto* l = static_cast<LoadCall*>(c);
        l->model = mj_loadXML(l->filename, l->vfs, l->error, l->error_size);
      },
      &call);
  if (!fatal.empty()) {  // the C library's fatal path, returned as an error value
    return Error{label + ": MuJoCo failed while loading the MJCF: " + fatal};
  }
  if (call.model == nullptr) {
    return Error{label +
                 ": not a valid MJCF model: " + (error[0] ? error : "unknown MuJoCo error")};
  }
  return MjModelPtr(call.model);
}

}  // namespace

std::string GuardMujoco(void (*call)(void* context), void* context) {
  InstallHandlers();
  std::jmp_buf here;
  std::jmp_buf* const outer = t_guard;
  t_guard = &here;
  if (setjmp(here) == 0) {
    call(context);
    t_guard = outer;
    return "";
  }
  t_guard = outer;  // MuJoCo jumped back: its message is in t_message
  return t_message;
}

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
  // compiled from memory: the patched text names its asset folders absolutely
  Expected<MjModelPtr> retried = LoadMjcfText(patched, path);
  if (retried) return retried;
  return Error{model.error().message +
               "; with what MuJoCo 2.2.2 lacks dropped or mapped: " + retried.error().message};
}

namespace {

/// Where a URDF mesh reference points: "package://PKG/rest" is looked for as PKG/rest in the
/// URDF's folder and the folders above it (as ROS finds a package), a relative path against the
/// URDF's folder. "" when no such file exists.
std::filesystem::path ResolveUrdfMesh(const std::string& reference,
                                      const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const std::string scheme = "package://";
  if (reference.rfind(scheme, 0) != 0) {
    const fs::path p(reference);
    const fs::path full = (p.is_absolute() ? p : dir / p).lexically_normal();
    return fs::exists(full, ec) ? full : fs::path();
  }
  const std::string rest = reference.substr(scheme.size());
  const size_t slash = rest.find('/');
  const std::string package = rest.substr(0, slash);
  const std::string inside = slash == std::string::npos ? "" : rest.substr(slash + 1);
  for (fs::path a = dir; !a.empty(); a = a.parent_path()) {
    if (a.filename() == package && fs::exists(a / inside, ec))
      return (a / inside).lexically_normal();
    if (fs::exists(a / package / inside, ec)) return (a / package / inside).lexically_normal();
    if (a == a.parent_path()) break;
  }
  return {};
}

}  // namespace

Expected<MjModelPtr> LoadUrdf(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Error{path + ": no such URDF file"};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string xml = text.str();
  const fs::path dir = fs::absolute(path, ec).parent_path();
  // every mesh by its absolute path, so that MuJoCo need not strip or guess folders
  static const std::regex mesh(R"re((<mesh\b[^>]*\bfilename\s*=\s*")([^"]*)("))re");
  std::string out;
  auto begin = std::sregex_iterator(xml.begin(), xml.end(), mesh);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const fs::path file = ResolveUrdfMesh(m[2].str(), dir);
    if (file.empty()) return Error{path + ": mesh \"" + m[2].str() + "\" not found"};
    out += xml.substr(last, m.position(0) - last) + m[1].str() + file.string() + m[3].str();
    last = m.position(0) + m.length(0);
  }
  out += xml.substr(last);
  // MuJoCo's URDF options: keep those paths, drop the visual meshes (dexvlg collides and draws
  // the collision geometry), even out inertias that URDF exports often get wrong
  static const std::regex robot(R"(<robot\b[^>]*>)");
  std::smatch r;
  if (!std::regex_search(out, r, robot)) return Error{path + ": no <robot> element (not a URDF)"};
  if (out.find("<mujoco>") == std::string::npos) {
    out = r.prefix().str() + r.str() +
          "<mujoco><compiler strippath=\"false\" discardvisual=\"true\" "
          "balanceinertia=\"true\" fusestatic=\"false\"/></mujoco>" +
          r.suffix().str();
  }
  return LoadMjcfText(out, path);
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
