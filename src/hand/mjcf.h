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

/// Parses MJCF text held in memory (no file system); `name` labels error messages.
Expected<MjModelPtr> LoadMjcfText(std::string_view xml, const std::string& name);

}  // namespace dexvlg
