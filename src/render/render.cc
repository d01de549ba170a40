#include "render/render.h"

#include <embree3/rtcore.h>
#include <png.h>

#include <cmath>
#include <cstdio>

#include "core/atomic_file.h"
#include "core/demand.h"

namespace dexvlg {

void Image::Resize(int w, int h, uint8_t grey) {
  width = w;
  height = h;
  rgb.assign(static_cast<size_t>(w) * h * 3, grey);
}

Camera FitCamera(const Vec3& lo, const Vec3& hi, double azimuth_deg, double elevation_deg,
                 int width, int height) {
  constexpr double kDeg = 3.14159265358979323846 / 180;
  Camera c;
  c.width = width;
  c.height = height;
  c.target = 0.5 * (lo + hi);
  const double radius = std::max(0.5 * (hi - lo).norm(), 1e-3);
  const double distance = radius / std::sin(0.5 * c.fov_y_deg * kDeg) * 0.9;
  const double az = azimuth_deg * kDeg, el = elevation_deg * kDeg;
  c.eye = c.target +
          distance * Vec3(std::cos(el) * std::cos(az), std::cos(el) * std::sin(az), std::sin(el));
  return c;
}

Vec3 PartColor(int label) {
  static const Vec3 palette[] = {{0.26, 0.52, 0.80}, {0.93, 0.49, 0.19}, {0.36, 0.70, 0.34},
                                 {0.86, 0.26, 0.30}, {0.58, 0.42, 0.74}, {0.55, 0.36, 0.30},
                                 {0.90, 0.47, 0.72}, {0.50, 0.50, 0.50}, {0.74, 0.74, 0.20},
                                 {0.10, 0.74, 0.80}};
  return palette[((label % 10) + 10) % 10];
}

std::vector<Vec3> PartFaceColors(const LabeledMesh& object) {
  std::vector<Vec3> colors;
  colors.reserve(object.face_labels.size());
  for (int l : object.face_labels) colors.push_back(PartColor(l));
  return colors;
}

namespace {

/// An Embree scene of coloured meshes (geometry ids follow the order of `meshes`).
class RayScene {
 public:
  explicit RayScene(const std::vector<ColoredMesh>& meshes) {
    device_ = rtcNewDevice(nullptr);
    scene_ = rtcNewScene(device_);
    for (const ColoredMesh& cm : meshes) {
      DEXVLG_DEMAND(cm.mesh != nullptr && cm.face_colors.size() == cm.mesh->faces.size(),
                    "face colours: expected " << (cm.mesh ? cm.mesh->faces.size() : 0) << ", got "
                                              << cm.face_colors.size());
      RTCGeometry geom = rtcNewGeometry(device_, RTC_GEOMETRY_TYPE_TRIANGLE);
      auto* v = static_cast<float*>(rtcSetNewGeometryBuffer(geom, RTC_BUFFER_TYPE_VERTEX, 0,
                                                            RTC_FORMAT_FLOAT3, 3 * sizeof(float),
                                                            cm.mesh->vertices.size()));
      for (size_t i = 0; i < cm.mesh->vertices.size(); ++i) {
        for (int k = 0; k < 3; ++k) v[3 * i + k] = static_cast<float>(cm.mesh->vertices[i][k]);
      }
      auto* idx = static_cast<unsigned*>(
          rtcSetNewGeometryBuffer(geom, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3,
                                  3 * sizeof(unsigned), cm.mesh->faces.size()));
      for (size_t f = 0; f < cm.mesh->faces.size(); ++f) {
        for (int k = 0; k < 3; ++k) idx[3 * f + k] = static_cast<unsigned>(cm.mesh->faces[f][k]);
      }
      rtcCommitGeometry(geom);
      rtcAttachGeometry(scene_, geom);
      rtcReleaseGeometry(geom);
    }
    rtcCommitScene(scene_);
  }
  ~RayScene() {
    rtcReleaseScene(scene_);
    rtcReleaseDevice(device_);
  }
  RayScene(const RayScene&) = delete;
  RayScene& operator=(const RayScene&) = delete;

  /// Casts every pixel's ray of `camera`: hit(x, y, dir, forward, ray-hit) per pixel.
  template <typename Hit>
  void Cast(const Camera& camera, Hit&& hit) const {
    const Vec3 forward = (camera.target - camera.eye).normalized();
    const Vec3 right = forward.cross(camera.up).normalized();
    const Vec3 up = right.cross(forward);
    const double f = FocalPixels(camera);
    RTCIntersectContext context;
    rtcInitIntersectContext(&context);
    for (int y = 0; y < camera.height; ++y) {
      for (int x = 0; x < camera.width; ++x) {
        const double u = (x + 0.5 - 0.5 * camera.width) / f;
        const double w = (0.5 * camera.height - (y + 0.5)) / f;
        const Vec3 dir = (forward + u * right + w * up).normalized();
        RTCRayHit rh{};
        rh.ray.org_x = static_cast<float>(camera.eye.x());
        rh.ray.org_y = static_cast<float>(camera.eye.y());
        rh.ray.org_z = static_cast<float>(camera.eye.z());
        rh.ray.dir_x = static_cast<float>(dir.x());
        rh.ray.dir_y = static_cast<float>(dir.y());
        rh.ray.dir_z = static_cast<float>(dir.z());
        rh.ray.tnear = 0;
        rh.ray.tfar = std::numeric_limits<float>::infinity();
        rh.ray.mask = 0xFFFFFFFF;  // Embree skips rays whose mask does not match the geometry's
        rh.hit.geomID = RTC_INVALID_GEOMETRY_ID;
        rtcIntersect1(scene_, &context, &rh);
        hit(x, y, dir, forward, rh);
      }
    }
  }

 private:
  RTCDevice device_;
  RTCScene scene_;
};

Vec3 Shade(const std::vector<ColoredMesh>& meshes, const RTCRayHit& rh, const Vec3& dir) {
  const Vec3 n = Vec3(rh.hit.Ng_x, rh.hit.Ng_y, rh.hit.Ng_z).normalized();
  const double lambert = std::abs(n.dot(dir));  // head light; both faces lit
  return meshes[rh.hit.geomID].face_colors[rh.hit.primID] * (0.25 + 0.75 * lambert);
}

void PutPixel(Image& image, int x, int y, const Vec3& color) {
  uint8_t* px = image.At(x, y);
  for (int k = 0; k < 3; ++k)
    px[k] = static_cast<uint8_t>(std::clamp(color[k], 0.0, 1.0) * 255 + 0.5);
}

}  // namespace

double FocalPixels(const Camera& camera) {
  return 0.5 * camera.height / std::tan(0.5 * camera.fov_y_deg * 3.14159265358979323846 / 180);
}

std::vector<Image> Render(const std::vector<ColoredMesh>& meshes,
                          const std::vector<Camera>& cameras, const Vec3& background) {
  const RayScene scene(meshes);
  std::vector<Image> images;
  for (const Camera& camera : cameras) {
    Image image;
    image.Resize(camera.width, camera.height);
    scene.Cast(camera, [&](int x, int y, const Vec3& dir, const Vec3&, const RTCRayHit& rh) {
      PutPixel(image, x, y,
               rh.hit.geomID != RTC_INVALID_GEOMETRY_ID ? Shade(meshes, rh, dir) : background);
    });
    images.push_back(std::move(image));
  }
  return images;
}

std::vector<RgbdFrame> RenderRgbd(const std::vector<ColoredMesh>& meshes,
                                  const std::vector<Camera>& cameras, const Vec3& background) {
  const RayScene scene(meshes);
  std::vector<RgbdFrame> frames;
  for (const Camera& camera : cameras) {
    RgbdFrame fr;
    fr.color.Resize(camera.width, camera.height);
    const size_t pixels = static_cast<size_t>(camera.width) * camera.height;
    fr.depth.assign(pixels, 0.f);
    fr.mesh.assign(pixels, -1);
    fr.face.assign(pixels, -1);
    scene.Cast(camera, [&](int x, int y, const Vec3& dir, const Vec3& fwd, const RTCRayHit& rh) {
      const size_t i = static_cast<size_t>(y) * camera.width + x;
      if (rh.hit.geomID == RTC_INVALID_GEOMETRY_ID) {
        PutPixel(fr.color, x, y, background);
        return;
      }
      fr.depth[i] = static_cast<float>(rh.ray.tfar * dir.dot(fwd));
      fr.mesh[i] = static_cast<int>(rh.hit.geomID);
      fr.face[i] = static_cast<int>(rh.hit.primID);
      // albedo under a soft light: colour stays close to the surface's own
      const Vec3 normal = Vec3(rh.hit.Ng_x, rh.hit.Ng_y, rh.hit.Ng_z).normalized();
      PutPixel(fr.color, x, y,
               meshes[rh.hit.geomID].face_colors[rh.hit.primID] *
                   (0.7 + 0.3 * std::abs(normal.dot(dir))));
    });
    frames.push_back(std::move(fr));
  }
  return frames;
}

Expected<Image> ReadPng(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Error{path + ": cannot open"};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::fclose(file);
    return Error{path + ": not a readable PNG"};
  }
  png_init_io(png, file);
  png_read_info(png, info);
  png_set_strip_16(png);
  png_set_strip_alpha(png);
  png_set_palette_to_rgb(png);
  png_set_expand_gray_1_2_4_to_8(png);
  png_set_gray_to_rgb(png);
  png_read_update_info(png, info);
  Image image;
  image.Resize(static_cast<int>(png_get_image_width(png, info)),
               static_cast<int>(png_get_image_height(png, info)));
  if (png_get_rowbytes(png, info) != static_cast<size_t>(image.width) * 3) {
    png_destroy_read_struct(&png, &info, nullptr);
    std::fclose(file);
    return Error{path + ": unsupported PNG layout"};
  }
  for (int y = 0; y < image.height; ++y) png_read_row(png, image.At(0, y), nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  std::fclose(file);
  return image;
}

std::vector<Vec3> MeshFaceColors(const TriMesh& mesh, const Vec3& fallback) {
  std::vector<Vec3> colors(mesh.faces.size(), fallback);
  if (!mesh.texture.empty() && mesh.uvs.size() == mesh.vertices.size()) {
    auto texture = ReadPng(mesh.texture);
    if (texture && texture->width > 0 && texture->height > 0) {
      for (size_t f = 0; f < mesh.faces.size(); ++f) {
        Eigen::Vector2d uv = Eigen::Vector2d::Zero();
        for (int k = 0; k < 3; ++k) uv += mesh.uvs[mesh.faces[f][k]] / 3.0;
        auto wrap = [](double t) { return t - std::floor(t); };
        const int x = std::min(texture->width - 1, static_cast<int>(wrap(uv.x()) * texture->width));
        const int y =
            std::min(texture->height - 1, static_cast<int>((1 - wrap(uv.y())) * texture->height));
        const uint8_t* px = texture->At(x, y);
        colors[f] = Vec3(px[0], px[1], px[2]) / 255.0;
      }
      return colors;
    }
  }
  if (mesh.colors.size() == mesh.vertices.size()) {
    for (size_t f = 0; f < mesh.faces.size(); ++f) {
      colors[f] = (mesh.colors[mesh.faces[f][0]] + mesh.colors[mesh.faces[f][1]] +
                   mesh.colors[mesh.faces[f][2]]) /
                  3.0;
    }
  }
  return colors;
}

Image Render(const std::vector<ColoredMesh>& meshes, const Camera& camera, const Vec3& background) {
  return Render(meshes, std::vector<Camera>{camera}, background).front();
}

Image Tile(const std::vector<Image>& images, int columns) {
  Image out;
  if (images.empty() || columns < 1) return out;
  // cells as large as the largest image; a smaller one sits in its cell's top-left corner on
  // white (images of several sizes: a scene view beside grasp views)
  int w = 0, h = 0;
  for (const Image& image : images) {
    w = std::max(w, image.width);
    h = std::max(h, image.height);
  }
  const int rows = (static_cast<int>(images.size()) + columns - 1) / columns;
  out.Resize(w * columns, h * rows);
  for (size_t i = 0; i < images.size(); ++i) {
    const int ox = static_cast<int>(i % columns) * w, oy = static_cast<int>(i / columns) * h;
    for (int y = 0; y < images[i].height; ++y) {
      std::copy(images[i].At(0, y), images[i].At(0, y) + 3 * images[i].width, out.At(ox, oy + y));
    }
  }
  return out;
}

namespace {

/// The PNG encoding of `image` into the file `tmp` (errors name `path`).
Status WritePngTo(const Image& image, const std::string& tmp, const std::string& path) {
  FILE* file = std::fopen(tmp.c_str(), "wb");
  if (file == nullptr) return Error{path + ": cannot open for writing"};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::fclose(file);
    return Error{path + ": PNG encoding failed"};
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, image.width, image.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y) png_write_row(png, const_cast<uint8_t*>(image.At(0, y)));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fclose(file) != 0) return Error{path + ": write failed"};
  return Status::Ok();
}

}  // namespace

Status WritePng(const Image& image, const std::string& path) {
  return WriteAtomically(path,
                         [&](const std::string& tmp) { return WritePngTo(image, tmp, path); });
}

Image PartPreview(const LabeledMesh& object, int view_width, int view_height) {
  Vec3 lo, hi;
  object.mesh.Bounds(&lo, &hi);
  const ColoredMesh cm{&object.mesh, PartFaceColors(object)};
  std::vector<Camera> cameras;
  for (const auto& [az, el] : {std::pair{-60.0, 25.0}, std::pair{30.0, 25.0},
                               std::pair{-60.0, 70.0}, std::pair{120.0, 15.0}}) {
    cameras.push_back(FitCamera(lo, hi, az, el, view_width, view_height));
  }
  return Tile(Render({cm}, cameras), 2);  // one scene, four views
}

}  // namespace dexvlg
