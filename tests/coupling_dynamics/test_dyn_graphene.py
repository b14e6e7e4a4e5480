"""Dynamic coupling of a graphene strip (Tersoff BNC.tersoff, a multilattice: the slaved
atoms carry the Cauchy–Born inner shift of their sublattice) — dyn_bar.py with
material="graphene": x along zigzag, periodic in y, FE quad4 membrane with h = 2a.

The 2D FE has no flexural degree of freedom: the slaved (band and pad) atoms keep the
sheet's plane, so a flexural (z) wave meets them like a clamped edge and is reflected
whole; only the Langevin damping band (which acts in x, y and z) can absorb it. Measured:
the returned flexural energy with and without the damping band.
"""
import numpy as np
import pytest
from dyn_runs import returned, run

pytest.importorskip("petsc4py")

G = ["--material", "graphene", "--dt", 0.001, "--core-cells", 40, "--fe-cells", 10,
     "--damping-width", 50]
#: flexural packet λ = 4a, σ = λ, A = 0.05 Å in z, released at rest in the middle of the
#: 200 Å core; 2400 steps of 1 fs: both halves (group velocity ~60 Å/ps) reach the damping
#: band (50 Å), and what the slaved atoms reflect is back in the core.
FLEX = ["--polarization", "z", "--lam", 4, "--sigma", 1.0, "--amp", 0.05, "--steps", 2400,
        "--sample", 50]


@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_graphene_uniform_strain_state_stays(run_mpi, tmp_path):
    """ε_xx = 1 %, atoms at the affine sites plus ξ_s(F) − ξ_s(1) (about 1.7e-3 Å along y,
    opposite for the two sublattices): an exact equilibrium, nothing moves in 2000 steps."""
    res = run(run_mpi, tmp_path, 1, "strain", "--material", "graphene", "--steps", 2000,
              "--sample", 200, "--dt", 0.001, "--core-cells", 10, "--fe-cells", 6)
    assert len(res["err_md"]) == 11
    assert max(res["err_md"]) <= 1e-3, res["err_md"]
    assert max(res["err_fe"]) <= 1e-3, res["err_fe"]


#: in-plane packet λ = 3a (< 2h: the FE cannot carry it) along x, σ = λ, A = 0.02 Å, with
#: the inner shift of its local strain (else ~20 % of its energy is an optical, sublattice-
#: against-sublattice y mode with no group velocity that stays in the core); 2000 steps.
INPLANE = ["--polarization", "x", "--lam", 3, "--sigma", 1.0, "--amp", 0.02, "--steps", 2000,
           "--sample", 50]
PACKETS = pytest.mark.parametrize("packet", [FLEX, INPLANE], ids=["flexural", "inplane"])


@pytest.mark.mpi
@pytest.mark.timeout(300)
@PACKETS
def test_graphene_short_wave_reflected_without_damping(run_mpi, tmp_path, packet):
    res = run(run_mpi, tmp_path, 1, "packet", *G, *packet, "--gamma", 0)
    assert returned(res) >= 0.5, returned(res)


@pytest.mark.mpi
@pytest.mark.timeout(300)
@PACKETS
def test_graphene_short_wave_absorbed_by_damping_band(run_mpi, tmp_path, packet):
    res = run(run_mpi, tmp_path, 1, "packet", *G, *packet, "--gamma", 20)
    assert returned(res) <= 0.10, returned(res)
    assert res["E"][-1] <= 0.10 * res["E"][0]
