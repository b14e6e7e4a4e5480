"""Anderson acceleration on a linear fixed point with a known solution."""
import numpy as np
import pytest

import mdfe  # noqa: F401
from mpi4py import MPI

from mdfe.coupling.anderson import Anderson


def contraction(n=30, rho=0.97, seed=0):
    """x = M x + c with spectral radius rho (symmetric M): plain iteration is slow."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    M = Q @ np.diag(np.linspace(-rho, rho, n)) @ Q.T
    c = rng.normal(size=n)
    return M, c, np.linalg.solve(np.eye(n) - M, c)


def iterate(acc, M, c, tol=1e-10, kmax=2000):
    x = np.zeros(len(c))
    for k in range(kmax):
        g = M @ x + c - x
        if np.linalg.norm(g) < tol:
            return x, k
        x = acc.step(x, g) if acc else x + g
    return x, kmax


def test_anderson_converges_where_picard_crawls():
    M, c, x_exact = contraction()
    x, k_and = iterate(Anderson(MPI.COMM_SELF, depth=30), M, c)   # full depth ~ GMRES
    assert np.abs(x - x_exact).max() < 1e-8
    _, k_plain = iterate(None, M, c)
    assert k_plain > 500                       # plain fixed point: ~log(1e-10)/log(0.97)
    assert k_and < 60, k_and


def test_depth_zero_is_plain_iteration():
    M, c, _ = contraction(n=5, rho=0.5)
    a = Anderson(MPI.COMM_SELF, depth=0)
    x = np.zeros(5)
    g = M @ x + c - x
    assert np.array_equal(a.step(x, g), x + g)


@pytest.mark.parametrize("kw", [dict(depth=-1), dict(beta=0.0), dict(beta=1.5)])
def test_bad_parameters(kw):
    with pytest.raises(ValueError, match="depth|beta"):
        Anderson(MPI.COMM_SELF, **kw)
