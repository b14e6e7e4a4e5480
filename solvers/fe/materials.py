"""Linear elastic materials of one region: 3D anisotropic, 2D plane strain, 2D membrane.

Voigt order with engineering shear strains: 3D (xx, yy, zz, yz, xz, xy); 2D (xx, yy, xy).

Every law stores ``D``, the Voigt stiffness used in assembly: for 3D laws D = C in
eV/Å³; for 2D laws D is a stiffness per unit area of the mesh plane in eV/Å² (so one 2D
assembly serves both): the membrane law of a monolayer gives it directly (a 3×3
"2D stiffness", input in eV/Å² or N/m), plane strain gives D = C_ps · thickness. Stress
reported by the solver is ``D (ε − ε0) / thickness``: eV/Å³ for 3D and plane strain,
eV/Å² (force per length, a stress resultant) for a membrane (thickness 1, unitless).

``density`` is mass per volume (amu/Å³) in 3D and plane strain, per area (amu/Å²) for
a membrane; used by the lumped mass of explicit dynamics.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mdfe.solvers.fe.errors import FEInputError

#: 1 N/m in eV/Å² (2D stiffness, stress resultant).
N_PER_M = 1.0 / 16.0217663
#: 1 GPa in eV/Å³.
GPA = 1.0 / 160.21766208
_VOIGT3 = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
_VOIGT2 = [(0, 0), (1, 1), (0, 1)]


def voigt_pairs(dim: int):
    """(i, j) index pairs of the Voigt components in ``dim`` dimensions."""
    return _VOIGT3 if dim == 3 else _VOIGT2


@dataclass(frozen=True)
class LinearElastic:
    """Linear law of one region (construct with the functions below).

    D (nv, nv) Voigt stiffness for assembly (see module doc for units), nv = 6 or 3.
    eigenstrain (nv,) Voigt engineering eigenstrain ε0 (stress-free strain).
    kind: ``3d``, ``plane_strain`` or ``membrane``; thickness in Å (1 for membranes).
    """
    D: np.ndarray
    eigenstrain: np.ndarray
    kind: str
    thickness: float = 1.0
    density: float = 1.0

    @property
    def dim(self) -> int:
        return 3 if self.kind == "3d" else 2


def check_stiffness(C: np.ndarray, n: int, what: str) -> np.ndarray:
    """C as an (n, n) symmetric positive-definite float array, else FEInputError."""
    C = np.asarray(C, float)
    if C.shape != (n, n):
        raise FEInputError(f"{what}: stiffness must be a {n}x{n} Voigt matrix; got shape {C.shape}")
    if not np.all(np.isfinite(C)):
        raise FEInputError(f"{what}: stiffness has non-finite entries")
    scale = np.abs(C).max()
    if scale == 0 or np.abs(C - C.T).max() > 1e-10 * scale:
        raise FEInputError(f"{what}: stiffness must be symmetric and non-zero")
    ev = np.linalg.eigvalsh(C)
    if ev.min() <= 1e-12 * ev.max():
        raise FEInputError(f"{what}: stiffness is not positive definite "
                           f"(eigenvalues {np.array2string(ev, precision=4)})")
    return 0.5 * (C + C.T)


def _eig(eps0, nv: int, what: str) -> np.ndarray:
    e = np.zeros(nv) if eps0 is None else np.asarray(eps0, float).reshape(-1)
    if e.shape != (nv,):
        raise FEInputError(f"{what}: eigenstrain must have {nv} Voigt components; got {e.shape}")
    return e


def _positive(value: float, what: str) -> float:
    if not np.isfinite(value) or value <= 0:
        raise FEInputError(f"{what} must be > 0; got {value}")
    return float(value)


def isotropic_C(E: float, nu: float) -> np.ndarray:
    """3D isotropic Voigt stiffness (6, 6) from Young's modulus E and Poisson ratio nu."""
    if not (-1.0 < nu < 0.5) or E <= 0:
        raise FEInputError(f"isotropic law needs E > 0 and -1 < nu < 0.5; got E={E}, nu={nu}")
    lam = E * nu / ((1 + nu) * (1 - 2 * nu))
    mu = E / (2 * (1 + nu))
    C = np.zeros((6, 6))
    C[:3, :3] = lam
    C[np.arange(3), np.arange(3)] += 2 * mu
    C[np.arange(3, 6), np.arange(3, 6)] = mu
    return C


def orthotropic_C(E, nu, G) -> np.ndarray:
    """3D orthotropic Voigt stiffness (6, 6) in material axes from moduli E (3,),
    Poisson ratios nu = (ν12, ν13, ν23) (ν_ij = −ε_j/ε_i under stress along i) and shear
    moduli G = (G23, G13, G12); units of E and G."""
    E1, E2, E3 = E
    n12, n13, n23 = nu
    S = np.zeros((6, 6))
    S[:3, :3] = [[1 / E1, -n12 / E1, -n13 / E1],
                 [-n12 / E1, 1 / E2, -n23 / E2],
                 [-n13 / E1, -n23 / E2, 1 / E3]]
    S[3:, 3:] = np.diag(1.0 / np.asarray(G, float))
    return check_stiffness(np.linalg.inv(S), 6, "orthotropic law")


def rotate_voigt(C: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Voigt stiffness of C (6, 6) or 2D (3, 3) after rotating the material by R (d, d).

    Exact tensor rotation C'_ijkl = R_ip R_jq R_kr R_ls C_pqrs.
    """
    C = np.asarray(C, float)
    d = 3 if C.shape == (6, 6) else 2
    T = voigt_to_tensor(C, d)
    T = np.einsum("ip,jq,kr,ls,pqrs->ijkl", R, R, R, R, T)
    return tensor_to_voigt(T)


def voigt_to_tensor(C: np.ndarray, d: int) -> np.ndarray:
    """Fourth-order tensor (d, d, d, d) with minor and major symmetries from Voigt C."""
    pairs = voigt_pairs(d)
    T = np.zeros((d,) * 4)
    for a, (i, j) in enumerate(pairs):
        for b, (k, l) in enumerate(pairs):
            for ii, jj in {(i, j), (j, i)}:
                for kk, ll in {(k, l), (l, k)}:
                    T[ii, jj, kk, ll] = C[a, b]
    return T


def tensor_to_voigt(T: np.ndarray) -> np.ndarray:
    """Voigt matrix from a fourth-order stiffness tensor (d, d, d, d)."""
    pairs = voigt_pairs(T.shape[0])
    return np.array([[T[i, j, k, l] for (k, l) in pairs] for (i, j) in pairs])


def anisotropic_3d(C, eigenstrain=None, density: float = 1.0) -> LinearElastic:
    """3D law with Voigt stiffness C (6, 6) in eV/Å³ (use ``GPA`` to convert)."""
    return LinearElastic(check_stiffness(C, 6, "3D anisotropic law"),
                         _eig(eigenstrain, 6, "3D law"), "3d",
                         density=_positive(density, "density"))


def plane_strain(C, thickness: float = 1.0, eigenstrain=None, density: float = 1.0) -> LinearElastic:
    """Plane strain (ε_zz = ε_yz = ε_xz = 0) of a 3D law C (6, 6) eV/Å³; thickness in Å.

    eigenstrain: in-plane Voigt (xx, yy, xy).
    """
    C = check_stiffness(C, 6, "plane strain law")
    t = _positive(thickness, "plane strain thickness")
    Cps = C[np.ix_([0, 1, 5], [0, 1, 5])]
    return LinearElastic(Cps * t, _eig(eigenstrain, 3, "plane strain law"), "plane_strain",
                         thickness=t, density=_positive(density, "density"))


def membrane(C2d, eigenstrain=None, density: float = 1.0, units: str = "eV/A^2") -> LinearElastic:
    """2D membrane law of a monolayer: Voigt stiffness (3, 3) per area.

    units: ``eV/A^2`` (internal) or ``N/m``. density: areal mass (amu/Å²).
    """
    if units not in ("eV/A^2", "N/m"):
        raise FEInputError(f"membrane law units {units!r}: allowed 'eV/A^2' or 'N/m'")
    C = check_stiffness(C2d, 3, "membrane law")
    if units == "N/m":
        C = C * N_PER_M
    return LinearElastic(C, _eig(eigenstrain, 3, "membrane law"), "membrane",
                         density=_positive(density, "density"))


def misfit_eigenstrain(a_layer: float, a_ref: float, dim: int = 2) -> np.ndarray:
    """Isotropic Voigt eigenstrain of a lattice with constant a_layer relative to a_ref."""
    e = a_layer / a_ref - 1.0
    return np.r_[np.full(dim, e), np.zeros(3 if dim == 3 else 1)]
