// Output files that are written all at once or not at all (temporary file, fsync, rename), and
// the check that an output path names a file the user can have meant, made before any work.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace dexvlg {

/// Checks that `path` can be an output file: not empty, not a directory, not a device, FIFO or
/// socket (writing there would replace or feed something that is not the user's file), in a
/// folder that exists (made when `make_folder`) and is writable, and not an existing file that
/// cannot be replaced. The error names the path and the problem.
Status CheckOutputPath(const std::string& path, bool make_folder = true);

/// Writes `path` all at once or not at all: `write(tmp)` fills a temporary file beside it
/// (`path` + ".tmp"); when it succeeds the temporary is flushed to disk (fsync), renamed over
/// `path` and the folder synced; when it fails, or any of that fails, the temporary is removed
/// and `path` is left as it was. CheckOutputPath runs first; a missing folder is an error (the
/// CLI makes folders when it checks its outputs, a library writer never does).
Status WriteAtomically(const std::string& path,
                       const std::function<Status(const std::string& tmp)>& write);

/// WriteAtomically of a text (or binary) body; a short write (a full disk) is an error.
Status WriteTextAtomically(const std::string& path, const std::string& body);

}  // namespace dexvlg
