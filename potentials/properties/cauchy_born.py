"""Cauchy–Born continuum law of a LAMMPS potential, with the inner shift of multilattices.

For a deformation gradient F (dim × dim; dim = 2 for sheets, 3 for bulk) the periodic
unit cell is deformed affinely, cell rows h_i = F h0_i, and its basis atoms are relaxed at
that fixed cell (LAMMPS ``minimize``, conjugate gradient, force tolerance ``ftol``): the
relaxed atoms sit at x_k = F X_k + ξ_k(F) + t, with the rigid translation t removed by
making the ξ_k mean-free. Then

- W(F) = (E(F) − E(I)) / Ω0: energy per reference area (eV/Å², sheets) or volume (eV/Å³);
- P(F) = ∂W/∂F = (V σ) F^{-T} / Ω0 (first Piola stress, eV/Å² or eV/Å³), σ the Cauchy
  stress of the relaxed cell from LAMMPS' virial (for a sheet the in-plane block of V σ,
  V including the vacuum, divided by the reference area: the "multiply by L_z" rule);
- dP/dF (eV/Å² or eV/Å³), shape (dim, dim, dim, dim), index [i, J, k, L] = ∂P_iJ/∂F_kL,
  by central differences of the relaxed P with step ``h`` (error ~h²·P''' ≈ 1e-10
  relative at h = 1e-5). Because ξ is relaxed at each F this is the relaxed-ion tangent.

The cell is handed to LAMMPS rotated to lower-triangular form (QR of the deformed cell);
stresses and shifts are rotated back, so results are in the frame of F.

Cost: one small minimisation per F (about a millisecond for a 2-atom cell), 1 + 2·dim²
per F with the tangent. The loop over F is in Python (it is a loop over quadrature points,
not atoms); each rank evaluates its own F on its own LAMMPS instance (``comm`` defaults to
MPI.COMM_SELF), so FE ranks evaluate their quadrature points in parallel.
"""
from __future__ import annotations

import numpy as np

from mdfe.potentials.lammps_cell import create_system, lower_triangular, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.unit_cells import UnitCell


class CauchyBorn:
    """Batched Cauchy–Born law W(F) → (W, P, dP/dF) and inner shifts ξ(F).

    potential: the LAMMPS potential; unit_cell: the reference cell (relaxed lattice constant,
    basis in equilibrium at F = I). ``CauchyBorn(...)(F)`` with F of shape (n, dim, dim)
    returns W (n,), P (n, dim, dim), A (n, dim, dim, dim, dim) — the FE's hyperelastic
    callable.
    """

    def __init__(self, potential: LammpsPotential, unit_cell: UnitCell, comm=None,
                 ftol: float = 1e-13, h: float = 1e-5):
        if comm is None:
            from mpi4py import MPI
            comm = MPI.COMM_SELF
        self.potential, self.unit_cell = potential, unit_cell
        self.dim, self.ftol, self.h = unit_cell.dim, ftol, h
        self.nbasis = len(unit_cell.positions)
        cell0 = unit_cell.cell
        self.omega0 = (abs(np.linalg.det(cell0)) if self.dim == 3
                       else abs(np.cross(cell0[0], cell0[1])[2]))
        self._lmp = open_lammps(comm)
        lower, q = lower_triangular(cell0)
        create_system(self._lmp, potential, lower, unit_cell.positions @ q, unit_cell.symbols,
                      boundary="p p p", extra_commands=(
                          "min_style cg", "min_modify line quadratic"))
        self._nktv2p = self._lmp.extract_global("nktv2p")
        self.energy0 = 0.0
        self.energy0 = self._relaxed(np.eye(self.dim))[0] * self.omega0

    def close(self) -> None:
        """Free the LAMMPS instance."""
        self._lmp.close()

    # ---- one F ----------------------------------------------------------------------------
    def _full(self, f: np.ndarray) -> np.ndarray:
        f3 = np.eye(3)
        f3[:self.dim, :self.dim] = f
        return f3

    def _relaxed(self, f: np.ndarray):
        """(W, P (dim, dim), ξ (nb, 3)) at one F, basis relaxed at the deformed cell."""
        f3 = self._full(f)
        if np.linalg.det(f3) <= 0:
            raise ValueError(f"deformation gradient with det F <= 0: {f.tolist()}")
        lower, q = lower_triangular(self.unit_cell.cell @ f3.T)
        lmp = self._lmp
        lmp.command(f"change_box all x final 0 {float(lower[0, 0])!r} y final 0 {float(lower[1, 1])!r} "
                    f"z final 0 {float(lower[2, 2])!r} xy final {float(lower[1, 0])!r} "
                    f"xz final {float(lower[2, 0])!r} yz final {float(lower[2, 1])!r} units box")
        # start from the affine positions every time (not the last ξ): the result is a
        # function of F alone, the same whatever the order or the ranks evaluating it
        x = (self.unit_cell.positions @ f3.T) @ q
        lmp.scatter_atoms("x", 1, 3, np.ascontiguousarray(x).ravel().ctypes.data_as(
            _c_double_p()))
        # the minimiser's last step evaluates energy and virial at the relaxed positions
        lmp.command(f"minimize 0.0 {float(self.ftol)!r} 10000 100000")
        energy = lmp.get_thermo("pe")
        p = np.ctypeslib.as_array(lmp.extract_compute("thermo_press", 0, 1), shape=(6,))
        vol = np.prod(np.diag(lower))
        press = np.array([[p[0], p[3], p[4]], [p[3], p[1], p[5]], [p[4], p[5], p[2]]])
        vsigma = q @ (-press * vol / self._nktv2p) @ q.T
        xr = np.ctypeslib.as_array(lmp.gather_atoms("x", 1, 3)).reshape(-1, 3) @ q.T
        xi = xr - self.unit_cell.positions @ f3.T
        xi = _unwrap(xi, self.unit_cell.cell @ f3.T)
        xi -= xi.mean(axis=0)
        piola = vsigma @ np.linalg.inv(f3).T / self.omega0
        d = self.dim
        return (energy - self.energy0) / self.omega0, piola[:d, :d], xi

    # ---- batched public API ---------------------------------------------------------------
    def _as_batch(self, F) -> np.ndarray:
        F = np.asarray(F, float)
        d = self.dim
        if F.shape[-2:] != (d, d):
            raise ValueError(f"F must have shape (n, {d}, {d}) for this {d}D cell; "
                             f"got {F.shape}")
        return F.reshape(-1, d, d)

    def energy_stress(self, F):
        """W (n,) and P (n, dim, dim) for F (n, dim, dim)."""
        F = self._as_batch(F)
        out = [self._relaxed(f)[:2] for f in F]
        return np.array([o[0] for o in out]), np.array([o[1] for o in out])

    def __call__(self, F, tangent: bool = True):
        """W (n,), P (n, dim, dim) and, if ``tangent``, dP/dF (n, dim, dim, dim, dim)."""
        F = self._as_batch(F)
        W, P = self.energy_stress(F)
        if not tangent:
            return W, P
        d, h = self.dim, self.h
        A = np.empty((len(F), d, d, d, d))
        for n, f in enumerate(F):
            for k in range(d):
                for l in range(d):
                    e = np.zeros((d, d))
                    e[k, l] = h
                    A[n, :, :, k, l] = (self._relaxed(f + e)[1] - self._relaxed(f - e)[1]) / (2 * h)
        return W, P, A

    def xi(self, F) -> np.ndarray:
        """Inner shifts ξ (n, nb, 3) Å of the basis atoms at F (n, dim, dim), mean-free.

        A basis atom k of a lattice deformed uniformly by F sits at F X_k + ξ_k(F) (+ a
        common translation); ``unit_cell.sublattice`` maps basis atoms to sublattices.
        """
        return np.array([self._relaxed(f)[2] for f in self._as_batch(F)])


def _c_double_p():
    import ctypes
    return ctypes.POINTER(ctypes.c_double)


def _unwrap(dx: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """Minimum-image version of displacements dx (n, 3) in a periodic cell (rows)."""
    frac = dx @ np.linalg.inv(cell)
    return (frac - np.round(frac)) @ cell
