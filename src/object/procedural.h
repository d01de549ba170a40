// Procedural household objects with exact part labels, for tests and the built-in demo.
//
// Every object stands on z = 0 (z up), centred on the z axis, in metres. Each part is a closed,
// consistently oriented (outward) triangle surface; parts may overlap where they join (a handle
// sunk into a mug wall), so the object's solid is the union of its parts.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// Shape parameters shared by all procedural objects.
struct ProceduralParams {
  double size = 1.0;        ///< uniform scale of the default dimensions
  double proportion = 1.0;  ///< height / width multiplier (1 = default proportions)
  int resolution = 48;      ///< segments around a revolved surface
};

/// Names accepted by MakeProcedural: mug, bottle, hammer, pan, box, bowl.
const std::vector<std::string>& ProceduralNames();

/// Builds a procedural object from "name" or "name:size=1.2,proportion=0.8,resolution=32".
/// Errors name the spec and the problem.
Expected<LabeledMesh> MakeProcedural(const std::string& spec);

/// Builds a procedural object by name with explicit parameters.
Expected<LabeledMesh> MakeProcedural(const std::string& name, const ProceduralParams& params);

/// Closed tube of radius `radius` along a polyline path, capped at both ends; outward oriented.
TriMesh Tube(const std::vector<Vec3>& path, double radius, int segments);

}  // namespace dexvlg
