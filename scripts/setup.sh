#!/usr/bin/env bash
# Installs the Debian packages dexvlg builds against (run as root on Debian 12), then configures and
# builds the project into ./build. Safe to run again: apt-get and CMake only do what is missing.
#
#   bash scripts/setup.sh            # install + build (Release)
#   DEXVLG_SKIP_APT=1 bash scripts/setup.sh   # build only
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

packages=(
  build-essential cmake ninja-build pkg-config clang-format git
  libeigen3-dev            # linear algebra
  libmujoco-dev libqhull-dev  # MJCF parsing, kinematic reference, physics
  nlohmann-json3-dev       # hand specs and other JSON files
  libcli11-dev             # command line
  libtbb-dev               # threads
  libpng-dev               # PNG pictures
  libassimp-dev            # mesh files (OBJ, STL, PLY, GLB)
  libopenvdb-dev libboost-iostreams-dev  # watertight repair (volumetric remeshing)
  libembree-dev            # ray-cast pictures
  libbullet-extras-dev     # HACD convex decomposition
  libhdf5-dev              # grasp files and datasets (HDF5, read with h5py)
  coinor-libclp-dev        # reference LP solver for the force-closure tests
  libopenmpi-dev openmpi-bin  # generate's and train's scale-out (mpirun -np N dexvlg ...)
  libtorch-dev             # the DexVLG model (LibTorch 1.13, CPU)
  wordnet-base             # synonyms of part and action words for the model's tokenizer
  libopenblas0-openmp      # fast matrix products for LibTorch (the reference BLAS is ~10x slower)
  libcpp-httplib-dev       # dexvlg serve (HTTP + JSON)
  pybind11-dev python3-dev python3-numpy  # `import dexvlg` for the system python3
  python3-h5py             # the dataset's Python reader example, run by the tests
  libgtest-dev libgmock-dev libbenchmark-dev  # tests and benchmarks
  chromium-headless-shell  # the viewer's test loads the page in a real headless browser
)

# three.js for the web viewer (web/package.json) comes through npm: Debian's npm package unless
# an npm is already there (Node.js from elsewhere bundles its own and conflicts with Debian's)
command -v npm > /dev/null || packages+=(npm)

if [[ "${DEXVLG_SKIP_APT:-0}" != "1" ]]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    echo "[setup] installing: ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# three.js for `dexvlg view` (the version pinned in web/package-lock.json); skipped when present
if [[ ! -f web/node_modules/three/package.json ]] ||
   ! grep -q "\"version\": \"$(sed -n 's/.*"three": "\(.*\)".*/\1/p' web/package.json)\"" \
     web/node_modules/three/package.json; then
  echo "[setup] npm ci (three.js for the web viewer)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi

build_type=${DEXVLG_BUILD_TYPE:-Release}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DDEXVLG_WERROR=ON
cmake --build build -j "$(nproc)"
