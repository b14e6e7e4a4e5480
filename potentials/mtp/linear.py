"""Exact linear solve of an MTP's linear coefficients and the variable-projection loss.

At fixed radial coefficients c, the energy, forces and virial of a configuration are
linear in ξ = [species_coeffs (S), moment_coeffs (n_α)] (n_lin = S + n_α values):

    E = e·ξ,   F = F_rows ξ,   W = W_rows ξ        (e_s = N_s, e_α = Σ_i B_α(i))

(design rows from the C++ evaluator, one force pass per moment coefficient:
:meth:`fastloss.Evaluator.linear_rows`). The training loss of :mod:`fastloss` is then a
weighted linear least-squares problem ‖A ξ − b‖² / C with, per configuration (N atoms,
volume V, C configurations),

    energy row   √w_E / N · e                 target √w_E / N · E_ref
    force rows   √(w_F/N) · F_rows            target √(w_F/N) · F_ref   (3N rows)
    stress rows  √w_S / N · sym(W_rows)       target √w_S / N · V σ_ref  (9 rows)

(all rows and targets of a configuration times √q_c, its weight in the loss)

ξ*(c) is the least-squares solution on the column-scaled A (D = column norms): each MPI
rank reduces [A/D | b] of its configurations to a triangular R ((n_lin+1)², QR), the
ranks' R's are stacked and reduced once more (TSQR), and an SVD least-squares solve of
the last R gives ξ* on every rank. Not the normal equations: on the mlearn Si data the
scaled AᵀA has condition number ~1e17, and a ridge that makes it solvable (1e-10) moved
ξ* by 70 % and the reduced gradient by 3 %, enough to stall BFGS's line search.

Variable projection (Golub & Pereyra 1973): the reduced loss L̃(c) = L(ξ*(c), c) has the
gradient ∂L̃/∂c = ∂L/∂c at (ξ*(c), c), because ∂L/∂ξ = 0 there, so
:class:`ProjectedLoss` hands the quasi-Newton method only the radial coefficients and
reuses the partial gradient of :class:`fastloss.Loss`.
"""
from __future__ import annotations

import numpy as np

from mdfe.potentials.mtp.fastloss import Loss

def design(loss: Loss, theta: np.ndarray, nlin: int) -> tuple[np.ndarray, np.ndarray]:
    """(A (rows, nlin), b (rows,)) of this rank's configurations (module docstring; the
    1/C factor left out), at the radial coefficients of ``theta`` (its first ``nlin``
    values are ignored)."""
    ev, (we, wf, ws) = loss.evaluator, loss.w
    ev.set_parameters(theta)
    rows, target = [np.zeros((0, nlin))], [np.zeros(0)]
    for c in loss.mine:
        e, f, w = ev.linear_rows(c, nlin)
        n, sq = c.natoms, np.sqrt(c.weight)
        rows.append(sq * np.sqrt(we) / n * e[None, :])
        target.append(sq * np.sqrt(we) / n * np.array([c.energy]))
        if wf > 0 and c.forces is not None:
            rows.append(sq * np.sqrt(wf / n) * f)
            target.append(sq * np.sqrt(wf / n) * c.forces.ravel())
        if ws > 0 and c.stress is not None:
            w3 = w.reshape(3, 3, nlin)
            rows.append(sq * np.sqrt(ws) / n
                        * (0.5 * (w3 + w3.transpose(1, 0, 2))).reshape(9, nlin))
            target.append(sq * np.sqrt(ws) / n * c.volume * c.stress.ravel())
    return np.vstack(rows), np.concatenate(target)


def solve_linear(loss: Loss, theta: np.ndarray, nlin: int) -> np.ndarray:
    """θ with its first ``nlin`` values replaced by the least-squares optimum ξ* of the
    full E/F/stress loss at θ's radial coefficients (same on every rank; minimum-norm ξ*
    if A is rank-deficient)."""
    a, b = design(loss, theta, nlin)
    comm = loss.comm if loss.comm is not None and loss.comm.size > 1 else None
    norms = np.sum(a ** 2, axis=0)
    if comm is not None:
        from mpi4py import MPI
        norms = comm.allreduce(norms, op=MPI.SUM)
    d = np.sqrt(norms)
    d[d == 0.0] = 1.0                        # a column with no data (absent species): ξ = 0
    # TSQR: R of [A/d | b] per rank, the stacked R's of all ranks reduced once more
    r = np.linalg.qr(np.column_stack([a / d, b]), mode="r")
    if comm is not None:
        r = np.linalg.qr(np.vstack(comm.allgather(r)), mode="r")
    out = np.array(theta, dtype=float, copy=True)
    out[:nlin] = np.linalg.lstsq(r[:nlin, :nlin], r[:nlin, nlin], rcond=None)[0] / d
    return out


class ProjectedLoss:
    """L̃(c) and ∂L̃/∂c over the radial coefficients c = θ[nlin:] (module docstring).

    ``full(c)`` is the whole θ = [ξ*(c), c] of an evaluated c (kept for the last few
    evaluations, so the optimiser's accepted points need no new solve).
    """

    def __init__(self, loss: Loss, theta: np.ndarray, nlin: int):
        self.loss, self.nlin = loss, nlin
        self.template = np.array(theta, dtype=float, copy=True)
        self._seen: dict[bytes, np.ndarray] = {}

    @property
    def evaluations(self) -> int:
        return self.loss.evaluations

    def full(self, radial: np.ndarray) -> np.ndarray:
        """θ = [ξ*(c), c] (solved now unless c was evaluated recently)."""
        radial = np.asarray(radial, dtype=float)
        key = radial.tobytes()
        if key not in self._seen:
            theta = self.template.copy()
            theta[self.nlin:] = radial
            self._remember(key, solve_linear(self.loss, theta, self.nlin))
        return self._seen[key]

    def _remember(self, key: bytes, theta: np.ndarray) -> None:
        self._seen[key] = theta
        while len(self._seen) > 16:
            self._seen.pop(next(iter(self._seen)))

    def __call__(self, radial: np.ndarray) -> tuple[float, np.ndarray]:
        """(L̃, ∂L̃/∂c), identical on every rank."""
        theta = self.full(radial)
        value, grad = self.loss(theta)
        return value, grad[self.nlin:]
