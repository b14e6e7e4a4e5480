"""TabulatedShift (Chebyshev table of the Cauchy–Born inner shift) against the exact
unit-cell relaxation, graphene with BNC.tersoff."""
import functools

import numpy as np
import pytest

import mdfe  # noqa: F401
from mdfe.coupling.inner_shift import CauchyBornShift, TabulatedShift


@functools.lru_cache(maxsize=None)
def shifts():
    from mdfe.potentials.lammps_potential import LammpsPotential
    from mdfe.potentials.properties.cauchy_born import CauchyBorn
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    from mdfe.solvers.md.structures import relaxed_lattice_constant
    pot = LammpsPotential.tersoff()
    a = relaxed_lattice_constant(pot, "graphene")
    exact = CauchyBornShift(CauchyBorn(pot, hexagonal_primitive("graphene", a)))
    return exact, TabulatedShift(exact)


def random_F(rng, n, strain):
    """F = R (1 + sym) with |sym entries| ≤ strain and any in-plane rotation R."""
    e = rng.uniform(-strain, strain, (n, 3))
    S = np.stack([[1 + e[:, 0], e[:, 2]], [e[:, 2], 1 + e[:, 1]]], axis=-1).transpose(1, 0, 2)
    t = rng.uniform(-np.pi, np.pi, n)
    R = np.stack([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]).transpose(2, 0, 1)
    return R @ S


def test_table_matches_exact_relaxation():
    exact, table = shifts()
    rng = np.random.default_rng(3)
    big, small = random_F(rng, 12, 0.045), random_F(rng, 6, 1e-3)
    assert np.abs(exact.shift(big)).max() > 1e-3          # the shift is there to be tested
    err_big = np.abs(table.shift(big) - exact.shift(big)).max()
    err_small = np.abs(table.shift(small) - exact.shift(small)).max()
    assert err_big < 2e-10, err_big                      # measured 8e-11 Å (30 samples)
    assert err_small < 1e-11, err_small                  # measured 2e-12 Å
    assert table.n_exact == 0
    assert np.abs(table.shift(np.eye(2)[None])).max() < 1e-15


def test_outside_the_table_is_exact():
    exact, table = shifts()
    F = np.array([[[1.09, 0.0], [0.0, 0.97]]])           # E11 = 0.094 > e_max
    n0 = table.n_exact
    assert np.abs(table.shift(F) - exact.shift(F)).max() < 1e-13
    assert table.n_exact == n0 + 1


@pytest.mark.parametrize("kw, match", [(dict(e_max=0.0), "e_max"), (dict(degree=1), "degree")])
def test_bad_parameters(kw, match):
    exact, _ = shifts()
    with pytest.raises(ValueError, match=match):
        TabulatedShift(exact, **kw)
