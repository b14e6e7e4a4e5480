"""Lattice constant and 2D elastic constants from scan frames, against direct EMT.

EMT has a flat graphene-like minimum at a* ≈ 2.29 Å. The frames are built exactly as in
the shipped data sets (2-atom scans + elastic set) around a*, labelled with EMT, and the
results are checked against independent routes: a minimisation of E(a), clamped
constants from second differences of the energy, and relaxed constants from stresses of
cells whose inner coordinate is actually relaxed.
"""
from __future__ import annotations

import numpy as np
import pytest
from ase.calculators.emt import EMT
from scipy.optimize import minimize, minimize_scalar

from mdfe.potentials.dft.datasets import elastic_set
from mdfe.potentials.dft.sheet_constants import (EV_PER_A2_IN_N_PER_M, elastic_constants,
                                                 lattice_constant, relabel)
from mdfe.potentials.dft.structures import deformed, honeycomb, sheet_set

SYM = ("C", "C")


def _energy(at):
    at = at.copy()
    at.calc = EMT()
    return at.get_potential_energy()


@pytest.fixture(scope="module")
def emt_sheet():
    a_star = minimize_scalar(lambda a: _energy(honeycomb(a, SYM, "2", 14.0)),
                             bounds=(2.0, 2.6), method="bounded", options={"xatol": 1e-8}).x
    frames = sheet_set(a_star, SYM, {"2": 12}, seed=0) + elastic_set(a_star, SYM, "t")
    return a_star, relabel(frames, EMT())


def test_lattice_constant(emt_sheet):
    a_star, frames = emt_sheet
    a_fit = lattice_constant(frames, a0=a_star)
    assert a_fit == pytest.approx(a_star, rel=2e-4)


def test_clamped_constants_match_energy_second_differences(emt_sheet):
    a_star, frames = emt_sheet
    c = elastic_constants(frames)["clamped"]
    base = honeycomb(a_star, SYM, "2", 14.0)
    area = abs(np.linalg.det(base.cell[:2, :2]))
    h = 1e-3
    e0 = _energy(base)

    def c_ref(st):  # E = E0 + A/2·C·x²
        ep, em = _energy(deformed(base, *np.multiply(st, h))), \
            _energy(deformed(base, *np.multiply(st, -h)))
        return (ep + em - 2 * e0) / (area * h * h) * EV_PER_A2_IN_N_PER_M

    assert c["C11"] == pytest.approx(c_ref((1, 0, 0)), rel=1e-2)
    assert c["C22"] == pytest.approx(c_ref((0, 1, 0)), rel=1e-2)
    c_biax = c_ref((1, 1, 0))  # = C11 + C22 + 2 C12
    assert c["C11"] + c["C22"] + c["C12"] + c["C21"] == pytest.approx(c_biax, rel=1e-2)
    assert c["C66"] == pytest.approx(c_ref((0, 0, 0.5)), rel=1e-2)  # εxy = γ/2
    assert c["C11"] > 10.0


def test_relaxed_constants_match_explicit_inner_relaxation(emt_sheet):
    a_star, frames = emt_sheet
    res = elastic_constants(frames)
    base = honeycomb(a_star, SYM, "2", 14.0)

    def relaxed_stress(st):
        at = deformed(base, *st)
        start = at.positions[1, :2].copy()

        def e(xy):
            trial = at.copy()
            trial.positions[1, :2] = xy
            return _energy(trial)
        xy = minimize(e, start, method="Nelder-Mead",
                      options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 4000}).x
        at.positions[1, :2] = xy
        at.calc = EMT()
        return at.get_stress()[[0, 1, 5]] * at.cell[2, 2]

    h = 0.01
    dx = (relaxed_stress((h, 0, 0)) - relaxed_stress((-h, 0, 0))) / (2 * h)
    ds = (relaxed_stress((0, 0, h)) - relaxed_stress((0, 0, -h))) / (4 * h)
    r = res["relaxed"]
    assert r["C11"] == pytest.approx(dx[0] * EV_PER_A2_IN_N_PER_M, rel=2e-2)
    assert r["C21"] == pytest.approx(dx[1] * EV_PER_A2_IN_N_PER_M, rel=2e-2)
    assert r["C66"] == pytest.approx(ds[2] * EV_PER_A2_IN_N_PER_M, rel=2e-2)
    # the inner shift softens C11 and C66 (it is a real effect in this sheet)
    assert r["C11"] < res["clamped"]["C11"] - 1.0


def test_missing_frames_are_named():
    frames = relabel(sheet_set(2.29, SYM, {"2": 12}, seed=0), EMT())
    with pytest.raises(ValueError, match=r"no labelled 2-atom frame with strain "
                       r"\(0.0, 0.0, -0.01\)"):
        elastic_constants(frames)
