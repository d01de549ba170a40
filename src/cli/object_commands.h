// `dexvlg object ...` subcommands.
#pragma once

#include <ostream>

#include "core/status.h"
#include "hand/hand_model.h"
#include "object/mesh.h"
#include "parts/segment.h"

namespace dexvlg::cli {

/// `object info`: size, watertightness, parts with boxes and categories.
void PrintObjectInfo(const LabeledMesh& object, bool as_json, std::ostream& out);

/// `hand render`: four views of the hand in a joint preset, coloured by link, to a PNG.
Status RenderHand(const HandModel& hand, const std::string& preset, const std::string& path);

/// `object segment`: geometric parts of an object (repaired first unless closed), compared with
/// its own labels when it has some; a PNG of both when `png` is not empty.
Status SegmentObject(const std::string& source, const SegmentOptions& options,
                     const std::string& png, std::ostream& out);

}  // namespace dexvlg::cli
