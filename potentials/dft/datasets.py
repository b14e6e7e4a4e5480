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

from .structures import (bent_set, close_contact_set, deformed, edge_set,
                         face_contact_set, high_strain_set, honeycomb,
                         second_neighbour_set, sheet_set, zigzag_interface_set)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
A_GRAPHENE = 2.467
A_HBN = 2.512
A_CBN = (A_GRAPHENE + A_HBN) / 2  # the lateral C|BN stripes' common lattice constant


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
    return edge_set(A_GRAPHENE, ("C", "C"), 24, seed=10)


def _hbn_edges():
    return edge_set(A_HBN, ("B", "N"), 12, seed=11)


def _carbon_close():
    return close_contact_set(A_GRAPHENE, ("C", "C"), "graphene", 14, seed=12)


def _carbon_face_contact():
    return face_contact_set(A_GRAPHENE, ("C", "C"), (0.7, 0.9, 1.1, 1.3, 1.6, 2.0, 2.5, 3.0),
                            (1.0, 1.5, 2.0, 2.5), seed=15)


def _hbn_close():
    return close_contact_set(A_HBN, ("B", "N"), "hbn", 14, seed=13)


def _hbn_close_second():
    return second_neighbour_set(A_HBN, ("B", "N"), "hbn", (0.65, 0.75, 0.85, 0.95, 1.05),
                                seed=16)


def _hbn_high_strain():
    return high_strain_set(A_HBN, ("B", "N"), "hbn", 12, seed=17)


def _bent():
    return bent_set({"graphene": A_GRAPHENE, "hBN": A_HBN}, A_CBN)


def _cbn_interface():
    return zigzag_interface_set(A_CBN, 12, seed=14)


def _cbn_interface1():
    return zigzag_interface_set(A_CBN, 8, seed=15, cross_bonds=1)


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
    # pair distances 0.75-1.3 A: C_L16e had no repulsion below its shortest training pair
    # (0.98 A) and crack faces fused in a coupled run (docs/coupling.md, "Collapse")
    DataSet("carbon_close", "carbon/graphene_close.inputs.extxyz",
            "carbon/graphene_close.extxyz", _carbon_close),
    # two zigzag faces across a slit 0.7-3 A wide: C_L16g (trained with the close set)
    # pulled an unloaded slit shut (docs/coupling.md); one-atom scans miss that
    DataSet("carbon_face_contact", "carbon/graphene_face_contact.inputs.extxyz",
            "carbon/graphene_face_contact.extxyz", _carbon_face_contact),
    # active learning round 2: 16-atom cut-outs around the worst-graded crack-tip atoms of
    # a fully atomistic K ramp with C_L16e (grades 2.3-2.6; python -m
    # mdfe.potentials.dft.cutouts, see potentials/data/README.md)
    DataSet("carbon_crack_tip_al2", "carbon/graphene_crack_tip_al2.inputs.extxyz",
            "carbon/graphene_crack_tip_al2.extxyz", None),
    DataSet("hbn_elastic", "bn/hbn_elastic.inputs.extxyz", "bn/hbn_elastic.extxyz",
            lambda: elastic_set(A_HBN, ("B", "N"), "hbn")),
    DataSet("hbn_close", "bn/hbn_close.inputs.extxyz", "bn/hbn_close.extxyz", _hbn_close),
    DataSet("hbn_edges", "bn/hbn_edges.inputs.extxyz", "bn/hbn_edges.extxyz", _hbn_edges),
    # B onto B and N onto N at 0.65-1.05 A: hbn_close's random second-neighbour cells drew
    # 1.13-1.25 A only, and BN_L16b (trained with them) has a hole on the B-B path below
    # 0.9 A (-58 eV at 0.8 A)
    DataSet("hbn_close_second", "bn/hbn_close_second.inputs.extxyz",
            "bn/hbn_close_second.extxyz", _hbn_close_second),
    # the zigzag interface of the literature (one bond across per interface atom, as at a
    # zigzag edge); cbn_interface's cut crosses two per atom (Klein-type)
    DataSet("cbn_interface1", "cbn/cbn_interface1.inputs.extxyz",
            "cbn/cbn_interface1.extxyz", _cbn_interface1),
    # graphene|h-BN stripes: one C-B and one C-N zigzag interface per cell, Klein-type
    DataSet("cbn_interface", "cbn/cbn_interface.inputs.extxyz",
            "cbn/cbn_interface.extxyz", _cbn_interface),
    # the rest of the bulk scan after the sets a fracture potential cannot do without
    # (h-BN close contact and edges, the C|BN interface): 90 of its 150 were labelled
    # when this order was set (2 Dec 2026)
    DataSet("hbn_bulk", "bn/hbn_bulk.inputs.extxyz", "bn/hbn_bulk.extxyz", _hbn_bulk),
    # uniaxial 25-38 %: BN_L20's zigzag ideal-strength curve peaks at 34 % (published PBE
    # ~26 %) and is flat from 27 %, past the bulk set's 25 %
    DataSet("hbn_high_strain", "bn/hbn_high_strain.inputs.extxyz",
            "bn/hbn_high_strain.extxyz", _hbn_high_strain),
    # bending probe: 16-atom graphene, h-BN and C|BN stripe cells corrugated across y by
    # 0.4 / 0.8 Å (and the flat sheets): every other set is flat up to its rattle, and a
    # C-B-N fit without it buckles the stripe at the stripes' a by 1.6 Å out of plane
    DataSet("bent", "cbn/bent.inputs.extxyz", "cbn/bent.extxyz", _bent),
    # active learning round 3 (h-BN crack tips): 16-atom cut-outs around the worst-graded
    # atoms of fully atomistic K ramps with BN_L20 (zigzag faces 1.00-1.35 K_G, armchair
    # 1.00-1.25; first tip advance at 1.15 / 1.10), 4 picks of grade 9.0/3.4/3.1/2.4 (python
    # -m mdfe.potentials.dft.cutouts, see potentials/data/README.md)
    DataSet("hbn_crack_tip_al1", "bn/hbn_crack_tip_al1.inputs.extxyz",
            "bn/hbn_crack_tip_al1.extxyz", None),
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
