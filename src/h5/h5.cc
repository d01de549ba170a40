#include "h5/h5.h"

#include <hdf5.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>
#include <utility>

namespace dexvlg {
namespace {

size_t Count(const std::vector<uint64_t>& dims) {
  return std::accumulate(dims.begin(), dims.end(), size_t{1},
                         [](size_t a, uint64_t b) { return a * static_cast<size_t>(b); });
}

/// HDF5 closes every file still open when the process exits. A file whose flush or close failed
/// (a full disk) stays open, and closing it again at exit crashes inside HDF5 (segfault in
/// H5F__close_cb, exit 139 after `generate` had reported the failure, its last output lost).
/// dexvlg closes its files itself and reports failures where they happen, so HDF5's exit-time
/// clean-up is turned off before the library is first used.
const bool kNoExitCleanup = [] {
  H5dont_atexit();
  return true;
}();

}  // namespace

bool PutStringAttribute(int64_t location, const std::string& object, const std::string& name,
                        const std::string& value) {
  if (H5Aexists_by_name(location, object.c_str(), name.c_str(), H5P_DEFAULT) > 0) {
    H5Adelete_by_name(location, object.c_str(), name.c_str(), H5P_DEFAULT);
  }
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate_by_name(location, object.c_str(), name.c_str(), type, space,
                                       H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const char* text = value.c_str();
  const bool ok = attr >= 0 && H5Awrite(attr, type, &text) >= 0;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  return ok;
}

bool PutIntAttribute(int64_t location, const std::string& object, const std::string& name,
                     long long value) {
  if (H5Aexists_by_name(location, object.c_str(), name.c_str(), H5P_DEFAULT) > 0) {
    H5Adelete_by_name(location, object.c_str(), name.c_str(), H5P_DEFAULT);
  }
  const hid_t space = H5Screate(H5S_SCALAR);
  const hid_t attr = H5Acreate_by_name(location, object.c_str(), name.c_str(), H5T_STD_I64LE, space,
                                       H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const bool ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_LLONG, &value) >= 0;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  return ok;
}

std::string GetAttribute(int64_t location, const std::string& object, const std::string& name) {
  if (H5Aexists_by_name(location, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return "";
  const hid_t attr =
      H5Aopen_by_name(location, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  if (attr < 0) return "";
  const hid_t type = H5Aget_type(attr);
  const hid_t space = H5Aget_space(attr);
  std::string out;
  if (H5Sget_simple_extent_npoints(space) == 1) {
    if (H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0) {
      char* text = nullptr;
      const hid_t mem = H5Tcopy(H5T_C_S1);
      H5Tset_size(mem, H5T_VARIABLE);
      H5Tset_cset(mem, H5Tget_cset(type));
      if (H5Aread(attr, mem, &text) >= 0 && text != nullptr) {
        out = text;
        H5free_memory(text);
      }
      H5Tclose(mem);
    } else if (H5Tget_class(type) == H5T_STRING) {
      const size_t width = H5Tget_size(type);
      std::vector<char> buffer(width + 1, '\0');
      if (H5Aread(attr, type, buffer.data()) >= 0) {
        out.assign(buffer.data(), strnlen(buffer.data(), width));
      }
    } else if (H5Tget_class(type) == H5T_INTEGER) {
      long long v = 0;
      if (H5Aread(attr, H5T_NATIVE_LLONG, &v) >= 0) out = std::to_string(v);
    }
  }
  H5Sclose(space);
  H5Tclose(type);
  H5Aclose(attr);
  return out;
}

Expected<H5Writer> H5Writer::Create(const std::string& path) { return Open(path, true); }
Expected<H5Writer> H5Writer::Append(const std::string& path) { return Open(path, false); }

Expected<H5Writer> H5Writer::Open(const std::string& path, bool create) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become return values, not prints
  H5Writer w;
  w.path_ = path;
  w.file_ = create ? H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)
                   : H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (w.file_ < 0) {
    return Error{path + (create ? ": cannot create the HDF5 file"
                                : ": cannot open the HDF5 file for writing")};
  }
  return w;
}

H5Writer::H5Writer(H5Writer&& o) noexcept { *this = std::move(o); }
H5Writer& H5Writer::operator=(H5Writer&& o) noexcept {
  std::swap(path_, o.path_);
  std::swap(file_, o.file_);
  std::swap(error_, o.error_);
  return *this;
}
H5Writer::~H5Writer() {
  if (file_ >= 0) H5Fclose(file_);
}

void H5Writer::Fail(const std::string& what) {
  if (!error_.empty()) return;
  error_ = path_ + ": " + what;
  // HDF5 does not say why a write failed; a full disk is the usual reason, so say when it is
  struct statvfs fs {};
  const std::string folder = path_.find('/') == std::string::npos
                                 ? std::string(".")
                                 : path_.substr(0, std::max<size_t>(path_.rfind('/'), 1));
  if (statvfs(folder.c_str(), &fs) == 0) {
    const unsigned long long free_bytes =
        static_cast<unsigned long long>(fs.f_bavail) * static_cast<unsigned long long>(fs.f_frsize);
    if (free_bytes < (4ull << 20)) {
      error_ += " (the disk is full: " + std::to_string(free_bytes / 1024) + " KB left in " +
                folder + ")";
    }
  }
}

void H5Writer::PutRaw(const std::string& name, int64_t mem_type, int64_t file_type,
                      const void* data, const std::vector<uint64_t>& dims) {
  if (file_ < 0 || !error_.empty()) return;
  if (H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0 &&
      H5Ldelete(file_, name.c_str(), H5P_DEFAULT) < 0) {
    Fail("cannot replace dataset " + name);
    return;
  }
  std::vector<hsize_t> d(dims.begin(), dims.end());
  const hid_t space = H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t dcpl = H5P_DEFAULT;
  const size_t n = Count(dims);
  if (n >= 4096) {  // large arrays: chunked and compressed (zlib, readable by any h5py)
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    std::vector<hsize_t> chunk = d;
    size_t inner = 1;
    for (size_t i = 1; i < chunk.size(); ++i) inner *= chunk[i];
    chunk[0] =
        std::max<hsize_t>(1, std::min<hsize_t>(chunk[0], 65536 / std::max<size_t>(1, inner)));
    H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data());
    H5Pset_deflate(dcpl, 4);
    H5Pset_fletcher32(dcpl);  // a checksum per chunk: corruption is an error on reading
  }
  const hid_t set = H5Dcreate2(file_, name.c_str(), file_type, space, lcpl, dcpl, H5P_DEFAULT);
  if (set < 0 || (n > 0 && H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)) {
    Fail("cannot write dataset " + name);
  }
  if (set >= 0) H5Dclose(set);
  if (dcpl != H5P_DEFAULT) H5Pclose(dcpl);
  H5Pclose(lcpl);
  H5Sclose(space);
}

void H5Writer::Put(const std::string& name, const std::vector<double>& v,
                   std::vector<uint64_t> dims) {
  PutRaw(name, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, v.data(), dims);
}
void H5Writer::Put(const std::string& name, const std::vector<float>& v,
                   std::vector<uint64_t> dims) {
  PutRaw(name, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, v.data(), dims);
}
void H5Writer::Put(const std::string& name, const std::vector<int>& v, std::vector<uint64_t> dims) {
  PutRaw(name, H5T_NATIVE_INT, H5T_STD_I32LE, v.data(), dims);
}
void H5Writer::Put(const std::string& name, const std::vector<int8_t>& v,
                   std::vector<uint64_t> dims) {
  PutRaw(name, H5T_NATIVE_SCHAR, H5T_STD_I8LE, v.data(), dims);
}
void H5Writer::Put(const std::string& name, const std::vector<uint8_t>& v,
                   std::vector<uint64_t> dims) {
  PutRaw(name, H5T_NATIVE_UCHAR, H5T_STD_U8LE, v.data(), dims);
}

void H5Writer::PutStrings(const std::string& name, const std::vector<std::string>& values) {
  size_t width = 1;
  for (const std::string& s : values) width = std::max(width, s.size());
  std::vector<char> buffer(values.size() * width, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    std::copy(values[i].begin(), values[i].end(), buffer.begin() + i * width);
  }
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, width);
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  PutRaw(name, type, type, buffer.data(), {values.size()});
  H5Tclose(type);
}

void H5Writer::Attribute(const std::string& object, const std::string& name,
                         const std::string& value) {
  if (file_ < 0 || !error_.empty()) return;
  if (!PutStringAttribute(file_, object, name, value)) {
    Fail("cannot write attribute " + name + " of " + object);
  }
}

void H5Writer::Attribute(const std::string& object, const std::string& name, long long value) {
  if (file_ < 0 || !error_.empty()) return;
  if (!PutIntAttribute(file_, object, name, value)) {
    Fail("cannot write attribute " + name + " of " + object);
  }
}

Status H5Writer::Close() {
  if (file_ >= 0) {
    if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) Fail("flush failed");
    if (H5Fclose(file_) < 0) Fail("close failed");
    file_ = -1;
  }
  if (!error_.empty()) return Error{error_};
  return Status::Ok();
}

Expected<H5Reader> H5Reader::Open(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  H5Reader r;
  r.path_ = path;
  r.file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (r.file_ < 0) return Error{path + ": not a readable HDF5 file"};
  return r;
}

H5Reader::H5Reader(H5Reader&& o) noexcept { *this = std::move(o); }
H5Reader& H5Reader::operator=(H5Reader&& o) noexcept {
  std::swap(path_, o.path_);
  std::swap(file_, o.file_);
  return *this;
}
H5Reader::~H5Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

bool H5Reader::Has(const std::string& name) const {
  // every link on the path must exist (H5Lexists fails on a missing intermediate group)
  size_t pos = 0;
  while ((pos = name.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(file_, name.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0;
}

std::vector<uint64_t> H5Reader::Dims(const std::string& name) const {
  if (!Has(name)) return {};
  const hid_t set = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
  if (set < 0) return {};
  const hid_t space = H5Dget_space(set);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> d(std::max(rank, 0));
  H5Sget_simple_extent_dims(space, d.data(), nullptr);
  H5Sclose(space);
  H5Dclose(set);
  return std::vector<uint64_t>(d.begin(), d.end());
}

Status H5Reader::ReadRaw(const std::string& name, int64_t mem_type, size_t, void* out,
                         size_t count) const {
  if (!Has(name)) return Error{path_ + ": dataset " + name + " is missing"};
  const hid_t set = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
  const herr_t status = count == 0 ? 0 : H5Dread(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out);
  H5Dclose(set);
  if (status < 0) return Error{path_ + ": dataset " + name + " cannot be read (corrupt?)"};
  return Status::Ok();
}

namespace {
template <typename T>
Expected<std::vector<T>> ReadAs(const H5Reader& r, const std::string& name,
                                const std::function<Status(void*, size_t)>& read) {
  const std::vector<uint64_t> dims = r.Dims(name);
  if (dims.empty() && !r.Has(name)) return Error{r.path() + ": dataset " + name + " is missing"};
  std::vector<T> out(Count(dims));
  if (Status s = read(out.data(), out.size()); !s) return s.error();
  return out;
}
}  // namespace

Expected<std::vector<double>> H5Reader::Doubles(const std::string& name) const {
  return ReadAs<double>(*this, name, [&](void* p, size_t n) {
    return ReadRaw(name, H5T_NATIVE_DOUBLE, sizeof(double), p, n);
  });
}
Expected<std::vector<float>> H5Reader::Floats(const std::string& name) const {
  return ReadAs<float>(*this, name, [&](void* p, size_t n) {
    return ReadRaw(name, H5T_NATIVE_FLOAT, sizeof(float), p, n);
  });
}
Expected<std::vector<int>> H5Reader::Ints(const std::string& name) const {
  return ReadAs<int>(*this, name, [&](void* p, size_t n) {
    return ReadRaw(name, H5T_NATIVE_INT, sizeof(int), p, n);
  });
}
Expected<std::vector<uint8_t>> H5Reader::Bytes(const std::string& name) const {
  return ReadAs<uint8_t>(
      *this, name, [&](void* p, size_t n) { return ReadRaw(name, H5T_NATIVE_UCHAR, 1, p, n); });
}

Expected<std::vector<std::string>> H5Reader::Strings(const std::string& name) const {
  if (!Has(name)) return Error{path_ + ": dataset " + name + " is missing"};
  const hid_t set = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
  const hid_t type = H5Dget_type(set);
  const size_t width = H5Tget_size(type);
  const bool is_string = H5Tget_class(type) == H5T_STRING && !H5Tis_variable_str(type);
  const std::vector<uint64_t> dims = Dims(name);
  const size_t n = Count(dims);
  std::vector<char> buffer(n * width + 1, '\0');
  herr_t status = -1;
  if (is_string) {
    const hid_t mem = H5Tcopy(H5T_C_S1);
    H5Tset_size(mem, width);
    H5Tset_strpad(mem, H5T_STR_NULLPAD);
    status = n == 0 ? 0 : H5Dread(set, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
    H5Tclose(mem);
  }
  H5Tclose(type);
  H5Dclose(set);
  if (status < 0) return Error{path_ + ": dataset " + name + " is not a readable string array"};
  std::vector<std::string> out(n);
  for (size_t i = 0; i < n; ++i) {
    const char* s = buffer.data() + i * width;
    out[i].assign(s, strnlen(s, width));
  }
  return out;
}

std::string H5Reader::Attribute(const std::string& object, const std::string& name) const {
  if (object != "/" && !Has(object)) return "";
  return GetAttribute(file_, object, name);
}

std::vector<std::string> H5Reader::Members(const std::string& group) const {
  std::vector<std::string> out;
  if (group != "/" && !Has(group)) return out;
  const hid_t g = H5Gopen2(file_, group.c_str(), H5P_DEFAULT);
  if (g < 0) return out;
  H5G_info_t info;
  if (H5Gget_info(g, &info) >= 0) {
    for (hsize_t i = 0; i < info.nlinks; ++i) {
      const ssize_t len =
          H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
      if (len < 0) continue;
      std::string name(static_cast<size_t>(len) + 1, '\0');
      H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                         H5P_DEFAULT);
      name.resize(static_cast<size_t>(len));
      out.push_back(name);
    }
  }
  H5Gclose(g);
  return out;
}

}  // namespace dexvlg
