// Whether this process was started by an MPI launcher (generate and train scale out with it).
#pragma once

#include <cstdlib>

namespace dexvlg::cli {

/// MPI only when started by a launcher (mpirun sets these); a plain run needs no MPI at all.
inline bool UnderMpiLauncher() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

}  // namespace dexvlg::cli
