"""Tabulated Cauchy–Born law of a sheet: a Chebyshev interpolant of W(E), vectorised.

The exact :class:`~mdfe.potentials.properties.cauchy_born.CauchyBorn` relaxes a cell per F
(milliseconds each, 1 + 2·dim² relaxations with the tangent). For FE assembly over many
quadrature points, :class:`CauchyBornTable` samples it once and interpolates:

- W depends on F only through the Green–Lagrange strain E = (FᵀF − I)/2 (frame
  indifference), in 2D three numbers (E11, E22, E12). W is sampled at the
  (degree+1)³ Chebyshev–Lobatto points of the box |E11|, |E22|, |E12| ≤ ``e_max``, at
  F = U = sqrt(I + 2E), with the inner shift relaxed, and interpolated by a tensor
  Chebyshev series.
- S = ∂W/∂E and ℂ = ∂²W/∂E∂E are derivatives of that series, so W, P = F S and
  A_iJkL = δ_ik S_JL + F_iI F_kK ℂ_IJKL are exactly consistent with each other (Newton
  converges quadratically), and equal the exact law to the interpolation error: with
  BNC.tersoff graphene, e_max = 0.06, degree 12 (2197 samples): W 5e-10, P 5e-9, A 2e-8
  relative; degree 10: P 7e-8. The series converges spectrally only where W is smooth:
  Tersoff's cutoff switching (1.8–2.1 Å) is reached by second neighbours when a principal
  strain falls below about −0.14, so for Tersoff keep e_max ≤ 0.07 (at e_max = 0.1 the
  box corners cross it and P is off by several %); use the exact law beyond.
- Evaluation is numpy over all F at once (microseconds per F). F outside the box raises
  ValueError naming the largest |E| and the allowed e_max (rebuild with a larger box).

Units as the exact law: W eV/Å² per reference area, P and A eV/Å². Sheets only (dim 2):
in 3D the table would need (degree+1)⁶ samples.
"""
from __future__ import annotations

import numpy as np
from numpy.polynomial import chebyshev as cheb

from mdfe.potentials.properties.cauchy_born import CauchyBorn

# (I, J) of the symmetric strain -> (variable index, factor of ∂/∂E_IJ = factor · ∂/∂e_var)
_VARS = {(0, 0): (0, 1.0), (1, 1): (1, 1.0), (0, 1): (2, 0.5), (1, 0): (2, 0.5)}


class CauchyBornTable:
    """Chebyshev interpolant of a sheet's Cauchy–Born W(E); call as W, P, A = table(F)."""

    def __init__(self, cb: CauchyBorn, e_max: float = 0.06, degree: int = 12):
        if cb.dim != 2:
            raise ValueError("CauchyBornTable is for sheets (a 2D CauchyBorn law)")
        if not 0 < e_max < 0.4:
            raise ValueError(f"e_max={e_max}: allowed 0 < e_max < 0.4 (I + 2E must stay "
                             "positive definite)")
        self.e_max, self.degree = e_max, degree
        x = np.cos(np.pi * np.arange(degree + 1) / degree)       # Lobatto points in [-1, 1]
        e = e_max * np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1).reshape(-1, 3)
        w, _ = cb.energy_stress(_stretch(e))
        vinv = np.linalg.inv(cheb.chebvander(x, degree))
        coef = np.einsum("ai,bj,ck,ijk->abc", vinv, vinv, vinv, w.reshape((degree + 1,) * 3))
        self._coef = {(): coef}
        for a in range(3):
            self._coef[(a,)] = cheb.chebder(coef, axis=a) / e_max
        for a in range(3):
            for b in range(a, 3):
                self._coef[(a, b)] = cheb.chebder(self._coef[(a,)], axis=b) / e_max

    def _series(self, key, vanders) -> np.ndarray:
        c = self._coef[key]
        va, vb, vc = (v[:, :n] for v, n in zip(vanders, c.shape))
        t = (va @ c.reshape(c.shape[0], -1)).reshape(-1, c.shape[1], c.shape[2])
        return np.einsum("nc,nc->n", np.einsum("nbc,nb->nc", t, vb), vc)

    def __call__(self, F, tangent: bool = True):
        """W (n,), P (n, 2, 2) and, if ``tangent``, A (n, 2, 2, 2, 2) for F (n, 2, 2)."""
        F = np.asarray(F, float).reshape(-1, 2, 2)
        E = 0.5 * (np.einsum("nki,nkj->nij", F, F) - np.eye(2))
        e = np.stack([E[:, 0, 0], E[:, 1, 1], E[:, 0, 1]], axis=1)
        worst = np.abs(e).max() if len(e) else 0.0
        if worst > self.e_max * (1 + 1e-12):
            raise ValueError(f"strain |E| = {worst:.4f} outside the table (e_max = "
                             f"{self.e_max}); build CauchyBornTable with a larger e_max")
        vanders = [cheb.chebvander(e[:, a] / self.e_max, self.degree) for a in range(3)]
        W = self._series((), vanders)
        d1 = [self._series((a,), vanders) for a in range(3)]
        S = np.zeros((len(F), 2, 2))
        for (i, j), (a, f) in _VARS.items():
            S[:, i, j] = f * d1[a]
        P = np.einsum("niI,nIJ->niJ", F, S)
        if not tangent:
            return W, P
        d2 = {(a, b): self._series((a, b), vanders) for a in range(3) for b in range(a, 3)}
        d2.update({(b, a): v for (a, b), v in list(d2.items())})
        C = np.zeros((len(F), 2, 2, 2, 2))
        for (i, j), (a, fa) in _VARS.items():
            for (k, l), (b, fb) in _VARS.items():
                C[:, i, j, k, l] = fa * fb * d2[(a, b)]
        A = (np.einsum("ik,nJL->niJkL", np.eye(2), S)
             + np.einsum("niI,nkK,nIJKL->niJkL", F, F, C))
        return W, P, A


def _stretch(e: np.ndarray) -> np.ndarray:
    """Right stretch U = sqrt(I + 2E) (n, 2, 2) for strains e = (E11, E22, E12) (n, 3)."""
    c = np.empty((len(e), 2, 2))
    c[:, 0, 0], c[:, 1, 1] = 1 + 2 * e[:, 0], 1 + 2 * e[:, 1]
    c[:, 0, 1] = c[:, 1, 0] = 2 * e[:, 2]
    lam, vec = np.linalg.eigh(c)
    return np.einsum("nij,nj,nkj->nik", vec, np.sqrt(lam), vec)
