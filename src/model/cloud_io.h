// Coloured point clouds from PLY files (ASCII or binary little-endian; x, y, z and optionally
// red, green, blue and label vertex properties), as `dataset export` writes them.
#pragma once

#include <string>

#include "core/status.h"
#include "model/training_set.h"

namespace dexvlg {

/// Reads a PLY point cloud; errors name the file and the problem (no vertices, no x/y/z, a
/// truncated body, a non-finite coordinate).
Expected<Cloud> ReadCloudPly(const std::string& path);

}  // namespace dexvlg
