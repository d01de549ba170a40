#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace dexvlg {
namespace fs = std::filesystem;
namespace {

/// fsync of a file or folder by path; false with errno set when it fails.
bool SyncPath(const std::string& path, bool folder) {
  const int fd = ::open(path.c_str(), folder ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0 || (folder && errno == EINVAL);  // some filesystems refuse
  ::close(fd);
  return ok;
}

}  // namespace

Status CheckOutputPath(const std::string& path, bool make_folder) {
  if (path.empty()) return Error{"an output path is empty"};
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Error{path + ": is a directory, not an output file"};
    if (!S_ISREG(st.st_mode)) {
      return Error{path + ": is a device, pipe or socket, not a file dexvlg may replace"};
    }
    if (::access(path.c_str(), W_OK) != 0) {
      return Error{path + ": exists and cannot be replaced (" + std::strerror(errno) + ")"};
    }
  }
  fs::path folder = fs::path(path).parent_path();
  if (folder.empty()) folder = ".";
  std::error_code ec;
  if (!fs::exists(folder, ec)) {
    if (!make_folder) return Error{path + ": the folder " + folder.string() + " does not exist"};
    fs::create_directories(folder, ec);
    if (ec)
      return Error{path + ": cannot make the folder " + folder.string() + ": " + ec.message()};
  }
  if (!fs::is_directory(folder, ec))
    return Error{path + ": " + folder.string() + " is not a folder"};
  if (::access(folder.c_str(), W_OK) != 0) {
    return Error{path + ": the folder " + folder.string() + " is not writable (" +
                 std::strerror(errno) + ")"};
  }
  return Status::Ok();
}

Status WriteAtomically(const std::string& path,
                       const std::function<Status(const std::string& tmp)>& write) {
  if (Status s = CheckOutputPath(path, false); !s) return s;  // folders: the caller's to make
  const std::string tmp = path + ".tmp";
  Status written = write(tmp);
  if (written && !SyncPath(tmp, false)) {
    written = Error{path + ": cannot flush to disk (" + std::string(std::strerror(errno)) + ")"};
  }
  if (!written) {
    std::remove(tmp.c_str());
    return written;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return Error{path + ": cannot move the finished file into place (" + ec.message() + ")"};
  }
  fs::path folder = fs::path(path).parent_path();
  SyncPath(folder.empty() ? "." : folder.string(), true);
  return Status::Ok();
}

Status WriteTextAtomically(const std::string& path, const std::string& body) {
  return WriteAtomically(path, [&](const std::string& tmp) -> Status {
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (f == nullptr) return Error{tmp + ": cannot create (" + std::strerror(errno) + ")"};
    const size_t n = std::fwrite(body.data(), 1, body.size(), f);
    const int err = n == body.size() ? 0 : errno;
    const bool closed = std::fclose(f) == 0;
    if (n != body.size() || !closed) {
      return Error{path + ": write failed (" + std::strerror(err ? err : errno) + ")"};
    }
    return Status::Ok();
  });
}

}  // namespace dexvlg
