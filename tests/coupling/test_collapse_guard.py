"""The coupled solver's collapse guard (``QuasiStaticCoupling(min_distance=...)``).

A potential with a hole at short range (an ML potential without data there: measured with
the carbon MTP C_L16e, whose crack-tip atoms fused to 0.06 Å while the energy fell by
60,000 eV, docs/coupling.md §3 "Collapse") lets the MD relaxation fall into it. Here the
hole is made on purpose: Tersoff graphene plus a deep Morse well (D = 1000 eV, r0 = 0.2 Å)
that is cut off at 1.2 Å, so it does not act at the sheet's bonds (1.44 Å) — the
Cauchy–Born law of plain Tersoff is exact for the intact sheet. Two bonded core atoms are
pushed to 1.0 Å, past the well's +2 eV barrier.

Checks (independent of the guard's own bookkeeping: distances from the atoms' positions):
- unguarded, the relaxation really falls in: the pair ends below 0.5 Å and nothing
  reports it (the reason for the guard);
- guarded, the step stops at the first exchange with ``failure`` naming that pair and
  its distance, below min_distance, and ``converged`` False;
- without a collapse the guard (a LAMMPS ``fix halt`` tripwire) changes nothing: the same
  perturbed strained sheet converges to the same state as unguarded.
"""
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cases  # noqa: E402

import mdfe  # noqa: E402,F401
from mdfe.potentials.lammps_potential import LammpsPotential  # noqa: E402

H = np.array([[1e-3, 4e-4], [-2e-4, -5e-4]])          # a small homogeneous strain


def holed(tersoff: LammpsPotential) -> LammpsPotential:
    """Tersoff plus a Morse well of 1000 eV at 0.2 Å, zero beyond 1.2 Å."""
    return LammpsPotential("hybrid/overlay tersoff morse/smooth/linear 1.2",
                           (tersoff.pair_coeff[0].replace("* * ", "* * tersoff ", 1),
                            "* * morse/smooth/linear 1000.0 4.0 0.2"),
                           tersoff.elements, tersoff.cutoff)


def solver(min_distance, max_exchanges=40, md_maxiter=3000):
    """A 1-region graphene coupling on COMM_SELF with the holed potential, the boundary
    and the start on the homogeneous strain H, atoms placed once. Returns (qs, md)."""
    from mpi4py import MPI
    from mdfe.coupling import build
    from mdfe.coupling.quasistatic import QuasiStaticCoupling
    case = cases.graphene_case(1)
    comm = MPI.COMM_SELF
    fe_comm, md_comms = cases.split(comm, "shared", 1)
    law = build.continuum_law(case.potential, case.unit_cell, comm=comm)
    fe = build.fe_problem(case.mesh, law, fe_comm, options={"ksp_rtol": 1e-12})
    region = build.coupled_region(case.geometries[0], md_comms[0], case.atoms[0],
                                  case.roles[0], holed(case.potential), case.mesh, law)
    qs = QuasiStaticCoupling(comm, fe, [region], tol=1e-6, max_exchanges=max_exchanges,
                             relax_style="cg", min_distance=min_distance,
                             md_maxiter=md_maxiter)
    nodes = case.mesh.nodes
    boundary = np.unique(np.concatenate(list(case.mesh.node_sets.values())))
    qs.set_dirichlet(boundary, nodes[boundary] @ H.T)
    qs.set_displacements(nodes[qs.owned] @ H.T)
    qs.residual(core_from_fe=True)
    return qs, region.md


def squeeze_core_bond(md) -> tuple[int, int]:
    """Push the most central bonded pair of core atoms to 1.0 Å apart; returns their IDs."""
    from scipy.spatial import cKDTree
    from mdfe.solvers.md.region import CORE
    x = md.positions(md.ids)
    core = md.ids_with_role(CORE) - 1
    centre = x[core, :2].mean(axis=0)
    a = core[np.argmin(np.linalg.norm(x[core, :2] - centre, axis=1))]
    b = core[[j for j in cKDTree(x[core]).query(x[a], k=4)[1] if core[j] != a][0]]
    e = (x[b] - x[a]) / np.linalg.norm(x[b] - x[a])
    mid = (x[a] + x[b]) / 2
    x[a], x[b] = mid - 0.5 * e, mid + 0.5 * e
    md.set_positions(md.ids, x)
    return int(a + 1), int(b + 1)


def pair_distance(md, a, b) -> float:
    x = md.positions(np.array([a, b]))
    return float(np.linalg.norm(x[1] - x[0]))


@pytest.mark.timeout(120)
def test_unguarded_relaxation_falls_into_the_hole():
    qs, md = solver(min_distance=0.0, max_exchanges=0, md_maxiter=300)  # one relaxation
    a, b = squeeze_core_bond(md)
    rep = qs.solve()
    assert rep.failure == ""
    assert pair_distance(md, a, b) < 0.5, pair_distance(md, a, b)


@pytest.mark.timeout(120)
def test_guard_stops_the_step_and_names_the_pair():
    qs, md = solver(min_distance=0.85)
    a, b = squeeze_core_bond(md)
    rep = qs.solve()
    assert not rep.converged and rep.exchanges == 0
    r = pair_distance(md, a, b)
    assert r < 0.85
    assert f"atoms {a} and {b} at {r:.3f} Å" in rep.failure, rep.failure
    assert rep.md_iterations < 100      # stopped by the tripwire, not at md_maxiter


@pytest.mark.timeout(120)
def test_guard_without_collapse_leaves_the_answer():
    out = []
    for guard in (dict(min_distance=0.0), dict(min_distance=0.85)):
        qs, md = solver(**guard)
        x = md.positions(md.ids)
        core = md.ids_with_role("core") - 1
        x[core, :2] += np.random.default_rng(3).uniform(-0.05, 0.05, (len(core), 2))
        md.set_positions(md.ids, x)
        rep = qs.solve()
        assert rep.converged and rep.failure == "", rep
        out.append((qs.U.copy(), md.positions(md.ids)))
    (u0, x0), (u1, x1) = out
    assert np.abs(u1 - u0).max() < 1e-5
    assert np.abs(x1 - x0).max() < 1e-5
