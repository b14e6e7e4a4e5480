"""One MD region: a LAMMPS instance on an MD communicator, driven by atom ID.

:class:`MDRegion` is built from ASE ``Atoms`` (positions Å; the cell matters only in
periodic directions), a :class:`~mdfe.potentials.lammps_potential.LammpsPotential` and a
role per atom (:data:`CORE`, :data:`BAND`, :data:`PAD`). Atom IDs are 1..N in the order of
the Atoms; the Atoms' positions are the reference (lattice) positions X.

Collective methods (call on every rank of ``comm``; they return the same arrays, in the
order of ``ids``, on every rank — atoms migrate between ranks, so everything is keyed by
ID):

- ``positions(ids)`` (n, 3) Å, unwrapped across periodic boundaries;
- ``set_positions(ids, x)``;
- ``forces(ids)`` (n, 3) eV/Å: the potential's forces at the current positions, never the
  constrained ones (pad forces are meaningless: discard them);
- ``energy()`` eV: total potential energy; ``kinetic_energy()`` eV;
- ``closest_pair()``: (distance Å, id_a, id_b) of the two closest atoms (a collapse check);
- ``relax(ftol, style="fire", maxiter, min_distance)``: minimise with the constraints
  below (optionally stopping at a collapse);
- ``run(nsteps, dt)``: NVE dynamics with the same constraints (velocities persist
  between runs; ``set_velocities_zero()``);
- ``exclude_pairs(ids_a, ids_b)``: no interaction across a crack slit (see
  :func:`mdfe.solvers.md.setup.slit`).

Hooks for drivers that install their own fixes (coupled dynamics): ``commands(cmds)``,
``define_group(name, ids)``, ``advance(n)``, ``thermo(keyword)``, ``compute_vector(id)``
(collective); ``local_array(name)``, ``owned_rows(ids)``, ``zero_image``, ``type_masses()``
(local).

Not collective: ``reference_positions(ids)``, ``ids_with_role(role)``, ``roles``, and the
owner-local access for point-to-point exchanges: ``owned_ids()``, ``owned_positions(ids)``,
``set_owned_positions(ids, x)``, ``owned_forces(ids)`` (after the collective
``evaluate()``; the dirty flag is shared, so one ``evaluate()`` after local moves by all
ranks makes the forces current).

Constraints during ``relax`` and ``run``: prescribed atoms (default: the pad; replace with
``set_prescribed(ids)``) do not move; band atoms keep their z (sheets: out-of-plane motion
only in the core). Sheets use ``boundary s s p`` with at least 2 r_cut of vacuum in z (or
``s s s``); bulk regions (Atoms periodic along z, e.g. from
:func:`mdfe.solvers.md.setup.bulk_region`) may be periodic along z without vacuum.
"""
from __future__ import annotations

import ctypes

import numpy as np

from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential

CORE, BAND, PAD = 0, 1, 2
ROLE_NAMES = {"core": CORE, "band": BAND, "pad": PAD}
_ID_CHUNK = 2000


def _int_ptr(a: np.ndarray):
    return a.ctypes.data_as(ctypes.POINTER(ctypes.c_int))


class MDRegion:
    """A LAMMPS region keyed by atom ID; see the module docstring for the contract."""

    def __init__(self, atoms, potential: LammpsPotential, roles, comm=None,
                 boundary: str = "s s p"):
        if comm is None:
            from mpi4py import MPI
            comm = MPI.COMM_WORLD
        self.comm, self.potential, self.boundary = comm, potential, boundary
        self.natoms = len(atoms)
        self._reference = np.array(atoms.positions, float)
        self.roles = self._parse_roles(roles)
        flags = boundary.split()
        if len(flags) != 3 or any(f not in ("p", "s", "f", "m") for f in flags):
            raise ValueError(f"boundary {boundary!r}: give three of p, s, f, m")
        lo, hi = self._box(atoms, flags)
        self._lmp = open_lammps(comm)
        create_system(self._lmp, potential, np.diag(hi - lo), self._reference,
                      atoms.get_chemical_symbols(), boundary, origin=lo,
                      extra_commands=("timestep 0.001", "thermo_modify lost error"))
        self._group("band", self.ids_with_role(BAND))
        self.set_prescribed(self.ids_with_role(PAD))
        self._dirty = True
        self._exclusions = 0

    # ---- construction helpers -------------------------------------------------------------
    def _parse_roles(self, roles) -> np.ndarray:
        roles = np.asarray(roles)
        if roles.dtype.kind in "US":
            bad = sorted(set(roles.tolist()) - set(ROLE_NAMES))
            if bad:
                raise ValueError(f"roles {bad}: allowed {sorted(ROLE_NAMES)}")
            roles = np.array([ROLE_NAMES[r] for r in roles.tolist()], dtype=int)
        roles = roles.astype(int)
        if roles.shape != (self.natoms,):
            raise ValueError(f"roles: need one per atom ({self.natoms}); got {roles.shape}")
        if not np.isin(roles, (CORE, BAND, PAD)).all():
            raise ValueError(f"roles: allowed values {CORE} (core), {BAND} (band), {PAD} (pad)")
        return roles

    def _box(self, atoms, flags):
        x = self._reference
        lo, hi = x.min(axis=0) - 1.0, x.max(axis=0) + 1.0
        cell = np.array(atoms.cell)
        for d, flag in enumerate(flags):
            if flag != "p":
                continue
            if np.abs(cell[d]).sum() - abs(cell[d, d]) > 1e-9 or cell[d, d] <= 0:
                raise ValueError(f"periodic direction {'xyz'[d]} needs an orthogonal cell "
                                 f"vector along it; got cell row {cell[d].tolist()}")
            lo[d], hi[d] = 0.0, cell[d, d]
            span = np.ptp(x[:, d])
            if (x[:, d].min() < 0 or x[:, d].max() >= cell[d, d]):
                raise ValueError(f"atoms lie outside the periodic cell along {'xyz'[d]}")
            sheet = not atoms.pbc[d]        # a sheet in a periodic box: needs vacuum
            if sheet and cell[d, d] - span < 2 * self.potential.cutoff - 1e-9:
                raise ValueError(
                    f"vacuum along z is {cell[d, d] - span:.3f} Å; a sheet with boundary "
                    f"'{self.boundary}' needs ≥ 2 r_cut = {2 * self.potential.cutoff:.3f} Å "
                    "(or use boundary 's s s')")
        return lo, hi

    def _group(self, name: str, ids) -> None:
        ids = np.asarray(ids, dtype=int)
        self._lmp.command(f"group {name} clear" if name in self._groups() else
                          f"group {name} empty")
        for start in range(0, len(ids), _ID_CHUNK):
            chunk = " ".join(map(str, ids[start:start + _ID_CHUNK]))
            self._lmp.command(f"group {name} id {chunk}")

    def _groups(self) -> list[str]:
        return list(self._lmp.available_ids("group"))

    # ---- non-collective queries -------------------------------------------------------------
    @property
    def ids(self) -> np.ndarray:
        """All atom IDs, 1..N."""
        return np.arange(1, self.natoms + 1)

    def ids_with_role(self, role) -> np.ndarray:
        """IDs of the atoms with ``role`` (CORE/BAND/PAD or 'core'/'band'/'pad')."""
        role = ROLE_NAMES.get(role, role)
        return np.flatnonzero(self.roles == role) + 1

    def reference_positions(self, ids) -> np.ndarray:
        """Reference (lattice) positions X (n, 3) Å of ``ids``."""
        return self._reference[self._check_ids(ids) - 1]

    def _check_ids(self, ids) -> np.ndarray:
        ids = np.ascontiguousarray(ids, dtype=np.int32).ravel()
        if ids.size and (ids.min() < 1 or ids.max() > self.natoms):
            raise ValueError(f"atom IDs must lie in 1..{self.natoms}")
        return ids

    # ---- collective: state by ID ----------------------------------------------------------
    def _gather(self, name: str, ids: np.ndarray, count: int, dtype: int):
        data = self._lmp.gather_atoms_subset(name, dtype, count, len(ids), _int_ptr(ids))
        return np.ctypeslib.as_array(data).reshape(len(ids), count).copy()

    def positions(self, ids) -> np.ndarray:
        """Current positions (n, 3) Å of ``ids``, unwrapped across periodic boundaries."""
        ids = self._check_ids(ids)
        if ids.size == 0:
            return np.zeros((0, 3))
        return self._unwrap(self._gather("x", ids, 3, 1), self._gather("image", ids, 1, 0)[:, 0])

    def _unwrap(self, x: np.ndarray, image: np.ndarray) -> np.ndarray:
        """Positions x (n, 3) plus the periodic images encoded in LAMMPS image flags."""
        lmp = self._lmp
        image = np.asarray(image, np.int64)
        bits, mask, imax = (lmp.extract_setting(k) for k in ("IMGBITS", "IMGMASK", "IMGMAX"))
        shifts = np.column_stack([((image >> (k * bits)) & mask) - imax for k in range(3)])
        boxlo, boxhi = np.array(lmp.extract_box()[0]), np.array(lmp.extract_box()[1])
        return x + shifts * (boxhi - boxlo)

    def _zero_image(self) -> int:
        lmp = self._lmp
        return lmp.extract_setting("IMGMAX") * (
            1 + (1 << lmp.extract_setting("IMGBITS")) + (1 << lmp.extract_setting("IMG2BITS")))

    def set_positions(self, ids, x) -> None:
        """Move atoms ``ids`` to ``x`` (n, 3) Å (their image flags are reset)."""
        ids = self._check_ids(ids)
        x = np.ascontiguousarray(x, dtype=float).reshape(len(ids), 3)
        lmp = self._lmp
        lmp.scatter_atoms_subset("x", 1, 3, len(ids), _int_ptr(ids),
                                 x.ctypes.data_as(ctypes.POINTER(ctypes.c_double)))
        image = np.full(len(ids), self._zero_image(), dtype=np.int32)
        lmp.scatter_atoms_subset("image", 0, 1, len(ids), _int_ptr(ids), _int_ptr(image))
        self._dirty = True

    def evaluate(self, force: bool = False) -> None:
        """Make forces and energy current (unconstrained) at the present positions; a
        no-op if nothing changed since the last evaluation, unless ``force`` (a full
        LAMMPS set-up, ``run 0``, e.g. after ``commands``)."""
        from mpi4py import MPI
        if force or self.comm.allreduce(bool(self._dirty), op=MPI.LOR):   # local moves count
            self._lmp.command("run 0")
        self._dirty = False

    def forces(self, ids) -> np.ndarray:
        """Potential forces (n, 3) eV/Å on ``ids`` at the current positions."""
        ids = self._check_ids(ids)
        self.evaluate()
        return self._gather("f", ids, 3, 1)

    def closest_pair(self) -> tuple[float, int, int]:
        """(distance Å, id_a, id_b) of the two closest atoms now (collective; the same on
        every rank). Periodic images are not searched, so a pair that is close only across
        a periodic boundary is missed: right for shrink-wrapped directions and for the
        periodic z of a sheet (images a vacuum apart), not for an in-plane or bulk periodic
        region. Pairs removed by :meth:`exclude_pairs` count here (unlike in ``relax``'s
        tripwire)."""
        from scipy.spatial import cKDTree
        x = self.positions(self.ids)
        d, j = cKDTree(x).query(x, k=2)
        a = int(np.argmin(d[:, 1]))
        b = int(j[a, 1])
        return float(d[a, 1]), min(a, b) + 1, max(a, b) + 1

    def energy(self) -> float:
        """Total potential energy (eV) at the current positions."""
        self.evaluate()
        return float(self._lmp.get_thermo("pe"))

    def set_velocities_zero(self) -> None:
        """Set all velocities to zero (collective)."""
        self._lmp.command("velocity all set 0.0 0.0 0.0")
        self._dirty = True

    def kinetic_energy(self) -> float:
        """Kinetic energy (eV) of the current velocities (zero until ``run``)."""
        self.evaluate()
        return float(self._lmp.get_thermo("ke"))

    # ---- owner-local access (not collective): the atoms LAMMPS places on this rank -----
    def _local(self, name: str) -> np.ndarray:
        return self._lmp.numpy.extract_atom(name)[:self._lmp.extract_global("nlocal")]

    def _cached_local(self, name: str) -> np.ndarray:
        """``_local`` without the ~100 µs of the numpy wrapper per call: the view over
        LAMMPS' storage is kept and re-made only when the storage moved (data pointer
        changed) or is shorter than nlocal."""
        if not hasattr(self, "_views"):
            proto = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)
            lib = self._lmp.lib
            self._extract = proto(("lammps_extract_atom", lib))
            nlocal = proto(("lammps_extract_global", lib))(self._lmp.lmp, b"nlocal")
            self._nlocal = ctypes.cast(nlocal, ctypes.POINTER(ctypes.c_int))
            self._views = {}
        raw = self._extract(self._lmp.lmp, name.encode())
        n = self._nlocal.contents.value
        cached = self._views.get(name)
        if cached is not None:
            two_d, ptr, view = cached
            data = ctypes.c_void_p.from_address(raw).value if two_d else raw
            if data == ptr and len(view) >= n:
                return view[:n]
        view = self._lmp.numpy.extract_atom(name)
        two_d = view.ndim == 2
        data = ctypes.c_void_p.from_address(raw).value if two_d else raw
        self._views[name] = (two_d, data, view)
        return view[:n]

    def owned_ids(self) -> np.ndarray:
        """IDs (k,) of the atoms this rank owns now (they change when atoms migrate, at
        every ``evaluate``/``relax``/``run``)."""
        return np.array(self._local("id"), np.int64)

    def _owned_rows(self, ids) -> np.ndarray:
        ids = np.asarray(ids, np.int64).ravel()
        own = self.owned_ids()
        order = np.argsort(own)
        pos = np.minimum(np.searchsorted(own[order], ids), max(len(own) - 1, 0))
        if len(ids) and (len(own) == 0 or np.any(own[order][pos] != ids)):
            raise ValueError("owned_*: some IDs are not owned by this rank (see owned_ids)")
        return order[pos]

    def owned_positions(self, ids) -> np.ndarray:
        """Unwrapped positions (k, 3) Å of atoms ``ids`` owned by this rank."""
        rows = self._owned_rows(ids)
        return self._unwrap(np.array(self._local("x")[rows], float), self._local("image")[rows])

    def set_owned_positions(self, ids, x) -> None:
        """Move owned atoms ``ids`` to ``x`` (k, 3) Å (image flags reset). Local: call
        ``evaluate()`` (collective) before reading forces."""
        rows = self._owned_rows(ids)
        self._local("x")[rows] = np.asarray(x, float).reshape(len(rows), 3)
        self._local("image")[rows] = self._zero_image()
        self._dirty = True

    def owned_forces(self, ids) -> np.ndarray:
        """Forces (k, 3) eV/Å on owned atoms ``ids`` as of the last ``evaluate()``."""
        return np.array(self._local("f")[self._owned_rows(ids)], float)

    # ---- collective: constrained relaxation and dynamics -------------------------------
    def set_prescribed(self, ids) -> None:
        """Atoms ``ids`` keep their positions in ``relax`` and ``run`` (replaces the set)."""
        self.prescribed = np.unique(self._check_ids(ids))
        self._group("prescribed", self.prescribed)

    def _constrained(self, commands: list[str]) -> None:
        lmp = self._lmp
        lmp.commands_list(["fix mdfe_prescribed prescribed setforce 0.0 0.0 0.0",
                           "fix mdfe_bandz band setforce NULL NULL 0.0"]
                          + commands + ["unfix mdfe_prescribed", "unfix mdfe_bandz"])
        self._dirty = True

    def relax(self, ftol: float = 1e-4, style: str = "fire", maxiter: int = 100000,
              min_distance: float = 0.0) -> int:
        """Minimise to a force norm below ``ftol`` (eV/Å); returns the iterations used.

        ``style``: a LAMMPS min_style (default fire: force-based, needs no total energy
        consistency, as in a force-coupled scheme). Prescribed atoms fixed, band z fixed.
        ``min_distance`` > 0 (Å): a collapse tripwire — every 10 iterations LAMMPS checks
        the closest interacting pair (``compute pair/local dist``) and ends the
        minimisation when it is closer (``fix halt``; it only stops, the path is the same).
        Pairs removed by :meth:`exclude_pairs` are not checked.
        """
        if style not in ("fire", "cg", "sd", "quickmin", "hftn"):
            raise ValueError(f"style {style!r}: allowed fire, cg, sd, quickmin, hftn")
        halt = []
        if min_distance > 0:
            if "mdfe_dmin" not in self._lmp.available_ids("compute"):
                self._lmp.commands_list([
                    "compute mdfe_pair all pair/local dist",
                    "compute mdfe_dmin all reduce min c_mdfe_pair inputs local",
                    "variable mdfe_dmin equal c_mdfe_dmin"])
            halt = [f"fix mdfe_halt all halt 10 v_mdfe_dmin < {float(min_distance)!r} "
                    "error continue message no"]
        step0 = self._lmp.get_thermo("step")
        self._constrained(halt + [f"min_style {style}",
                                  f"minimize 0.0 {float(ftol)!r} {int(maxiter)} {10 * int(maxiter)}"]
                          + (["unfix mdfe_halt"] if halt else []))
        return int(self._lmp.get_thermo("step") - step0)

    def relax_guarded(self, ftol: float, style: str, min_distance: float,
                      maxiter: int = 100000) -> tuple[int, tuple[float, int, int] | None]:
        """:meth:`relax` with the collapse tripwire at ``min_distance`` Å (0: none), then
        (iterations, None), or (iterations, (distance Å, id_a, id_b)) when two atoms end
        closer than ``min_distance`` (:meth:`closest_pair`). Collective."""
        its = self.relax(ftol=ftol, style=style, maxiter=maxiter, min_distance=min_distance)
        if not min_distance:
            return its, None
        pair = self.closest_pair()
        return its, (pair if pair[0] < min_distance else None)

    def run(self, nsteps: int, dt: float = 0.001) -> None:
        """NVE dynamics for ``nsteps`` steps of ``dt`` ps, prescribed atoms and band z fixed."""
        self._constrained([f"timestep {float(dt)!r}", "fix mdfe_nve all nve",
                           f"run {int(nsteps)}", "unfix mdfe_nve"])

    def exclude_pairs(self, ids_a, ids_b) -> None:
        """No interaction between any atom of ``ids_a`` and any of ``ids_b`` (a crack slit:
        the faces behind the tip never bond). Neighbour pairs are removed from LAMMPS'
        lists, so energy and forces stay consistent (F = −∂E/∂x of the modified model)."""
        self._exclusions += 1
        n = self._exclusions
        self._group(f"mdfe_excl{n}a", self._check_ids(ids_a))
        self._group(f"mdfe_excl{n}b", self._check_ids(ids_b))
        self._lmp.command(f"neigh_modify exclude group mdfe_excl{n}a mdfe_excl{n}b")
        self._dirty = True

    # ---- public hooks for drivers that add their own fixes (e.g. coupled dynamics) ------
    def commands(self, cmds) -> None:
        """Run LAMMPS input commands (a string or a list of strings) on this region's
        instance (collective). Commands that move atoms or change the model must be
        followed by ``evaluate(force=True)`` before forces are read."""
        if isinstance(cmds, str):
            cmds = [cmds]
        self._lmp.commands_list(list(cmds))

    def define_group(self, name: str, ids) -> None:
        """LAMMPS group ``name`` := atoms ``ids`` (replaces an existing group; collective)."""
        self._group(name, self._check_ids(ids))

    def advance(self, nsteps: int = 1) -> None:
        """``run nsteps pre no post no`` with the fixes the caller installed (no
        constraints added; collective). Needs a previous full set-up (``evaluate(True)``);
        afterwards forces and energies are those of the final positions."""
        self._lmp.command(f"run {int(nsteps)} pre no post no")
        self._dirty = False

    def local_array(self, name: str) -> np.ndarray:
        """Writable view of LAMMPS' per-atom array ``name`` ('x', 'v', 'f', 'image', 'id',
        'type', or a ``fix property/atom`` name such as 'd_gamma') for the atoms this rank
        owns now, in LAMMPS' local order (k, ...). Valid until the next collective call
        (atoms migrate and arrays are reallocated). Writing positions: set the matching
        'image' rows to :attr:`zero_image`. Costs a few µs (the view is cached)."""
        return self._cached_local(name)

    def owned_rows(self, ids) -> np.ndarray:
        """Local rows (k,) of the owned atoms ``ids`` in :meth:`local_array`'s order;
        ValueError if one is not owned by this rank."""
        return self._owned_rows(ids)

    @property
    def zero_image(self) -> int:
        """LAMMPS' packed image flag of an atom in the primary box (0, 0, 0)."""
        if not hasattr(self, "_zero_image_flag"):
            self._zero_image_flag = self._zero_image()
        return self._zero_image_flag

    def type_masses(self) -> np.ndarray:
        """Mass (n_types + 1,) amu per LAMMPS atom type (index 0 unused)."""
        if not hasattr(self, "_type_masses"):
            self._type_masses = np.array(self._lmp.numpy.extract_atom("mass"), float)
        return self._type_masses

    def thermo(self, keyword: str) -> float:
        """A built-in thermo keyword's value (e.g. 'pe', 'ke', 'step') as of the last run,
        the same on every rank (collective)."""
        return float(self._lmp.get_thermo(keyword))

    def compute_vector(self, compute_id: str) -> np.ndarray:
        """A global vector compute's values (e.g. a ``compute reduce``) as of the last run,
        the same on every rank (collective)."""
        from lammps import LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR
        return np.array(self._lmp.numpy.extract_compute(compute_id, LMP_STYLE_GLOBAL,
                                                        LMP_TYPE_VECTOR), float)

    def close(self) -> None:
        """Free the LAMMPS instance (collective)."""
        self._lmp.close()
