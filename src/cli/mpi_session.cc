#include "cli/mpi_session.h"

#include <cstdlib>
#include <iostream>

#ifdef DEXVLG_WITH_MPI
#include <mpi.h>
#endif

namespace dexvlg::cli {

bool UnderMpiLauncher() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

MpiSession::MpiSession() {
  if (!UnderMpiLauncher()) return;
#ifdef DEXVLG_WITH_MPI
  MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &world_);
  active_ = true;
#else
  std::cerr << "dexvlg: warning: started by an MPI launcher, but this build has no MPI "
               "(configure with -DDEXVLG_MPI=ON); every process works alone\n";
#endif
}

MpiSession::~MpiSession() {
#ifdef DEXVLG_WITH_MPI
  if (active_) MPI_Finalize();
#endif
}

void MpiSession::Barrier() const {
#ifdef DEXVLG_WITH_MPI
  if (active_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

std::function<void(std::vector<float>&)> MpiSession::AllSum() const {
#ifdef DEXVLG_WITH_MPI
  if (active_)
    return [](std::vector<float>& v) {
      MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_FLOAT, MPI_SUM,
                    MPI_COMM_WORLD);
    };
#endif
  return {};
}

}  // namespace dexvlg::cli
