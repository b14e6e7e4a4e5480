"""Cauchy–Born inner shifts of multilattice sublattices for the interpolation operator.

:class:`CauchyBornShift` (exact) adapts :class:`mdfe.potentials.properties.cauchy_born.CauchyBorn`
(which relaxes the basis of a periodic unit cell at each F with the potential in use) to
the provider interface of :class:`mdfe.coupling.operators.Handshake`:

    shift(F (m, dim, dim)) -> (m, n_sub, dim)   ξ_s(F) − ξ_s(1), Å, per sublattice s

Identical F are evaluated once (a patch test has one F for all elements; a load step has
one per element in the band and pad) — still one LAMMPS minimisation per element and
exchange, which dominated the cost of the coupled graphene runs. :class:`TabulatedShift`
(sheets) samples the exact shift once on a Chebyshev grid over the strain and evaluates
ξ(F) for all elements in numpy, using ξ(RU) = R ξ(U).
"""
from __future__ import annotations

import numpy as np
from numpy.polynomial import chebyshev as cheb


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


class TabulatedShift:
    """ξ_s(F) − ξ_s(1) of a sheet (dim 2) from a Chebyshev table: numpy for all F at once.

    Frame indifference: relaxing the basis of a cell deformed by F = R U gives the shifts
    of the cell deformed by the stretch U, rotated, ξ(F) = R ξ(U); U = sqrt(FᵀF) depends
    on F only through the Green–Lagrange strain E = (FᵀF − I)/2, three numbers (E11, E22,
    E12). ξ(U) is relaxed exactly (through ``exact``) once, at the (degree+1)³
    Chebyshev–Lobatto points of the box |E11|, |E22|, |E12| ≤ ``e_max``, and interpolated
    by a tensor Chebyshev series. F whose strain leaves the box are relaxed exactly
    (counted in ``n_exact``). With ``comm`` the samples are shared out over its ranks
    (collective; the same table on every rank).

    Accuracy against the exact relaxation, BNC.tersoff graphene, defaults (e_max = 0.05,
    degree 12: 2197 cell relaxations, 3-7 s on the shared machine): max |Δξ| 8e-11 Å for
    strains up to 0.045, 2e-12 Å at strains ~1e-3 (degree 14: 4e-12 / 8e-14 Å; degree 10:
    1e-9 / 1e-10 Å) — tests/coupling/test_inner_shift_table.py. Keep e_max below the
    strain at which the potential's cutoff switching reaches a neighbour shell (Tersoff:
    a principal strain of about −0.14), where ξ stops being smooth.
    """

    def __init__(self, exact: CauchyBornShift, e_max: float = 0.05, degree: int = 12,
                 comm=None):
        if exact.dim != 2:
            raise ValueError("TabulatedShift is for sheets (dim 2); use CauchyBornShift")
        if not 0.0 < e_max < 0.4:
            raise ValueError(f"e_max={e_max}: allowed 0 < e_max < 0.4")
        if not 2 <= degree <= 24:
            raise ValueError(f"degree={degree}: allowed 2..24")
        self.exact, self.e_max, self.degree = exact, float(e_max), int(degree)
        self.dim, self.n_sub = 2, len(exact.order)
        self.n_exact = 0
        t = np.cos(np.pi * np.arange(degree + 1) / degree)         # Lobatto points, [-1, 1]
        grid = np.stack(np.meshgrid(t, t, t, indexing="ij"), -1).reshape(-1, 3)
        U, _ = _polar(_right_cauchy_green(e_max * grid))
        xi = _sampled(exact, U, comm).reshape((degree + 1,) * 3 + (-1,))   # (.., n_sub·2)
        vinv = np.linalg.inv(cheb.chebvander(t, degree))
        self._coef = np.einsum("ai,bj,ck,ijko->abco", vinv, vinv, vinv, xi)
        self.xi0 = self._table(np.zeros((1, 3)))[0]

    def _table(self, e: np.ndarray) -> np.ndarray:
        """Tabulated ξ(U(E)) (m, n_sub, 2) at strains e (m, 3) = (E11, E22, E12)."""
        v = [cheb.chebvander(e[:, k] / self.e_max, self.degree) for k in range(3)]
        n = self.degree + 1
        t = (v[0] @ self._coef.reshape(n, -1)).reshape(len(e), n, n, -1)    # (m, b, c, o)
        t = np.einsum("mb,mbco->mco", v[1], t)
        return np.einsum("mc,mco->mo", v[2], t).reshape(len(e), self.n_sub, 2)

    def shift(self, F: np.ndarray) -> np.ndarray:
        """ξ_s(F) − ξ_s(1) (m, n_sub, 2) Å for F (m, 2, 2)."""
        F = np.asarray(F, float).reshape(-1, 2, 2)
        C = np.einsum("mki,mkj->mij", F, F)
        e = np.stack([C[:, 0, 0] - 1, C[:, 1, 1] - 1, C[:, 0, 1]], axis=1) / 2
        out = np.empty((len(F), self.n_sub, 2))
        inside = np.abs(e).max(axis=1, initial=0.0) <= self.e_max
        if inside.any():
            U_inv = _polar(C[inside])[1]
            R = np.einsum("mij,mjk->mik", F[inside], U_inv)
            out[inside] = np.einsum("mij,msj->msi", R, self._table(e[inside])) - self.xi0
        if not inside.all():
            self.n_exact += int((~inside).sum())
            out[~inside] = self.exact.shift(F[~inside])
        return out


def _sampled(exact: CauchyBornShift, U: np.ndarray, comm) -> np.ndarray:
    """ξ at every stretch U (m, 2, 2): (m, n_sub, 2), the samples shared out over the ranks
    of ``comm`` (None: all here). Each ξ(U) is a function of U alone (the cell relaxes from
    the affine positions every time), so the table is the same for any number of ranks."""
    if comm is None or comm.Get_size() == 1:
        return exact._xi(U)
    size, rank = comm.Get_size(), comm.Get_rank()
    parts = comm.allgather(exact._xi(U[rank::size]))
    out = np.empty((len(U),) + parts[0].shape[1:])
    for r, part in enumerate(parts):
        out[r::size] = part
    return out


def _right_cauchy_green(e: np.ndarray) -> np.ndarray:
    """C = I + 2E (m, 2, 2) from strains e (m, 3) = (E11, E22, E12)."""
    C = np.empty((len(e), 2, 2))
    C[:, 0, 0], C[:, 1, 1] = 1 + 2 * e[:, 0], 1 + 2 * e[:, 1]
    C[:, 0, 1] = C[:, 1, 0] = 2 * e[:, 2]
    return C


def _polar(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(U, U⁻¹) (m, 2, 2): the symmetric square root of C (m, 2, 2) and its inverse."""
    lam, vec = np.linalg.eigh(C)
    s = np.sqrt(lam)
    return (np.einsum("mij,mj,mkj->mik", vec, s, vec),
            np.einsum("mij,mj,mkj->mik", vec, 1 / s, vec))
