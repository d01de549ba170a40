// `dexvlg object ...` subcommands.
#pragma once

#include <ostream>

#include "object/mesh.h"

namespace dexvlg::cli {

/// `object info`: size, watertightness, parts with boxes and categories.
void PrintObjectInfo(const LabeledMesh& object, bool as_json, std::ostream& out);

}  // namespace dexvlg::cli
