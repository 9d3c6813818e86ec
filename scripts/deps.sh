# Sourced by scripts/demo and scripts/test: install the Debian packages
# buurtsim needs, once. Only Debian's archive is used (no pip, no downloads).
# clang, its sanitizer and libFuzzer runtimes (libclang-rt-14-dev) and
# llvm-symbolizer (llvm-14, for file:line in reports) are for scripts/sanitize.
BUURTSIM_DEBS=(
  cmake g++ make git pkg-config
  libtbb-dev libeigen3-dev libhdf5-dev libboost-dev librandom123-dev
  libtomlplusplus-dev libcli11-dev catch2 libssl-dev
  pybind11-dev python3-dev
  python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-pandas
  python3-matplotlib python3-pytest python3-networkx python3-scipy
  python3-nbclient python3-nbformat python3-ipykernel python3-pil
  python3-netcdf4 python3-tomli-w python3-jinja2 python3-openturns
  python3-dask python3-distributed python3-tqdm
  chromium
  clang libclang-rt-14-dev llvm-14
)

buurtsim_install_deps() {
  local missing=()
  for p in "${BUURTSIM_DEBS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

buurtsim_build() {
  # $1: build directory; remaining: extra cmake arguments
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=/usr/bin/python3 "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}
