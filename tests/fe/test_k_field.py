"""Crack-tip K-field: the FE solution of a pre-cut crack (gmsh graded mesh, distinct
faces) loaded by K-field displacements on the outer boundary reproduces the analytic
field inside and opens the faces by δ = (κ + 1) K/μ √(r/2π)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from mdfe.solvers import fe
from mdfe.solvers.fe.gmsh_mesh import graded_mesh
from mdfe.solvers.crack_field import KolosovField
from mdfe.solvers.fe.problem import ElasticityProblem


@pytest.mark.parametrize("cell", ["tri3", "quad4"])
def test_mode_i_k_field_on_precut_crack(cell):
    E, nu, K = 10.0, 0.25, 1.0
    mu = E / (2 * (1 + nu))
    m = graded_mesh(200.0, 200.0, h_min=2.0, h_max=20.0, md_regions=[(90, 90, 110, 110)],
                    cracks=[((0, 100), (100, 100))], cell=cell)
    assert m.cell == cell
    law = fe.plane_strain(fe.isotropic_C(E, nu))
    prob = ElasticityProblem(m, {"bulk": law, "md0": law}, options={"ksp_rtol": 1e-12})
    a, b = m.node_sets["crack0_a"], m.node_sets["crack0_b"]
    faces = np.union1d(a, b)
    outer = np.concatenate([m.node_sets[k] for k in ("xmin", "xmax", "ymin", "ymax")])
    field = lambda x: KolosovField(mu, nu, "strain", tip=(100, 100)).displacements(x, K)  # noqa: E731
    prob.set_dirichlet(np.setdiff1d(outer, faces), field)     # the faces stay traction-free
    prob.solve()
    u = prob.gather()
    r = np.hypot(*(m.nodes - 100.0).T)
    inside = (r > 20) & (r < 80) & ~np.isin(np.arange(m.n_nodes), faces)
    exact = field(m.nodes)
    assert np.abs(u[inside] - exact[inside]).max() < 0.02 * np.abs(exact[inside]).max()
    _, j = cKDTree(m.nodes[b]).query(m.nodes[a])                 # pair the two faces
    ra = 100.0 - m.nodes[a, 0]
    opening = np.abs(u[a, 1] - u[b[j], 1])
    expected = (3 - 4 * nu + 1) * K / mu * np.sqrt(ra / (2 * np.pi))
    sel = (ra > 20) & (ra < 80)
    assert np.abs(opening[sel] - expected[sel]).max() < 0.02 * expected[sel].max()
    assert np.all(opening[ra > 5] > 0)                           # faces really separate
