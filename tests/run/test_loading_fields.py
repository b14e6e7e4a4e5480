"""Boundary loads of ``mdfe run`` per unit load (mdfe.run.model.unit_displacements /
unit_k_field) on the Morse triangular sheet, against exact statements:

- uniaxial far field: ε_yy = 1 and σ_xx = 0, so ε_xx = −C12/C11 = −1/3 (Cauchy relation of
  a central pair potential on the triangular lattice, C12 = C11/3, isotropic);
- biaxial far field: u = (x − tip) on the pulled edges (ε_xx = ε_yy = 1);
- K-field mode mixity: ψ = 0 is pure mode I (u_x even, u_y odd in y about the crack
  line), ψ = 90° pure mode II (u_x odd, u_y even); ψ = 45° is their sum / √2."""
import numpy as np
import pytest

from case_files import fast_case

from mdfe.run.model import build_inputs, unit_displacements, unit_k_field
from mdfe.run.schema import check_run_config


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("load") / "out")

    def make(**changes):
        cfg = check_run_config(fast_case(**{"output.directory": out, **changes}))
        return build_inputs(cfg)
    return make


def test_far_field_strains(inputs):
    uni = inputs(**{"loading.mode": "strain"})
    assert uni.law.C[0, 1] / uni.law.C[0, 0] == pytest.approx(1 / 3, rel=1e-6)
    ids = np.arange(uni.mesh.n_nodes)
    d = uni.mesh.nodes[ids] - uni.tip
    u = unit_displacements(uni, ids)
    assert np.allclose(u[:, 1], d[:, 1]) and np.allclose(u[:, 0], -d[:, 0] / 3, atol=1e-6)
    bi = inputs(**{"loading.mode": "strain", "loading.far_field": "biaxial"})
    assert np.allclose(unit_displacements(bi, ids), d)


def test_mode_mixity(inputs):
    P = np.array([[3.0, 4.0], [-5.0, 2.0], [7.0, 1.0]])
    Q = P * [1, -1]                                     # mirror images across the crack line
    f = {psi: (lambda k: (unit_k_field(k, k.tip + P), unit_k_field(k, k.tip + Q)))(
        inputs(**{"loading.mode_mixity": psi})) for psi in (0.0, 90.0, 45.0)}
    (a, b), (c, d) = f[0.0], f[90.0]
    assert np.allclose(a[:, 0], b[:, 0]) and np.allclose(a[:, 1], -b[:, 1])   # mode I
    assert np.allclose(c[:, 0], -d[:, 0]) and np.allclose(c[:, 1], d[:, 1])   # mode II
    assert np.allclose(f[45.0][0], (a + c) / np.sqrt(2))
