"""Finite-strain hyperelasticity solved with SNES, for the batched laws of
:mod:`~mdfe.solvers.fe.hyperelastic_laws` (or any object with ``dim`` and
``evaluate(F) -> (W, P, A)``).

:class:`HyperelasticProblem` shares mesh, layout, boundary conditions, loads, queries and
element weights with :class:`~mdfe.solvers.fe.problem.ElasticityProblem` (whose linear
K is the small-strain tangent at F = I) and solves R(u) = ∫ P : ∇N − f = 0 with SNES
(Newton line search by default; options prefix as the linear problem, e.g.
``-fe_snes_rtol``).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from mdfe.solvers.fe import assembly as asm
from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.hyperelastic_laws import small_strain_law
from mdfe.solvers.fe.petsc import INT, PETSc
from mdfe.solvers.fe.problem import ElasticityProblem, check_converged

SNES_DEFAULTS = {"snes_type": "newtonls", "snes_rtol": 1e-10, "snes_atol": 1e-12,
                 "snes_max_it": 50}   # below the options database and the user's options


class HyperelasticProblem(ElasticityProblem):
    """Finite-strain elasticity with laws {region: law with evaluate(F)}; see module doc."""
    defaults = {**ElasticityProblem.defaults, **SNES_DEFAULTS}

    def __init__(self, mesh, laws: Mapping, comm=None, prefix: str = "fe_",
                 options: Mapping | None = None):
        for key, law in laws.items():
            if not hasattr(law, "evaluate") or getattr(law, "dim", None) != mesh.dim:
                raise FEInputError(f"hyperelastic law for region {key!r} must have "
                                   f"evaluate(F) and dim == {mesh.dim}")
        super().__init__(mesh, {k: small_strain_law(v) for k, v in laws.items()}, comm,
                         prefix, options)
        self.hlaws = {mesh.region_id(k): v for k, v in laws.items()}
        self.J = self._create_matrix()
        self.snes = PETSc.SNES().create(comm=self.pcomm)
        self.snes.setOptionsPrefix(prefix)
        self.r = self.vector()
        self.snes.setFunction(self._residual, self.r)
        self.snes.setJacobian(self._jacobian, self.J)
        self.newton_iterations = 0

    def _element_state(self, x, elems, g):
        """Per block of elements: P (ne, nq, d, d), A, W at the current state x."""
        ue = self.element_values(x, elems)
        F = np.eye(self.dim) + asm.displacement_gradient(g, ue)
        ne, nq = F.shape[:2]
        W = np.empty((ne, nq))
        P = np.empty_like(F)
        A = np.empty((ne, nq) + (self.dim,) * 4)
        for rid, law in self.hlaws.items():
            sel = self.mesh.regions[elems] == rid
            if sel.any():
                w, p, a = law.evaluate(F[sel].reshape(-1, self.dim, self.dim))
                W[sel], P[sel] = w.reshape(-1, nq), p.reshape(-1, nq, self.dim, self.dim)
                A[sel] = a.reshape((-1, nq) + (self.dim,) * 4)
        return W, P, A

    def _loop(self, x, want_tangent: bool):
        """Element forces (list of (dofs, fe)) and tangent values for the local elements."""
        forces, tangents, energy = [], [], 0.0
        for sl in asm.blocks(len(self._elems), self.mesh.cell):
            el = self._elems[sl]
            g = self.geometry(el)
            W, P, A = self._element_state(x, el, g)
            wd = g.wdet * self.weights[el][:, None]
            energy += float(np.sum(W * wd))
            fe = np.einsum("eqiJ,eqaJ,eq->eai", P, g.dNdx, wd)
            forces.append((self.element_dofs(el), fe.reshape(len(el), -1)))
            if want_tangent:
                ke = np.einsum("eqaJ,eqiJkL,eqbL,eq->eaibk", g.dNdx, A, g.dNdx, wd, optimize=True)
                n = ke.shape[1] * ke.shape[2]
                tangents.append(ke.reshape(len(el), n, n).reshape(-1))
        return forces, tangents, energy

    def internal_force(self, u=None) -> "PETSc.Vec":
        """Internal force ∫ P : ∇N dV (eV/Å) at displacement u (default self.u)."""
        R = self.vector()
        forces, _, _ = self._loop(self.u if u is None else u, False)
        for dofs, fe in forces:
            R.setValues(dofs.reshape(-1).astype(INT), fe.reshape(-1),
                        addv=PETSc.InsertMode.ADD_VALUES)
        R.assemble()
        return R

    def energy(self, u=None) -> float:
        """Stored energy ∫ W(F) dV (eV) at u (default self.u). Collective."""
        _, _, e = self._loop(self.u if u is None else u, False)
        return self.comm.allreduce(e)

    def _residual(self, snes, x, R):
        self.internal_force(x).copy(R)
        R.axpy(-1.0, self.external_force())
        fixed = self._fixed
        ud = self.dirichlet_vector().getArray(readonly=True)
        R.setArray(np.where(fixed, self.diag_scale * (x.getArray(readonly=True) - ud),
                            R.getArray(readonly=True)))

    def _jacobian(self, snes, x, J, P):
        _, tangents, _ = self._loop(x, True)
        P.setValuesCOO(np.concatenate(tangents) if tangents else np.zeros(0),
                       addv=PETSc.InsertMode.INSERT_VALUES)
        P.assemble()
        P.zeroRowsColumns(self._constrained_rows(), diag=self.diag_scale)
        P.setNearNullSpace(PETSc.NullSpace().createRigidBody(self._coords))

    def solve(self):
        """Solve R(u) = 0 by SNES from the current u (Dirichlet values imposed first)."""
        self._update_operator()
        ud = self.dirichlet_vector().getArray(readonly=True)
        self.u.setArray(np.where(self._fixed, ud, self.u.getArray(readonly=True)))
        self.configure(self.snes)
        self.snes.solve(None, self.u)
        self.newton_iterations = check_converged(self.snes, f"-{self.prefix}snes_monitor")
        return self.u
