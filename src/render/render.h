// A small Embree ray-cast renderer for pictures people look at: objects coloured by part, hands.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "object/mesh.h"

namespace dexvlg {

/// An 8-bit RGB image, row-major, top row first.
struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  ///< width * height * 3
  void Resize(int w, int h, uint8_t grey = 255);
  uint8_t* At(int x, int y) { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
  const uint8_t* At(int x, int y) const { return &rgb[(static_cast<size_t>(y) * width + x) * 3]; }
};

/// A pinhole camera looking from `eye` at `target`; vertical field of view in degrees.
struct Camera {
  Vec3 eye = Vec3(0.3, -0.3, 0.3);
  Vec3 target = Vec3::Zero();
  Vec3 up = Vec3::UnitZ();
  double fov_y_deg = 40;
  int width = 640, height = 480;
};

/// A camera at `azimuth_deg` / `elevation_deg` around the box [lo, hi] that frames it.
Camera FitCamera(const Vec3& lo, const Vec3& hi, double azimuth_deg, double elevation_deg,
                 int width, int height);

/// A mesh to draw with one colour per face (RGB in [0, 1]).
struct ColoredMesh {
  const TriMesh* mesh = nullptr;
  std::vector<Vec3> face_colors;
};

/// One RGB-D view: colour (the meshes' face colours, lit by a soft head light), depth along the
/// optical axis and what each pixel hit.
struct RgbdFrame {
  Image color;
  std::vector<float> depth;  ///< metres along the camera's forward axis; 0 where nothing is hit
  std::vector<int> mesh;     ///< index into the rendered meshes, -1 for a miss
  std::vector<int> face;     ///< face of that mesh, -1 for a miss
};

/// Focal length in pixels of `camera` (square pixels, principal point at the image centre).
double FocalPixels(const Camera& camera);

/// Ray casts RGB-D views of the meshes: one frame per camera (the structure is built once).
std::vector<RgbdFrame> RenderRgbd(const std::vector<ColoredMesh>& meshes,
                                  const std::vector<Camera>& cameras,
                                  const Vec3& background = Vec3(1, 1, 1));

/// Reads an 8-bit PNG (grey, RGB or with alpha: dropped); errors name the file.
Expected<Image> ReadPng(const std::string& path);

/// Face colours of a mesh: its texture sampled at each face's UV centroid, else the mean of its
/// vertex colours, else `fallback`. A texture that cannot be read gives the fallback too.
std::vector<Vec3> MeshFaceColors(const TriMesh& mesh, const Vec3& fallback);

/// Ray casts the meshes (Embree) with a head light and Lambert shading; misses get `background`.
Image Render(const std::vector<ColoredMesh>& meshes, const Camera& camera,
             const Vec3& background = Vec3(1, 1, 1));

/// The same, for several cameras over one scene (the ray-casting structure is built once).
std::vector<Image> Render(const std::vector<ColoredMesh>& meshes,
                          const std::vector<Camera>& cameras,
                          const Vec3& background = Vec3(1, 1, 1));

/// A distinct colour for part label `label` (a fixed qualitative palette).
Vec3 PartColor(int label);

/// Face colours of a labelled mesh by part.
std::vector<Vec3> PartFaceColors(const LabeledMesh& object);

/// Tiles images into a grid `columns` wide; cells are as large as the largest image, a smaller
/// one sits in its cell's top-left corner on white.
Image Tile(const std::vector<Image>& images, int columns);

/// Writes a PNG; errors name the file.
Status WritePng(const Image& image, const std::string& path);

/// Four views (front, side, top-down oblique, back) of an object coloured by part, tiled 2 x 2.
Image PartPreview(const LabeledMesh& object, int view_width, int view_height);

}  // namespace dexvlg
