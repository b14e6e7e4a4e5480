#!/usr/bin/env bash
# Install mdfe's optional DFT backend (the `dft` extra: GPAW + its PAW data sets).
#
# GPAW is built from its PyPI sdist as a *serial* C extension (no MPI, no ScaLAPACK), so it
# links no MPI library and can share the venv with the mpich wheel (notes/dft.md):
#   1. Debian packages libxc-dev libfftw3-dev libopenblas-dev (apt-get; needs root);
#   2. a GPAW siteconfig (mpi=False, compiler='g++', fftw=True, scalapack=False,
#      libraries=['xc','openblas','fftw3']) passed as GPAW_CONFIG;
#   3. pip install of the `dft` extra's packages (gpaw==26.7.0, gpaw-data) into the venv.
#
# Usage: scripts/install_dft.sh [PYTHON]     (default: .venv/bin/python of this repository)
#   MDFE_DFT_EDITABLE=1 scripts/install_dft.sh   installs `-e .[dft]` instead (re-installs mdfe).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${1:-$REPO/.venv/bin/python}"
[ -x "$PY" ] || { echo "install_dft.sh: python '$PY' not found or not executable" >&2; exit 2; }

need=()
for pkg in libxc-dev libfftw3-dev libopenblas-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
    echo "install_dft.sh: apt-get install ${need[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi

CONF="$(mktemp --suffix=.py)"
trap 'rm -f "$CONF"' EXIT
cat > "$CONF" <<'PYCONF'
# GPAW siteconfig written by mdfe's scripts/install_dft.sh: serial build, no MPI.
mpi = False
compiler = 'g++'
fftw = True
scalapack = False
libraries = ['xc', 'openblas', 'fftw3']
PYCONF

export GPAW_CONFIG="$CONF"
if [ "${MDFE_DFT_EDITABLE:-0}" = "1" ]; then
    "$PY" -m pip install -e "$REPO[dft]"
else
    # The same pins as setup.py's extras_require["dft"].
    "$PY" -m pip install "gpaw==26.7.0" "gpaw-data>=1.2,<2"
fi

"$PY" - <<'PYCHECK'
from gpaw import GPAW, PW, __version__  # noqa: F401
from gpaw.setup_data import search_for_file
search_for_file("C.PBE")  # raises if the PAW data sets are not found
print(f"install_dft.sh: GPAW {__version__} ready (serial), PAW data found")
PYCHECK
