"""Lattice constant and elastic constants of a LAMMPS potential (relaxed-ion, 0 K).

- :func:`lattice_constant`: the a at which the isotropically scaled cell carries no mean
  stress (for sheets: in-plane only), found by root-finding on Cauchy–Born stress with the
  basis relaxed. Crystals with more than one free cell parameter (hcp c/a, ...) need more
  than this one-parameter scaling and are not covered.
- :func:`membrane_stiffness`: 2D stiffness of a sheet, Voigt 3×3 over (11, 22, 12) with
  engineering shear strain, eV/Å² (× :data:`EV_PER_A2_TO_N_PER_M` for N/m).
- :func:`bulk_stiffness`: 6×6 Voigt C over (11, 22, 33, 23, 13, 12), eV/Å³
  (× :data:`EV_PER_A3_TO_GPA` for GPa).

Both stiffnesses are the Cauchy–Born tangent dP/dF at F = I of a stress-free cell, which
includes the inner (sublattice) relaxation.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy.optimize import brentq

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.unit_cells import UnitCell

EV_PER_A2_TO_N_PER_M = 16.021766339999996  # 1 eV/Å² in N/m
EV_PER_A3_TO_GPA = 160.21766339999996      # 1 eV/Å³ in GPa
VOIGT_2D = ((0, 0), (1, 1), (0, 1))
VOIGT_3D = ((0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1))


def lattice_constant(potential: LammpsPotential, cell_of_a: Callable[[float], UnitCell],
                     a_guess: float, window: float = 0.05) -> float:
    """Relaxed lattice constant (Å): root of the mean normal stress of ``cell_of_a(a)``.

    The root is bracketed in a_guess·(1 ± window); ValueError if it is not there.
    """
    cb = CauchyBorn(potential, cell_of_a(a_guess))
    try:
        def mean_stress(s):
            return np.trace(cb.energy_stress(s * np.eye(cb.dim)[None])[1][0])
        lo, hi = 1.0 - window, 1.0 + window
        if mean_stress(lo) * mean_stress(hi) > 0:
            raise ValueError(f"a_guess={a_guess} Å: no stress-free lattice constant within "
                             f"±{window:.0%}; give a better guess")
        return a_guess * brentq(mean_stress, lo, hi, xtol=1e-14, rtol=1e-14)
    finally:
        cb.close()


def _voigt(tangent: np.ndarray, pairs) -> np.ndarray:
    return np.array([[tangent[i, j, k, l] for k, l in pairs] for i, j in pairs])


def membrane_stiffness(cb: CauchyBorn) -> np.ndarray:
    """(3, 3) Voigt 2D stiffness of a sheet's stress-free cell ``cb``, eV/Å²."""
    if cb.dim != 2:
        raise ValueError("membrane_stiffness needs a 2D (sheet) Cauchy–Born cell")
    return _voigt(cb(np.eye(2)[None])[2][0], VOIGT_2D)


def bulk_stiffness(cb: CauchyBorn) -> np.ndarray:
    """(6, 6) Voigt stiffness of a bulk stress-free cell ``cb``, eV/Å³."""
    if cb.dim != 3:
        raise ValueError("bulk_stiffness needs a 3D Cauchy–Born cell")
    return _voigt(cb(np.eye(3)[None])[2][0], VOIGT_3D)


def plane_stress_modulus(c2d: np.ndarray) -> float:
    """E' (same units as c2d) with G = K_I²/E' for a crack along x in an orthotropic sheet.

    c2d: (3, 3) Voigt membrane stiffness (axes = symmetry axes of the sheet). Uses the
    Sih–Paris–Irwin orthotropic result G = K² sqrt(a11 a22 / 2) sqrt(sqrt(a22/a11) +
    (2 a12 + a66) / (2 a11)), a = c2d⁻¹; for an isotropic sheet E' = (C11² − C12²)/C11.
    """
    a = np.linalg.inv(c2d)
    inv = np.sqrt(a[0, 0] * a[1, 1] / 2) * np.sqrt(
        np.sqrt(a[1, 1] / a[0, 0]) + (2 * a[0, 1] + a[2, 2]) / (2 * a[0, 0]))
    return 1.0 / inv


def relaxed_sheet_cell(potential: LammpsPotential, unit: UnitCell,
                       window: float = 0.1) -> UnitCell:
    """The sheet cell stretched along x and y (λx, λy) to zero in-plane normal stress, its
    basis relaxed: the stress-free reference of an orthorhombic sheet (borophene).

    ValueError if no stress-free stretch is found within 1 ± ``window``.
    """
    from scipy.optimize import root
    if unit.dim != 2:
        raise ValueError("relaxed_sheet_cell needs a sheet (dim 2) cell")
    cb = CauchyBorn(potential, unit)
    try:
        def normal_stress(lam):
            return np.diag(cb.energy_stress(np.diag(lam)[None])[1][0])
        sol = root(normal_stress, [1.0, 1.0], tol=1e-14)
        lam = sol.x
        if not sol.success or np.abs(lam - 1).max() > window:
            raise ValueError(f"no stress-free stretch of the {unit.symbols[0]} sheet cell "
                             f"within ±{window:.0%} (got {lam}); check the potential")
        f3 = np.diag([lam[0], lam[1], 1.0])
        xi = cb.xi(f3[None, :2, :2])[0]
    finally:
        cb.close()
    pos = unit.positions @ f3.T + xi
    return UnitCell(unit.cell @ f3.T, pos, unit.symbols, unit.sublattice, 2)
