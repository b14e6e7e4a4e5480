"""Short-range behaviour of a sheet potential: the energy as one atom is pushed onto another.

A machine-learned potential is only fitted where its training data are; below the
shortest training pair its radial basis extrapolates and nothing makes it repulsive (the
carbon MTP C_L16e has no repulsion below ~0.7 Å, and crack-face atoms fused in a coupled
run: docs/coupling.md, "Collapse"). :func:`close_contact_scan` is the check, in LAMMPS
with the potential as the runs use it: a flat periodic sheet of 4 × 3 rectangular cells
(48 atoms; graphene 9.9 × 12.8 Å, so atom 0 never meets its own periodic image within a
5 Å cut-off), atom 0 moved along the straight line onto a partner atom, every other atom
fixed; E(d) = energy at pair distance d minus the perfect sheet's energy (eV).

Paths (:data:`KINDS`), those of the DFT close-contact set
(:func:`mdfe.potentials.dft.structures.close_contact_set`):

- ``"bond"``: the nearest neighbour, in the plane;
- ``"lifted"``: the nearest neighbour, atom 0 first lifted ``lift`` Å out of the plane
  (the line to the partner then descends: at d = 0.6 Å the height is lift·0.6/|r0|);
- ``"second"``: a second neighbour, in the plane (the crack-face contact). This line
  passes the common neighbour k of the two at 0.71·(a/2.46) Å (at d ≈ a/2), so it
  probes both pairs.

On h-BN (material "hBN") atom 0 is a B: the bonded paths push B onto N, the second-
neighbour path B onto B (:func:`pair_symbols`).

Physical (:func:`physical`): E(d) > 0 at every d below the equilibrium bond (no state
below the perfect sheet's) and E rising monotonically as d falls (no minimum inside the
scan). On the "second" path the rise is required below 0.9 Å only: near d ≈ a/2 the moving
atom passes the common neighbour and then moves away from it, so the energy first falls
as d falls — in DFT (potentials/data/carbon/graphene_close.extxyz, these cells with the
other atoms rattled by 0.03 Å) from 59.2 eV at 1.24 Å to 53.9 eV at 1.00 Å and 48.3 eV
at 0.99 Å, still falling at the shortest labelled d; BNC.tersoff has its minimum at
1.0 Å (88.04 eV, 88.26 at 1.10).
"""
from __future__ import annotations

import numpy as np

from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.unit_cells import (hexagonal_rectangular, min_image,
                                                  sheet_vacuum)

KINDS = ("bond", "lifted", "second")
#: Å: on each path E(d) must rise as d falls from here down (see the module docstring)
RISES_BELOW = {"bond": 1.4, "lifted": 1.4, "second": 0.9}


def _partner(cell: np.ndarray, positions: np.ndarray, kind: str) -> tuple[int, np.ndarray]:
    """(index of atom 0's partner, vector from atom 0 to its nearest image, Å)."""
    lengths = np.diag(cell)
    vec = min_image(positions - positions[0], lengths)
    dist = np.linalg.norm(vec, axis=1)
    dist[0] = np.inf
    order = np.argsort(dist, kind="stable")
    j = order[0] if kind in ("bond", "lifted") else order[3]   # 3 first, then 6 second
    return int(j), vec[j]


def _sheet(material: str, a: float, lz: float):
    """The scan's flat sheet: 4 × 3 rectangular zigzag cells (48 atoms), box height lz Å."""
    return hexagonal_rectangular(material, a, "zigzag", lz).repeat(4, 3)


def pair_symbols(material: str, kind: str) -> tuple[str, str]:
    """(moving atom 0, its partner) chemical symbols on path ``kind`` of ``material``'s
    sheet: h-BN B–N on the bonded paths, B–B on the second-neighbour path."""
    sheet = _sheet(material, 2.5, 20.0)
    return sheet.symbols[0], sheet.symbols[_partner(sheet.cell, sheet.positions, kind)[0]]


def close_contact_scan(potential: LammpsPotential, material: str, a: float, kind: str,
                       distances, lift: float = 0.5) -> np.ndarray:
    """E(d) (eV, shape (len(distances),)) of the sheet at lattice constant ``a`` (Å) with
    atom 0 at distance d (Å) from its partner on path ``kind`` (see module docstring),
    relative to the perfect flat sheet; ``lift`` (Å) only for ``"lifted"``."""
    from mpi4py import MPI
    if kind not in KINDS:
        raise ValueError(f"close_contact_scan: kind {kind!r}; allowed {', '.join(KINDS)}")
    d = np.asarray(distances, float)
    if d.ndim != 1 or np.any(d <= 0):
        raise ValueError(f"close_contact_scan: distances must be positive (Å), got {d}")
    sheet = _sheet(material, a, sheet_vacuum(potential.cutoff))
    j, r = _partner(sheet.cell, sheet.positions, kind)
    start = sheet.positions[0] + (lift * np.array([0.0, 0.0, 1.0]) if kind == "lifted" else 0.0)
    target = sheet.positions[0] + r                     # the partner's nearest image
    unit = (target - start) / np.linalg.norm(target - start)
    lmp = open_lammps(MPI.COMM_SELF)
    try:
        create_system(lmp, potential, sheet.cell, sheet.positions, sheet.symbols, "p p p")
        lmp.command("run 0")
        e0 = lmp.get_thermo("pe")
        out = np.empty(len(d))
        for n, dist in enumerate(d):
            x, y, z = (float(c) for c in target - dist * unit)
            lmp.commands_list([f"set atom 1 x {x!r} y {y!r} z {z!r}", "run 0"])
            out[n] = lmp.get_thermo("pe") - e0
        return out
    finally:
        lmp.close()


def physical(kind: str, distances, energies) -> bool:
    """True if the scan ``energies`` (eV, at ``distances`` Å) is above the perfect sheet
    everywhere and rises strictly as d falls below ``RISES_BELOW[kind]``."""
    d, e = np.asarray(distances, float), np.asarray(energies, float)
    order = np.argsort(-d)                      # falling d
    d, e = d[order], e[order]
    sel = d <= RISES_BELOW[kind] + 1e-9
    return bool(np.all(e > 0) and np.all(np.diff(e[sel]) > 0))
