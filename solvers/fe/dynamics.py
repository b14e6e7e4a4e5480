"""Explicit elastodynamics: lumped mass, central differences (leapfrog), optional
mass-proportional damping per region.

    M a + α M v + K u = f,      v_{n+½} = [(1 − α Δt/2) v_{n−½} + Δt M⁻¹ (f − K u_n)] / (1 + α Δt/2),
                                u_{n+1} = u_n + Δt v_{n+½}.

Without damping and loads the discrete energy ½ v_{n+½}ᵀ M v_{n+½} + ½ u_nᵀ K u_{n+1} is
conserved exactly (to round-off). Units (LAMMPS metal): u Å, v Å/ps, t ps, mass amu,
force eV/Å, α 1/ps; energies eV. Dofs that the problem constrains (Dirichlet, or no
stiffness) when the stepper is created keep their value with zero velocity. Each step costs one
distributed mat-vec; the stepper is driven one step at a time by the dynamic coupling.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from mdfe.solvers.fe import assembly as asm
from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.petsc import INT, PETSc

#: (eV/Å)/amu in Å/ps² (LAMMPS metal ftm2v).
FTM2V = 1.0 / 1.0364269e-4
#: amu·(Å/ps)² in eV (LAMMPS metal mvv2e).
MVV2E = 1.0364269e-4


class ExplicitDynamics:
    """Central-difference stepper on an :class:`~mdfe.solvers.fe.problem.ElasticityProblem`.

    dt: time step (ps). damping: {region id or name: α (1/ps)} mass-proportional.
    State: ``u`` (u_n), ``v_half`` (v_{n−½}) PETSc Vecs, ``time`` (ps), ``step_count``.
    """

    def __init__(self, problem, dt: float, damping: Mapping | None = None):
        if not np.isfinite(dt) or dt <= 0:
            raise FEInputError(f"time step dt must be > 0 ps; got {dt}")
        self.p = problem
        self.dt = float(dt)
        self.mass, alpha = self._lumped_mass(damping or {})
        m = self.mass.getArray(readonly=True)
        self.fixed = problem.constrained_mask()
        self.inv_mass = np.where(self.fixed | (m <= 0), 0.0, FTM2V / np.where(m > 0, m, 1.0))
        self.alpha = alpha
        self.u = problem.dirichlet_vector()
        self.u_prev = self.u.copy()
        self.v_half = problem.vector()
        self.time = 0.0
        self.step_count = 0

    def _lumped_mass(self, damping: Mapping):
        """Nodal masses (Vec, amu per dof) and nodal α (n_owned_dofs,) mass-weighted."""
        p = self.p
        alpha_e = np.zeros(p.mesh.n_elems)
        for key, a in damping.items():
            if not np.isfinite(a) or a < 0:
                raise FEInputError(f"damping for region {key!r} must be >= 0 (1/ps); got {a}")
            alpha_e[p.mesh.regions == p.mesh.region_id(key)] = a
        mass, amass = p.vector(), p.vector()
        el = p.layout.local_elements
        for sl in asm.blocks(len(el), p.mesh.cell, 2):
            e = el[sl]
            _, _, thick, rho = p.element_laws(e)
            me = asm.lumped_mass(p.geometry(e, 2), rho * thick)            # (ne, nen)
            me = np.repeat(me, p.dim, axis=1)
            dofs = p.element_dofs(e).reshape(-1).astype(INT)
            mass.setValues(dofs, me.reshape(-1), addv=PETSc.InsertMode.ADD_VALUES)
            amass.setValues(dofs, (me * alpha_e[e][:, None]).reshape(-1),
                            addv=PETSc.InsertMode.ADD_VALUES)
        mass.assemble()
        amass.assemble()
        m = mass.getArray(readonly=True)
        alpha = np.divide(amass.getArray(readonly=True), m, out=np.zeros_like(m), where=m > 0)
        return mass, alpha

    def set_state(self, u=None, v=None) -> None:
        """Initial displacement u_0 and velocity v_0 (Vecs or nodal arrays (n_nodes, d))."""
        conv = lambda x: self.p.from_nodal(x) if isinstance(x, np.ndarray) else x  # noqa: E731
        if u is not None:
            self.u = conv(u).copy()
        v0 = self.p.vector() if v is None else conv(v).copy()
        # v_{-1/2} such that the first step gives v_{1/2} = v_0 + dt/2 a_0 (a_0 undamped)
        a0 = self._acceleration(self.u)
        self.v_half = v0.copy()
        self.v_half.setArray(v0.getArray(readonly=True) - 0.5 * self.dt * a0)
        self.u_prev = self.u.copy()

    def _acceleration(self, u) -> np.ndarray:
        f = self.p.external_force()
        f.axpy(1.0, self.p.f_eig)
        f.axpy(-1.0, self.p.K * u)
        return self.inv_mass * f.getArray(readonly=True)

    def step(self, n: int = 1) -> None:
        """Advance n steps (collective). Loads (nodal forces) are read at every step."""
        dt, a = self.dt, self.alpha
        for _ in range(n):
            acc = self._acceleration(self.u)
            v = ((1 - 0.5 * a * dt) * self.v_half.getArray(readonly=True) + dt * acc) / (1 + 0.5 * a * dt)
            v[self.fixed] = 0.0
            self.v_half.setArray(v)
            self.u_prev.setArray(self.u.getArray(readonly=True))
            self.u.axpy(dt, self.v_half)
            self.time += dt
            self.step_count += 1

    def kinetic_energy(self, v=None) -> float:
        """½ vᵀ M v in eV for v (default v_{n+½}). Collective."""
        v = self.v_half if v is None else v
        loc = float(np.dot(v.getArray(readonly=True) ** 2, self.mass.getArray(readonly=True)))
        return 0.5 * MVV2E * self.p.comm.allreduce(loc)

    def invariant(self) -> float:
        """½ v_{n+½}ᵀ M v_{n+½} + ½ u_nᵀ K u_{n+1} (eV): exactly conserved without damping
        and loads. Collective."""
        return self.kinetic_energy() + 0.5 * self.u_prev.dot(self.p.K * self.u)

    def stable_dt(self) -> float:
        """2/ω_max with ω_max bounded above by the largest element frequency (ps)."""
        p = self.p
        w2 = 0.0
        el = p.layout.local_elements
        for sl in asm.blocks(len(el), p.mesh.cell, 2):
            e = el[sl]
            D, _, thick, rho = p.element_laws(e)
            g = p.geometry(e)
            Ke = asm.element_stiffness(g, D) * p.weights[e][:, None, None]
            me = np.repeat(asm.lumped_mass(p.geometry(e, 2), rho * thick), p.dim, axis=1)
            s = 1.0 / np.sqrt(me)
            w2 = max(w2, float(np.linalg.eigvalsh(Ke * s[:, :, None] * s[:, None, :]).max()))
        w2 = p.comm.allreduce(w2, op=_mpi_max()) * FTM2V
        return 2.0 / np.sqrt(w2)


def _mpi_max():
    from mpi4py import MPI
    return MPI.MAX

