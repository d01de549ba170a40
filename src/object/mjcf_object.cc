#include "object/mjcf_object.h"

#include <mujoco/mujoco.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "mj/mjcf.h"

namespace dexvlg {

namespace fs = std::filesystem;

bool IsMjcfObjectFile(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext != ".xml") return false;
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head.find("<mujoco") != std::string::npos;
}

namespace {

struct PoseCall {
  const mjModel* m;
  mjData* d;
};

/// The texture colour at (u, v) of 2-D texture `tex` (wrapping), or false when there is none.
bool TextureColor(const mjModel* m, int tex, double u, double v, Vec3* rgb) {
  if (tex < 0 || m->tex_type[tex] != mjTEXTURE_2D) return false;
  const int w = m->tex_width[tex], h = m->tex_height[tex];
  if (w <= 0 || h <= 0) return false;
  auto wrap = [](double t) { return t - std::floor(t); };
  const int x = std::min(w - 1, static_cast<int>(wrap(u) * w));
  const int y = std::min(h - 1, static_cast<int>(wrap(v) * h));
  const mjtByte* p = m->tex_rgb + m->tex_adr[tex] + 3 * (static_cast<size_t>(y) * w + x);
  *rgb = Vec3(p[0], p[1], p[2]) / 255.0;
  return true;
}

}  // namespace

Expected<LabeledMesh> LoadMjcfObject(const std::string& path, double scale) {
  if (!IsMjcfObjectFile(path)) return Error{path + ": not an MJCF file (.xml with <mujoco>)"};
  auto model = LoadMjcf(path);
  if (!model) return model.error();
  const mjModel* m = model->get();
  PoseCall call{m, nullptr};
  const std::string fatal = GuardMujoco(
      [](void* c) {
        auto* p = static_cast<PoseCall*>(c);
        p->d = mj_makeData(p->m);
        if (p->d != nullptr) mj_kinematics(p->m, p->d);
      },
      &call);
  std::unique_ptr<mjData, void (*)(mjData*)> data(call.d, mj_deleteData);
  if (!fatal.empty() || !data) return Error{path + ": MuJoCo could not place the model: " + fatal};
  std::vector<int> chosen, every;
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_type[g] != mjGEOM_MESH || m->geom_dataid[g] < 0) continue;
    every.push_back(g);
    if (m->geom_contype[g] == 0 && m->geom_conaffinity[g] == 0) chosen.push_back(g);
  }
  if (chosen.empty()) chosen = every;
  if (chosen.empty()) return Error{path + ": the model has no mesh geom to take as the object"};
  LabeledMesh out;
  out.name = fs::path(path).stem().string();
  // MuJoCo gives a textured mesh one vertex per face corner; equal positions are welded back
  // into one vertex (the first corner's colour kept), so the surface is connected again
  std::map<std::array<float, 3>, int> welded;
  bool textured = true;
  for (int g : chosen) {
    const int mesh = m->geom_dataid[g];
    const int v0 = m->mesh_vertadr[mesh], nv = m->mesh_vertnum[mesh];
    const int f0 = m->mesh_faceadr[mesh], nf = m->mesh_facenum[mesh];
    const int uv0 = m->mesh_texcoordadr[mesh];
    const int mat = m->geom_matid[g];
    const int tex = mat >= 0 ? m->mat_texid[mat] : -1;
    Mat3 R;
    for (int r = 0; r < 3; ++r) {
      for (int c = 0; c < 3; ++c) R(r, c) = data->geom_xmat[9 * g + 3 * r + c];
    }
    const Vec3 p(data->geom_xpos[3 * g], data->geom_xpos[3 * g + 1], data->geom_xpos[3 * g + 2]);
    std::vector<int> index(nv);
    for (int i = 0; i < nv; ++i) {
      const float* v = m->mesh_vert + 3 * static_cast<size_t>(v0 + i);
      const std::array<float, 3> key{v[0], v[1], v[2]};
      const auto [it, added] = welded.emplace(key, out.mesh.num_vertices());
      index[i] = it->second;
      if (!added) continue;
      out.mesh.vertices.push_back(scale * (R * Vec3(v[0], v[1], v[2]) + p));
      Vec3 rgb;
      textured = textured && uv0 >= 0 &&
                 TextureColor(m, tex, m->mesh_texcoord[2 * (uv0 + i)],
                              m->mesh_texcoord[2 * (uv0 + i) + 1], &rgb);
      if (textured) out.mesh.colors.push_back(rgb);
    }
    for (int f = 0; f < nf; ++f) {
      const int* t = m->mesh_face + 3 * static_cast<size_t>(f0 + f);
      out.mesh.faces.push_back({index[t[0]], index[t[1]], index[t[2]]});
    }
    welded.clear();  // another geom's vertices are another surface
  }
  if (!textured) out.mesh.colors.clear();  // colours only when every vertex has one
  if (Status s = ValidateMesh(out.mesh, path); !s) return s.error();
  out.face_labels.assign(out.mesh.faces.size(), 0);
  out.part_names = {"body"};
  return out;
}

}  // namespace dexvlg
