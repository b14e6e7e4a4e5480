"""Domain J-integral on a linear-elastic FE crack against G = K²/E'.

A square membrane (200 × 200 Å) with a pre-cut slit from the left edge to its centre
(gmsh mesh, crack faces with distinct nodes) (elements 0.75 Å at the tip, ≤ 6 Å away from it) carries the exact near-tip K-field
(Kolosov for an isotropic sheet, Sih–Paris–Irwin for an orthotropic one) as a Dirichlet
condition on its outer edges; the faces are free. J on three disjoint annuli must agree
with each other within 2 % and with K_I²/E' (E' from the constants by the independent
closed form in :func:`mdfe.potentials.properties.elastic.plane_stress_modulus`) within 2 %.
"""
import numpy as np
import pytest

import mdfe  # noqa: F401
from mdfe.potentials.properties.elastic import plane_stress_modulus
from mdfe.run.kfield import field_points, outer_nodes
from mdfe.solvers.crack_field import AnisotropicField, KolosovField, crack_field
from mdfe.solvers.fe import graded_mesh, membrane
from mdfe.solvers.fe.jintegral import j_integral, problem_j_integral

ISO = np.array([[20.0, 4.0, 0.0], [4.0, 20.0, 0.0], [0.0, 0.0, 8.0]])      # eV/Å², ν = 0.2
ORTHO = np.array([[24.0, 3.0, 0.0], [3.0, 14.0, 0.0], [0.0, 0.0, 5.0]])    # eV/Å²
K = 1.3                                                                    # eV/Å^{3/2}
ANNULI = [(8.0, 20.0), (25.0, 40.0), (45.0, 70.0)]


@pytest.fixture(scope="module")
def slit_mesh():
    return graded_mesh(200.0, 200.0, h_min=0.75, h_max=6.0, md_regions=[(-2, -2, 2, 2)],
                       cracks=[((-100.0, 0.0), (0.0, 0.0))], origin=(-100.0, -100.0))


def _solve(mesh, C):
    from mdfe.solvers.fe import ElasticityProblem
    field = crack_field(C)
    ids = outer_nodes(mesh)
    u_bc = field.displacements(field_points(mesh, ids, (0.0, 0.0)), K)
    prob = ElasticityProblem(mesh, {int(r): membrane(C) for r in np.unique(mesh.regions)},
                             options={"ksp_rtol": 1e-12, "ksp_atol": 1e-30})
    prob.set_dirichlet(ids, u_bc)
    return prob, prob.gather(prob.solve()), field


@pytest.mark.parametrize("C, kind", [(ISO, KolosovField), (ORTHO, AnisotropicField)])
def test_j_on_three_contours_equals_k2_over_e_prime(slit_mesh, C, kind):
    prob, u, field = _solve(slit_mesh, C)
    assert isinstance(field, kind)
    g = K ** 2 / plane_stress_modulus(C)
    js = np.array([problem_j_integral(prob, u, (0.0, 0.0), a, b) for a, b in ANNULI])
    print(f"{kind.__name__}: J = {js} eV/Å, K²/E' = {g:.6f} eV/Å")
    assert np.ptp(js) / js.mean() < 0.02
    assert np.allclose(js, g, rtol=0.02)


def test_j_vanishes_for_a_uniform_strain(slit_mesh):
    """No singularity inside the annulus (it stays off the crack): J = 0 to round-off."""
    u = slit_mesh.nodes @ np.array([[1e-3, 2e-4], [2e-4, -5e-4]]).T
    assert abs(j_integral(slit_mesh, u, ISO, (30.0, 30.0), 10.0, 25.0)) < 1e-12
