"""The input sets mdfe labels and ships, in labelling order (see potentials/data/README.md).

``python -m mdfe.potentials.dft.datasets [DATA_DIR]`` (re)writes every set's input extxyz
under DATA_DIR (default: potentials/data). The sets are deterministic (fixed seeds), so
regenerating gives the same configurations and the same ``config_id`` values, and a
resumed labelling run skips what is already labelled.

Lattice constants (Å): graphene 2.467 (PBE with our settings, notes/dft.md); h-BN 2.512
(published PBE 2.51; the labelled biaxial scan of the 2-atom cell checks it).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import ase.io

from .structures import (armchair_ribbon, deformed, honeycomb, rattled, sheet_set,
                         zigzag_ribbon)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
A_GRAPHENE = 2.467
A_HBN = 2.512


@dataclass(frozen=True)
class DataSet:
    """One input set: its files (relative to the data folder) and how the inputs are made
    (``build``; None for active-learning sets, which :mod:`.active` wrote once from a
    potential and which are kept as stored)."""

    name: str
    inputs: str
    labelled: str
    build: object | None


def _carbon_bulk():
    return sheet_set(A_GRAPHENE, ("C", "C"), {"2": 40, "8": 160, "18": 12}, seed=8,
                     name="graphene")


def _hbn_bulk():
    return sheet_set(A_HBN, ("B", "N"), {"2": 30, "8": 120}, seed=9, name="hbn")


def _carbon_edges():
    import numpy as np
    rng = np.random.default_rng(10)
    out = []
    for n in range(24):
        make = zigzag_ribbon if n % 2 == 0 else armchair_ribbon
        rib = make(A_GRAPHENE, ("C", "C"), 2, 2 if make is zigzag_ribbon else 1)
        axis = 0 if make is zigzag_ribbon else 1  # strain along the ribbon
        e = rng.uniform(-0.03, 0.20) if n >= 2 else 0.0
        st = [0.0, 0.0, 0.0]
        st[axis] = e
        rib = deformed(rib, *st)
        rib = rattled(rib, rng.uniform(0.02, 0.1), rng) if n >= 2 else rib
        rib.info.setdefault("rattle", 0.0)
        out.append(rib)
    return out


def elastic_set(a: float, symbols: tuple[str, str], name: str):
    """What the 2-atom scans of the bulk sets lack for clamped- and relaxed-ion 2D elastic
    constants: shear −1 %, and the second atom displaced by 0.02 Å along x and along y
    (the force constants of the inner shift)."""
    base = honeycomb(a, symbols, "2", 14.0)
    out = [deformed(base, 0.0, 0.0, -0.01)]
    for axis in (0, 1):
        at = deformed(base, 0.0, 0.0, 0.0)
        at.positions[1, axis] += ELASTIC_DISPLACEMENT
        at.info["displacement"] = ELASTIC_DISPLACEMENT
        out.append(at)
    for at in out:
        at.info.update(config_type=f"{name}_scan", rattle=0.0)
    return out


ELASTIC_DISPLACEMENT = 0.02  # Å


SETS = (
    DataSet("carbon_elastic", "carbon/graphene_elastic.inputs.extxyz",
            "carbon/graphene_elastic.extxyz",
            lambda: elastic_set(A_GRAPHENE, ("C", "C"), "graphene")),
    # active learning round 1: MD with C_L16 (mtp_C_L16.toml), 7 picks of grade 2.2-9.9
    DataSet("carbon_al1", "carbon/graphene_al1.inputs.extxyz", "carbon/graphene_al1.extxyz",
            None),
    # edges before the rest of the bulk scan: without them no carbon MTP can fracture
    # (C_L16, trained on bulk only, has a negative zigzag edge energy)
    DataSet("carbon_edges", "carbon/graphene_edges.inputs.extxyz",
            "carbon/graphene_edges.extxyz", _carbon_edges),
    DataSet("carbon_bulk", "carbon/graphene_bulk.inputs.extxyz",
            "carbon/graphene_bulk.extxyz", _carbon_bulk),
    DataSet("hbn_elastic", "bn/hbn_elastic.inputs.extxyz", "bn/hbn_elastic.extxyz",
            lambda: elastic_set(A_HBN, ("B", "N"), "hbn")),
    DataSet("hbn_bulk", "bn/hbn_bulk.inputs.extxyz", "bn/hbn_bulk.extxyz", _hbn_bulk),
    # active learning round 2: 16-atom cut-outs around the worst-graded crack-tip atoms of
    # a fully atomistic K ramp with C_L16e (grades 2.3-2.6; python -m
    # mdfe.potentials.dft.cutouts, see potentials/data/README.md)
    DataSet("carbon_crack_tip_al2", "carbon/graphene_crack_tip_al2.inputs.extxyz",
            "carbon/graphene_crack_tip_al2.extxyz", None),
)


def write_inputs(data_dir: str | Path = DATA_DIR) -> list[Path]:
    """Write every set's inputs under ``data_dir``; returns the paths written."""
    paths = []
    for ds in (ds for ds in SETS if ds.build is not None):
        path = Path(data_dir) / ds.inputs
        path.parent.mkdir(parents=True, exist_ok=True)
        ase.io.write(path, ds.build(), format="extxyz")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_inputs(*sys.argv[1:2]):
        print(p)
