"""MDRegion: forces are −∂E/∂x (central differences), ID-keyed access, constraints in
relax, and the same results on 1, 2 and 3 ranks (Tersoff graphene flake)."""
from pathlib import Path

import numpy as np
import pytest

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.solvers.md.region import BAND, CORE, PAD, MDRegion
from mdfe.solvers.md.structures import sheet

SCRIPT = Path(__file__).with_name("region_script.py")


@pytest.fixture(scope="module")
def region():
    pot = LammpsPotential.tersoff()
    atoms = sheet("graphene", pot, 4, 2, a=2.492)
    roles = np.full(len(atoms), CORE)
    roles[-4:] = PAD
    roles[-8:-4] = BAND
    reg = MDRegion(atoms, pot, roles)
    yield reg
    reg.close()


def test_forces_are_minus_energy_gradient(region):
    ids = region.ids
    rng = np.random.default_rng(3)
    x = region.reference_positions(ids) + rng.normal(0, 0.03, (len(ids), 3))
    region.set_positions(ids, x)
    f = region.forces(ids)
    h = 1e-5
    for atom, k in [(3, 0), (7, 1), (10, 2), (1, 1)]:
        e = []
        for s in (h, -h):
            xs = x.copy()
            xs[atom - 1, k] += s
            region.set_positions(ids, xs)
            e.append(region.energy())
        assert f[atom - 1, k] == pytest.approx(-(e[0] - e[1]) / (2 * h), abs=2e-6)
    region.set_positions(ids, x)


def test_access_is_keyed_by_id(region):
    ids = np.array([9, 2, 14, 5])
    x = region.reference_positions(ids) + np.array([[0.1, 0, 0], [0, 0.2, 0], [0, 0, 0.3],
                                                    [0.05, 0.05, 0]])
    region.set_positions(ids, x)
    np.testing.assert_allclose(region.positions(ids), x, atol=1e-12)
    np.testing.assert_allclose(region.positions(ids[::-1]), x[::-1], atol=1e-12)
    assert region.forces(ids[::-1])[0] == pytest.approx(region.forces(ids)[-1])


def test_fire_relax_converges_with_constraints(region):
    ids = region.ids
    d = 0.03 * np.cos(np.arange(3 * len(ids))).reshape(-1, 3)
    d[:, 2] = 0.0
    x0 = region.reference_positions(ids) + d
    region.set_positions(ids, x0)
    region.relax(ftol=1e-4)                        # min_style fire
    x1, f1 = region.positions(ids), region.forces(ids)
    core, band, pad = (region.ids_with_role(r) for r in (CORE, BAND, PAD))
    assert np.linalg.norm(f1[core - 1]) < 1e-4
    assert np.linalg.norm(f1[band - 1][:, :2]) < 1e-4
    np.testing.assert_allclose(x1[pad - 1], x0[pad - 1], atol=1e-12)
    np.testing.assert_allclose(x1[band - 1, 2], x0[band - 1, 2], atol=1e-12)


def test_nve_run_conserves_energy_and_keeps_constraints(region):
    """Velocity Verlet with the constraints conserves energy up to an O(dt²) bounded error:
    halving dt divides the largest energy error by 4."""
    ids = region.ids
    region.set_positions(ids, region.reference_positions(ids))
    region.relax(ftol=1e-3, style="cg")          # relaxed edges: no edge energy turns to heat
    x0 = region.positions(ids) + 0.02 * np.sin(np.arange(3 * len(ids))).reshape(-1, 3)
    errors = []
    for dt in (0.0005, 0.00025):
        region.set_positions(ids, x0)
        region.set_velocities_zero()
        e0 = region.energy() + region.kinetic_energy()
        err = []
        for _ in range(4):
            region.run(int(0.05 / dt), dt=dt)
            err.append(region.energy() + region.kinetic_energy() - e0)
        errors.append(np.abs(err).max())
        assert region.kinetic_energy() > 0.05            # it did move
        x1 = region.positions(ids)
        pad, band = region.ids_with_role(PAD), region.ids_with_role(BAND)
        np.testing.assert_allclose(x1[pad - 1], x0[pad - 1], atol=1e-12)
        np.testing.assert_allclose(x1[band - 1, 2], x0[band - 1, 2], atol=1e-12)
    assert errors[0] < 2e-2 * region.kinetic_energy()
    assert 3.0 < errors[0] / errors[1] < 5.0


def test_bad_input_is_named():
    pot = LammpsPotential.tersoff()
    atoms = sheet("graphene", pot, 2, 2, a=2.492)
    with pytest.raises(ValueError, match="roles"):
        MDRegion(atoms, pot, ["core"] * (len(atoms) - 1) + ["skin"])
    atoms.cell[2, 2] = 3.0
    atoms.positions[:, 2] = 1.5
    with pytest.raises(ValueError, match="vacuum along z"):
        MDRegion(atoms, pot, ["core"] * len(atoms))
    with pytest.raises(ValueError, match="species"):
        MDRegion(sheet("hBN", LammpsPotential.tersoff(("B", "N")), 2, 2, a=2.5), pot,
                 ["core"] * 16)


@pytest.mark.mpi
def test_same_results_on_1_2_3_ranks(run_mpi_json):
    runs = run_mpi_json(SCRIPT)
    ref = runs[1]
    roles = np.array(ref["roles"])
    x0, x1 = np.array(ref["positions0"]), np.array(ref["positions1"])
    f1 = np.array(ref["forces1"])
    # constraints (cg here, fire in test_fire_relax_...): pad did not move, band kept z,
    # core converged below ftol
    np.testing.assert_allclose(x1[roles == PAD], x0[roles == PAD], atol=1e-12)
    np.testing.assert_allclose(x1[roles == BAND][:, 2], x0[roles == BAND][:, 2], atol=1e-12)
    assert np.linalg.norm(f1[roles == CORE]) < 1e-4
    assert ref["energy1"] < ref["energy0"]
    for n in (1, 2, 3):   # owner-local moves and forces agree with the collective ones
        assert runs[n]["owned_count"] == len(roles)
        assert runs[n]["owned_force_error"] < 1e-12
        assert runs[n]["owned_position_error"] < 1e-12
    for n in (2, 3):
        assert runs[n]["ranks"] == n
        assert runs[n]["energy0"] == pytest.approx(ref["energy0"], rel=1e-13)
        np.testing.assert_allclose(runs[n]["forces0"], ref["forces0"], atol=1e-10)
        np.testing.assert_allclose(runs[n]["positions1"], x1, atol=1e-6)
        assert runs[n]["energy1"] == pytest.approx(ref["energy1"], rel=1e-10)
