// MuJoCo's own MJCF parser behind a small, error-returning interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct mjModel_;

namespace dexvlg {

struct MjModelDeleter {
  void operator()(mjModel_* m) const;
};
/// An owned, compiled MuJoCo model.
using MjModelPtr = std::unique_ptr<mjModel_, MjModelDeleter>;

/// Parses and compiles an MJCF file with MuJoCo. Errors name the file and quote MuJoCo's message.
Expected<MjModelPtr> LoadMjcf(const std::string& path);

/// Reads a URDF file with MuJoCo's URDF reader: mesh references ("package://PKG/...", relative
/// paths) are resolved against the file's folder and the folders above it, visual geoms are
/// dropped and inertias balanced. Errors name the file and the mesh or element that is missing.
Expected<MjModelPtr> LoadUrdf(const std::string& path);

/// Parses MJCF text held in memory (no file system); `name` labels error messages.
Expected<MjModelPtr> LoadMjcfText(std::string_view xml, const std::string& name);

/// Runs `call(context)`, a call into MuJoCo's C API, so that a fatal MuJoCo error inside it
/// (mju_error: MuJoCo would exit the process) returns here: the result is MuJoCo's message, or
/// "" when the call finished. The error unwinds with longjmp, which skips destructors, so `call`
/// must own no C++ object with a destructor (a captureless lambda that calls MuJoCo and stores
/// plain results through `context`). Nothing is ever thrown through MuJoCo's C frames. Fatal
/// errors outside a guarded call print the message and abort. Thread-safe: each thread has its
/// own guard.
std::string GuardMujoco(void (*call)(void* context), void* context);

}  // namespace dexvlg
