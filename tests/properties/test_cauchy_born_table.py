"""Tabulated sheet law: equal to the exact Cauchy–Born law (graphene, BNC.tersoff) at
random F inside the table, W/P/A consistent by finite differences, and a clear error
outside the tabulated strain box."""
import numpy as np
import pytest

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.cauchy_born_table import CauchyBornTable
from mdfe.potentials.properties.unit_cells import hexagonal_primitive


@pytest.fixture(scope="module")
def laws():
    cb = CauchyBorn(LammpsPotential.tersoff(), hexagonal_primitive("graphene", 2.4920489397974133))
    yield cb, CauchyBornTable(cb, e_max=0.06, degree=10)
    cb.close()


def test_table_equals_exact_law(laws):
    cb, table = laws
    F = np.eye(2) + 0.04 * np.random.default_rng(5).uniform(-1, 1, (12, 2, 2))
    W0, P0, A0 = cb(F)
    W, P, A = table(F)
    np.testing.assert_allclose(W, W0, atol=1e-6 * np.abs(W0).max())
    np.testing.assert_allclose(P, P0, atol=1e-6 * np.abs(P0).max())
    np.testing.assert_allclose(A, A0, atol=1e-5 * np.abs(A0).max())


def test_table_is_self_consistent(laws):
    _, table = laws
    F = np.array([[1.03, 0.02], [-0.01, 0.98]])
    W, P, A = table(F[None])
    h = 1e-6
    for k in range(2):
        for l in range(2):
            e = np.zeros((2, 2))
            e[k, l] = h
            (wp, pp), (wm, pm) = table((F + e)[None], tangent=False), table((F - e)[None], tangent=False)
            assert P[0, k, l] == pytest.approx((wp[0] - wm[0]) / (2 * h), abs=1e-8)
            np.testing.assert_allclose(A[0, :, :, k, l], (pp[0] - pm[0]) / (2 * h), atol=1e-7)


def test_outside_the_table_is_refused(laws):
    _, table = laws
    with pytest.raises(ValueError, match="outside the table.*e_max = 0.06"):
        table(np.diag([1.2, 1.0])[None])
    with pytest.raises(ValueError, match="e_max=0.5"):
        CauchyBornTable(laws[0], e_max=0.5)
