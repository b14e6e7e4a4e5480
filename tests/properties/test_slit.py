"""The unloaded-slit face check (mdfe.potentials.properties.slit) in LAMMPS.

Independent checks:

- geometry: as cut, the faces are one bond a/√3 apart (the closest pair across the slit)
  and every face bond is a/√3;
- a slit through the whole period has no ends: its faces are the edges of a ribbon, so
  with BNC.tersoff (graphene and h-BN, zigzag and armchair faces, at Tersoff's own a) the
  face atoms relax exactly as the edge atoms of the wide ribbon relaxed in vacuum by
  :func:`mdfe.potentials.properties.edges.relaxed_ribbon` (another cell, no exclusion);
  and Tersoff, whose edges are sound, passes the check on both materials and faces;
- the carbon MTPs: C_L16g, whose unloaded slit fuses in the fully atomistic crack body
  (pair across the slit at 0.45–0.99 Å, potentials/data/README.md), is flagged on zigzag
  faces; the demo's C_L16f passes (its crack body heals, no pair below 1.2 Å). Through the
  whole period C_L16g's faces stay ≥ 1.7 Å apart: the slit's ends are what nucleates it.
"""
import functools
from pathlib import Path

import numpy as np
import pytest

import mdfe
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties import elastic
from mdfe.potentials.properties.edges import relax_fixed_cell, relaxed_ribbon
from mdfe.potentials.properties.slit import (MAX_FACE_BOND, MIN_GAP, face_bonds, measure,
                                             slit_check, slit_sheet)
from mdfe.potentials.properties.unit_cells import SHEET_A_GUESS, hexagonal_primitive

CARBON = Path(mdfe.__file__).resolve().parent.parent / "potentials" / "data" / "carbon"
SHEETS = {"graphene": ["C"], "hBN": ["B", "N"]}


def _relaxed_a(pot, material):
    return elastic.lattice_constant(pot, functools.partial(hexagonal_primitive, material),
                                    SHEET_A_GUESS[material], window=0.1)


@pytest.fixture(scope="module", params=sorted(SHEETS))
def tersoff(request):
    pot = LammpsPotential.tersoff(elements=SHEETS[request.param])
    return request.param, pot, _relaxed_a(pot, request.param)


@pytest.mark.parametrize("faces", ["zigzag", "armchair"])
def test_as_cut_faces_are_one_bond_apart(faces):
    s = slit_sheet("hBN", 2.5, faces, cutoff=5.0)
    r = measure(s, s.positions)
    assert r["closest_cross_pair_A"] == pytest.approx(2.5 / np.sqrt(3), abs=1e-9)
    assert r["longest_face_bond_A"] == pytest.approx(2.5 / np.sqrt(3), abs=1e-9)
    assert set(s.row[s.upper]) >= {1, 2} and set(s.row[s.lower]) >= {1, 2}
    # both rows of both faces have bonds: first–first, first–second, second–second
    rows = {tuple(sorted(s.row[b])) for b in face_bonds(s)}
    assert rows == {(1, 1), (1, 2), (2, 2)}
    assert 200 <= len(s.positions) <= 300                       # a few hundred atoms
    # cut over half the length, ending between two atom columns (a/2 apart on zigzag faces)
    assert s.x_end == pytest.approx(s.cell[0, 0] / 2, abs=2.5 / 4 + 1e-9)


@pytest.mark.parametrize("faces", ["zigzag", "armchair"])
def test_through_slit_faces_relax_as_ribbon_edges_with_tersoff(tersoff, faces):
    material, pot, a = tersoff
    s = slit_sheet(material, a, faces, pot.cutoff, through=True)
    _, x = relax_fixed_cell(pot, s.cell, s.positions, s.symbols, 1e-8,
                            exclude=(s.upper + 1, s.lower + 1))
    x0, xr, _, _ = relaxed_ribbon(pot, material, a, faces)
    top, bottom = x0[:, 1] > x0[:, 1].max() - 0.01, x0[:, 1] < x0[:, 1].min() + 0.01
    inward = ((x0 - xr)[top, 1].mean() + (xr - x0)[bottom, 1].mean()) / 2   # Å, per edge
    for side, sign in ((s.upper, 1.0), (s.lower, -1.0)):
        depth = np.abs(s.positions[side, 1] - s.y_cut)
        face = side[depth < depth.min() + 0.01]
        moved = sign * (x[face, 1] - s.positions[face, 1])                   # into the side
        np.testing.assert_allclose(moved, inward, atol=1e-5)
    assert abs(inward) > 0.05          # the edges do relax (0.07–0.21 Å measured)


def test_tersoff_passes(tersoff):
    material, pot, a = tersoff
    for faces in ("zigzag", "armchair"):
        r = slit_check(pot, material, a, faces)
        assert r["passed"], r
        assert r["closest_cross_pair_A"] > r["bond_A"]       # measured 1.64–1.87 Å
        assert r["longest_face_bond_A"] < 1.05 * r["bond_A"]


def test_c_l16g_faces_fuse_and_c_l16f_faces_do_not():
    res = {}
    for name in ("C_L16f", "C_L16g"):
        pot = LammpsPotential.mtp(CARBON / f"{name}.mtp", ["C"])
        a = _relaxed_a(pot, "graphene")
        res[name] = slit_check(pot, "graphene", a, "zigzag")
        if name == "C_L16g":
            s = slit_sheet("graphene", a, "zigzag", pot.cutoff, through=True)
            _, x = relax_fixed_cell(pot, s.cell, s.positions, s.symbols, 1e-3,
                                    exclude=(s.upper + 1, s.lower + 1))
            assert measure(s, x)["closest_cross_pair_A"] > 1.7     # no ends: no fusion
    good, bad = res["C_L16f"], res["C_L16g"]
    assert good["passed"] and good["closest_cross_pair_A"] > 1.4, good   # measured 1.54
    assert not bad["passed"], bad
    assert bad["closest_cross_pair_A"] < MIN_GAP * bad["bond_A"]        # measured 0.55 Å
    assert bad["longest_face_bond_A"] > MAX_FACE_BOND * bad["bond_A"]   # measured 2.62 Å
    assert bad["longest_face_bond_rows"] == [1, 2]
