// `dexvlg object ...` subcommands.
#pragma once

#include <ostream>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"

namespace dexvlg::cli {

/// `object info`: size, watertightness, parts with boxes and categories.
void PrintObjectInfo(const LabeledMesh& object, bool as_json, std::ostream& out);

/// `hand render`: four views of the hand in a joint preset, coloured by link, to a PNG.
Status RenderHand(const HandModel& hand, const std::string& preset, const std::string& path);

}  // namespace dexvlg::cli
