"""Anderson acceleration of a fixed-point iteration x ← G(x) on distributed vectors.

Type-II Anderson mixing (Walker & Ni 2011) with depth m: with g_k = G(x_k) − x_k and the
differences ΔX, ΔG of the last m iterates and g's,

    γ = argmin ‖g_k − ΔG γ‖₂,     x_{k+1} = x_k + β g_k − (ΔX + β ΔG) γ.

Each rank holds its own slice of x (a 1-D float array); inner products are summed over
``comm`` (the FE communicator), so every rank takes the same γ. The small least-squares
problem is solved through its normal equations with a relative Tikhonov shift, and the
history is dropped when it becomes ill-conditioned.
"""
from __future__ import annotations

import numpy as np


class Anderson:
    """x_{k+1} = step(x_k, g_k) with g_k = G(x_k) − x_k; depth m, mixing β."""

    def __init__(self, comm, depth: int = 5, beta: float = 1.0, cond_max: float = 1e12):
        if depth < 0:
            raise ValueError(f"Anderson depth must be >= 0, got {depth}")
        if not 0.0 < beta <= 1.0:
            raise ValueError(f"Anderson mixing beta must be in (0, 1], got {beta}")
        self.comm, self.depth, self.beta, self.cond_max = comm, depth, beta, cond_max
        self.dX: list[np.ndarray] = []
        self.dG: list[np.ndarray] = []
        self._last: tuple[np.ndarray, np.ndarray] | None = None

    def reset(self) -> None:
        """Forget the history (a new load step)."""
        self.dX.clear()
        self.dG.clear()
        self._last = None

    def step(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        """The next iterate from the current x and its fixed-point residual g."""
        if self._last is not None and self.depth > 0:
            self.dX.append(x - self._last[0])
            self.dG.append(g - self._last[1])
            if len(self.dX) > self.depth:
                self.dX.pop(0)
                self.dG.pop(0)
        self._last = (x.copy(), g.copy())
        nxt = x + self.beta * g
        if not self.dG:
            return nxt
        G = np.array(self.dG)                          # (k, n)
        A = self.comm.allreduce(G @ G.T)
        b = self.comm.allreduce(G @ g)
        scale = np.trace(A) / len(A)
        if scale <= 0.0:
            return nxt
        ev = np.linalg.eigvalsh(A)
        if ev.max() > self.cond_max * max(ev.min(), 0.0):
            self.dX, self.dG = self.dX[-1:], self.dG[-1:]     # restart from the newest pair
            G = np.array(self.dG)
            A = self.comm.allreduce(G @ G.T)
            b = self.comm.allreduce(G @ g)
        gamma = np.linalg.solve(A + 1e-14 * np.trace(A) * np.eye(len(A)), b)
        return nxt - (np.array(self.dX) + self.beta * G).T @ gamma
