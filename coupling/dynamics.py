"""Dynamic FE–MD coupling: bridging-domain compatibility (every band and pad atom follows
the FE), FE and MD in lock-step at the MD time step (velocity Verlet), Langevin damping band
(docs/coupling.md section 4).

Unknowns: free (core) atom positions x_C, velocities v_C; FE nodal displacements U and
velocities V. Compatibility is imposed at every band and pad atom (the multipliers
eliminated exactly — the projection of the bridging-domain method):

    x_a = X_a + (N U)_a (+ inner shift),   v_a = (N V)_a          a ∈ S = band ∪ pad

The coupled model is Lagrangian, so its energy is conserved by the integrator:

    L = ½ Σ_{a∈C} m_a v_a² + ½ Vᵀ M V − Φ(x_C, x_S(U)) − ½ Uᵀ K_w U + (f_ext + G)·U

Φ: LAMMPS' energy of the whole MD region; K_w: the FE stiffness with element weights
w_e = 0 for elements inside the region's outer outline (core + band + pad; its edge must
follow element faces) and 1 outside, so no energy is counted twice; M = Σ_e w_e M^FE_e +
Nᵀ diag(m_S) N, row-sum lumped: the FE's mass outside, the slaved atoms' inside (the masses
of the two models split by w_e and 1 − w_e; the total is the crystal's). The constant nodal
loads G = −[Nᵀ f_S − K_w U + f_ext] at the reference state (a relaxed state: the initial
equilibrium, e.g. from the quasi-static solver) remove the ghost forces of the region's
surface there (dead-load ghost-force correction), so that state is an exact equilibrium.
Equations of motion:

    m_a ẍ_a = f_a(x) − γ_a m_a ẋ_a                              a ∈ C (γ: damping band)
    M Ü = Nᵀ f_S(x) − K_w U + f_ext + G

One step (velocity Verlet on both sides, the same dt):
 1. FE: V += dt/2 A;  U += dt V.
 2. FE owners → MD owners (point to point, keyed by node id): U at the support nodes; band
    and pad atoms placed at X + N U.
 3. MD: ``run 1`` (fix nve on the core: half kick, drift, forces, damping, half kick).
 4. MD owners → FE owners: partial Nᵀ f_S, summed at the owners.
 5. FE: A = M⁻¹ [Nᵀ f_S − K_w U + f_ext + G];  V += dt/2 A.

Energy (:meth:`DynamicCoupling.energy`, zero at the reference state):

    E = Σ_{a∈C} ½ m_a v_a² + ½ Vᵀ M V + [Φ − Φ⁰] + ½ Uᵀ K_w U − ½ U⁰ᵀ K_w U⁰ − (f_ext + G)·(U − U⁰)

Nodes with no mass (all elements inside the core: they carry only free atoms) have no
equation and are held fixed. Units: Å, ps, eV, amu; γ in 1/ps; densities in amu/Å³ (bulk)
or amu/Å² (sheets).
"""
from __future__ import annotations

import time

import numpy as np

from mdfe.coupling.dyn_lammps import MVV2E, MDStepper
from mdfe.coupling.exchange import KeyedTransfer
from mdfe.coupling.geometry import CORE, GeometryError

FTM2V = 1.0 / MVV2E


def lattice_density(unit_cell) -> float:
    """Mass density of a crystal's unit cell (``UnitCell``: cell rows Å, symbols): amu/Å³
    for bulk (dim 3), amu/Å² for sheets (dim 2, the in-plane cell area)."""
    from ase.data import atomic_masses, atomic_numbers
    mass = float(sum(atomic_masses[atomic_numbers[s]] for s in unit_cell.symbols))
    cell = np.asarray(unit_cell.cell, float)
    size = (abs(np.linalg.det(cell)) if unit_cell.dim == 3
            else abs(cell[0, 0] * cell[1, 1] - cell[0, 1] * cell[1, 0]))
    return mass / size


def element_weights(mesh, geometries, tol: float = 1e-6) -> np.ndarray:
    """w_e (n_elems,): 0 for elements inside some region's outer outline (core + band + pad),
    1 elsewhere. Raises GeometryError when an element straddles an outer outline (by more
    than ``tol`` Å): the MD region must end on element faces, else mass and stiffness there
    are counted twice or not at all."""
    w = np.ones(len(mesh.elements))
    for g in geometries:
        outer = g.band_width + g.pad_width
        d = g.distance(mesh.nodes)[mesh.elements]                    # (n_e, nen)
        inside = (d <= outer + tol).all(axis=1)
        cut = ~inside & (d < outer - tol).any(axis=1)
        if cut.any():
            e = int(np.flatnonzero(cut)[0])
            raise GeometryError(
                f"{g.name}: FE element {e} (nodes {mesh.elements[e].tolist()}) is cut by the "
                f"region's outer edge (band_width + pad_width = {outer} Å from the core); the "
                "MD region must end on element faces: adjust pad_width or the mesh")
        w[inside] = 0.0
    return w


def weighted_lumped_mass(fe, w_e: np.ndarray, density: float) -> np.ndarray:
    """Σ_e w_e M_e: row-sum lumped FE masses (n_owned, dim) amu on this rank's owned nodes,
    density in amu/Å³ (amu/Å² for membranes). Collective on the FE communicator."""
    from mdfe.solvers.fe import assembly as asm
    from mdfe.solvers.fe.petsc import INT, PETSc
    vec = fe.vector()
    el = fe.layout.local_elements
    for sl in asm.blocks(len(el), fe.mesh.cell, 2):
        e = el[sl]
        _, _, thick, _ = fe.element_laws(e)
        me = asm.lumped_mass(fe.geometry(e, 2), density * thick * w_e[e])       # (ne, nen)
        vec.setValues(fe.element_dofs(e).reshape(-1).astype(INT),
                      np.repeat(me, fe.dim, axis=1).reshape(-1),
                      addv=PETSc.InsertMode.ADD_VALUES)
    vec.assemble()
    return vec.getArray(readonly=True).reshape(-1, fe.dim).copy()


class SlavedLink:
    """Per-step exchange of one region's slaved (band and pad) atoms with the FE owners.

    Built once per atom ownership (collective on ``comm``): the Handshake rows of the slaved
    atoms this rank owns, their LAMMPS local rows, reference sites X (k, 3) Å, Nᵀ as CSR,
    and a :class:`~mdfe.coupling.exchange.KeyedTransfer` of the support nodes (point to
    point, by node id). Per step: :meth:`place` (U at the owners → x = X + N U (+ inner
    shift) written into LAMMPS' arrays at the kept local rows) and :meth:`restrict`
    (LAMMPS' forces at those rows → Nᵀ f summed at the FE owners). :meth:`refresh` checks
    ownership with one comparison of LAMMPS' local ID array and one integer Allreduce.
    """

    def __init__(self, comm, region, fe_owned: np.ndarray, dim: int):
        self.comm, self.region, self.fe_owned, self.dim = comm, region, fe_owned, dim
        self.md = region.md
        from mpi4py import MPI
        self._flag = np.zeros(1, np.int64)
        self.op_seconds = 0.0            # time spent applying N (+ inner shift) and Nᵀ
        self._in_place, self._op_max = MPI.IN_PLACE, MPI.MAX
        self._snapshot = None
        self._build()

    def _build(self) -> None:
        """(Re)build the operator rows and the transfer plan (collective on comm)."""
        r = self.region
        support = np.zeros(0, np.int64)
        self.n_local = 0
        if self.md is not None:
            own = np.asarray(self.md.local_array("id"), np.int64)
            self._snapshot = own.copy()
            mine = np.sort(own)
            rows = np.searchsorted(r.ids, mine)
            rows = rows[r.roles[rows] != CORE]
            self.op = r.hs.subset(rows, r.node_X)
            self.NT = self.op.N.T.tocsr()
            self.X = np.zeros((len(rows), 3))
            self.X[:, :min(3, r.X.shape[1])] = r.X[rows][:, :3]
            self.rows = self.md.owned_rows(self.op.ids)
            self.n_local = len(rows)
            # the inner shift depends on the element's F only: evaluated once per element
            _, self._rep, self._elem_of = np.unique(self.op.elem, return_index=True,
                                                    return_inverse=True)
            support = self.op.support
        self.transfer = KeyedTransfer(self.comm, self.fe_owned, support, what="FE node")

    def refresh(self) -> None:
        """Follow LAMMPS' atom moves between ranks (collective on comm): local rows are
        re-found after a re-sort; the plan is rebuilt where the owned set changed."""
        self._flag[0] = 0
        if self.md is not None:
            own = self.md.local_array("id")
            if not np.array_equal(own, self._snapshot):
                if np.array_equal(np.sort(own), np.sort(self._snapshot)):
                    self._snapshot = np.array(own, np.int64)
                    self.rows = self.md.owned_rows(self.op.ids)
                else:
                    self._flag[0] = 1
        self.comm.Allreduce(self._in_place, self._flag, op=self._op_max)
        if self._flag[0]:
            self._build()

    def place(self, U: np.ndarray) -> None:
        """Slaved atoms to X + N U (+ inner shift); U (n_owned, dim) on the FE owners
        (collective on comm). Out-of-plane coordinates of sheets: the reference."""
        vals = self.transfer.forward(U)
        if self.n_local:
            t = time.perf_counter()
            x = self.X.copy()
            x[:, :self.dim] += self._displacements(vals)
            self.op_seconds += time.perf_counter() - t
            self.md.local_array("x")[self.rows] = x
            self.md.local_array("image")[self.rows] = self.md.zero_image

    def _displacements(self, vals: np.ndarray) -> np.ndarray:
        """N U (+ ξ_s(F_e) − ξ_s(1), F_e once per element) (n_local, dim), Å, from the
        support nodes' displacements (= Handshake.displacements, fewer shift calls)."""
        op = self.op
        u = op.N @ vals
        if op.shift is not None:
            F = np.eye(self.dim) + op.gradients(vals)[self._rep]
            u += op.shift.shift(F)[self._elem_of, op.sublattice]
        return u

    def restrict(self, q: np.ndarray | None) -> np.ndarray:
        """Σ_a N_aI q_a summed at the FE owners (n_owned, dim) from per-atom values q
        (n_local, ≥ dim) of this rank's slaved atoms (None: LAMMPS' current forces)."""
        part = np.zeros((self.transfer.n_needed, self.dim))
        if self.n_local:
            if q is None:
                q = self.md.local_array("f")[self.rows]
            t = time.perf_counter()
            part = self.NT @ q[:, :self.dim]
            self.op_seconds += time.perf_counter() - t
        return self.transfer.reverse(part)

    def masses(self, stepper) -> np.ndarray:
        """Masses of this rank's slaved atoms as (n_local, dim) rows."""
        if not self.n_local:
            return np.zeros((0, self.dim))
        return np.repeat(stepper.masses_at(self.rows)[:, None], self.dim, axis=1)


class DynamicCoupling:
    """Lock-step explicit dynamics of the FE model and the MD regions on ``comm``.

    comm: spans the FE group and every MD group (shared or disjoint layout).
    fe: the ElasticityProblem on FE ranks (None elsewhere), Dirichlet conditions and loads
        set. The coupling takes it over: its element weights are **set** to w_e
        (:func:`element_weights`, K_w below; also ``self.element_weights``) and restored to
        the ones it had by :meth:`close`.
    regions: :class:`~mdfe.coupling.quasistatic.CoupledRegion` list, the same on every rank
        (several regions: each its own MDRegion on its own MD group).
    dt: time step, ps (the MD step; checked against the FE's critical step).
    density: the crystal's mass density (see :func:`lattice_density`).
    gamma_max: Langevin friction (1/ps) at the outer edge of each region's damping band
        (``RegionGeometry.damping_width``), ramped from 0 (3t² − 2t³); 0 switches it off.
    temperature: bath temperature, K, of the Langevin forces (0: deterministic damping);
        with T > 0 every core atom gets friction ``gamma_core`` (1/ps) on top of the
        damping band's, and the random force of :class:`MDStepper` (rank-count independent,
        key ``seed``). The FE reference is the 0 K lattice: keep T ≤ 10 K (docs §4).
    """

    def __init__(self, comm, fe, regions, dt: float, density: float, gamma_max: float = 0.0,
                 temperature: float = 0.0, gamma_core: float = 0.0, seed: int = 1):
        from mdfe.solvers.fe.dynamics import ExplicitDynamics
        if not (np.isfinite(dt) and dt > 0):
            raise ValueError(f"dt must be a positive time step in ps, got {dt}")
        if not (np.isfinite(density) and density > 0):
            raise ValueError(f"density must be > 0 (amu/Å³ or amu/Å²), got {density}")
        for key, val in (("gamma_max", gamma_max), ("gamma_core", gamma_core),
                         ("temperature", temperature)):
            if not (np.isfinite(val) and val >= 0):
                raise ValueError(f"{key} must be >= 0 (1/ps; K for temperature), got {val}")
        if temperature > 0 and gamma_core == 0 and gamma_max == 0:
            raise ValueError(f"temperature = {temperature} K needs a Langevin friction: "
                             "gamma_core > 0 or gamma_max > 0 (1/ps)")
        self.comm = comm.Dup()
        self.fe, self.regions, self.dt = fe, list(regions), float(dt)
        self.is_fe = fe is not None
        self.dim = int(comm.allreduce(fe.dim if self.is_fe else 0, op=_max()))
        self.seconds = {"fe": 0.0, "md": 0.0, "exchange": 0.0, "operators": 0.0}
        self.element_weights = None
        if self.is_fe:
            self.owned = np.asarray(fe.layout.owned_nodes, np.int64)
            ed = ExplicitDynamics(fe, dt)              # full-body masses and stable step
            fe_dt = ed.stable_dt() * np.sqrt(density)
            if dt > 0.9 * fe_dt:
                raise ValueError(f"dt = {dt} ps exceeds 0.9 x the FE critical step "
                                 f"{fe_dt:.4g} ps; use a coarser mesh or a smaller dt")
            self._fixed_bc = ed.fixed.reshape(-1, self.dim)   # Dirichlet dofs (full K)
            w_e = element_weights(fe.mesh, [r.geometry for r in self.regions])
            m_fe = weighted_lumped_mass(fe, w_e, density)
            self._weights_before = np.array(fe.weights, float)
            fe.set_element_weights(w_e)
            self.element_weights = w_e
        else:
            self.owned = np.zeros(0, np.int64)
        self.steppers = [self._stepper(r, gamma_max, gamma_core, temperature, seed + 7919 * i)
                         for i, r in enumerate(self.regions)]
        self.links = [SlavedLink(self.comm, r, self.owned, self.dim) for r in self.regions]
        m_slaved = sum(link.restrict(link.masses(s)) for link, s in
                       zip(self.links, self.steppers))
        shape = (len(self.owned), self.dim)
        self.U, self.V, self.A, self.G = (np.zeros(shape) for _ in range(4))
        if self.is_fe:
            self.mass = m_fe + m_slaved
            self.fixed = self._fixed_bc | (self.mass <= 0.0)
            self.inv_mass = np.where(self.fixed, 0.0,
                                     FTM2V / np.where(self.fixed, 1.0, self.mass))
        self.U_ref = self.U.copy()
        self.md_ref = [None for _ in self.regions]
        self.started = False

    # ------------------------------------------------------------------ set-up
    def _stepper(self, r, gamma_max, gamma_core, temperature, seed):
        """MDStepper of region r on its MD ranks (None elsewhere)."""
        if r.md is None:
            return None
        gamma = np.zeros(r.md.natoms)
        core = r.roles == CORE
        gamma[r.ids[core] - 1] = gamma_core + gamma_max * r.geometry.damping_fraction(
            r.X[core][:, :self.dim])
        return MDStepper(r.md, r.ids[core], gamma, self.dt, temperature=temperature,
                         seed=seed)

    def thermalize(self, temperature: float, seed: int) -> None:
        """Maxwell–Boltzmann velocities at ``temperature`` K for every region's core atoms
        (``velocity ... loop geom``: independent of the rank count; collective). Call before
        :meth:`start`."""
        for i, s in enumerate(self.steppers):
            if s is not None:
                s.thermalize(temperature, seed + 7919 * i)

    # ------------------------------------------------------------------ exchange
    def _place(self) -> None:
        """FE owners → MD owners: band and pad atoms to X + N U (+ shift) (collective)."""
        for link in self.links:
            link.refresh()
            link.place(self.U)

    def _restricted_forces(self) -> np.ndarray:
        """Nᵀ f_S summed over regions at the owned nodes (n_owned, dim) (collective)."""
        out = np.zeros((len(self.owned), self.dim))
        for link in self.links:
            out += link.restrict(None)
        return out

    def _force(self) -> np.ndarray:
        """Nodal force Nᵀ f_S − K_w U + f_ext (n_owned, dim) eV/Å, without G (collective;
        zeros on ranks without FE)."""
        f_s = self._restricted_forces()
        if not self.is_fe:
            return f_s
        return f_s - self._internal(self.U) + self.fe.f_ext.getArray(
            readonly=True).reshape(-1, self.dim)

    def _internal(self, U: np.ndarray) -> np.ndarray:
        vec = self.fe.vector()
        vec.setArray(U.reshape(-1))
        return self.fe.internal_force(vec).getArray(readonly=True).reshape(-1, self.dim).copy()

    # ------------------------------------------------------------------ state
    def set_state(self, U=None, V=None) -> None:
        """FE displacements and velocities on this rank's owned nodes (n_owned, dim), Å and
        Å/ps (None: zero). Dirichlet dofs keep their prescribed values. Call :meth:`start`
        afterwards."""
        if not self.is_fe:
            return
        shape = (len(self.owned), self.dim)
        self.U = np.zeros(shape) if U is None else np.array(U, float).reshape(shape)
        self.V = np.zeros(shape) if V is None else np.array(V, float).reshape(shape)
        bc = self.fe.dirichlet_vector().getArray(readonly=True).reshape(shape)
        self.U[self._fixed_bc] = bc[self._fixed_bc]
        self.V[self.fixed] = 0.0

    def start(self, reference: bool = False) -> None:
        """Place the prescribed atoms and evaluate all forces at the current state (a full
        LAMMPS set-up; collective). With ``reference`` the current state becomes the
        reference: the dead loads G make it an equilibrium and E = 0 there. The first call
        must be a reference (a relaxed state)."""
        if not (reference or self.started):
            raise RuntimeError("DynamicCoupling.start: the first call must set the reference "
                               "state (start(reference=True) at the relaxed state)")
        self._place()
        for s in self.steppers:
            if s is not None:
                s.setup()
        F = self._force()
        if reference:
            self.G = -F
            self.U_ref = self.U.copy()
            self._e_ref = 0.5 * float(np.sum(self.U * self._internal(self.U))) \
                if self.is_fe else 0.0
            self.md_ref = [None if s is None else s.tallies()[:2] for s in self.steppers]
        self.A = self.inv_mass * (F + self.G) if self.is_fe else self.A
        self.started = True

    def step(self, n: int = 1) -> None:
        """Advance ``n`` coupled steps (collective on comm)."""
        if not self.started:
            raise RuntimeError("DynamicCoupling.step: call start(reference=True) first")
        dt = self.dt
        for _ in range(int(n)):
            ops = sum(link.op_seconds for link in self.links)
            t0 = time.perf_counter()
            if self.is_fe:
                self.V += 0.5 * dt * self.A
                self.U += dt * self.V
            t1 = time.perf_counter()
            self._place()
            t2 = time.perf_counter()
            for s in self.steppers:
                if s is not None:
                    s.step()
            t3 = time.perf_counter()
            F = self._restricted_forces()
            t4 = time.perf_counter()
            if self.is_fe:
                F += self.fe.f_ext.getArray(readonly=True).reshape(-1, self.dim) \
                    - self._internal(self.U)
                self.A = self.inv_mass * (F + self.G)
                self.V += 0.5 * dt * self.A
            t5 = time.perf_counter()
            self.seconds["fe"] += (t1 - t0) + (t5 - t4)
            ops = sum(link.op_seconds for link in self.links) - ops
            self.seconds["operators"] += ops
            self.seconds["exchange"] += (t2 - t1) + (t4 - t3) - ops
            self.seconds["md"] += t3 - t2

    # ------------------------------------------------------------------ output
    def energy(self) -> dict:
        """Energies (eV) relative to the reference state, the same on every rank
        (collective): ``total`` E (module docstring) and its parts ``md_kinetic`` (core
        atoms), ``md_potential`` (Φ − Φ⁰), ``fe_kinetic`` (½ Vᵀ M V, slaved atoms' share
        included), ``fe_potential`` (the FE and load terms); ``core``: Σ over core atoms of
        ½ m v² + (e_a − e⁰_a) (LAMMPS site energies), summed over regions, and
        ``core_by_region`` (list, one per region)."""
        parts = np.zeros(5 + len(self.regions))
        if self.is_fe:
            dU = self.U - self.U_ref
            parts[2] = 0.5 * MVV2E * float(np.sum(self.mass * self.V ** 2 * ~self.fixed))
            parts[3] = (0.5 * float(np.sum(self.U * self._internal(self.U))) - self._e_ref
                        - float(np.sum((self.fe.f_ext.getArray(readonly=True).reshape(
                            -1, self.dim) + self.G) * dU)))
        for i, (s, ref) in enumerate(zip(self.steppers, self.md_ref)):
            if s is None:
                continue
            pe, core_pe, core_ke = s.tallies()            # collective on the MD group
            if s.region.comm.Get_rank() == 0:
                parts[0] += core_ke
                parts[1] += pe - ref[0]
                parts[5 + i] = core_pe - ref[1] + core_ke
        parts = self.comm.allreduce(parts)
        parts[4] = parts[5:].sum()
        return {"total": float(parts[:4].sum()), "md_kinetic": float(parts[0]),
                "md_potential": float(parts[1]), "fe_kinetic": float(parts[2]),
                "fe_potential": float(parts[3]), "core": float(parts[4]),
                "core_by_region": parts[5:].tolist()}

    def close(self) -> None:
        """Remove the LAMMPS fixes and computes of the steppers and give the FE problem its
        element weights back (collective)."""
        for s in self.steppers:
            if s is not None:
                s.close()
        if self.is_fe:
            self.fe.set_element_weights(self._weights_before)


def _max():
    from mpi4py import MPI
    return MPI.MAX
