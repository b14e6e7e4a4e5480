"""Batched hyperelastic laws (finite differences, small-strain limit) and the SNES solve
(homogeneous finite stretch against the law's own scalar equilibrium, solved by brentq)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from mdfe.solvers import fe

from mdfe.solvers.fe.hyperelastic import HyperelasticProblem
from mdfe.solvers.fe.hyperelastic_laws import NeoHookean, StVenantKirchhoff, small_strain_law
from mdfe.solvers.fe.problem import ElasticityProblem

TIGHT = {"ksp_rtol": 1e-12, "ksp_atol": 1e-30}


def _laws():
    C3 = fe.rotate_voigt(fe.orthotropic_C((12.0, 9.0, 7.0), (0.2, 0.25, 0.3), (3.0, 3.5, 4.0)),
                         np.linalg.qr(np.random.default_rng(1).normal(size=(3, 3)))[0])
    return [NeoHookean(3.0, 5.0, 2), NeoHookean(3.0, 5.0, 3),
            StVenantKirchhoff(np.array([[20.0, 4.0, 1.0], [4.0, 18.0, -0.5], [1.0, -0.5, 7.0]])),
            StVenantKirchhoff(C3)]


@pytest.mark.parametrize("law", _laws(), ids=["nh2", "nh3", "svk2", "svk3"])
def test_stress_and_tangent_are_derivatives(law):
    """P = ∂W/∂F and A = ∂P/∂F by central differences at random F (batched)."""
    d, h = law.dim, 1e-6
    F = np.eye(d) + 0.2 * np.random.default_rng(2).normal(size=(5, d, d))
    W, P, A = law.evaluate(F)
    for k in range(d):
        for l in range(d):
            dF = np.zeros((d, d))
            dF[k, l] = h
            Wp, Pp, _ = law.evaluate(F + dF)
            Wm, Pm, _ = law.evaluate(F - dF)
            assert np.allclose((Wp - Wm) / (2 * h), P[:, k, l], rtol=1e-6, atol=1e-8)
            assert np.allclose((Pp - Pm) / (2 * h), A[:, :, :, k, l], rtol=1e-6, atol=1e-8)


def test_neo_hookean_small_strain_limit_is_isotropic_linear_law():
    mu, lam = 3.0, 5.0
    E, nu = mu * (3 * lam + 2 * mu) / (lam + mu), lam / (2 * (lam + mu))
    assert np.allclose(small_strain_law(NeoHookean(mu, lam, 3)).D, fe.isotropic_C(E, nu), rtol=1e-12)


@pytest.mark.parametrize("law_kind", ["nh", "svk"])
def test_snes_matches_linear_solution_at_small_load(law_kind):
    """At 1e-5 strain the SNES solution equals the linear one to O(strain)."""
    mesh = fe.box_mesh([10.0, 6.0], [10, 6], "tri3")
    mu, lam = 3.0, 5.0
    law = NeoHookean(mu, lam, 2) if law_kind == "nh" else StVenantKirchhoff(small_strain_law(NeoHookean(mu, lam, 2)).D)
    lin = ElasticityProblem(mesh, {0: small_strain_law(law)}, options=TIGHT)
    hyp = HyperelasticProblem(mesh, {0: law}, options=TIGHT)
    for p in (lin, hyp):
        p.set_dirichlet("xmin", 0.0)
        p.set_dirichlet("xmax", lambda x: np.c_[1e-4 + 0 * x[:, 0], 5e-5 * x[:, 1] / 6])
        p.solve()
    ul, uh = lin.gather(), hyp.gather()
    assert np.abs(uh - ul).max() < 1e-4 * np.abs(ul).max()
    assert hyp.newton_iterations >= 1


def test_neo_hookean_finite_uniaxial_stretch():
    """20 % stretch with free lateral faces: homogeneous F = diag(λ1, λ2) with P22 = 0;
    lateral contraction and the end reaction P11·H against brentq on the law."""
    mu, lam, L, H, lam1 = 3.0, 5.0, 8.0, 4.0, 1.2
    law = NeoHookean(mu, lam, 2)
    mesh = fe.box_mesh([L, H], [8, 4], "quad4")
    prob = HyperelasticProblem(mesh, {0: law}, options=TIGHT)
    prob.set_dirichlet("xmin", 0.0, components=[0])
    o = np.flatnonzero(np.all(mesh.nodes == 0, axis=1))
    prob.set_dirichlet(o, 0.0, components=[1])
    prob.set_dirichlet("xmax", (lam1 - 1) * L, components=[0])
    prob.solve()
    p22 = lambda l2: mu * (l2 - 1 / l2) + lam * np.log(lam1 * l2) / l2  # noqa: E731
    lam2 = brentq(p22, 0.5, 1.0)
    P11 = mu * (lam1 - 1 / lam1) + lam * np.log(lam1 * lam2) / lam1
    u = prob.gather()
    assert np.allclose(u[:, 1], (lam2 - 1) * mesh.nodes[:, 1], atol=1e-9)
    reaction = prob.nodal_values(prob.internal_force(), "xmax")[:, 0].sum()
    assert reaction == pytest.approx(P11 * H, rel=1e-9)
    W = 0.5 * mu * (lam1 ** 2 + lam2 ** 2 - 2) - mu * np.log(lam1 * lam2) \
        + 0.5 * lam * np.log(lam1 * lam2) ** 2
    assert prob.energy() == pytest.approx(W * L * H, rel=1e-9)
