// MPI for the life of a command (generate, train), when the process was started by an MPI
// launcher; a plain run needs no MPI at all.
#pragma once

#include <functional>
#include <vector>

namespace dexvlg::cli {

/// Whether an MPI launcher started this process (mpirun sets these variables).
bool UnderMpiLauncher();

/// Initialises MPI when started by a launcher (and this build has MPI), finalises it on
/// destruction; without it, this process is rank 0 of 1. Started by a launcher in a build
/// without MPI, it warns that every process works alone.
class MpiSession {
 public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int world() const { return world_; }
  /// Waits for every process (nothing without MPI).
  void Barrier() const;
  /// Sums a vector over all processes in place; empty without MPI.
  std::function<void(std::vector<float>&)> AllSum() const;

 private:
  int rank_ = 0, world_ = 1;
  bool active_ = false;
};

}  // namespace dexvlg::cli
