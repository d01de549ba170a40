#include "model/cloud_io.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dexvlg {

namespace {

struct Property {
  std::string name, type;
  int Size() const {
    if (type == "char" || type == "uchar" || type == "int8" || type == "uint8") return 1;
    if (type == "short" || type == "ushort" || type == "int16" || type == "uint16") return 2;
    if (type == "double" || type == "float64") return 8;
    return 4;  // int, uint, float and their sized names
  }
};

double Binary(const char* p, const std::string& type) {
  auto get = [&](auto v) {
    std::memcpy(&v, p, sizeof(v));
    return static_cast<double>(v);
  };
  if (type == "char" || type == "int8") return get(int8_t{});
  if (type == "uchar" || type == "uint8") return get(uint8_t{});
  if (type == "short" || type == "int16") return get(int16_t{});
  if (type == "ushort" || type == "uint16") return get(uint16_t{});
  if (type == "int" || type == "int32") return get(int32_t{});
  if (type == "uint" || type == "uint32") return get(uint32_t{});
  if (type == "double" || type == "float64") return get(double{});
  return get(float{});
}

}  // namespace

Expected<Cloud> ReadCloudPly(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the point cloud"};
  std::string line;
  std::getline(in, line);
  if (line.rfind("ply", 0) != 0) return Error{path + ": not a PLY file (no \"ply\" header)"};
  std::string format;
  long long vertices = -1;
  bool in_vertex = false;
  std::vector<Property> props;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream ls(line);
    std::string word;
    ls >> word;
    if (word == "format") {
      ls >> format;
    } else if (word == "element") {
      std::string name;
      long long n = 0;
      ls >> name >> n;
      in_vertex = name == "vertex";
      if (in_vertex) vertices = n;
    } else if (word == "property" && in_vertex) {
      Property p;
      ls >> p.type;
      if (p.type == "list") return Error{path + ": list properties on vertices are not supported"};
      ls >> p.name;
      props.push_back(p);
    } else if (word == "end_header") {
      break;
    }
  }
  if (format != "ascii" && format != "binary_little_endian")
    return Error{path + ": PLY format \"" + format + "\" (expected ascii or binary_little_endian)"};
  if (vertices <= 0) return Error{path + ": the point cloud has no vertices"};
  if (vertices > 50'000'000)
    return Error{path + ": " + std::to_string(vertices) + " points (at most 50 million)"};
  int ix = -1, iy = -1, iz = -1, ir = -1, ig = -1, ib = -1, il = -1;
  for (size_t i = 0; i < props.size(); ++i) {
    const std::string& n = props[i].name;
    int* slot = n == "x"       ? &ix
                : n == "y"     ? &iy
                : n == "z"     ? &iz
                : n == "red"   ? &ir
                : n == "green" ? &ig
                : n == "blue"  ? &ib
                : n == "label" ? &il
                               : nullptr;
    if (slot) *slot = static_cast<int>(i);
  }
  if (ix < 0 || iy < 0 || iz < 0) return Error{path + ": the vertices have no x, y and z"};
  const bool color = ir >= 0 && ig >= 0 && ib >= 0;
  Cloud cloud;
  cloud.xyz.resize(3 * vertices);
  if (color) cloud.rgb.resize(3 * vertices);
  if (il >= 0) cloud.labels.resize(vertices);
  std::vector<double> row(props.size());
  int stride = 0;
  for (const Property& p : props) stride += p.Size();
  std::vector<char> bytes(stride);
  for (long long v = 0; v < vertices; ++v) {
    if (format == "ascii") {
      for (double& x : row)
        if (!(in >> x)) return Error{path + ": the body ends at vertex " + std::to_string(v)};
    } else {
      if (!in.read(bytes.data(), stride))
        return Error{path + ": the body ends at vertex " + std::to_string(v)};
      int offset = 0;
      for (size_t i = 0; i < props.size(); ++i) {
        row[i] = Binary(bytes.data() + offset, props[i].type);
        offset += props[i].Size();
      }
    }
    for (int k = 0; k < 3; ++k) {
      const double x = row[k == 0 ? ix : k == 1 ? iy : iz];
      if (!std::isfinite(x))
        return Error{path + ": vertex " + std::to_string(v) + " has a non-finite coordinate"};
      cloud.xyz[3 * v + k] = static_cast<float>(x);
    }
    if (color)
      for (int k = 0; k < 3; ++k) {
        const double c = row[k == 0 ? ir : k == 1 ? ig : ib];
        cloud.rgb[3 * v + k] = static_cast<uint8_t>(std::lround(std::clamp(c, 0.0, 255.0)));
      }
    if (il >= 0) cloud.labels[v] = static_cast<int8_t>(std::clamp(row[il], -1.0, 127.0));
  }
  return cloud;
}

}  // namespace dexvlg
