"""Put ASE-style atoms into a LAMMPS instance with a given potential.

The one place that turns (cell, positions, symbols) into LAMMPS commands, shared by the
material-property calculations (periodic cells, :mod:`mdfe.potentials.properties`) and the
MD-region driver (:mod:`mdfe.solvers.md`).

LAMMPS wants a lower-triangular cell (rows a = (ax,0,0), b = (bx,by,0), c = (cx,cy,cz)) with
|bx| ≤ ax/2 etc. not required here (``box tilt large`` is default since 2022). Callers with
a general cell rotate it first (:func:`lower_triangular`).

Units: LAMMPS ``metal`` (Å, eV, ps, bar). Atom IDs are 1..N in the order of the input.
"""
from __future__ import annotations

import numpy as np

import mdfe  # noqa: F401  (loads the MPI library before lammps)
from mdfe.potentials.lammps_potential import LammpsPotential

CMDARGS = ["-log", "none", "-screen", "none", "-nocite"]


def open_lammps(comm=None):
    """A new LAMMPS instance on ``comm`` (mpi4py communicator; default COMM_WORLD)."""
    import lammps
    if comm is None:
        return lammps.lammps(cmdargs=CMDARGS)
    return lammps.lammps(comm=comm, cmdargs=CMDARGS)


def lower_triangular(cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(L, Q): cell rows = L @ Q.T with L lower-triangular (positive diagonal), Q orthogonal.

    ``cell`` (3, 3) has lattice vectors as rows. A vector r in the input frame is
    ``Q.T @ r`` in LAMMPS' frame; a LAMMPS tensor S' is ``Q @ S' @ Q.T`` in the input frame.
    """
    q, u = np.linalg.qr(np.asarray(cell, float).T)
    sign = np.sign(np.diag(u))
    sign[sign == 0] = 1.0
    q, u = q * sign, (u.T * sign).T
    return u.T, q


def create_system(lmp, potential: LammpsPotential, cell: np.ndarray, positions: np.ndarray,
                  symbols, boundary: str = "p p p", origin=(0.0, 0.0, 0.0),
                  extra_commands: tuple[str, ...] = ()) -> None:
    """Set up units, box, atoms (IDs 1..N), masses and the potential in ``lmp``.

    cell (3, 3): lower-triangular rows, Å; positions (N, 3), Å, in that frame; symbols (N,)
    chemical symbols (each must be in ``potential.elements``); boundary: LAMMPS boundary
    string. Runs the same on every rank of the instance's communicator.
    """
    from ase.data import atomic_masses, atomic_numbers
    cell = np.asarray(cell, float)
    if abs(cell[0, 1]) + abs(cell[0, 2]) + abs(cell[1, 2]) > 1e-12 * np.abs(cell).max():
        raise ValueError("cell must be lower-triangular (use lower_triangular() first)")
    types = potential.type_of(list(symbols))
    x = np.ascontiguousarray(positions, dtype=float).reshape(-1, 3)
    lo = np.asarray(origin, float)
    hi = lo + np.diag(cell)
    xy, xz, yz = cell[1, 0], cell[2, 0], cell[2, 1]
    lmp.commands_list([
        "units metal", "atom_style atomic", f"boundary {boundary}",
        "atom_modify map array sort 0 0.0",
        f"region box prism {float(lo[0])!r} {float(hi[0])!r} {float(lo[1])!r} {float(hi[1])!r} {float(lo[2])!r} {float(hi[2])!r} "
        f"{float(xy)!r} {float(xz)!r} {float(yz)!r} units box",
        f"create_box {len(potential.elements)} box",
    ])
    n = len(x)
    lmp.create_atoms(n, list(range(1, n + 1)), types, x.ravel().tolist(), shrinkexceed=True)
    natoms = lmp.get_natoms()
    if natoms != n:
        raise RuntimeError(f"LAMMPS created {natoms} of {n} atoms (atoms outside the box?)")
    lmp.commands_list(
        [f"mass {i + 1} {float(atomic_masses[atomic_numbers[e]])!r}"
         for i, e in enumerate(potential.elements)]
        + potential.commands()
        + ["neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes",
           "thermo_style custom step pe ke press pxx pyy pzz pxy pxz pyz",
           "thermo_modify norm no"]
        + list(extra_commands))
