"""Quasi-static (0 K) FE–MD coupling: blended force-based equations, continuum-
preconditioned fixed point with Anderson acceleration (docs/coupling.md, section 3).

Pieces:

- :class:`CoupledRegion`: one MD region seen from the coupling — its geometry, the rows
  of N for all its atoms (built from the replicated FE mesh on every rank of the parent
  communicator that belongs to the region's MD group), and the keyed point-to-point plan
  that moves nodal values to the MD ranks owning the atoms and restricted forces back.
- :class:`QuasiStaticCoupling`: the coupled solver on a parent communicator that spans
  the FE group and every MD group (shared or disjoint layout). ``solve()`` runs one load
  step; ``residual()`` evaluates the coupled residual at the current state without
  iterating (the patch test's "before any iteration").

Per exchange (one application of the fixed-point map G):

1. FE owners → MD owners: U and δU at the support nodes of each MD rank's atoms;
   band and pad atoms are placed at X + N U (+ inner shift), core atoms moved by N δU.
2. MD: relax the core (band and pad fixed), ``min_style fire`` by default.
3. MD owners → FE owners: partial restrictions Σ_a N_I(X_a) f_a of core and band forces.
4. FE: R_I = w_I (K U − f_ext)_I − (1 − w_I)(Nᵀ f)_I; nodal forces
   c_I = (1 − w_I)[(K U − f_ext)_I + (Nᵀ f)_I]; solve K̃ G(U) = f_ext + c; Anderson.

Units: Å, eV, eV/Å. The FE object is :class:`mdfe.solvers.fe.ElasticityProblem` (or
anything with the same ``layout.owned_nodes``, ``dim``, ``vector``, ``internal_force``,
``f_ext``, ``set_dirichlet``, ``set_nodal_forces``, ``solve``, ``u``); the MD object is
:class:`mdfe.solvers.md.region.MDRegion`.
"""
from __future__ import annotations

import dataclasses
import sys
import time

import numpy as np

from mdfe.coupling.anderson import Anderson
from mdfe.coupling.exchange import KeyedTransfer
from mdfe.coupling.geometry import BAND, CORE, PAD, RegionGeometry, check_disjoint
from mdfe.coupling.operators import Handshake, node_weights


def snap_core_to_elements(roles: np.ndarray, elem: np.ndarray, mesh, geometry) -> np.ndarray:
    """Roles (n,) with the core/band split moved onto element boundaries.

    An element is a core element when its centroid lies inside the core outline; atoms
    (core or band) in core elements become core (free), those in other elements band
    (prescribed); pad atoms stay pad. Without this a node whose support is almost all core
    but touches a few band atoms gets an atomistic equation with almost no stiffness, and
    the coupled iteration stalls on it (measured: residual stuck at 1e-3 eV/Å). The core
    may shrink by up to half an element: make it wide enough that a defect's atoms and
    their neighbours stay free (docs/coupling.md §3, "Stall").
    """
    centroids = mesh.nodes[mesh.elements].mean(axis=1)
    core_elem = geometry.distance(centroids) <= 0.0
    out = roles.copy()
    real = (roles != PAD) & (elem >= 0)
    out[real] = np.where(core_elem[elem[real]], CORE, BAND)
    return out


class CoupledRegion:
    """One MD region inside the coupling.

    geometry: its :class:`RegionGeometry`. md: the MDRegion on ranks of its MD group, None
    elsewhere. ids (n,), X (n, >= dim) reference sites Å, roles (n,) CORE/BAND/PAD,
    sublattice (n,): the region's atoms, the same on every rank (they come from the
    set-up / config). mesh: the replicated FE mesh (nodes, elements, locate through
    ``locator``: any object with ``locate(points)``). shift: inner-shift provider or None.
    offsets (n, 3) Å or None: a displacement δ in the reference configuration of every atom
    the FE places, carried with its element as F δ (the edge relaxation of crack-face atoms,
    :mod:`mdfe.coupling.face_relaxation`).
    """

    def __init__(self, geometry: RegionGeometry, md, ids, X, roles, mesh, locator,
                 sublattice=None, shift=None, offsets=None):
        self.geometry, self.md = geometry, md
        dim = mesh.nodes.shape[1]
        self.ids = np.asarray(ids, np.int64)
        order = np.argsort(self.ids)
        self.ids = self.ids[order]
        self.X = np.asarray(X, float)[order]
        self.roles = np.asarray(roles)[order]
        self.offsets = (np.zeros((len(self.ids), 3)) if offsets is None
                        else np.asarray(offsets, float)[order])
        sub = None if sublattice is None else np.asarray(sublattice)[order]
        elem, nodes, shape = locator.locate(self.X[:, :dim])
        self.roles = snap_core_to_elements(self.roles, elem, mesh, geometry)
        w = node_weights(mesh.nodes, mesh.elements, geometry)
        # nodes whose shape functions touch no prescribed (band/pad) atom do not act on the
        # atoms: they carry the continuum equation (a harmonic extension into the core)
        touched = np.zeros(len(mesh.nodes), bool)
        touched[np.unique(nodes[(self.roles != CORE) & (elem >= 0)])] = True
        self.weights_all = np.where(touched, w, 1.0)
        self.hs = None
        if md is not None:
            self.hs = Handshake(self.ids, self.X[:, :dim], elem, nodes, shape, mesh.nodes,
                                sublattice=sub, shift=shift)
            md.set_prescribed(self.ids[self.roles != CORE])   # band and pad follow the FE
        self.node_X = mesh.nodes
        self._plan_ids = None

    # ---------------------------------------------------------------- plan (per ownership)
    def plan(self, comm, fe_owned: np.ndarray) -> None:
        """(Re)build the transfer plan if LAMMPS moved atoms between ranks. Collective on
        the parent communicator."""
        mine = np.sort(self.md.owned_ids()) if self.md is not None else np.zeros(0, np.int64)
        changed = self._plan_ids is None or not np.array_equal(mine, self._plan_ids)
        if not comm.allreduce(changed):
            return
        self._plan_ids = mine
        needed = np.zeros(0, np.int64)
        if self.md is not None:
            rows = np.searchsorted(self.ids, mine)
            role = self.roles[rows]
            self.parts = {}
            for name, keep in (("all", np.ones(len(rows), bool)), ("slaved", role != CORE),
                               ("core", role == CORE), ("real", role != PAD)):
                op = self.hs.subset(rows[keep], self.node_X)
                self.parts[name] = (op, op.support)
            needed = self.parts["all"][1]
            self.parts = {k: (op, np.searchsorted(needed, sup))
                          for k, (op, sup) in self.parts.items()}
        self.transfer = KeyedTransfer(comm, fe_owned, needed, what="FE node")

    # ---------------------------------------------------------------- steps on MD ranks
    def place_atoms(self, U: np.ndarray, dU: np.ndarray | None, core_from_fe: bool) -> None:
        """Band and pad atoms to X + N U + F δ (+ inner shift) (δ: ``offsets``, F: the
        element's deformation gradient); core atoms moved by N dU, or, with ``core_from_fe``,
        placed the same way too. U, dU (n_needed, dim) Å at the plan's needed nodes.
        Out-of-plane coordinates of placed atoms: the reference (+ δ_z)."""
        dim = U.shape[1]
        moves = [("all" if core_from_fe else "slaved", U, True)]
        if dU is not None and not core_from_fe:
            moves.append(("core", dU, False))
        for name, field, absolute in moves:
            op, cols = self.parts[name]
            if len(op.ids) == 0:
                continue
            x = self.md.owned_positions(op.ids)
            if absolute:
                rows = np.searchsorted(self.ids, op.ids)
                x[:] = self.X[rows, :x.shape[1]]
                x[:, dim:] += self.offsets[rows, dim:x.shape[1]]
                x[:, :dim] += op.displacements(field[cols], offsets=self.offsets[rows])
            else:
                x[:, :dim] += op.N @ field[cols]
            self.md.set_owned_positions(op.ids, x)

    def atom_forces(self, n_needed: int) -> tuple[np.ndarray, float, float]:
        """(partial Nᵀ f (n_needed, dim) on the plan's needed nodes from core and band
        forces, max |f| over local core atoms, max |f| over local band atoms), eV/Å.
        Forces must be current (``md.evaluate()``)."""
        op, cols = self.parts["real"]
        dim = op.X.shape[1]
        f = self.md.owned_forces(op.ids)
        role = self.roles[np.searchsorted(self.ids, op.ids)]
        out = np.zeros((n_needed, dim))
        out[cols] = op.restrict(f[:, :dim])
        core = np.abs(f[role == CORE]).max(initial=0.0)
        band = np.abs(f[role == BAND]).max(initial=0.0)
        return out, float(core), float(band)


@dataclasses.dataclass
class StepReport:
    """Outcome of one load step: exchanges, residual history (eV/Å), MD and FE (Krylov)
    iterations, wall time of the step and of its FE↔MD transfers (plans included), s;
    failure: why the step stopped early (a collapse), "" otherwise."""
    converged: bool
    exchanges: int
    residuals: list
    md_iterations: int
    fe_iterations: int
    seconds: float = 0.0
    seconds_transfer: float = 0.0
    failure: str = ""


class QuasiStaticCoupling:
    """Coupled quasi-static solver on ``comm`` (spans the FE group and all MD groups).

    fe: the FE problem on FE ranks, None elsewhere; its matrix must be the full continuum
    stiffness of the body (element weights 1: it is the preconditioner K̃).
    regions: list of :class:`CoupledRegion` (same order on every rank).
    The regions must be disjoint (pads included; GeometryError otherwise, before anything).
    tol: coupled force tolerance, eV/Å. ftol_factor: the MD relaxation is asked for
    max(ftol_factor · tol, eta · current residual) (inexact inner solves).
    predict_core: move core atoms by N δU before each relaxation (continuum prediction).
    min_distance (Å, 0 = off): collapse guard. The relaxation stops (LAMMPS checks every
    10 iterations) and so does the step (``StepReport.failure``) as soon as two atoms of
    a region are closer than this: a potential with a hole at short range (an ML
    potential without data there) lets the minimiser fall into it without end
    (docs/coupling.md §3, "Collapse"). md_maxiter: iterations per relaxation at most.
    """

    def __init__(self, comm, fe, regions, tol: float = 1e-6, max_exchanges: int = 200,
                 depth: int = 20, relax_style: str = "fire", ftol_factor: float = 0.1,
                 eta: float = 1e-4, predict_core: bool = True, verbose: bool = False,
                 min_distance: float = 0.0, md_maxiter: int = 100000):
        self.comm = comm.Dup()              # own context: no clash with LAMMPS or PETSc traffic
        self.fe, self.regions = fe, list(regions)
        check_disjoint([r.geometry for r in self.regions])
        if not tol > 0:
            raise ValueError(f"tol must be a positive force in eV/Å, got {tol}")
        self.tol, self.max_exchanges = tol, int(max_exchanges)
        self.relax_style, self.ftol_factor, self.eta = relax_style, ftol_factor, eta
        self.verbose, self.predict_core = verbose, predict_core
        if not min_distance >= 0 or md_maxiter < 1:
            raise ValueError(f"need min_distance >= 0 Å and md_maxiter >= 1; got "
                             f"{min_distance}, {md_maxiter}")
        self.min_distance, self.md_maxiter = float(min_distance), int(md_maxiter)
        self.is_fe = fe is not None
        if self.is_fe:
            self.owned = np.asarray(fe.layout.owned_nodes, np.int64)
            self.dim = fe.dim
            w = np.ones(len(self.owned))
            for r in self.regions:
                w = np.minimum(w, r.weights_all[self.owned])
            self.w = w[:, None]
            self.fixed = np.zeros((len(self.owned), self.dim), bool)
            self.anderson = Anderson(fe.comm, depth=depth, cond_max=1e16)
        else:
            self.owned = np.zeros(0, np.int64)
            self.dim = None
        self.dim = comm.allreduce(self.dim if self.dim is not None else 0, op=_max())
        self.U = np.zeros((len(self.owned), self.dim))        # current iterate (owned nodes)
        self.U_applied = None                                   # what the atoms last saw
        self.transfer_seconds = 0.0                             # FE<->MD traffic, cumulative

    # ------------------------------------------------------------------------ BCs
    def set_dirichlet(self, node_ids, values, components=None) -> None:
        """Prescribe displacements (Å) at global node ids (k,): values (k, c) or a constant,
        for ``components`` (default all). Collective on comm (MD-only ranks pass anything).
        Those dofs carry no coupled residual."""
        if not self.is_fe:
            return
        ids = np.asarray(node_ids, np.int64)
        comps = np.arange(self.dim) if components is None else np.atleast_1d(components)
        vals = np.broadcast_to(np.asarray(values, float), (len(ids), len(comps)))
        self.fe.set_dirichlet(ids, vals, components=comps)
        mine = np.isin(ids, self.owned)
        srt = np.argsort(self.owned)
        rows = srt[np.searchsorted(self.owned[srt], ids[mine])]
        self.fixed[np.ix_(rows, comps)] = True
        self.U[np.ix_(rows, comps)] = vals[mine]

    def clear_dirichlet(self) -> None:
        """Remove every prescribed displacement (FE and coupling side); collective."""
        if self.is_fe:
            self.fe.clear_dirichlet()
            self.fixed[:] = False

    def set_displacements(self, U_owned: np.ndarray) -> None:
        """Set the current FE iterate on this rank's owned nodes (n_owned, dim) Å."""
        if self.is_fe:
            self.U = np.array(U_owned, float).reshape(len(self.owned), self.dim)

    # ------------------------------------------------------------------------ one map
    def _to_atoms(self, core_from_fe: bool) -> None:
        """Exchange step 1 for every region (collective on comm)."""
        dU = (self.U - self.U_applied if self.U_applied is not None and self.predict_core
              else None)
        both = np.hstack([self.U, self.U if dU is None else dU])
        for r in self.regions:
            t = time.perf_counter()
            r.plan(self.comm, self.owned)
            vals = r.transfer.forward(both)
            self.transfer_seconds += time.perf_counter() - t
            if r.md is not None:
                d = self.dim
                r.place_atoms(vals[:, :d], None if dU is None else vals[:, d:], core_from_fe)
        self.U_applied = self.U.copy()

    def _from_atoms(self) -> tuple[np.ndarray, float, float]:
        """Exchange step 3: (Nᵀ f on owned nodes, max core force, max band force)."""
        Fa = np.zeros((len(self.owned), self.dim))
        fcore = fband = 0.0
        for r in self.regions:
            if r.md is not None:
                r.md.evaluate()                 # may migrate atoms between MD ranks ...
            t = time.perf_counter()
            r.plan(self.comm, self.owned)       # ... so the plan follows the owners
            self.transfer_seconds += time.perf_counter() - t
            if r.md is not None:
                part, c, b = r.atom_forces(r.transfer.n_needed)
                fcore, fband = max(fcore, c), max(fband, b)
            else:
                part = np.zeros((0, self.dim))
            t = time.perf_counter()
            Fa += r.transfer.reverse(part)
            self.transfer_seconds += time.perf_counter() - t
        return Fa, fcore, fband

    def _fe_residual(self, Fa: np.ndarray):
        """(R, c) on owned nodes: blended residual and the corrective nodal forces."""
        fe = self.fe
        vec = fe.vector()
        vec.setArray(self.U.reshape(-1))
        r_int = (fe.internal_force(vec).getArray(readonly=True)
                 - fe.f_ext.getArray(readonly=True)).reshape(-1, self.dim)
        R = self.w * r_int - (1.0 - self.w) * Fa
        c = (1.0 - self.w) * (r_int + Fa)
        R[self.fixed] = 0.0
        c[self.fixed] = 0.0
        return R, c

    def residual(self, core_from_fe: bool = True) -> dict:
        """Coupled residual at the current U, without relaxing or iterating (collective).

        With ``core_from_fe`` the core atoms are placed by the FE field too (the exact
        homogeneous state of a patch test). Returns max |R_I| over non-Dirichlet FE nodes,
        max |f| over core atoms and over band atoms (eV/Å), the same on every rank.
        """
        self._to_atoms(core_from_fe)
        Fa, fcore, fband = self._from_atoms()
        rmax = 0.0
        if self.is_fe:
            R, _ = self._fe_residual(Fa)
            rmax = float(np.abs(R).max(initial=0.0))
        mx = _max()
        return {"fe": self.comm.allreduce(rmax, op=mx),
                "core": self.comm.allreduce(fcore, op=mx),
                "band": self.comm.allreduce(fband, op=mx)}

    # ------------------------------------------------------------------------ load step
    def solve(self) -> StepReport:
        """Iterate to max(|R|, |f_core|) < tol; returns a :class:`StepReport`."""
        history, md_its, fe_its, failure = [], 0, 0, ""
        t_start, tr_start = time.perf_counter(), self.transfer_seconds
        ftol = None
        if self.is_fe:
            self.anderson.reset()
        for k in range(self.max_exchanges + 1):
            # the core atoms' first start is the FE field (they have never been placed: left
            # at their reference sites inside a strained band they can relax into a spurious
            # state, docs/coupling.md §3 "Stall"); afterwards they move by N δU
            self._to_atoms(core_from_fe=self.U_applied is None)
            prev = history[-1] if history else None
            ftol = self.ftol_factor * self.tol if prev is None else max(
                self.ftol_factor * self.tol, self.eta * prev)
            collapse = (np.inf, "", 0, 0)
            for r in self.regions:
                if r.md is not None:
                    its, pair = self._relax(r.md, ftol)
                    md_its += its
                    if pair is not None:
                        collapse = min(collapse, (pair[0], r.geometry.name, pair[1], pair[2]))
            collapse = self.comm.allreduce(collapse, op=_min())
            Fa, fcore, _ = self._from_atoms()
            rmax = 0.0
            if self.is_fe:
                R, c = self._fe_residual(Fa)
                rmax = float(np.abs(R).max(initial=0.0))
            both = np.array([rmax, fcore])
            self.comm.Allreduce(both.copy(), both, op=_max())
            rmax, fcore = float(both[0]), float(both[1])
            res = max(rmax, fcore)
            history.append(res)
            if self.verbose and self.comm.Get_rank() == 0:
                print(f"exchange {k}: residual {res:.3e} eV/Å (FE nodes {rmax:.3e}, core atoms "
                      f"{fcore:.3e}; MD ftol {ftol:.1e}, {md_its} MD iterations so far)",
                      file=sys.stderr, flush=True)
            if collapse[0] < np.inf:
                failure = (f"collapse in MD region {collapse[1]!r}: atoms {collapse[2]} and "
                           f"{collapse[3]} at {collapse[0]:.3f} Å (< min_distance "
                           f"{self.min_distance:.3f} Å) in exchange {k}; the potential has a "
                           "hole at short range (no training data there?)")
                break
            if res < self.tol or k == self.max_exchanges:
                break
            if self.is_fe:
                self.fe.set_nodal_forces(self.owned, c)
                G = self.fe.solve().getArray(readonly=True).reshape(-1, self.dim)
                fe_its += self.fe.iterations
                x = self.anderson.step(self.U.ravel(), (G - self.U).ravel())
                self.U = x.reshape(-1, self.dim)
                self.U[self.fixed] = G[self.fixed]
        md_its = self.comm.allreduce(md_its, op=_max())
        fe_its = self.comm.allreduce(fe_its, op=_max())
        seconds = self.comm.allreduce(time.perf_counter() - t_start, op=_max())
        # the least over ranks: others also count waiting for the slowest group there
        transfer = self.comm.allreduce(self.transfer_seconds - tr_start, op=_min())
        return StepReport(history[-1] < self.tol and not failure, len(history) - 1, history,
                          md_its, fe_its, seconds, transfer, failure)

    def _relax(self, md, ftol: float):
        """Relax one region's core to ``ftol``: (iterations, None) or, when the collapse
        guard trips, (iterations, (distance Å, id_a, id_b)). Collective on its MD group."""
        return md.relax_guarded(ftol, self.relax_style, self.min_distance, self.md_maxiter)

    # ------------------------------------------------------------------------ output
    def atom_displacements(self, region: CoupledRegion, ids) -> np.ndarray:
        """Displacements (k, 3) Å of atoms ``ids`` of ``region`` (collective on its MD
        communicator; MDRegion.positions gathers them on every MD rank)."""
        ids = np.asarray(ids, np.int64)
        return region.md.positions(ids) - region.md.reference_positions(ids)


def _max():
    from mpi4py import MPI
    return MPI.MAX


def _min():
    from mpi4py import MPI
    return MPI.MIN
