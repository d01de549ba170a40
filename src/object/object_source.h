// One entry point for "an object" on the command line.
#pragma once

#include <string>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Resolves an object source: a part-labelled folder (part_labels.json, the objects_parts
/// layout), a mesh file (one part named "body"; the object is named after the file, or its
/// folder for generic names like textured.obj), or a procedural spec ("mug", "bottle:size=1.2").
Expected<LabeledMesh> LoadObject(const std::string& source);

}  // namespace dexvlg
