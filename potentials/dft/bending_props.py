"""The bending section of a ship report: the labelled corrugated cells
(:func:`.structures.bent_set`, ``info["corrugation"]`` = A > 0) against their flat
references, DFT vs potential.

A cell corrugated by z = A cos(2π y/L_y + φ) (atoms moved in z only) holds the bending
energy of a curvature up to A (2π/L_y)² and the stretch of the longer arc; E(A) − E(flat)
on the same cell is what a potential must reproduce for a sheet to wrinkle, or a lateral
stripe to stay flat, as in DFT. The flat reference of a corrugated cell: the entry with
the same symbols in the same order, the same cell, no strain, no rattle and z spread 0
(for a C|BN stripe, the unstrained entry of the interface set at the same a).
"""
from __future__ import annotations

import numpy as np

FLAT_Z = 1e-9      # Å, the z spread of a flat reference


def bent_frames(frames: list) -> list:
    """The corrugated entries (``info["corrugation"]`` > 0), in their order."""
    return [f for f in frames if float(f.info.get("corrugation", 0.0)) > 0.0]


def flat_reference(bent, frames: list):
    """The flat reference of ``bent`` among ``frames`` (see the module docstring); a
    ValueError naming the config_id when there is none."""
    for f in frames:
        if (len(f) == len(bent) and f.get_chemical_symbols() == bent.get_chemical_symbols()
                and np.allclose(f.cell.array, bent.cell.array, atol=1e-9)
                and np.ptp(f.positions[:, 2]) < FLAT_Z
                and float(f.info.get("rattle", 1.0)) == 0.0
                and not np.any(f.info.get("strain", [1.0]))):
            return f
    raise ValueError(f"corrugated entry {bent.info.get('config_id')} "
                     f"({bent.info.get('config_type')}): no flat reference with its symbols "
                     f"and cell in the data (a flat, unstrained, unrattled entry)")


def bending_table(frames: list, calc) -> list[dict]:
    """One row per corrugated entry of ``frames`` whose flat reference is there too:
    config_id, config_type, amplitude_A, phase (rad), curvature (1/Å, at the crests),
    bending energy E(A) − E(flat) per atom (meV/atom) of the DFT labels and of the
    potential (ASE calculator ``calc``; each flat reference evaluated once), and their
    ratio potential / DFT."""
    from mdfe.potentials.mtp.metrics import predict
    bent = bent_frames(frames)
    refs = [flat_reference(f, frames) for f in bent]
    unique = list({id(r): r for r in refs}.values())
    flat = {id(r): row for r, row in zip(unique, predict(calc, unique))}
    rows = []
    for f, ref, row in zip(bent, refs, predict(calc, bent)):
        dft = 1e3 * (row["e_ref"] - flat[id(ref)]["e_ref"])           # per atom: same n
        pot = 1e3 * (row["e_pred"] - flat[id(ref)]["e_pred"])
        amp = float(f.info["corrugation"])
        rows.append({"config_id": str(f.info["config_id"]),
                     "config_type": str(f.info["config_type"]), "amplitude_A": amp,
                     "phase": float(f.info.get("phase", 0.0)),
                     "curvature_per_A": amp * (2 * np.pi / f.cell[1, 1]) ** 2,
                     "energy_dft_meV_per_atom": dft, "energy_potential_meV_per_atom": pot,
                     "ratio": pot / dft})
    return rows
