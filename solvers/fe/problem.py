"""Linear elasticity on an FE communicator: distributed PETSc matrix, vectors and KSP.

:class:`ElasticityProblem` is what the coupling drives (see the package docstring for
the contract). The stiffness K is assembled once per element-weight set with
``setPreallocationCOO``/``setValuesCOO`` from vectorised element kernels of the
elements each rank owns. Dirichlet conditions are imposed symmetrically on a copy K_bc
(``zeroRowsColumns``, diagonal scaled to K's mean diagonal) with a lifting right-hand
side b = f − K u_D, so new nodal forces or new Dirichlet *values* re-solve with the same
matrix and preconditioner; only a new *set* of constrained dofs or new element weights
rebuild K_bc and the preconditioner.

Solver: KSP CG + GAMG with the rigid-body near-null space by default, options prefix
``fe_`` (``-fe_ksp_rtol 1e-12``, ``-fe_pc_type lu`` ... from the command line, the
PETSc options database or the ``options`` argument).

Units: Å, eV; forces eV/Å; D as in :mod:`~mdfe.solvers.fe.materials`.
"""
from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from mdfe.solvers.fe import assembly as asm
from mdfe.solvers.fe.errors import FEInputError, collective
from mdfe.solvers.fe.layout import Layout
from mdfe.solvers.fe.locate import PointLocator
from mdfe.solvers.fe.materials import LinearElastic
from mdfe.solvers.fe.mesh import Mesh
from mdfe.solvers.fe.petsc import INT, PETSc, add_entries, gather_entries

DEFAULT_OPTIONS = {"ksp_type": "cg", "pc_type": "gamg", "ksp_rtol": 1e-10}


def _region_materials(mesh: Mesh, materials: Mapping) -> dict[int, LinearElastic]:
    """Region id -> law, checked against the mesh; FEInputError names what is wrong."""
    out = {}
    for key, law in materials.items():
        rid = mesh.region_id(key)
        if not isinstance(law, LinearElastic):
            raise FEInputError(f"material for region {key!r} must be a LinearElastic law "
                               f"(materials.anisotropic_3d / plane_strain / membrane)")
        if law.dim != mesh.dim:
            raise FEInputError(f"material for region {key!r} is a {law.kind} law, which does "
                               f"not fit a {mesh.dim}D mesh")
        out[rid] = law
    missing = sorted(set(np.unique(mesh.regions).tolist()) - set(out))
    if missing:
        raise FEInputError(f"mesh regions {missing} have no material; given regions "
                           f"{sorted(materials)}")
    return out


def check_converged(solver, hint: str) -> int:
    """Iteration count of a finished KSP/SNES; RuntimeError (on every rank alike, the
    reason is global) if it diverged."""
    reason, its = solver.getConvergedReason(), solver.getIterationNumber()
    if reason < 0:
        raise RuntimeError(f"FE {solver.getType()} solve did not converge (reason {reason}, "
                           f"{its} iterations); check constraints and load size, see {hint}")
    return its


def rigid_body_modes(x: np.ndarray) -> np.ndarray:
    """Rigid-body displacement modes (n, d, n_modes) at points x (n, d), centred/scaled."""
    n, d = x.shape
    modes = [np.broadcast_to(np.eye(d)[k], (n, d)) for k in range(d)]
    pairs = [(0, 1)] if d == 2 else [(0, 1), (1, 2), (2, 0)]
    for i, j in pairs:
        r = np.zeros((n, d))
        r[:, i], r[:, j] = -x[:, j], x[:, i]
        modes.append(r)
    return np.stack(modes, axis=-1)


class ElasticityProblem:
    """Small-strain elasticity of ``mesh`` with per-region linear laws on ``comm``.

    mesh: :class:`Mesh` (replicated on every rank). materials: {region id or name: law}.
    comm: mpi4py communicator of the FE ranks (default COMM_WORLD).
    options: PETSc options (without prefix), applied over the database under ``prefix``.
    """
    defaults = DEFAULT_OPTIONS

    def __init__(self, mesh: Mesh, materials: Mapping, comm=None, prefix: str = "fe_",
                 options: Mapping | None = None):
        from mpi4py import MPI
        self.comm = MPI.COMM_WORLD if comm is None else comm
        self.pcomm = PETSc.Comm(self.comm)
        self.mesh = mesh
        self.dim = mesh.dim
        self.laws = _region_materials(mesh, materials)
        self.layout = Layout(mesh, self.comm)
        self.prefix = prefix
        self._elems = self.layout.local_elements
        self.weights = np.ones(mesh.n_elems)
        self._locator = None
        self.options = {k.lstrip("-"): v for k, v in (options or {}).items()}
        n_own = self.layout.n_owned_dofs
        self.n_dofs = mesh.n_nodes * self.dim
        self.rstart = self.comm.exscan(n_own) or 0
        self.K = self._create_matrix()
        self.x0 = self.K.createVecLeft()           # template vector
        self.f_ext = self.vector()                  # body forces + tractions
        self.f_nodal = self.vector()                # extra nodal forces (coupling)
        self.f_eig = self.vector()                  # eigenstrain load ∫ Bᵀ D ε0
        self.u = self.vector()
        self._coords = self._coordinate_vector()
        self._bc_mask = np.zeros(n_own, bool)
        self._bc_vals = np.zeros(n_own)
        self._bc_dirty = True
        self.K_bc = None
        self.ksp = PETSc.KSP().create(comm=self.pcomm)
        self.ksp.setOptionsPrefix(prefix)
        self.iterations = 0
        self.assemble()

    # ---------------------------------------------------------------- set-up
    def configure(self, obj) -> None:
        """``obj.setFromOptions()`` (a KSP or SNES with this problem's prefix) with, in
        increasing priority: ``defaults``, the options database (command line), the
        ``options`` given to this problem. The database is left as it was."""
        db = PETSc.Options(self.prefix)
        wanted = {k: v for k, v in self.defaults.items() if not db.hasName(k)}
        wanted.update(self.options)
        saved = {k: db.getString(k) if db.hasName(k) else None for k in wanted}
        for k, v in wanted.items():
            db[k] = v
        try:
            obj.setFromOptions()
        finally:
            for k, v in saved.items():
                if v is None:
                    db.delValue(k)
                else:
                    db[k] = v

    def vector(self) -> "PETSc.Vec":
        """A new zero distributed vector (PETSc dof order, block size d)."""
        v = self.x0.duplicate()
        v.zeroEntries()
        return v

    def _create_matrix(self):
        d = self.dim
        n_own = self.layout.n_owned_dofs
        A = PETSc.Mat().create(comm=self.pcomm)
        A.setSizes(((n_own, self.n_dofs), (n_own, self.n_dofs)), bsize=d)
        A.setType(PETSc.Mat.Type.AIJ)
        A.setOptionsPrefix(self.prefix)
        edofs = self.element_dofs(self._elems)
        nd = edofs.shape[1]
        rows = np.repeat(edofs, nd, axis=1).reshape(-1)
        cols = np.tile(edofs, (1, nd)).reshape(-1)
        A.setPreallocationCOO(rows.astype(INT), cols.astype(INT))
        return A

    def _coordinate_vector(self):
        v = self.vector()
        v.setBlockSize(self.dim)
        v.setArray(self.mesh.nodes[self.layout.owned_nodes].reshape(-1))
        return v

    def element_dofs(self, elems: np.ndarray) -> np.ndarray:
        """PETSc dofs (ne, nen·d) of elements ``elems`` (global element ids)."""
        e = self.layout.dofs(self.mesh.elements[elems])
        return e.reshape(len(elems), -1)

    def element_laws(self, elems: np.ndarray):
        """(D (ne, nv, nv), ε0 (ne, nv), thickness (ne,), density (ne,)) of elements."""
        rids = sorted(self.laws)
        idx = np.searchsorted(rids, self.mesh.regions[elems])
        stack = lambda attr: np.array([getattr(self.laws[r], attr) for r in rids])  # noqa: E731
        return (stack("D")[idx], stack("eigenstrain")[idx], stack("thickness")[idx],
                stack("density")[idx])

    def geometry(self, elems: np.ndarray, order: int | None = None) -> asm.Geometry:
        """Quadrature geometry of elements ``elems``."""
        X = self.mesh.nodes[self.mesh.elements[elems]]
        return asm.geometry(self.mesh.cell, X, order, first_id=int(elems[0]) if len(elems) else 0)

    def assemble(self) -> None:
        """(Re)assemble K and the eigenstrain load from the current element weights."""
        vals, f_eig, dofs_eig = [], [], []
        self.eigen_energy_local = 0.0
        for sl in asm.blocks(len(self._elems), self.mesh.cell):
            el = self._elems[sl]
            g = self.geometry(el)
            D, e0, _, _ = self.element_laws(el)
            w = self.weights[el]
            vals.append((asm.element_stiffness(g, D) * w[:, None, None]).reshape(-1))
            if np.any(e0):
                fe = asm.element_eigenstrain_load(g, D, e0) * w[:, None]
                dofs_eig.append(self.element_dofs(el).reshape(-1))
                f_eig.append(fe.reshape(-1))
                self.eigen_energy_local += 0.5 * np.einsum(
                    "ev,evw,ew,e->", e0, D, e0, g.wdet.sum(axis=1) * w)
        self.K.setValuesCOO(np.concatenate(vals) if vals else np.zeros(0),
                            addv=PETSc.InsertMode.INSERT_VALUES)
        self.K.assemble()
        self.f_eig.zeroEntries()
        add_entries(self.f_eig, np.concatenate(dofs_eig) if dofs_eig else np.zeros(0, INT),
                    np.concatenate(f_eig) if f_eig else np.zeros(0))
        self._bc_dirty = True

    def set_element_weights(self, weights: np.ndarray) -> None:
        """Per-element stiffness weights (n_elems,) in [0, 1] (same on every rank; 0 in an
        atomistic core). Nodes left with no stiffness are held at zero displacement
        unless constrained otherwise. Re-assembles K; collective."""
        w = np.asarray(weights, float).reshape(-1)
        if w.shape != (self.mesh.n_elems,) or np.any(~np.isfinite(w)) or w.min() < 0 or w.max() > 1:
            raise FEInputError(f"element weights must be {self.mesh.n_elems} values in [0, 1]")
        self.weights = w
        self.assemble()

    # ------------------------------------------------------------- loads, BCs
    def set_dirichlet(self, node_ids, values, components=None) -> None:
        """Prescribe displacements (Å) at nodes; collective, each rank may give any nodes.

        node_ids: (k,) global node ids or a node-set name. values: (k, c) array, a
        constant, or a callable u(x (k, d)) -> (k, c) of the reference positions.
        components: which displacement components (default all d). Constraints add up
        over calls (a later value for the same dof wins); see :meth:`clear_dirichlet`.
        """
        dofs, vals = collective(self.comm, self._dirichlet_input, node_ids, values, components)
        mark, val = self.vector(), self.vector()
        ins = PETSc.InsertMode.INSERT_VALUES
        add_entries(mark, dofs, np.ones(dofs.size), ins)
        add_entries(val, dofs, vals, ins)
        new = mark.getArray(readonly=True) > 0.5
        changed = bool(np.any(new & ~self._bc_mask))
        self._bc_mask |= new
        self._bc_vals[new] = val.getArray(readonly=True)[new]
        if self.comm.allreduce(changed, op=_mpi_lor()):
            self._bc_dirty = True

    def _dirichlet_input(self, node_ids, values, components):
        """Checked (dofs (k, c), values (k, c)) of a Dirichlet request."""
        ids = self.mesh.node_set(node_ids)
        comps = np.arange(self.dim) if components is None else np.asarray(components, int).reshape(-1)
        if comps.size == 0 or comps.min() < 0 or comps.max() >= self.dim:
            raise FEInputError(f"Dirichlet components {comps.tolist()} not in 0..{self.dim - 1}")
        vals = np.asarray(values(self.mesh.nodes[ids]) if callable(values) else values, float)
        if vals.ndim < 2:
            vals = vals.reshape(-1, 1) if vals.shape == (len(ids),) and comps.size == 1 else vals
            vals = np.broadcast_to(vals, (len(ids), comps.size)) if vals.ndim < 2 and vals.size in (1, comps.size) else vals
        if vals.shape != (len(ids), comps.size) or not np.all(np.isfinite(vals)):
            raise FEInputError(f"Dirichlet values must be finite with shape "
                               f"({len(ids)}, {comps.size}); got {np.shape(vals)}")
        return self.layout.dofs(ids)[:, comps], vals

    def clear_dirichlet(self) -> None:
        """Remove all Dirichlet conditions."""
        self._bc_mask[:] = False
        self._bc_vals[:] = 0.0
        self._bc_dirty = True

    def set_nodal_forces(self, node_ids, forces) -> None:
        """Replace the extra nodal forces (eV/Å) by ``forces`` (k, d) at ``node_ids`` (k,).

        Collective; contributions from all ranks are summed (so each rank may pass the
        forces it computed for any nodes). Matrix and preconditioner are reused.
        """
        dofs, f = collective(self.comm, self._force_input, node_ids, forces)
        self.f_nodal.zeroEntries()
        add_entries(self.f_nodal, dofs, f)

    def _force_input(self, node_ids, forces):
        """Checked (dofs (k, d), forces (k, d)) of a nodal-force request."""
        ids = self.mesh.node_set(node_ids)
        f = np.asarray(forces, float)
        if f.shape != (len(ids), self.dim) or not np.all(np.isfinite(f)):
            raise FEInputError(f"nodal forces must be finite with shape ({len(ids)}, "
                               f"{self.dim}); got {f.shape}")
        return self.layout.dofs(ids), f

    def add_traction(self, facets, traction) -> None:
        """Add a Neumann traction on facets: a facet-set name or (m, nen_f) node ids.

        traction: (d,) constant or t(x (m, nq, d)) -> (m, nq, d); eV/Å² in 3D, eV/Å² per
        unit thickness in 2D (force per length for membranes). Collective.
        """
        if isinstance(facets, str):
            if facets not in self.mesh.facet_sets:
                raise FEInputError(f"unknown facet set {facets!r}; available: "
                                   f"{sorted(self.mesh.facet_sets)}")
            facets = self.mesh.facet_sets[facets]
        facets = np.asarray(facets, np.int64)
        mine = facets[self.comm.Get_rank()::self.comm.Get_size()]
        fe = asm.facet_load(self.mesh.facet_cell, self.mesh.nodes[mine], traction)
        add_entries(self.f_ext, self.layout.dofs(mine), fe)

    def add_body_force(self, body: Callable, order: int = 3) -> None:
        """Add a body force b(x (ne, nq, d)) -> (ne, nq, d) (eV/Å per volume or area)."""
        for sl in asm.blocks(len(self._elems), self.mesh.cell, order):
            el = self._elems[sl]
            g = self.geometry(el, order)
            fe = asm.element_body_load(g, body(g.x)) * self.weights[el][:, None]
            self.f_ext.setValues(self.element_dofs(el).reshape(-1).astype(INT),
                                 fe.reshape(-1), addv=PETSc.InsertMode.ADD_VALUES)
        self.f_ext.assemble()

    def clear_loads(self) -> None:
        """Remove body forces, tractions and nodal forces."""
        self.f_ext.zeroEntries()
        self.f_nodal.zeroEntries()

    # ----------------------------------------------------------------- solve
    def _constrained_rows(self) -> np.ndarray:
        return (self.rstart + np.flatnonzero(self._fixed)).astype(INT)

    def _check_constrained(self) -> None:
        """FEInputError unless the constraints remove every rigid-body mode."""
        x = self.mesh.nodes[self.layout.owned_nodes]
        x = (x - self.mesh.nodes.mean(axis=0)) / max(np.ptp(self.mesh.nodes, axis=0).max(), 1e-300)
        R = rigid_body_modes(x).reshape(-1, 3 if self.dim == 2 else 6)[self._fixed]
        G = self.comm.allreduce(R.T @ R)
        ev = np.linalg.eigvalsh(G)
        if ev.min() <= 1e-10 * max(ev.max(), 1.0):
            raise FEInputError(
                "the elasticity problem is singular: the Dirichlet conditions do not fix all "
                f"rigid-body modes ({int(np.sum(ev <= 1e-10 * max(ev.max(), 1.0)))} of "
                f"{len(ev)} free); constrain more displacement components")

    def constrained_mask(self) -> np.ndarray:
        """(n_owned_dofs,) bool: Dirichlet dofs and dofs without any stiffness (held at 0)."""
        return self._bc_mask | (self.K.getDiagonal().getArray(readonly=True) == 0.0)

    def _update_operator(self) -> None:
        if not self._bc_dirty:
            return
        self._fixed = self.constrained_mask()
        self._check_constrained()
        dval = self.K.getDiagonal().getArray(readonly=True)
        total = self.comm.allreduce(float(np.abs(dval).sum()))
        count = self.comm.allreduce(int(np.count_nonzero(dval)))
        self.diag_scale = total / max(count, 1)
        if self.K_bc is not None:
            self.K_bc.destroy()
        self.K_bc = self.K.duplicate(copy=True)
        self.K_bc.zeroRowsColumns(self._constrained_rows(), diag=self.diag_scale)
        self.K_bc.setNearNullSpace(PETSc.NullSpace().createRigidBody(self._coords))
        self.ksp.setOperators(self.K_bc)
        self.configure(self.ksp)
        self._bc_dirty = False

    def dirichlet_vector(self) -> "PETSc.Vec":
        """u_D: prescribed values at constrained dofs, 0 elsewhere."""
        v = self.vector()
        v.setArray(np.where(self._bc_mask, self._bc_vals, 0.0))
        return v

    def external_force(self) -> "PETSc.Vec":
        """f_ext + f_nodal (eV/Å), without the eigenstrain load."""
        f = self.f_ext.copy()
        f.axpy(1.0, self.f_nodal)
        return f

    def solve(self) -> "PETSc.Vec":
        """Solve K u = f_ext + f_nodal + f_eig with the Dirichlet conditions; returns
        (and stores as ``self.u``) the displacement vector. Collective."""
        self._update_operator()
        uD = self.dirichlet_vector()
        b = self.external_force()
        b.axpy(1.0, self.f_eig)
        b.axpy(-1.0, self.K * uD)
        fixed, ud = self._fixed, uD.getArray(readonly=True)
        b.setArray(np.where(fixed, self.diag_scale * ud, b.getArray(readonly=True)))
        self.u.setArray(np.where(fixed, ud, self.u.getArray(readonly=True)))
        self.ksp.setInitialGuessNonzero(self.ksp.getType() != "preonly")   # warm start
        self.ksp.solve(b, self.u)
        self.iterations = check_converged(self.ksp, f"-{self.prefix}ksp_monitor")
        self.u.setArray(np.where(fixed, ud, self.u.getArray(readonly=True)))   # exact values
        return self.u

    # --------------------------------------------------------------- queries
    def internal_force(self, u: "PETSc.Vec | None" = None) -> "PETSc.Vec":
        """Internal force ∫ Bᵀ σ = K u − f_eig (eV/Å) at displacement u (default self.u)."""
        r = self.K * (self.u if u is None else u)
        r.axpy(-1.0, self.f_eig)
        return r

    def residual(self, u: "PETSc.Vec | None" = None) -> "PETSc.Vec":
        """K u − f_eig − f_ext − f_nodal (eV/Å), reactions included at constrained dofs."""
        r = self.internal_force(u)
        r.axpy(-1.0, self.external_force())
        return r

    def energy(self, u: "PETSc.Vec | None" = None) -> float:
        """Elastic energy ½∫(ε−ε0)ᵀD(ε−ε0) (eV) at u (default self.u). Collective."""
        u = self.u if u is None else u
        e = 0.5 * u.dot(self.K * u) - u.dot(self.f_eig)
        return e + self.comm.allreduce(self.eigen_energy_local)

    def nodal_values(self, vec: "PETSc.Vec | str", node_ids) -> np.ndarray:
        """(k, d) values of ``vec`` (a Vec, or ``"u"``) at global node ids (k,).

        Collective on the FE communicator; each rank may ask for different nodes.
        """
        vec = self.u if isinstance(vec, str) and vec == "u" else vec
        if isinstance(vec, str):
            raise FEInputError(f"unknown field {vec!r}; pass a PETSc Vec or 'u'")
        return gather_entries(vec, self.layout.dofs(self.mesh.node_set(node_ids)))

    def gather(self, vec: "PETSc.Vec | None" = None, everywhere: bool = False):
        """The whole field (n_nodes, d) by global node id on rank 0 (None elsewhere), or
        on every rank with ``everywhere``. Collective."""
        vec = self.u if vec is None else vec
        sc, out = (PETSc.Scatter.toAll if everywhere else PETSc.Scatter.toZero)(vec)
        sc.scatter(vec, out, addv=PETSc.InsertMode.INSERT_VALUES,
                   mode=PETSc.ScatterMode.FORWARD)
        arr = out.getArray(readonly=True)
        res = None
        if everywhere or self.comm.Get_rank() == 0:
            res = arr.reshape(-1, self.dim)[self.layout.petsc_node].copy()
        sc.destroy()
        out.destroy()
        return res

    def from_nodal(self, values: np.ndarray) -> "PETSc.Vec":
        """A distributed vector from a replicated nodal array (n_nodes, d)."""
        v = self.vector()
        v.setArray(np.asarray(values, float)[self.layout.owned_nodes].reshape(-1))
        return v

    def element_values(self, vec: "PETSc.Vec", elems: np.ndarray) -> np.ndarray:
        """Element dof values (ne, nen·d) of ``vec`` on elements ``elems``. Collective."""
        return gather_entries(vec, self.element_dofs(elems))

    def node_coordinates(self, node_ids) -> np.ndarray:
        """Reference coordinates (k, d) in Å of global node ids."""
        return self.mesh.nodes[self.mesh.node_set(node_ids)]

    def locate(self, points: np.ndarray):
        """(elem (m,), nodes (m, nen), shape (m, nen)) of points (m, d); see
        :class:`~mdfe.solvers.fe.locate.PointLocator`. Local, no communication."""
        if self._locator is None:
            self._locator = PointLocator(self.mesh)
        return self._locator.locate(points)


def _mpi_lor():
    from mpi4py import MPI
    return MPI.LOR
