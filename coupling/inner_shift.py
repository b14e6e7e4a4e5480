"""Cauchy–Born inner shifts of multilattice sublattices for the interpolation operator.

:class:`CauchyBornShift` adapts :class:`mdfe.potentials.properties.cauchy_born.CauchyBorn`
(which relaxes the basis of a periodic unit cell at each F with the potential in use) to
the provider interface of :class:`mdfe.coupling.operators.Handshake`:

    shift(F (m, dim, dim)) -> (m, n_sub, dim)   ξ_s(F) − ξ_s(1), Å, per sublattice s

Identical F are evaluated once (a patch test has one F for all elements; a load step has
one per element in the band and pad).
"""
from __future__ import annotations

import numpy as np


class CauchyBornShift:
    """Inner shifts ξ_s(F) − ξ_s(1) from a CauchyBorn law whose unit cell has one basis
    atom per sublattice (graphene / h-BN primitive cells, any primitive bulk cell).

    cauchy_born: object with ``xi(F (n, dim, dim)) -> (n, nb, 3)``, ``dim`` and
    ``unit_cell.sublattice`` (nb,).
    decimals: F entries are rounded to this many decimals only to find duplicates; the
    shift is evaluated at the exact F of the first of each group.
    """

    def __init__(self, cauchy_born, decimals: int = 14):
        self.cb = cauchy_born
        self.dim = cauchy_born.dim
        sub = np.asarray(cauchy_born.unit_cell.sublattice)
        if len(np.unique(sub)) != len(sub):
            raise ValueError("CauchyBornShift needs a unit cell with one basis atom per "
                             f"sublattice (a primitive cell); got sublattices {sub.tolist()}")
        self.order = np.argsort(sub)              # basis atom of sublattice s = order[s]
        self.decimals = decimals
        self.xi0 = self._xi(np.eye(self.dim)[None])[0]

    def _xi(self, F: np.ndarray) -> np.ndarray:
        return self.cb.xi(F)[:, self.order, :self.dim]

    def shift(self, F: np.ndarray) -> np.ndarray:
        """ξ_s(F) − ξ_s(1) (m, n_sub, dim) Å for F (m, dim, dim)."""
        F = np.asarray(F, float)
        if len(F) == 0:
            return np.zeros((0, len(self.order), self.dim))
        key = np.round(F.reshape(len(F), -1), self.decimals)
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        return (self._xi(F[first]) - self.xi0)[inverse.reshape(-1)]
