"""Crack-tip K-field displacements (isotropic, mode I and II), for Dirichlet conditions.

Williams' leading term for a straight semi-infinite crack along −x' of a tip frame
(origin ``tip``, x' at ``angle`` rad from x), with polar (r, θ) in that frame, θ = ±π on
the faces:

    u_x' = K_I/(2μ) √(r/2π) cos(θ/2) (κ − 1 + 2 sin²(θ/2)) + K_II/(2μ) √(r/2π) sin(θ/2) (κ + 1 + 2 cos²(θ/2))
    u_y' = K_I/(2μ) √(r/2π) sin(θ/2) (κ + 1 − 2 cos²(θ/2)) − K_II/(2μ) √(r/2π) cos(θ/2) (κ − 1 − 2 sin²(θ/2))

κ = 3 − 4ν (plane strain) or (3 − ν)/(1 + ν) (plane stress, membranes). K is a stress
times √length: plane strain μ in eV/Å³ and K in eV/Å^{5/2}; a membrane's μ in eV/Å² and
K in eV/Å^{3/2} (stress resultant·√Å). Returns Å.
"""
from __future__ import annotations

import numpy as np

from mdfe.solvers.fe.errors import FEInputError


def kappa(nu: float, plane: str) -> float:
    """Kolosov constant for ``plane`` = ``strain`` or ``stress`` (membranes)."""
    if plane == "strain":
        return 3.0 - 4.0 * nu
    if plane == "stress":
        return (3.0 - nu) / (1.0 + nu)
    raise FEInputError(f"K-field plane must be 'strain' or 'stress'; got {plane!r}")


def k_field_displacement(x: np.ndarray, K_I: float, mu: float, nu: float, plane: str = "strain",
                         K_II: float = 0.0, tip=(0.0, 0.0), angle: float = 0.0,
                         theta: np.ndarray | None = None) -> np.ndarray:
    """Displacements (n, 2) Å at reference points x (n, 2) Å.

    theta: optional polar angles (n,) in the tip frame, to tell the two faces of a
    pre-cut crack apart (points on the faces have the same coordinates); default atan2.
    """
    if mu <= 0:
        raise FEInputError(f"K-field needs a shear modulus mu > 0; got {mu}")
    k = kappa(nu, plane)
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    xl = (np.asarray(x, float)[:, :2] - np.asarray(tip, float)) @ R
    r = np.hypot(xl[:, 0], xl[:, 1])
    t = np.arctan2(xl[:, 1], xl[:, 0]) if theta is None else np.asarray(theta, float)
    f = np.sqrt(r / (2 * np.pi)) / (2 * mu)
    ch, sh = np.cos(t / 2), np.sin(t / 2)
    ux = f * (K_I * ch * (k - 1 + 2 * sh ** 2) + K_II * sh * (k + 1 + 2 * ch ** 2))
    uy = f * (K_I * sh * (k + 1 - 2 * ch ** 2) - K_II * ch * (k - 1 - 2 * sh ** 2))
    return np.column_stack([ux, uy]) @ R.T
