"""Dynamic FE–MD coupling (issue 7, "Must show", dynamics) on the 1D-like Cu bar of
dyn_bar.py (EAM Cu_u3, x along [100], FE element size h = 2a): the uniform-strain state stays
put, a long wave crosses the band without reflection and with the energy conserved, short
waves are reflected by the band and absorbed by the damping band, and the trajectory is the
same on 1, 2, 3 ranks (shared and disjoint layouts).

The MPI script (mpi/dyn_check.py) writes the measured histories as JSON; the bounds are the
issue's. E is the coupled model's energy (coupling/dynamics.py); the energy that returns into
the core is the core atoms' kinetic plus site energy, averaged over the last quarter of the
run (it sloshes between the core and the slaved atoms while the reflection rings down).
"""
import numpy as np
import pytest
from dyn_runs import drift_per_1000, returned, run

pytest.importorskip("petsc4py")

#: short-wave packets: λ = LAM a (h = 2a: shorter than the 2h the FE can carry), σ = 1.5 λ,
#: 1400 steps of 6 fs: the packet runs 130 Å to the band, returns and is back in the core.
SHORT = ["--sigma", 1.5, "--steps", 1400, "--sample", 50, "--dt", 0.006, "--core-cells", 36,
         "--fe-cells", 20, "--damping-width", 60]


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_uniform_strain_state_stays(run_mpi, tmp_path):
    """ε_xx = 1 % (nonlinear for the atoms): the relaxed state is an exact equilibrium of the
    coupled model, so no atom moves by more than 1e-3 Å in 2000 steps."""
    res = run(run_mpi, tmp_path, 1, "strain", "--steps", 2000, "--sample", 100,
              "--core-cells", 20, "--fe-cells", 10)
    assert len(res["err_md"]) == 21
    assert max(res["err_md"]) <= 1e-3, res["err_md"]
    assert max(res["err_fe"]) <= 1e-3, res["err_fe"]


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_long_wave_crosses_the_band_energy_conserved(run_mpi, tmp_path):
    """λ = 16a = 8h, no damping: < 5 % of the energy returns into the core, and the energy
    drifts by less than 1e-3 of the packet energy per 1000 steps."""
    res = run(run_mpi, tmp_path, 1, "packet", "--lam", 16, "--sigma", 0.5, "--steps", 1100,
              "--sample", 50, "--dt", 0.006, "--core-cells", 36, "--fe-cells", 30)
    assert res["lam"] == pytest.approx(8 * res["h"])
    core_ke = np.array(res["core_ke"])
    assert core_ke.max() > 0.4 * res["E"][0]          # the packet did run in the core
    assert returned(res) < 0.05, returned(res)
    assert drift_per_1000(res) <= 1e-3, drift_per_1000(res)


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_short_wave_reflected_without_damping(run_mpi, tmp_path):
    """λ = 3a (< 2h): the FE cannot carry it; without the damping band ≥ 50 % returns."""
    res = run(run_mpi, tmp_path, 1, "packet", "--lam", 3, *SHORT, "--gamma", 0)
    assert returned(res) >= 0.5, returned(res)


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_short_wave_absorbed_by_damping_band(run_mpi, tmp_path):
    """λ = 3a with the Langevin band (60 Å, γ_max = 4/ps): ≤ 10 % returns."""
    res = run(run_mpi, tmp_path, 1, "packet", "--lam", 3, *SHORT, "--gamma", 4)
    assert returned(res) <= 0.10, returned(res)
    assert res["E"][-1] <= 0.10 * res["E"][0]         # and it is nowhere else either


_ONE_RANK = {}


@pytest.mark.mpi
@pytest.mark.timeout(300)
@pytest.mark.parametrize("n, layout", [(2, "shared"), (3, "disjoint")])
def test_same_trajectory_on_more_ranks(run_mpi, tmp_path, n, layout):
    """A damped short packet for 200 steps: the same atom positions and FE displacements
    (gathered by ID / node id) on 1 rank and on n ranks, to round-off."""
    args = ("--lam", 3, "--sigma", 1.5, "--steps", 200, "--sample", 100, "--dt", 0.006,
            "--core-cells", 16, "--fe-cells", 6, "--damping-width", 24, "--gamma", 4,
            "--amp", 0.05)
    if "one" not in _ONE_RANK:                         # shared by both layouts
        _ONE_RANK["one"] = run(run_mpi, tmp_path, 1, "packet", *args)
    one = _ONE_RANK["one"]
    many = run(run_mpi, tmp_path, n, "packet", "--layout", layout, *args)
    u1, un = np.array(one["positions"]), np.array(many["positions"])
    assert np.abs(u1).max() > 1e-3                     # atoms did move
    assert np.abs(un - u1).max() <= 1e-9 * np.abs(u1).max(), np.abs(un - u1).max()
    U1, Un = np.array(one["U"]), np.array(many["U"])
    assert np.abs(Un - U1).max() <= 1e-9 * max(np.abs(U1).max(), 1e-12)
    assert many["E"][-1] == pytest.approx(one["E"][-1], rel=1e-8)
