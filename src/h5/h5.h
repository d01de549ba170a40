// Small HDF5 reader and writer for the dataset store: typed n-d datasets with intermediate
// groups, fixed-length string datasets (h5py reads them as bytes) and string attributes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace dexvlg {

/// Low-level helpers for code holding an HDF5 location id (an hid_t as int64_t). A string
/// attribute is written scalar, variable-length, UTF-8: h5py (3.x) reads it as `str`, not
/// `bytes`; an integer one scalar (h5py: an int, not a one-element array). Replaces an attribute
/// of the same name. False on failure.
bool PutStringAttribute(int64_t location, const std::string& object, const std::string& name,
                        const std::string& value);
bool PutIntAttribute(int64_t location, const std::string& object, const std::string& name,
                     long long value);
/// A string attribute, fixed-length (files of earlier versions) or variable-length, or an
/// integer one as its decimal text; "" when absent or of another type.
std::string GetAttribute(int64_t location, const std::string& object, const std::string& name);

/// A new HDF5 file being written. Every failure is remembered: Close() reports the first one.
class H5Writer {
 public:
  /// Creates (truncates) `path`.
  static Expected<H5Writer> Create(const std::string& path);
  /// Opens an existing `path` to add to it: a dataset written under a name that exists replaces
  /// it.
  static Expected<H5Writer> Append(const std::string& path);
  H5Writer(H5Writer&&) noexcept;
  H5Writer& operator=(H5Writer&&) noexcept;
  ~H5Writer();

  /// Dataset `name` ("/a/b/c": groups made as needed) with row-major `dims`.
  void Put(const std::string& name, const std::vector<double>& v, std::vector<uint64_t> dims);
  void Put(const std::string& name, const std::vector<float>& v, std::vector<uint64_t> dims);
  void Put(const std::string& name, const std::vector<int>& v, std::vector<uint64_t> dims);
  void Put(const std::string& name, const std::vector<int8_t>& v, std::vector<uint64_t> dims);
  void Put(const std::string& name, const std::vector<uint8_t>& v, std::vector<uint64_t> dims);
  void PutStrings(const std::string& name, const std::vector<std::string>& values);
  /// String attribute on the group or dataset `object` ("/" for the file).
  void Attribute(const std::string& object, const std::string& name, const std::string& value);
  void Attribute(const std::string& object, const std::string& name, long long value);
  /// Flushes and closes; the first error, naming the file and the dataset.
  Status Close();

 private:
  H5Writer() = default;
  static Expected<H5Writer> Open(const std::string& path, bool create);
  void PutRaw(const std::string& name, int64_t mem_type, int64_t file_type, const void* data,
              const std::vector<uint64_t>& dims);
  void Fail(const std::string& what);
  std::string path_;
  int64_t file_ = -1;
  std::string error_;
};

/// An HDF5 file opened for reading; errors name the file and the dataset.
class H5Reader {
 public:
  static Expected<H5Reader> Open(const std::string& path);
  H5Reader(H5Reader&&) noexcept;
  H5Reader& operator=(H5Reader&&) noexcept;
  ~H5Reader();

  const std::string& path() const { return path_; }
  bool Has(const std::string& name) const;
  /// Dimensions of a dataset (empty when absent).
  std::vector<uint64_t> Dims(const std::string& name) const;
  Expected<std::vector<double>> Doubles(const std::string& name) const;
  Expected<std::vector<float>> Floats(const std::string& name) const;
  Expected<std::vector<int>> Ints(const std::string& name) const;
  Expected<std::vector<uint8_t>> Bytes(const std::string& name) const;
  Expected<std::vector<std::string>> Strings(const std::string& name) const;
  /// String attribute; "" when absent.
  std::string Attribute(const std::string& object, const std::string& name) const;
  /// Names of the members of a group.
  std::vector<std::string> Members(const std::string& group) const;

 private:
  H5Reader() = default;
  Status ReadRaw(const std::string& name, int64_t mem_type, size_t elem, void* out,
                 size_t count) const;
  std::string path_;
  int64_t file_ = -1;
};

}  // namespace dexvlg
