"""K-fields: the displacement field's strains times C give the stated stresses, the
stresses are in equilibrium, the faces are traction-free, and σ ahead of the tip is
K/sqrt(2πr) — for the isotropic (Kolosov) and the anisotropic (matscipy) fields, modes I,
II and mixed; and the two agree for a nearly isotropic medium."""
import numpy as np
import pytest

from mdfe.solvers.crack_field import AnisotropicField, KolosovField, crack_field

C_ISO = np.array([[22.24, 1.446, 0], [1.446, 22.24, 0], [0, 0, (22.24 - 1.446) / 2]])  # eV/Å²
C_ORTHO = np.array([[20.0, 3.0, 0.0], [3.0, 12.0, 0.0], [0.0, 0.0, 5.0]])
TIP = (1.3, -0.7)


C_CUBIC = np.zeros((6, 6))       # Si-like cubic C (eV/Å³), plane strain in the xy plane
C_CUBIC[:3, :3] = 0.54
C_CUBIC[[0, 1, 2], [0, 1, 2]] = 1.04
C_CUBIC[[3, 4, 5], [3, 4, 5]] = 0.50
PLANE = [0, 1, 5]                # in-plane block: σ_xx, σ_yy, σ_xy vs ε_xx, ε_yy, γ_xy


def fields():
    return {"kolosov": (crack_field(C_ISO, TIP), C_ISO),
            "anisotropic": (crack_field(C_ORTHO, TIP), C_ORTHO),
            "plane strain": (crack_field(C_CUBIC, TIP), C_CUBIC[np.ix_(PLANE, PLANE)])}


@pytest.mark.parametrize("name", ["kolosov", "anisotropic", "plane strain"])
@pytest.mark.parametrize("k_i, k_ii", [(1.0, 0.0), (0.0, 1.0), (0.7, -0.4)])
def test_field_is_an_elastic_crack_solution(name, k_i, k_ii):
    field, c = fields()[name]
    assert isinstance(field, KolosovField if name == "kolosov" else AnisotropicField)
    if name == "plane strain":     # cubic C is not isotropic: 2 C44 != C11 - C12
        assert C_CUBIC[3, 3] * 2 != C_CUBIC[0, 0] - C_CUBIC[0, 1]
    rng = np.random.default_rng(2)
    r = rng.uniform(2, 20, 25)
    t = rng.uniform(-3.0, 3.0, 25)
    p = np.column_stack([r * np.cos(t), r * np.sin(t)]) + TIP
    h = 1e-5
    grad = np.zeros((len(p), 2, 2))
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        grad[:, :, j] = (field.displacements(p + e, k_i, k_ii)
                         - field.displacements(p - e, k_i, k_ii)) / (2 * h)
    strain = np.column_stack([grad[:, 0, 0], grad[:, 1, 1], grad[:, 0, 1] + grad[:, 1, 0]])
    sigma = field.stresses(p, k_i, k_ii)
    np.testing.assert_allclose(strain @ c.T, sigma, atol=1e-7 * np.abs(sigma).max())
    # equilibrium: d sxx/dx + d sxy/dy = 0, d sxy/dx + d syy/dy = 0
    ex, ey = np.array([h, 0]), np.array([0, h])
    dsx = (field.stresses(p + ex, k_i, k_ii) - field.stresses(p - ex, k_i, k_ii)) / (2 * h)
    dsy = (field.stresses(p + ey, k_i, k_ii) - field.stresses(p - ey, k_i, k_ii)) / (2 * h)
    scale = np.abs(dsx).max()
    assert np.abs(dsx[:, 0] + dsy[:, 2]).max() < 1e-6 * scale
    assert np.abs(dsx[:, 2] + dsy[:, 1]).max() < 1e-6 * scale
    # traction-free faces just above and below the crack line, K definition ahead of it
    rr = np.array([1.0, 4.0, 9.0])
    faces = np.concatenate([np.column_stack([-rr, np.full(3, 1e-12)]),
                            np.column_stack([-rr, np.full(3, -1e-12)])]) + TIP
    assert np.abs(field.stresses(faces, k_i, k_ii)[:, 1:]).max() < 1e-8
    ahead = field.stresses(np.column_stack([rr, np.zeros(3)]) + TIP, k_i, k_ii)
    np.testing.assert_allclose(ahead[:, 1], k_i / np.sqrt(2 * np.pi * rr), atol=1e-10)
    np.testing.assert_allclose(ahead[:, 2], k_ii / np.sqrt(2 * np.pi * rr), atol=1e-10)


def test_kolosov_plane_stress_kappa_and_near_isotropic_agreement():
    field = crack_field(C_ISO)
    nu = 1.446 / 22.24
    assert field.kappa == pytest.approx((3 - nu) / (1 + nu), rel=1e-12)
    near = C_ISO.copy()
    near[1, 1] *= 1 + 1e-3
    p = np.array([[5.0, 3.0], [-4.0, 2.0], [-4.0, -2.0], [0.5, -7.0]])
    u = field.displacements(p, 0.6, 0.3)
    np.testing.assert_allclose(AnisotropicField(near).displacements(p, 0.6, 0.3), u,
                               atol=2e-3 * np.abs(u).max())


def test_bad_input():
    with pytest.raises(ValueError, match="plane"):
        KolosovField(1.0, 0.2, plane="membrane")
    with pytest.raises(ValueError, match="stiffness shape"):
        AnisotropicField(np.eye(4))
