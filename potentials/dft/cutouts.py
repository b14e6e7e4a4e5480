"""Active learning from crack-tip snapshots: small cut-outs around badly graded atoms.

    python -m mdfe.potentials.dft.cutouts CONFIG.toml OUT.inputs.extxyz SNAPSHOT.extxyz ...
        [--size 16] [--threshold 2.0] [--max-count 8]

The snapshots are crack-tip configurations computed with the potential of CONFIG
(``<name>.mtp`` next to it): e.g. the ``atoms/step_NNNN.extxyz`` files of an ``mdfe run``
K ramp. Each snapshot atom is graded (MaxVol extrapolation grade per neighbourhood,
:mod:`mdfe.potentials.mtp.grade`) against every entry labelled so far in CONFIG's data
files; only atoms at least one cut-off inside the snapshot's in-plane bounding box count
(the snapshot's own rim has truncated neighbourhoods). Around each atom with grade ≥
``threshold`` a cut-out is made: its ``size`` nearest atoms, in a box with ≥ 6.5 Å of
vacuum on every side (a molecule for DFT: one k-point, spin-polarised, +1 μB start on
atoms with fewer than three neighbours within 1.8 Å). All atoms but the centre are marked
``artificial`` (:data:`mdfe.potentials.mtp.grade.ARTIFICIAL_ARRAY`), so a cut-out is graded
by its centre; the picks are the greedy, diverse MaxVol selection of
:func:`.active.select_diverse` (highest grade first, regraded after each pick).

Caveat: with 16 atoms a cut-out holds the centre's first three neighbour shells
(≤ 3 Å), not its whole 5 Å neighbourhood, and has a bare rim: it teaches the potential
stretched and broken bonds next to under-coordinated atoms, not the exact tip.
Units: Å.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import ase.io
import numpy as np
from ase import Atoms

from .active import write_selection
from .ship import known_entries, load_config

VACUUM = 6.5       # Å on each side of a cut-out (≥ 6 Å: one k-point along that axis)
BOND = 1.8         # Å, a bond for the coordination count of the spin start


def interior(positions: np.ndarray, cutoff: float) -> np.ndarray:
    """Bool mask (n,): atoms at least ``cutoff`` Å inside the in-plane bounding box."""
    lo, hi = positions[:, :2].min(0) + cutoff, positions[:, :2].max(0) - cutoff
    return np.all((positions[:, :2] >= lo) & (positions[:, :2] <= hi), axis=1)


def cutout(snapshot: Atoms, centre: int, size: int) -> Atoms:
    """The ``size`` atoms nearest to atom ``centre`` (itself first) in a vacuum box; all
    but the centre flagged artificial; spin-polarised, +1 μB on under-coordinated atoms."""
    from mdfe.potentials.mtp.grade import ARTIFICIAL_ARRAY
    d = np.linalg.norm(snapshot.positions - snapshot.positions[centre], axis=1)
    keep = np.argsort(d, kind="stable")[:size]
    pos = snapshot.positions[keep]
    pos = pos - pos.min(0) + VACUUM
    cell = np.diag(pos.max(0) + VACUUM)
    cell[2, 2] = max(cell[2, 2], 14.0)
    pos[:, 2] += cell[2, 2] / 2 - pos[:, 2].mean()
    at = Atoms(snapshot.symbols[keep], positions=pos, cell=cell, pbc=True)
    pair = np.linalg.norm(pos[:, None] - pos[None], axis=2)
    coordination = (pair < BOND).sum(1) - 1
    at.set_initial_magnetic_moments(np.where(coordination < 3, 1.0, 0.0))
    art = np.ones(len(at), bool)
    art[0] = False
    at.arrays[ARTIFICIAL_ARRAY] = art
    at.info.update(spin=True, rattle=0.0, cutout_of=snapshot.info.get("source", ""),
                   cutout_size=size)
    return at


def candidates(grader, snapshots: list[Atoms], cutoff: float, size: int,
               threshold: float) -> list[Atoms]:
    """Cut-outs around every interior atom of grade ≥ ``threshold`` (info: ``grade_in_snapshot``)."""
    out = []
    for snap in snapshots:
        grades = grader.grade([snap], masks=[~interior(snap.positions, cutoff)])[0].atoms
        inside = interior(snap.positions, cutoff)
        for i in np.flatnonzero(inside & (grades >= threshold)):
            c = cutout(snap, int(i), size)
            c.info["grade_in_snapshot"] = float(grades[i])
            out.append(c)
    return out


def main(argv: list[str] | None = None) -> int:
    import mdfe  # noqa: F401  (MPI library first)
    from mdfe.potentials.mtp.grade import ExtrapolationGrader
    from mdfe.potentials.mtp.mtp_file import read_mtp

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("config", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("snapshots", type=Path, nargs="+")
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--threshold", type=float, default=2.0)
    p.add_argument("--max-count", type=int, default=8)
    a = p.parse_args(argv)
    cfg = load_config(a.config)
    model = read_mtp(cfg["_dir"] / f"{cfg['name']}.mtp")
    species = cfg["species"]
    training = known_entries(cfg)
    snaps = []
    for path in a.snapshots:
        s = ase.io.read(path)
        snaps.append(Atoms(s.symbols, positions=s.positions, info={"source": path.name}))
    grader = ExtrapolationGrader(model, species, training, per="atom")
    cands = candidates(grader, snaps, model.max_dist, a.size, a.threshold)
    if not cands:
        print(f"no interior atom graded ≥ {a.threshold}: nothing to label")
        return 0
    sel = write_selection(model, species, training, cands, a.threshold, a.max_count,
                          a.output, config_type=f"{cfg['name']}_crack_tip_cutout")
    print(f"{len(cands)} cut-outs graded ≥ {a.threshold}; picked {len(sel)} (grades "
          f"{[round(c.info['grade'], 2) for c in sel]}) -> {a.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
