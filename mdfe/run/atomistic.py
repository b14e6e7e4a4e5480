"""The fully atomistic reference of a ``mdfe run`` case: the whole body in one LAMMPS run.

Same potential, lattice constant, lattice registry, crack faces, slit and tip as the
coupled model (:func:`mdfe.run.model.build_inputs`); the atoms fill the body
[0, W] × [0, H] Å instead of the MD region. Loading is the coupled run's K ramp: the
atoms within ``md.pad_width`` (≥ 2 r_cut) of the outer edges are held on the K-field at
λ K_G — the FE boundary of the coupled model becomes a layer of prescribed atoms thick
enough that every free atom has a complete neighbourhood — and the others are relaxed at
0 K (LAMMPS ``minimize``, ``solver.relax``, force tolerance ``solver.tol`` eV/Å on the
2-norm of the free atoms' forces, LAMMPS' default). Each step starts from the previous
state scaled by λ_i/λ_{i−1} (step 0: the K-field at every atom), as in the coupled run.
The crack tip is tracked with the same bond-rupture rule (:mod:`mdfe.solvers.md.crack_tip`);
K_IC = the applied K at the first step whose tip advanced. The coupled run's collapse guard
applies too (``solver.min_distance``, :func:`mdfe.run.model.collapse_distance`): a
relaxation that brings two atoms closer is stopped and the step raises, so a potential's
short-range hole is never counted as a tip advance.

Only K-field loading (``loading.mode = "k_field"``) is supported: it is the comparison
that defines K_IC. Collective on ``comm`` (LAMMPS decomposes the body over its ranks).
Units: Å, eV; K in units of K_G of the potential.
"""
from __future__ import annotations

import time

import numpy as np

from mdfe.config import ConfigError


class AtomisticCrack:
    """The cracked body as atoms. ``inp``: :class:`mdfe.run.model.Inputs` of the case."""

    def __init__(self, inp, comm=None):
        from mpi4py import MPI

        from mdfe.run.model import collapse_distance, crystal_patch, unit_k_field
        from mdfe.solvers.md.crack_tip import CrackTipTracker
        from mdfe.solvers.md.region import MDRegion
        from mdfe.solvers.md.setup import slit
        cfg = inp.cfg
        if cfg["loading"]["mode"] != "k_field":
            raise ConfigError("the atomistic reference needs loading.mode = 'k_field' (got "
                              f"{cfg['loading']['mode']!r})")
        self.comm = MPI.COMM_WORLD if comm is None else comm
        self.inp = inp
        W, H = cfg["body"]["width"], cfg["body"]["height"]
        mat, faces = cfg["structure"]["material"], cfg["structure"]["crack_faces"]
        crystal = crystal_patch(mat, inp.potential, faces, inp.a, inp.origin, (0.0, 0.0), (W, H))
        P = crystal.positions
        inside = (P[:, 0] >= 0) & (P[:, 0] <= W) & (P[:, 1] >= 0) & (P[:, 1] <= H)
        atoms = crystal[np.flatnonzero(inside)]
        atoms.pbc = (False, False, False)
        X = atoms.positions
        y_cut, x_tip, upper, lower = slit(X, inp.tip[1], inp.tip[0])
        if not np.allclose([x_tip, y_cut], inp.tip, atol=1e-6):
            raise RuntimeError(f"the body's slit tip ({x_tip}, {y_cut}) differs from the "
                               f"coupled model's {inp.tip.tolist()}: lattice registry lost")
        pad = cfg["md"]["pad_width"] or 2 * inp.potential.cutoff + 0.5
        self.fixed = np.flatnonzero((X[:, 0] < pad) | (X[:, 0] > W - pad)
                                    | (X[:, 1] < pad) | (X[:, 1] > H - pad)) + 1
        roles = np.full(len(atoms), "core", dtype=object)
        roles[self.fixed - 1] = "pad"
        self.atoms, self.X = atoms, X
        self.md = MDRegion(atoms, inp.potential, roles.astype(str), comm=self.comm)
        self.md.exclude_pairs(upper, lower)
        self.tracker = CrackTipTracker(X, inp.tip, exclude=(upper, lower),
                                       band=cfg["crack"]["band"],
                                       stretch=cfg["crack"]["bond_stretch"])
        u = unit_k_field(inp, X[:, :2])
        self.unit = np.column_stack([u, np.zeros(len(X))])     # (n, 3) Å at K = K_G
        self.min_distance = collapse_distance(inp)              # Å

    @property
    def n_atoms(self) -> int:
        """Atoms in the body."""
        return len(self.X)

    def solve(self, lam: float, lam_prev: float | None) -> tuple[np.ndarray, int]:
        """Relax at K = lam K_G from the previous state scaled by lam/lam_prev (or from
        the K-field with ``lam_prev`` None); returns (positions (n, 3) Å, iterations).
        RuntimeError (on every rank) if two atoms end closer than ``min_distance``."""
        md, ids = self.md, self.md.ids
        if lam_prev is None:
            x = self.X + lam * self.unit
        else:
            x = self.X + (md.positions(ids) - self.X) * (lam / lam_prev)
        x[self.fixed - 1] = self.X[self.fixed - 1] + lam * self.unit[self.fixed - 1]
        md.set_positions(ids, x)
        s = self.inp.cfg["solver"]
        its, collapse = md.relax_guarded(s["tol"], s["relax"], self.min_distance)
        if collapse:
            d, a, b = collapse
            raise RuntimeError(f"atomistic reference at K = {lam} K_G: collapse, atoms {a} and "
                               f"{b} at {d:.3f} Å (< solver.min_distance "
                               f"{self.min_distance:.3f} Å); the potential has a hole at "
                               "short range (no training data there?)")
        return md.positions(ids), its

    def ramp(self, k_start: float, k_step: float, steps: int, stop_at_rupture: bool = True
             ) -> dict:
        """K = k_start + i·k_step (units of K_G), i < steps; stops after the first tip
        advance if ``stop_at_rupture``. Returns {"rows": per-step dicts, "K_IC_over_KG":
        the first K whose tip advanced (None if none)} — the same on every rank."""
        rows, k_ic, lam_prev, t0 = [], None, None, time.time()
        for i in range(steps):
            lam = k_start + i * k_step
            x, its = self.solve(lam, lam_prev)
            lam_prev = lam
            tip = self.tracker.locate(x)
            rows.append({"step": i, "K_over_KG": lam, "extension_A": tip.extension,
                         "broken_bonds": int(len(tip.broken)), "md_iterations": its,
                         "elapsed_s": time.time() - t0})
            if tip.extension > 0 and k_ic is None:
                k_ic = lam
                if stop_at_rupture:
                    break
        return {"rows": rows, "K_IC_over_KG": k_ic}

    def close(self) -> None:
        """Free LAMMPS (collective)."""
        self.md.close()
