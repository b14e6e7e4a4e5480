"""The cracked graphene sheet of the headline and scaling benchmarks, solved three ways.

Geometry (Å): a square body [0, L]² with the crack tip at its centre and the slit from
the left edge to the tip (zigzag faces), loaded by the mode-I K-field u_K (Kolosov, plane
stress, constants from the potential) at K = k·K_G, K_G = sqrt(2 γ E') of the same
potential, on the outer boundary. The model is the one ``mdfe run`` builds
(:func:`mdfe.run.model.build_inputs` / :func:`~mdfe.run.model.build_coupled`): same
crystal, slit, FE slit mesh, region geometry and K-field, here for one load step.

Methods, every one relaxed until the largest force component on its free atoms (and, for
the coupled model, on the FE nodes) is ≤ ``tol`` eV/Å:

1. **full atomistic** (the reference): every atom of the body, the outer layer of width
   2 r_cut + 0.5 held at u_K plus the Cauchy–Born inner shift of its local F (the crystal
   the coupled model's FE boundary stands for) (:func:`mdfe.coupling.accuracy.full_atomistic_reference`);
2. **MD disc**: the atoms within R_d of the tip free, a ring of 2 r_cut + 0.5 around them
   held at u_K (usual practice); R_d gives the disc the area of the coupled core;
3. **coupled**: the quasi-static FE–MD solver with a core box of half-width ≈ R.

All three use one lattice: the core box edges are widened by < one lattice period so
that the crystal ``build_inputs`` makes around the tip is a subset of the body's (atoms are
matched by site). e% = 100 ‖u − u_ref‖/‖u_ref − u_K‖ over the atoms within R/2 of the
tip (:func:`mdfe.coupling.accuracy.error_percent`).

The coupled run's time is split by wrapping the solver's collaborators from outside
(:class:`Timers`): MD (relaxations and force evaluations), FE (solves, internal forces,
nodal loads), operator application (N U with the Cauchy–Born inner shift, Nᵀ f), of which
the inner shift alone, and the FE↔MD exchange (plan rebuilds and keyed transfers).
"""
from __future__ import annotations

import collections
import tempfile
import time

import numpy as np

LATTICE_SHIFT = np.array([0.37, 0.41])      # Å: keeps atom rows off the body's edges
POTENTIALS = {"tersoff": ("tersoff", "BNC.tersoff"), "mtp": ("mtp", None)}


class Timers:
    """Wall and CPU time per category of wrapped methods (seconds, this rank).

    CPU time (``time.process_time``) is what a rank computes (MPI waits poll, so they
    count too); on a loaded shared machine it is the stable measure, wall time is not.
    :meth:`restore` puts the original methods back.
    """

    def __init__(self):
        self.wall = collections.defaultdict(float)
        self.cpu = collections.defaultdict(float)
        self._saved = []

    def wrap(self, obj, method: str, category: str) -> None:
        """Replace ``obj.method`` (an instance or a class) by a timed version."""
        inner = getattr(obj, method)
        self._saved.append((obj, method, obj.__dict__.get(method)))

        def timed(*args, **kwargs):
            t, c = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.wall[category] += time.perf_counter() - t
                self.cpu[category] += time.process_time() - c
        setattr(obj, method, timed)

    def restore(self) -> None:
        for obj, method, original in reversed(self._saved):
            if original is None:
                delattr(obj, method)
            else:
                setattr(obj, method, original)
        self._saved = []


class CrackBenchmark:
    """The body, its K-field and the three solutions (collective on ``comm``).

    side: L, Å. potential: 'tersoff' (BNC.tersoff) or 'mtp' (needs ``potential_file``).
    k: K / K_G. tol: force tolerance, eV/Å. h_min: FE size at the MD region, Å;
    band: handshake band width, Å.
    """

    def __init__(self, side: float, comm, potential: str = "tersoff",
                 potential_file: str | None = None, k: float = 0.6, tol: float = 1e-4,
                 h_min: float = 2.0, h_max: float = 20.0, band: float = 6.0):
        from mdfe.run.model import make_potential
        from mdfe.solvers.md.structures import relaxed_lattice_constant, sheet
        if potential not in POTENTIALS:
            raise ValueError(f"potential {potential!r}: allowed {', '.join(POTENTIALS)}")
        kind, default_file = POTENTIALS[potential]
        file = potential_file or default_file
        if file is None:
            raise ValueError(f"potential {potential!r} needs a potential file "
                             "(--potential-file path/to/carbon.mtp)")
        self.side, self.comm, self.k, self.tol = float(side), comm, float(k), float(tol)
        self.h_min, self.h_max, self.band = h_min, h_max, band
        self.pot_section = {"kind": kind, "file": file, "elements": ["C"]}
        self.pot = make_potential(self.pot_section, "crack benchmark")
        self.a = relaxed_lattice_constant(self.pot, "graphene")
        self.period = np.diag(sheet("graphene", self.pot, 1, 1, "zigzag", a=self.a).cell)[:2]
        self.pad = 2 * self.pot.cutoff + 0.5
        self.tip_request = np.array([self.side / 2, self.side / 2])
        self.origin = LATTICE_SHIFT % self.period

    # ------------------------------------------------------------------ model set-up
    def config(self, core: float) -> dict:
        """Resolved ``mdfe run`` config for a core box of half-width ≈ ``core`` Å, its
        lower-left edges widened (< one period) so its crystal lies on the body's lattice."""
        from mdfe.run.schema import check_run_config
        reach = self.band + self.pad + 2 * self.a      # as in build_inputs
        lo = self.tip_request - core - reach
        widen = (lo - self.origin) % self.period
        behind, half = core + widen
        data = {
            "structure": {"material": "graphene", "crack_faces": "zigzag"},
            "potential": dict(self.pot_section),
            "body": {"width": self.side, "height": self.side, "h_min": self.h_min,
                     "h_max": self.h_max},
            "crack": {"tip": self.tip_request.tolist(), "band": 1.0},   # band: unused here
            "md": {"behind": float(behind), "ahead": float(behind), "half_height": float(half),
                   "band_width": self.band, "pad_width": self.pad},
            "loading": {"mode": "k_field", "k_start": self.k, "k_step": 0.01, "steps": 1},
            "solver": {"tol": self.tol, "max_exchanges": 100, "relax": "fire"},
            "output": {"directory": tempfile.gettempdir(), "progress": False},
        }
        return check_run_config(data, f"crack benchmark (core {core} Å)")

    def inputs(self, core: float):
        """:class:`mdfe.run.model.Inputs` of the coupled model for this core size.

        ``build_inputs`` recomputes the Cauchy–Born law (with its inner-shift table) and
        the crack-face edge energy for every call; they depend on the potential and the
        lattice only, so they are computed for the first core size and reused for the
        others (memoised here, by argument values, during the call)."""
        from mdfe.coupling import build
        from mdfe.potentials.properties import edges
        from mdfe.run.model import build_inputs
        patched = [(build, "continuum_law"), (edges, "edge_energy")]
        saved = [getattr(m, n) for m, n in patched]
        for (module, name), fn in zip(patched, saved):
            setattr(module, name, self._memo(name, fn))
        try:
            return build_inputs(self.config(core), f"crack benchmark (core {core} Å)",
                                self.comm)
        finally:
            for (module, name), fn in zip(patched, saved):
                setattr(module, name, fn)

    def _memo(self, name, fn):
        cache = self.__dict__.setdefault("_cache", {})

        def key(value):
            if isinstance(value, np.ndarray):
                return value.tobytes()
            if hasattr(value, "positions") and hasattr(value, "cell"):     # a unit cell
                return (np.asarray(value.positions).tobytes(),
                        np.asarray(value.cell).tobytes(), tuple(value.symbols))
            try:
                hash(value)
            except TypeError:          # e.g. an MPI communicator: the same object
                return id(value)
            return value

        def cached(*args, **kwargs):
            k = (name, tuple(key(a) for a in args),
                 tuple(sorted((n, key(v)) for n, v in kwargs.items())))
            if k not in cache:
                cache[k] = fn(*args, **kwargs)
            return cache[k]
        return cached

    def body(self, inp):
        """(atoms, upper, lower): the whole body on the lattice of ``inp`` and the 1-based
        IDs of the slit faces (checked: same tip as ``inp``)."""
        from mdfe.solvers.md.structures import sheet
        n = np.ceil(self.side / self.period).astype(int) + 2
        atoms = sheet("graphene", self.pot, int(n[0]), int(n[1]), "zigzag", a=self.a)
        atoms.positions[:, :2] += self.origin - self.period
        X = atoms.positions[:, :2]
        atoms = atoms[np.all((X > 1e-6) & (X < self.side - 1e-6), axis=1)]
        atoms.pbc = (False, False, False)
        return (atoms, *_slit_ids(atoms.positions, inp.tip))

    def u_k(self, inp, X) -> np.ndarray:
        """The imposed K-field (n, 3) Å at sites X (n, >= 2), z = 0."""
        from mdfe.solvers.crack_field import crack_field
        u = crack_field(inp.law.C, tip=tuple(inp.tip)).displacements(
            np.asarray(X)[:, :2], self.k * inp.k_g)
        return np.column_stack([u, np.zeros(len(u))])

    def u_k_shifted(self, inp, atoms, held) -> np.ndarray:
        """u_K (n, 3) Å at ``atoms``, plus on the ``held`` (bool) atoms the Cauchy–Born inner
        shift of their sublattice at the K-field's local F = 1 + ∇u_K (central differences,
        1e-4 Å) — the crystal the coupled model's FE boundary stands for."""
        u = self.u_k(inp, atoms.positions)
        if inp.law.shift is None or not held.any():
            return u
        X, h = atoms.positions[held, :2], 1e-4
        grad = [(self.u_k(inp, X + d)[:, :2] - self.u_k(inp, X - d)[:, :2]) / (2 * h)
                for d in (np.array([h, 0.0]), np.array([0.0, h]))]
        F = np.eye(2) + np.stack(grad, axis=2)            # F_ij = δ_ij + ∂u_i/∂X_j
        sub = atoms.get_array("sublattice")[held]
        u[held, :2] += inp.law.shift.shift(F)[np.arange(len(sub)), sub]
        return u

    # ------------------------------------------------------------------ the three methods
    def relax_held(self, atoms, upper, lower, u_start, held):
        """Relax ``atoms`` with ``held`` (bool) atoms at ``u_start`` (n, 3) Å, the others
        started there; returns (AtomisticReference, {"wall": s, "cpu": s}, max over ranks)."""
        from mdfe.coupling.accuracy import full_atomistic_reference
        t, c = time.perf_counter(), time.process_time()
        ref = full_atomistic_reference(atoms, self.pot, u_start, held, comm=self.comm,
                                       ftol=self.tol, exclude=(upper, lower))
        return ref, {"wall": self.comm.allreduce(time.perf_counter() - t, op=_max()),
                     "cpu": self.comm.allreduce(time.process_time() - c, op=_max())}

    def reference(self, inp):
        """Method 1 on the whole body, outer layer at u_K + inner shift: (atoms,
        AtomisticReference, seconds {"wall", "cpu"})."""
        from mdfe.coupling.accuracy import outer_layer
        atoms, upper, lower = self.body(inp)
        held = outer_layer(atoms.positions, self.pad, lo=(0.0, 0.0), hi=(self.side, self.side))
        ref, seconds = self.relax_held(atoms, upper, lower, self.u_k_shifted(inp, atoms, held),
                                       held)
        return atoms, ref, seconds

    def disc(self, body, inp, radius: float):
        """Method 2: (rows into ``body`` of the disc's atoms, AtomisticReference, seconds
        {"wall", "cpu"});
        free within ``radius`` of the tip, a held ring of 2 r_cut + 0.5 around at plain u_K
        (the usual practice: no inner shift)."""
        from mdfe.coupling.accuracy import within
        X = body.positions
        rows = np.flatnonzero(within(X, inp.tip, radius + self.pad))
        atoms = body[rows]
        held = ~within(atoms.positions, inp.tip, radius)
        upper, lower = _slit_ids(atoms.positions, inp.tip)
        ref, seconds = self.relax_held(atoms, upper, lower, self.u_k(inp, atoms.positions), held)
        return rows, ref, seconds

    def coupled(self, inp, mode: str = "auto", fe_ranks=None, md_ranks=None) -> dict:
        """Method 3 for one load step; returns (on every rank) positions (n, 3) of
        ``inp.atoms``, the StepReport fields, set-up and solve seconds, the time split
        (wall and CPU, max over ranks; the exchange the least over ranks) and the workload (atoms by role, FE dofs). The
        exchange time is that of the plan and the keyed transfers (the solver's own
        transfer timer is kept as ``exchange_solver_timer_s``)."""
        from mdfe import _libs
        _libs.load_petsc()
        from petsc4py import PETSc  # noqa: F401  (PetscInitialize on every rank)

        from mdfe.coupling.geometry import BAND, CORE, PAD
        from mdfe.layout import plan_layout, split_world
        from mdfe.run.model import build_coupled, unit_displacements
        comm = self.comm
        comm.Barrier()
        t0, c0 = time.perf_counter(), time.process_time()
        layout = plan_layout(comm.Get_size(), 1, mode=mode, fe_ranks=fe_ranks,
                             md_ranks=md_ranks, fe_dofs=2 * inp.mesh.n_nodes,
                             md_atoms=[len(inp.atoms)])
        groups = split_world(comm, layout)
        m = build_coupled(inp, comm, groups)
        s, region = m.solver, m.region
        if m.fe is not None:
            s.set_displacements(self.k * unit_displacements(inp, s.owned))
        s.set_dirichlet(m.boundary, self.k * m.unit_field)
        s.residual(core_from_fe=True)          # start: core atoms placed by the FE field
        from mdfe.coupling.exchange import KeyedTransfer
        timers = Timers()
        if region.md is not None:
            timers.wrap(region.md, "relax", "md")
            timers.wrap(region.md, "evaluate", "md")
        if m.fe is not None:
            for name in ("solve", "internal_force", "set_nodal_forces"):
                timers.wrap(m.fe, name, "fe")
        timers.wrap(region, "place_atoms", "operator")
        timers.wrap(region, "atom_forces", "operator")
        timers.wrap(region, "plan", "exchange")
        timers.wrap(KeyedTransfer, "forward", "exchange")
        timers.wrap(KeyedTransfer, "reverse", "exchange")
        if inp.law.shift is not None:
            timers.wrap(inp.law.shift, "shift", "inner_shift")
        comm.Barrier()
        t_setup, c_setup = time.perf_counter() - t0, time.process_time() - c0
        cpu0 = time.process_time()
        try:
            rep = s.solve()
        finally:
            timers.restore()
        cpu = comm.allreduce(time.process_time() - cpu0, op=_max())
        root = layout.md_ranks[0][0]
        x = region.md.positions(region.ids) if region.md is not None else None
        x = comm.bcast(x, root=root)
        if region.md is not None:
            region.md.close()
        split, split_cpu = {}, {}
        for name, total, table, out in (("wall", rep.seconds, timers.wall, split),
                                        ("cpu", cpu, timers.cpu, split_cpu)):
            for k in ("md", "fe", "operator", "inner_shift"):
                out[k] = comm.allreduce(table.get(k, 0.0), op=_max())
            # least over ranks, as the solver's own timer: in a disjoint layout the FE
            # ranks sit in the transfer while the MD ranks relax (that is waiting)
            out["exchange"] = comm.allreduce(table.get("exchange", 0.0), op=_min())
            out["other"] = max(total - out["md"] - out["fe"] - out["operator"]
                               - out["exchange"], 0.0)
        roles = region.roles
        return {"x": x, "converged": bool(rep.converged), "exchanges": rep.exchanges,
                "residual": rep.residuals[-1], "md_iterations": rep.md_iterations,
                "fe_iterations": rep.fe_iterations, "solve_s": rep.seconds,
                "solve_cpu_s": cpu, "exchange_solver_timer_s": rep.seconds_transfer,
                "setup_s": comm.allreduce(t_setup, op=_max()),
                "setup_cpu_s": comm.allreduce(c_setup, op=_max()), "split_s": split,
                "split_cpu_s": split_cpu,
                "layout": layout.describe().splitlines()[0],
                "fe_ranks": len(layout.fe_ranks), "md_ranks": len(layout.md_ranks[0]),
                "atoms": len(inp.atoms), "core_atoms": int(np.sum(roles == CORE)),
                "band_atoms": int(np.sum(roles == BAND)), "pad_atoms": int(np.sum(roles == PAD)),
                "fe_dofs": int(2 * inp.mesh.n_nodes)}


def core_area(inp) -> float:
    """Area (Å²) of the coupled model's atomistic core box."""
    o = inp.geometry.core
    return float(np.prod(np.asarray(o.hi) - np.asarray(o.lo)))


def match_sites(X_sub, X_all, tol: float = 1e-4) -> np.ndarray:
    """Rows into X_all (n, 3) of the sites X_sub (m, 3); RuntimeError if one is missing."""
    from scipy.spatial import cKDTree
    d, rows = cKDTree(X_all).query(X_sub)
    if d.size and d.max() > tol:
        raise RuntimeError(f"{np.sum(d > tol)} site(s) not on the body's lattice (off by "
                           f"up to {d.max():.3g} Å)")
    return rows


def _slit_ids(X, tip):
    """(upper, lower) 1-based IDs of the slit faces of sites X (n, 3) snapped as
    :func:`mdfe.solvers.md.setup.slit` does; RuntimeError unless the snapped tip is
    ``tip`` (the coupled model's: same lattice, same slit)."""
    from mdfe.solvers.md.setup import slit
    y_cut, x_tip, upper, lower = slit(X, tip[1], tip[0])
    if not np.allclose([x_tip, y_cut], tip, atol=1e-6):
        raise RuntimeError(f"slit tip ({x_tip}, {y_cut}) differs from the coupled model's "
                           f"{list(tip)}: the lattices do not coincide")
    return upper, lower


def _max():
    from mpi4py import MPI
    return MPI.MAX


def _min():
    from mpi4py import MPI
    return MPI.MIN
