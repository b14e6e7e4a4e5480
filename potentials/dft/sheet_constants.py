"""Lattice constant and 2D elastic constants of a honeycomb sheet from labelled 2-atom cells.

Works on any labelled frames (DFT entries, or the same inputs evaluated by an MTP via
:func:`relabel`), so a potential is compared with DFT *on the same configurations*:

- lattice constant a (Å): minimum of a cubic fit of E(ε) over the biaxial scan
  (F = (1+ε)·I in plane, ε = −3 … +3 %);
- clamped-ion 2D constants C11, C22, C12, C66 (N/m; Voigt, engineering shear γ = 2εxy)
  by central differences of the in-plane stress over ±1 % strains, σ_2D = σ_3D·L_z;
- relaxed-ion constants C − ΛᵀK⁻¹Λ/A: Λ (eV/Å per unit strain) is the force on the second
  atom per strain at affine positions, K (eV/Å²) its in-plane force constant from the
  0.02 Å displacements, A (Å²) the cell area. This is the inner-shift relaxation.

Expected frames (``datasets``): the 2-atom ``*_scan`` entries of the bulk set (biaxial
scan, ±1 % uniaxial x and y, +1 % shear, unstrained) and of the ``*_elastic`` set (−1 %
shear, two displaced cells).
"""
from __future__ import annotations

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator

EV_PER_A2_IN_N_PER_M = 16.02176634  # 1 eV/Å² = 16.02 N/m
H = 0.01                            # the ±1 % strains of the scans


def relabel(frames: list[Atoms], calc) -> list[Atoms]:
    """Copies of ``frames`` (info kept) with energy/forces/stress from ``calc``."""
    out = []
    for fr in frames:
        at = fr.copy()
        at.calc = calc
        res = {"energy": at.get_potential_energy(), "forces": at.get_forces(),
               "stress": at.get_stress()}
        at.calc = SinglePointCalculator(at, **res)
        out.append(at)
    return out


def _find(frames: list[Atoms], strain, displaced_axis: int | None = None) -> Atoms:
    """The 2-atom frame with in-plane strain (εxx, εyy, εxy) (and displacement axis)."""
    for fr in frames:
        st = np.asarray(fr.info.get("strain", [np.nan] * 3), float)
        if len(fr) != 2 or not np.allclose(st, strain, atol=1e-9):
            continue
        disp = fr.info.get("displacement")
        if displaced_axis is None and disp is None:
            return fr
        if displaced_axis is not None and disp is not None:
            ref = _find(frames, (0.0, 0.0, 0.0))
            moved = fr.positions[1] - ref.positions[1]
            if abs(moved[displaced_axis]) > 0.5 * float(disp):
                return fr
    what = f"strain {tuple(float(v) + 0.0 for v in strain)}" + ("" if displaced_axis is None
                                        else f", atom 1 displaced along axis {displaced_axis}")
    raise ValueError(f"no labelled 2-atom frame with {what}; label the *_scan entries of "
                     f"the bulk and elastic sets first")


def lattice_constant(frames: list[Atoms], a0: float) -> float:
    """Equilibrium lattice constant (Å) from the biaxial scan around ``a0``."""
    scan = [(float(fr.info["strain"][0]), fr.get_potential_energy()) for fr in frames
            if len(fr) == 2 and "displacement" not in fr.info and "strain" in fr.info
            and np.isclose(fr.info["strain"][0], fr.info["strain"][1])
            and np.isclose(fr.info["strain"][2], 0.0)]
    if len(scan) < 4:
        raise ValueError(f"lattice constant needs ≥ 4 biaxial 2-atom frames, have {len(scan)}")
    eps, e = np.array(sorted(scan)).T
    c = np.polyfit(eps, e, 3)
    roots = np.roots(np.polyder(c))
    roots = roots[np.isreal(roots)].real
    roots = roots[(np.polyval(np.polyder(c, 2), roots) > 0)   # minima inside the scan only
                  & (roots >= eps[0]) & (roots <= eps[-1])]
    if len(roots) == 0:
        raise ValueError(f"the energy of the biaxial scan (strain {eps[0]:+.3f} … "
                         f"{eps[-1]:+.3f}) has no minimum: no lattice constant")
    return float(a0 * (1.0 + roots[np.argmin(np.abs(roots))]))


def elastic_constants(frames: list[Atoms]) -> dict:
    """{'clamped': C, 'relaxed': C} with C = {'C11','C22','C12','C21','C66'} in N/m."""
    zero = _find(frames, (0.0, 0.0, 0.0))
    lz = zero.cell[2, 2]
    area = abs(np.linalg.det(zero.cell[:2, :2]))
    cases = {"x": (H, 0.0, 0.0), "y": (0.0, H, 0.0), "s": (0.0, 0.0, H)}
    sig = {}   # d(σ_2D in xx, yy, xy)/d(ε_x, ε_y, γ)   in eV/Å²
    lam = {}   # d(force on atom 1, x and y)/d(strain)  in eV/Å
    for key, st in cases.items():
        plus, minus = _find(frames, st), _find(frames, tuple(-v for v in st))
        dstrain = 2 * H * (2.0 if key == "s" else 1.0)  # γ = 2 εxy for shear
        s_p, s_m = plus.get_stress()[[0, 1, 5]], minus.get_stress()[[0, 1, 5]]
        sig[key] = (s_p - s_m) * lz / dstrain
        lam[key] = (plus.get_forces()[1, :2] - minus.get_forces()[1, :2]) / dstrain
    f0 = zero.get_forces()[1, :2]
    k = np.empty((2, 2))
    for axis in (0, 1):
        fr = _find(frames, (0.0, 0.0, 0.0), displaced_axis=axis)
        du = fr.positions[1, axis] - zero.positions[1, axis]
        k[:, axis] = -(fr.get_forces()[1, :2] - f0) / du
    k = 0.5 * (k + k.T)
    c_cl = np.column_stack([sig["x"], sig["y"], sig["s"]])      # rows σ, columns strain
    lam_m = np.column_stack([lam["x"], lam["y"], lam["s"]])     # 2 × 3
    c_rel = c_cl - lam_m.T @ np.linalg.solve(k, lam_m) / area
    return {"clamped": _named(c_cl), "relaxed": _named(c_rel),
            "inner_force_constant_eV_per_A2": float(np.trace(k) / 2)}


def _named(c: np.ndarray) -> dict:
    """Voigt 3×3 in eV/Å² → {'C11', 'C22', 'C12', 'C21', 'C66'} in N/m."""
    idx = {"C11": (0, 0), "C22": (1, 1), "C12": (0, 1), "C21": (1, 0), "C66": (2, 2)}
    return {key: float(c[ij] * EV_PER_A2_IN_N_PER_M) for key, ij in idx.items()}
