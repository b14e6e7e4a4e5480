"""Explicit dynamics: discrete energy invariant, energy bound, damping, wave speed."""
from __future__ import annotations

import numpy as np
import pytest

from mdfe.solvers import fe

from mdfe.solvers.fe.dynamics import FTM2V, ExplicitDynamics
from mdfe.solvers.fe.problem import ElasticityProblem

C_MEM = np.array([[20.0, 4.0, 0.0], [4.0, 18.0, 0.0], [0.0, 0.0, 7.0]])   # eV/Å²
RHO = 0.5                                                                   # amu/Å²


def _plate(cell="quad4", n=(10, 8), damping=None):
    mesh = fe.box_mesh([20.0, 16.0], list(n), cell)
    prob = ElasticityProblem(mesh, {0: fe.membrane(C_MEM, density=RHO)})
    prob.set_dirichlet("xmin", 0.0)
    dyn = ExplicitDynamics(prob, dt=1.0, damping=damping)
    dyn.dt = 0.9 * dyn.stable_dt()
    x = mesh.nodes
    u0 = 0.05 * np.c_[np.sin(0.3 * x[:, 0]) * x[:, 0] / 20, np.cos(0.2 * x[:, 1]) * x[:, 0] / 20]
    dyn.set_state(u=u0)
    return prob, dyn


def _dense(prob, dyn):
    """Serial K and M of the free dofs (independent eigen-analysis with scipy)."""
    ia, ja, a = prob.K.getValuesCSR()
    import scipy.sparse as sp
    K = sp.csr_matrix((a, ja, ia)).toarray()
    free = ~dyn.fixed
    return K[np.ix_(free, free)], dyn.mass.getArray()[free] / FTM2V


@pytest.mark.parametrize("cell", ["quad4", "tri3"])
def test_discrete_invariant_conserved_1000_steps_and_energy_bound(cell):
    """½v_{n+½}ᵀMv_{n+½} + ½u_nᵀKu_{n+1} constant to 1e-10 over 1000 steps; the standard
    KE+PE stays within (ω_max Δt)²/4 of it (ω_max from scipy's eigen-solver)."""
    prob, dyn = _plate(cell)
    K, m = _dense(prob, dyn)
    w_max = np.sqrt(np.linalg.eigvalsh(K / np.sqrt(np.outer(m, m))).max())
    assert w_max * dyn.dt < 2.0                                # stable_dt is a true bound
    free = ~dyn.fixed
    inv, std = [], []
    for _ in range(1000):
        u_n, v_prev = dyn.u.getArray().copy(), dyn.v_half.getArray().copy()
        dyn.step()
        inv.append(dyn.invariant())
        v_n = 0.5 * (v_prev + dyn.v_half.getArray())[free]
        std.append(0.5 * v_n @ (m * FTM2V * v_n) * 1.0364269e-4 + 0.5 * u_n[free] @ K @ u_n[free])
    inv, std = np.array(inv), np.array(std)
    assert np.abs(inv - inv[0]).max() / inv[0] < 1e-10
    bound = (w_max * dyn.dt) ** 2 / 4
    assert np.abs(std - inv[0]).max() / inv[0] <= bound
    assert np.abs(std - inv[0]).max() / inv[0] > 1e-4 * bound     # the check is not vacuous


def test_mass_proportional_damping_decays_energy_as_exp_minus_alpha_t():
    """With α M v damping every mode's energy decays ~ exp(−α t) (underdamped)."""
    alpha = 0.05                                                     # 1/ps
    prob, dyn = _plate(damping={0: alpha})
    dyn.step()
    e0, t0 = dyn.invariant(), dyn.time
    es, ts = [], []
    for _ in range(2000):
        dyn.step()
        es.append(dyn.invariant())
        ts.append(dyn.time - t0)
    # mean over the last 200 steps (several periods of the slowest mode)
    ratio = np.mean(es[-200:]) / e0
    expected = np.mean(np.exp(-alpha * np.array(ts[-200:])))
    assert abs(ratio / expected - 1) < 0.05


def test_1d_wave_travels_at_analytic_speed():
    """Right-going Gaussian pulse in a bar (u_y = 0 everywhere): c = sqrt(C11 / ρ)."""
    L, n = 600.0, 600
    mesh = fe.box_mesh([L, 1.0], [n, 1], "quad4")
    prob = ElasticityProblem(mesh, {0: fe.membrane(C_MEM, density=RHO)})
    prob.set_dirichlet(np.arange(mesh.n_nodes), 0.0, components=[1])
    c = np.sqrt(C_MEM[0, 0] / RHO * FTM2V)                           # Å/ps
    dyn = ExplicitDynamics(prob, dt=1.0)
    dyn.dt = 0.5 * dyn.stable_dt()
    x = mesh.nodes[:, 0]
    x0, w = 150.0, 12.0
    g = np.exp(-0.5 * ((x - x0) / w) ** 2)
    u0 = np.c_[1e-2 * g, 0 * x]
    v0 = np.c_[1e-2 * g * (x - x0) / w ** 2 * c, 0 * x]              # −c ∂u/∂x: right-going
    dyn.set_state(u=u0, v=v0)
    t_end = 250.0 / c
    dyn.step(int(round(t_end / dyn.dt)))
    u = prob.gather(dyn.u)[:, 0]
    bottom = mesh.nodes[:, 1] == 0
    xs, us = x[bottom], u[bottom]
    centre = np.sum(xs * us ** 2) / np.sum(us ** 2)                  # energy-weighted centre
    speed = (centre - x0) / dyn.time
    assert abs(speed / c - 1) < 0.01
    assert us.max() > 0.9e-2                                          # the pulse kept its shape


def test_bad_time_step_and_damping_raise():
    mesh = fe.box_mesh([2.0, 2.0], [2, 2], "quad4")
    prob = ElasticityProblem(mesh, {0: fe.membrane(C_MEM)})
    with pytest.raises(fe.FEInputError, match="dt"):
        ExplicitDynamics(prob, dt=0.0)
    with pytest.raises(fe.FEInputError, match="damping"):
        ExplicitDynamics(prob, dt=0.1, damping={0: -1.0})


def test_energy_and_reaction_time_series_written_from_rank0(tmp_path):
    """SeriesWriter appends rows (time, energy, reaction force on the clamped edge) and
    stores them in double precision."""
    import h5py
    from mdfe.solvers.fe.output import SeriesWriter
    prob, dyn = _plate()
    series = SeriesWriter(tmp_path / "series", prob.comm)
    kept = []
    for _ in range(5):
        dyn.step(10)
        r = prob.nodal_values(prob.internal_force(dyn.u), "xmin").sum(axis=0)
        kept.append((dyn.time, dyn.invariant(), r))
        series.append(time=dyn.time, energy=kept[-1][1], reaction=r)
    with h5py.File(tmp_path / "series.h5") as f:
        assert np.allclose(f["time"][()][:, 0], [k[0] for k in kept])
        assert np.array_equal(f["energy"][()][:, 0], [k[1] for k in kept])
        assert f["reaction"].shape == (5, 2)
