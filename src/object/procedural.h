// Procedural household objects with exact part labels, for tests and the built-in demo.
//
// Every object stands on z = 0 (z up), centred on the z axis, in metres. Each part is a closed,
// consistently oriented (outward) triangle surface; parts may overlap where they join (a handle
// sunk into a mug wall), so the object's solid is the union of its parts.
#pragma once

#include <array>
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
  /// Secondary shape choices in [0, 1] (handle span, neck length, blade width...; what each
  /// means is the family's); 0.5 everywhere gives the default shape.
  std::array<double, 4> shape = {0.5, 0.5, 0.5, 0.5};
};

/// Names accepted by MakeProcedural: mug, cup, bottle, wine_bottle, jar, kettle, hammer,
/// screwdriver, knife, spatula, pan, saucepan, box, bowl.
const std::vector<std::string>& ProceduralNames();

/// Builds a procedural object from "name" or "name:size=1.2,proportion=0.8,resolution=32" or
/// "name:seed=17". A seed draws the size (0.8-1.25), the proportion (0.75-1.3) and the secondary
/// shape choices, the same on every machine; size or proportion given beside it win. Errors name
/// the spec and the problem.
Expected<LabeledMesh> MakeProcedural(const std::string& spec);

/// The parameters a seed draws for a family (MakeProcedural's "name:seed=N").
ProceduralParams SeededParams(const std::string& name, unsigned seed);

/// Object sources for "FAMILY*N" (FAMILY:seed=0 ... FAMILY:seed=N-1) and "procedural*N" (every
/// family, N seeds each); an empty list when `item` is not of that form; an error for a bad
/// family or count.
Expected<std::vector<std::string>> ExpandProceduralCount(const std::string& item);

/// Builds a procedural object by name with explicit parameters.
Expected<LabeledMesh> MakeProcedural(const std::string& name, const ProceduralParams& params);

/// Closed tube of radius `radius` along a polyline path, capped at both ends; outward oriented.
TriMesh Tube(const std::vector<Vec3>& path, double radius, int segments);

}  // namespace dexvlg
