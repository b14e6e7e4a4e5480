"""Accuracy of a coupled solution against full atomistics (issue 7, "Must show").

- :func:`error_percent`: e% = 100 ‖u − u_ref‖ / ‖u_ref − u_far‖ over selected atoms (in the
  spirit of Miller & Tadmor 2009): u the coupled displacements, u_ref the full-atomistic
  ones, u_far the imposed far field (the K-field u_K for a crack, the homogeneous state
  u_affine for a vacancy) — the denominator is the defect's own field.
- :func:`within`: the atoms within a radius of a point (the selection of e%).
- :func:`outer_layer`: the atoms within a width of the outer edges of a body (held fixed
  in the reference).
- :func:`full_atomistic_reference`: the full-atomistic LAMMPS relaxation of a whole body
  with its outer atoms held at prescribed displacements, returned keyed by atom ID
  (:class:`AtomisticReference`).

Units: Å, eV, eV/Å. Shapes: n atoms, displacements (n, k) with k = 2 or 3 (all arrays
given to one call must agree). Atom IDs are 1..n in the order of the ASE ``Atoms``
(the :class:`~mdfe.solvers.md.region.MDRegion` convention).
"""
from __future__ import annotations

import dataclasses

import numpy as np


def error_percent(u, u_ref, u_far, mask=None) -> float:
    """e% = 100 ‖u − u_ref‖₂ / ‖u_ref − u_far‖₂ over the rows selected by ``mask``.

    u, u_ref, u_far: (n, k) displacements, Å, rows = the same atoms in the same order
    (coupled, full-atomistic reference, imposed far field). mask: (n,) bool or integer
    row indices (default: all rows). Norms are Frobenius over the selected rows and all
    k components. ValueError on mismatched shapes, an empty selection or a zero
    denominator (no defect field to measure against).
    """
    u, u_ref, u_far = (np.asarray(a, float) for a in (u, u_ref, u_far))
    if not (u.shape == u_ref.shape == u_far.shape) or u.ndim != 2:
        raise ValueError(f"error_percent: u {u.shape}, u_ref {u_ref.shape} and u_far "
                         f"{u_far.shape} must be equal (n, k) arrays")
    rows = np.arange(len(u)) if mask is None else np.asarray(mask)
    if rows.dtype == bool:
        if rows.shape != (len(u),):
            raise ValueError(f"error_percent: bool mask of shape {rows.shape}, need "
                             f"({len(u)},)")
        rows = np.flatnonzero(rows)
    if rows.size == 0:
        raise ValueError("error_percent: the mask selects no atoms")
    den = np.linalg.norm(u_ref[rows] - u_far[rows])
    if not den > 0.0:
        raise ValueError("error_percent: ‖u_ref − u_far‖ = 0 on the selected atoms (the "
                         "reference has no defect field there)")
    return float(100.0 * np.linalg.norm(u[rows] - u_ref[rows]) / den)


def within(X, point, radius: float) -> np.ndarray:
    """Bool mask (n,) of the reference sites X (n, >= 2) within ``radius`` Å of ``point``
    (2 or 3 coordinates; distance over those coordinates)."""
    point = np.asarray(point, float)
    X = np.asarray(X, float)[:, :len(point)]
    return np.linalg.norm(X - point, axis=1) < radius


def outer_layer(X, width: float, lo=None, hi=None) -> np.ndarray:
    """Bool mask (n,) of the sites X (n, >= 2) within ``width`` Å (in-plane) of the edges
    of the box [lo, hi] (2 coordinates; default the bounding box of X)."""
    X = np.asarray(X, float)[:, :2]
    lo = X.min(axis=0) if lo is None else np.asarray(lo, float)
    hi = X.max(axis=0) if hi is None else np.asarray(hi, float)
    return np.minimum(X - lo, hi - X).min(axis=1) < width


@dataclasses.dataclass
class AtomisticReference:
    """Relaxed full-atomistic displacements, keyed by atom ID.

    ids (n,) int64 atom IDs 1..n; u (n, 3) displacement of each atom from its reference
    site, Å; max_force: largest |f| component over the free atoms at the end, eV/Å;
    iterations: minimiser iterations used.
    """
    ids: np.ndarray
    u: np.ndarray
    max_force: float
    iterations: int

    def displacements(self, ids) -> np.ndarray:
        """u (k, 3) Å of atom ``ids`` (k,)."""
        ids = np.asarray(ids, np.int64)
        if ids.size and (ids.min() < 1 or ids.max() > len(self.ids)):
            raise ValueError(f"atom IDs must lie in 1..{len(self.ids)}")
        return self.u[ids - 1]


def full_atomistic_reference(atoms, potential, u_start, fixed, comm=None, ftol: float = 1e-8,
                             exclude=None, boundary: str = "s s p", max_rounds: int = 8
                             ) -> AtomisticReference:
    """Relax a whole body in LAMMPS with its ``fixed`` atoms held at prescribed
    displacements (collective on ``comm``, default COMM_WORLD; same result on every rank).

    atoms: ASE Atoms of the body (reference sites X; IDs 1..n in this order).
    potential: :class:`~mdfe.potentials.lammps_potential.LammpsPotential`.
    u_start: (n, 2) or (n, 3) Å — displacement of every atom at the start; fixed atoms
        stay there (the boundary values: K-field or affine, plus the inner shift of a
        multilattice if wanted), the others start there and relax.
    fixed: (n,) bool mask or 1-based IDs of the held atoms (e.g. :func:`outer_layer` of
        width ≥ 2 r_cut, so the free atoms see a complete environment).
    ftol: target on the largest force component of the free atoms, eV/Å. The body is
        minimised with CG, then FIRE, alternately (LAMMPS' ftol is the 2-norm of the
        whole force vector, stricter than the max), until max |f| ≤ ftol or
        ``max_rounds`` rounds; the result reports the force reached (check it).
    exclude: optional (ids_a, ids_b): no interaction across them (a crack slit,
        :func:`mdfe.solvers.md.setup.slit`).
    boundary: LAMMPS boundary flags (sheets ``s s p``).
    """
    from mdfe.solvers.md.region import MDRegion
    n = len(atoms)
    X = np.asarray(atoms.positions, float)
    u0 = np.asarray(u_start, float)
    if u0.ndim != 2 or u0.shape[0] != n or u0.shape[1] not in (2, 3):
        raise ValueError(f"u_start: need ({n}, 2) or ({n}, 3) displacements, got {u0.shape}")
    fixed = np.asarray(fixed)
    if fixed.dtype != bool:
        mask = np.zeros(n, bool)
        ids = fixed.astype(np.int64)
        if ids.size and (ids.min() < 1 or ids.max() > n):
            raise ValueError(f"fixed: atom IDs must lie in 1..{n}")
        mask[ids - 1] = True
        fixed = mask
    if fixed.shape != (n,):
        raise ValueError(f"fixed: need a ({n},) bool mask or atom IDs, got shape {fixed.shape}")
    if fixed.all():
        raise ValueError("fixed: every atom is held; nothing to relax")
    if not ftol > 0:
        raise ValueError(f"ftol must be a positive force in eV/Å, got {ftol}")
    if comm is None:
        from mpi4py import MPI
        comm = MPI.COMM_WORLD
    md = MDRegion(atoms, potential, np.where(fixed, "pad", "core"), comm=comm,
                  boundary=boundary)
    try:
        if exclude is not None:
            md.exclude_pairs(*exclude)
        ids = md.ids
        x = X.copy()
        x[:, :u0.shape[1]] += u0
        md.set_positions(ids, x)
        free = ids[~fixed]
        its, fmax = 0, np.inf
        for k in range(max_rounds):
            its += md.relax(ftol=0.1 * ftol, style="cg" if k % 2 == 0 else "fire")
            fmax = float(np.abs(md.forces(free)).max())
            if fmax <= ftol:
                break
        u = md.positions(ids) - X
    finally:
        md.close()
    return AtomisticReference(np.asarray(ids, np.int64), u, fmax, its)
