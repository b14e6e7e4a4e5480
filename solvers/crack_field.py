"""Near-tip (K-field) displacements and stresses of a straight crack.

The crack lies along the negative x axis with its tip at ``tip`` (Å); θ ∈ (−π, π] is
measured from +x, so the faces are θ = ±π. Mode I, mode II and mixed loading.

- :class:`KolosovField`: isotropic in-plane, u = K/(2μ) sqrt(r/2π) f(θ; κ) (Kolosov /
  Williams), κ = (3 − ν)/(1 + ν) in plane stress (2D sheets: graphene and h-BN are
  isotropic in-plane) and κ = 3 − 4ν in plane strain (bulk).
- :class:`AnisotropicField`: rectilinear anisotropic (Sih–Paris–Irwin) through matscipy's
  ``RectilinearAnisotropicCrack``; that formula degenerates for an isotropic medium
  (repeated roots), which is why isotropic sheets use Kolosov.
- :func:`crack_field`: picks one from the elastic constants.

Units: for a sheet the stiffness is the 2D one in eV/Å² and K the sheet value in
eV/Å^{3/2} (convert MPa·√m with :func:`mdfe.potentials.properties.edges.mpa_sqrt_m_to_k`,
thickness stated, 3.35 Å for graphene); stresses are then eV/Å² (2D). For bulk, stiffness
eV/Å³, K eV/Å^{5/2}, stresses eV/Å³. Displacements are in Å. Shapes: points (n, 2), Å,
absolute (the tip is subtracted); displacements (n, 2); stresses (n, 3) as (xx, yy, xy).
"""
from __future__ import annotations

import numpy as np

VOIGT_2D = ((0, 0), (1, 1), (0, 1))


def _polar(points, tip):
    d = np.asarray(points, float).reshape(-1, 2) - np.asarray(tip, float)
    return np.hypot(d[:, 0], d[:, 1]), np.arctan2(d[:, 1], d[:, 0])


class KolosovField:
    """Isotropic K-field; shear modulus ``mu``, Poisson ratio ``nu``, ``plane`` 'stress' or
    'strain'."""

    def __init__(self, mu: float, nu: float, plane: str = "stress", tip=(0.0, 0.0)):
        if plane not in ("stress", "strain"):
            raise ValueError(f"plane {plane!r}: allowed 'stress', 'strain'")
        if mu <= 0 or not -1 < nu < 0.5 + 0.5 * (plane == "stress"):
            raise ValueError(f"mu={mu}, nu={nu}: need mu > 0 and a stable Poisson ratio")
        self.mu, self.nu, self.tip = mu, nu, tip
        self.kappa = (3 - nu) / (1 + nu) if plane == "stress" else 3 - 4 * nu

    def displacements(self, points, k_i: float, k_ii: float = 0.0) -> np.ndarray:
        """u (n, 2) Å at ``points`` (n, 2) for stress intensities K_I, K_II."""
        r, t = _polar(points, self.tip)
        k, c, s = self.kappa, np.cos(t / 2), np.sin(t / 2)
        f = np.sqrt(r / (2 * np.pi)) / (2 * self.mu)
        ux = k_i * c * (k - 1 + 2 * s ** 2) + k_ii * s * (k + 1 + 2 * c ** 2)
        uy = k_i * s * (k + 1 - 2 * c ** 2) - k_ii * c * (k - 1 - 2 * s ** 2)
        return np.column_stack([f * ux, f * uy])

    def stresses(self, points, k_i: float, k_ii: float = 0.0) -> np.ndarray:
        """σ (n, 3) = (xx, yy, xy) at ``points`` (n, 2)."""
        r, t = _polar(points, self.tip)
        c, s, c3, s3 = np.cos(t / 2), np.sin(t / 2), np.cos(3 * t / 2), np.sin(3 * t / 2)
        g = 1 / np.sqrt(2 * np.pi * r)
        sxx = k_i * c * (1 - s * s3) - k_ii * s * (2 + c * c3)
        syy = k_i * c * (1 + s * s3) + k_ii * s * c * c3
        sxy = k_i * c * s * c3 + k_ii * c * (1 - s * s3)
        return g[:, None] * np.column_stack([sxx, syy, sxy])


class AnisotropicField:
    """Rectilinear anisotropic K-field (matscipy); ``stiffness`` (3, 3) 2D Voigt (plane
    stress) or (6, 6) bulk Voigt (plane strain), axes: x crack direction, y normal."""

    def __init__(self, stiffness: np.ndarray, tip=(0.0, 0.0)):
        from matscipy.fracture_mechanics.crack import RectilinearAnisotropicCrack
        c = np.asarray(stiffness, float)
        s = np.linalg.inv(c)
        self.tip = tip
        self._crack = RectilinearAnisotropicCrack()
        if c.shape == (3, 3):
            self._crack.set_plane_stress(s[0, 0], s[1, 1], s[0, 1], s[0, 2], s[1, 2], s[2, 2])
        elif c.shape == (6, 6):
            self._crack.set_plane_strain(s[0, 0], s[1, 1], s[2, 2], s[0, 1], s[0, 2], s[1, 2],
                                         s[0, 5], s[1, 5], s[2, 5], s[5, 5])
        else:
            raise ValueError(f"stiffness shape {c.shape}: allowed (3, 3) or (6, 6)")

    def displacements(self, points, k_i: float, k_ii: float = 0.0) -> np.ndarray:
        """u (n, 2) Å at ``points`` (n, 2)."""
        r, t = _polar(points, self.tip)
        return np.column_stack(self._crack.displacements(r, t, k_i, k_ii))

    def stresses(self, points, k_i: float, k_ii: float = 0.0) -> np.ndarray:
        """σ (n, 3) = (xx, yy, xy) at ``points`` (n, 2)."""
        r, t = _polar(points, self.tip)
        return np.column_stack(self._crack.stresses(r, t, k_i, k_ii))


def is_isotropic_in_plane(stiffness: np.ndarray, rtol: float = 1e-6) -> bool:
    """True for a 2D Voigt stiffness with C11 = C22, C16 = C26 = 0, C66 = (C11 − C12)/2."""
    c = np.asarray(stiffness, float)
    tol = rtol * abs(c[0, 0])
    return bool(c.shape == (3, 3) and abs(c[0, 0] - c[1, 1]) < tol and abs(c[0, 2]) < tol
                and abs(c[1, 2]) < tol and abs(c[2, 2] - (c[0, 0] - c[0, 1]) / 2) < tol)


def crack_field(stiffness: np.ndarray, tip=(0.0, 0.0)):
    """Kolosov (plane stress) for an in-plane-isotropic sheet, matscipy's anisotropic
    field otherwise (2D plane stress for (3, 3), plane strain for (6, 6))."""
    c = np.asarray(stiffness, float)
    if is_isotropic_in_plane(c):
        c = (c + c.T) / 2
        return KolosovField(mu=c[2, 2], nu=c[0, 1] / c[0, 0], plane="stress", tip=tip)
    return AnisotropicField(c, tip=tip)
