#include "object/mesh_io.h"

#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <assimp/Importer.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/atomic_file.h"

namespace dexvlg {

namespace fs = std::filesystem;

namespace {

void AppendNode(const aiScene* scene, const aiNode* node, const aiMatrix4x4& parent,
                const std::string& folder, double scale, TriMesh* out, bool* any_colors,
                bool* any_uvs) {
  const aiMatrix4x4 transform = parent * node->mTransformation;
  for (unsigned i = 0; i < node->mNumMeshes; ++i) {
    const aiMesh* mesh = scene->mMeshes[node->mMeshes[i]];
    const int offset = out->num_vertices();
    for (unsigned v = 0; v < mesh->mNumVertices; ++v) {
      const aiVector3D p = transform * mesh->mVertices[v];
      out->vertices.emplace_back(scale * p.x, scale * p.y, scale * p.z);
      if (mesh->HasVertexColors(0)) {
        const aiColor4D& c = mesh->mColors[0][v];
        out->colors.emplace_back(c.r, c.g, c.b);
        *any_colors = true;
      } else {
        out->colors.emplace_back(0.7, 0.7, 0.7);
      }
      if (mesh->HasTextureCoords(0)) {
        out->uvs.emplace_back(mesh->mTextureCoords[0][v].x, mesh->mTextureCoords[0][v].y);
        *any_uvs = true;
      } else {
        out->uvs.emplace_back(0, 0);
      }
    }
    for (unsigned f = 0; f < mesh->mNumFaces; ++f) {
      const aiFace& face = mesh->mFaces[f];
      if (face.mNumIndices != 3) continue;  // points and lines left by triangulation
      out->faces.push_back({offset + static_cast<int>(face.mIndices[0]),
                            offset + static_cast<int>(face.mIndices[1]),
                            offset + static_cast<int>(face.mIndices[2])});
    }
    if (out->texture.empty() && mesh->mMaterialIndex < scene->mNumMaterials) {
      aiString tex;
      if (scene->mMaterials[mesh->mMaterialIndex]->GetTexture(aiTextureType_DIFFUSE, 0, &tex) ==
              AI_SUCCESS &&
          tex.length > 0 && tex.C_Str()[0] != '*') {
        const fs::path p = fs::path(folder) / tex.C_Str();
        if (fs::exists(p)) out->texture = p.string();
      }
    }
  }
  for (unsigned c = 0; c < node->mNumChildren; ++c) {
    AppendNode(scene, node->mChildren[c], transform, folder, scale, out, any_colors, any_uvs);
  }
}

}  // namespace

namespace {

// Runs assimp on `path` (in the calling process).
Expected<TriMesh> ImportWithAssimp(const std::string& path, double scale) {
  Assimp::Importer importer;
  const aiScene* scene =
      importer.ReadFile(path, aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                                  aiProcess_SortByPType | aiProcess_ValidateDataStructure);
  if (scene == nullptr || scene->mRootNode == nullptr) {
    const std::string why = importer.GetErrorString();
    return Error{path + ": cannot read the mesh: " + (why.empty() ? "unknown format" : why)};
  }
  TriMesh mesh;
  bool any_colors = false, any_uvs = false;
  AppendNode(scene, scene->mRootNode, aiMatrix4x4(), fs::path(path).parent_path().string(), scale,
             &mesh, &any_colors, &any_uvs);
  if (!any_colors) mesh.colors.clear();
  if (!any_uvs) mesh.uvs.clear();
  return mesh;
}

// --- a tiny binary framing to bring the child's result back through a pipe -----------------

template <typename T>
void Put(std::string* out, const T& v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}
template <typename T>
bool Get(const std::string& in, size_t* at, T* v) {
  if (*at + sizeof(T) > in.size()) return false;
  std::memcpy(static_cast<void*>(v), in.data() + *at, sizeof(T));
  *at += sizeof(T);
  return true;
}

std::string Serialise(const Expected<TriMesh>& result) {
  std::string out;
  if (!result.ok()) {
    out.push_back('E');
    out += result.error().message;
    return out;
  }
  const TriMesh& m = *result;
  out.push_back('M');
  Put(&out, static_cast<uint64_t>(m.vertices.size()));
  Put(&out, static_cast<uint64_t>(m.faces.size()));
  Put(&out, static_cast<uint64_t>(m.colors.size()));
  Put(&out, static_cast<uint64_t>(m.uvs.size()));
  Put(&out, static_cast<uint64_t>(m.texture.size()));
  for (const Vec3& v : m.vertices) Put(&out, v);
  for (const auto& f : m.faces) Put(&out, f);
  for (const Vec3& c : m.colors) Put(&out, c);
  for (const auto& uv : m.uvs) Put(&out, uv);
  out += m.texture;
  return out;
}

Expected<TriMesh> Deserialise(const std::string& in, const std::string& path) {
  if (in.empty()) return Error{path + ": the mesh parser stopped without a result"};
  if (in[0] == 'E') return Error{in.substr(1)};
  size_t at = 1;
  uint64_t nv = 0, nf = 0, nc = 0, nuv = 0, nt = 0;
  TriMesh m;
  bool ok = Get(in, &at, &nv) && Get(in, &at, &nf) && Get(in, &at, &nc) && Get(in, &at, &nuv) &&
            Get(in, &at, &nt);
  const uint64_t need = nv * sizeof(Vec3) + nf * sizeof(std::array<int, 3>) + nc * sizeof(Vec3) +
                        nuv * sizeof(Eigen::Vector2d) + nt;
  ok = ok && at + need == in.size();
  if (!ok) return Error{path + ": the mesh parser returned a malformed result"};
  m.vertices.resize(nv);
  m.faces.resize(nf);
  m.colors.resize(nc);
  m.uvs.resize(nuv);
  for (auto& v : m.vertices) Get(in, &at, &v);
  for (auto& f : m.faces) Get(in, &at, &f);
  for (auto& c : m.colors) Get(in, &at, &c);
  for (auto& uv : m.uvs) Get(in, &at, &uv);
  m.texture = in.substr(at, nt);
  return m;
}

// The Debian assimp build aborts the process on internal assertions that corrupt files can
// trigger, so parsing runs in a forked child: a crash, abort or hang there becomes an error here.
// The child also runs under a memory cap so that absurd element counts fail fast instead of
// exhausting the machine.
constexpr int kParseTimeoutSeconds = 120;
constexpr rlim_t kParseMemoryBytes = rlim_t{3} << 30;

/// The address space this process maps now (bytes; 0 when /proc cannot say). The child's memory
/// cap counts on top of it: a forked child starts with everything its parent maps, and a parent
/// that already maps gigabytes (LibTorch, a server) would leave an absolute cap no room at all.
rlim_t MappedBytes() {
  std::ifstream statm("/proc/self/statm");
  unsigned long long pages = 0;
  if (!(statm >> pages)) return 0;
  return static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE));
}

Expected<TriMesh> ImportIsolated(const std::string& path, double scale) {
  const rlim_t cap = MappedBytes() + kParseMemoryBytes;
  int fds[2];
  if (pipe(fds) != 0) return ImportWithAssimp(path, scale);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return ImportWithAssimp(path, scale);
  }
  if (pid == 0) {  // child: parse, write the result, leave without running destructors
    close(fds[0]);
    // assimp's assertion messages would interleave with ours; the parent reports the failure
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, STDERR_FILENO);
    rlimit memory{};
    if (getrlimit(RLIMIT_AS, &memory) == 0 && cap < memory.rlim_max) {
      memory.rlim_cur = memory.rlim_max = cap;
      setrlimit(RLIMIT_AS, &memory);
    }
    const rlimit cpu{kParseTimeoutSeconds, kParseTimeoutSeconds};
    setrlimit(RLIMIT_CPU, &cpu);
    const std::string blob = Serialise(ImportWithAssimp(path, scale));
    size_t done = 0;
    while (done < blob.size()) {
      const ssize_t n = write(fds[1], blob.data() + done, blob.size() - done);
      if (n <= 0) _exit(2);
      done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string blob;
  char buffer[1 << 16];
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(kParseTimeoutSeconds);
  bool timed_out = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n <= 0) break;
    blob.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Error{path + ": the mesh parser did not finish within " +
                 std::to_string(kParseTimeoutSeconds) + " s (corrupt or huge file)"};
  }
  if (WIFSIGNALED(status)) {
    return Error{path + ": the mesh parser crashed on this file (" + strsignal(WTERMSIG(status)) +
                 "): it is corrupt or not a supported mesh"};
  }
  return Deserialise(blob, path);
}

// PLY headers declare element counts up front; assimp trusts them and can spend minutes
// allocating for a corrupt count. Each element needs at least one byte per property (binary) or
// two (ASCII: a digit and a separator), so a count the file cannot hold is rejected here.
Status CheckPlyHeader(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!std::getline(in, line) || line.rfind("ply", 0) != 0) return Status::Ok();  // not PLY
  bool ascii = false;
  std::vector<std::pair<std::string, unsigned long long>> elements;
  std::vector<int> properties;
  for (int lines = 0; std::getline(in, line) && lines < 10000; ++lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    std::string word;
    words >> word;
    if (word == "format") {
      std::string kind;
      words >> kind;
      ascii = kind == "ascii";
    } else if (word == "element") {
      std::string name;
      unsigned long long count = 0;
      if (!(words >> name >> count)) return Error{path + ": malformed PLY element line: " + line};
      elements.emplace_back(name, count);
      properties.push_back(0);
    } else if (word == "property" && !properties.empty()) {
      properties.back()++;
    } else if (word == "end_header") {
      const std::streamoff body_start = in.tellg();
      in.seekg(0, std::ios::end);
      const unsigned long long body = static_cast<unsigned long long>(in.tellg() - body_start);
      long double need = 0;
      for (size_t e = 0; e < elements.size(); ++e) {
        need += static_cast<long double>(elements[e].second) * std::max(1, properties[e]) *
                (ascii ? 2 : 1);
      }
      if (need > body) {
        return Error{path + ": PLY header declares more elements than the file can hold (" +
                     std::to_string(body) + " bytes of data)"};
      }
      return Status::Ok();
    }
  }
  return Error{path + ": PLY header has no end_header"};
}

}  // namespace

Expected<TriMesh> LoadMesh(const std::string& path, const MeshLoadOptions& options) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Error{path + ": no such mesh file"};
  if (!(options.scale > 0) || !std::isfinite(options.scale)) {
    return Error{path + ": scale must be a positive number"};
  }
  if (Status s = CheckPlyHeader(path); !s) return s.error();
  auto mesh = ImportIsolated(path, options.scale);
  if (!mesh) return mesh.error();
  if (Status s = ValidateMesh(*mesh, path); !s) return s.error();
  return mesh;
}

Status SaveObj(const TriMesh& mesh, const std::string& path) {
  if (Status s = CheckOutputPath(path); !s) return s;
  std::ostringstream out;
  out << "# written by dexvlg\n";
  // a textured mesh keeps its texture: copied beside the OBJ and bound by a material file
  const bool textured = !mesh.texture.empty() && mesh.uvs.size() == mesh.vertices.size();
  if (textured) {
    const fs::path obj(path);
    const fs::path texture = fs::path(mesh.texture).filename();
    const fs::path mtl = obj.parent_path() / (obj.stem().string() + ".mtl");
    std::error_code ec;
    if (fs::absolute(mesh.texture, ec) != fs::absolute(obj.parent_path() / texture, ec)) {
      fs::copy_file(mesh.texture, obj.parent_path() / texture, fs::copy_options::overwrite_existing,
                    ec);
      if (ec)
        return Error{path + ": cannot copy the texture " + mesh.texture + ": " + ec.message()};
    }
    if (Status s = WriteTextAtomically(
            mtl.string(), "newmtl textured\nKd 1 1 1\nmap_Kd " + texture.string() + "\n");
        !s) {
      return s;
    }
    out << "mtllib " << mtl.filename().string() << "\nusemtl textured\n";
  }
  out.precision(9);
  const bool colors = mesh.colors.size() == mesh.vertices.size() && !mesh.colors.empty();
  for (int i = 0; i < mesh.num_vertices(); ++i) {
    const Vec3& v = mesh.vertices[i];
    out << "v " << v.x() << " " << v.y() << " " << v.z();
    if (colors) {
      out << " " << mesh.colors[i].x() << " " << mesh.colors[i].y() << " " << mesh.colors[i].z();
    }
    out << "\n";
  }
  if (textured) {
    for (const auto& uv : mesh.uvs) out << "vt " << uv.x() << " " << uv.y() << "\n";
    for (const auto& f : mesh.faces) {
      out << "f " << f[0] + 1 << "/" << f[0] + 1 << " " << f[1] + 1 << "/" << f[1] + 1 << " "
          << f[2] + 1 << "/" << f[2] + 1 << "\n";
    }
  } else {
    for (const auto& f : mesh.faces)
      out << "f " << f[0] + 1 << " " << f[1] + 1 << " " << f[2] + 1 << "\n";
  }
  return WriteTextAtomically(path, out.str());
}

Expected<LabeledMesh> LoadLabeledMesh(const std::string& folder) {
  const fs::path dir(folder);
  const fs::path meta_path = dir / "part_labels.json";
  std::ifstream meta_in(meta_path);
  if (!meta_in)
    return Error{meta_path.string() + ": cannot open (expected a part-labelled object folder)"};
  std::stringstream buffer;
  buffer << meta_in.rdbuf();
  const nlohmann::json meta = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (meta.is_discarded() || !meta.is_object())
    return Error{meta_path.string() + ": not valid JSON"};
  if (!meta.contains("labels") || !meta["labels"].is_object()) {
    return Error{meta_path.string() + ": missing \"labels\" (label -> part name)"};
  }
  LabeledMesh out;
  out.name = meta.contains("object") && meta["object"].is_string()
                 ? meta["object"].get<std::string>()
                 : dir.filename().string();
  for (const auto& [key, value] : meta["labels"].items()) {
    char* end = nullptr;
    const long label = std::strtol(key.c_str(), &end, 10);
    if (end == key.c_str() || *end != '\0' || label < 0 || label > 1000 || !value.is_string()) {
      return Error{meta_path.string() + ": bad label entry \"" + key + "\""};
    }
    if (static_cast<int>(out.part_names.size()) <= label) out.part_names.resize(label + 1);
    out.part_names[label] = value.get<std::string>();
  }
  auto field = [&](const char* key, const char* fallback) {
    return (dir /
            (meta.contains(key) && meta[key].is_string() ? meta[key].get<std::string>() : fallback))
        .string();
  };
  const std::string mesh_path = field("merged_mesh", "merged.obj");
  const std::string labels_path = field("face_labels", "merged_face_labels.txt");
  auto mesh = LoadMesh(mesh_path);
  if (!mesh) return mesh.error();
  out.mesh = std::move(mesh.value());
  std::ifstream labels_in(labels_path);
  if (!labels_in) return Error{labels_path + ": cannot open the face labels"};
  std::string line;
  while (std::getline(labels_in, line)) {
    if (line.empty()) continue;
    char* end = nullptr;
    const long label = std::strtol(line.c_str(), &end, 10);
    if (end == line.c_str() || label < 0 || label >= static_cast<long>(out.part_names.size()) ||
        out.part_names[label].empty()) {
      return Error{labels_path + ": line " + std::to_string(out.face_labels.size() + 1) +
                   ": label \"" + line + "\" is not named in part_labels.json"};
    }
    out.face_labels.push_back(static_cast<int>(label));
  }
  if (static_cast<int>(out.face_labels.size()) != out.mesh.num_faces()) {
    return Error{labels_path + ": " + std::to_string(out.face_labels.size()) + " labels for " +
                 std::to_string(out.mesh.num_faces()) + " faces of " + mesh_path};
  }
  return out;
}

}  // namespace dexvlg
