"""LAMMPS side of the dynamic coupling: one MD region advanced one MD step at a time.

:class:`MDStepper` installs, on an :class:`~mdfe.solvers.md.region.MDRegion`'s LAMMPS
instance (through ``region._lmp``, like :class:`~mdfe.coupling.md_access.LocalAtoms`):

- ``fix nve`` on the **free** atoms (group ``mdfe_free``: the core); the prescribed (band and
  pad) atoms are not integrated — the coupling writes their positions before each step;
- a per-atom property ``d_mdfe_gamma`` (Langevin friction rate γ_a, 1/ps), set by atom ID
  and carried by LAMMPS when atoms migrate;
- the damping force f_a = −γ_a m_a v_a (``fix addforce`` with atom-style variables, in all
  three directions, so flexural motion of sheets is damped too); evaluated after the force
  computation, i.e. with the half-step velocity of velocity Verlet; deterministic, so the
  result does not depend on the rank count (zero-temperature Langevin: no random force);
- energy tallies after every step: the region's potential energy, and Σ e_a (LAMMPS
  ``pe/atom`` site energies), Σ ½ m v² over the free atoms.

One coupled step is ``run 1 pre no post no`` (LAMMPS' velocity Verlet: half kick, drift,
forces, damping, half kick). Units: LAMMPS metal (Å, ps, eV, amu).
"""
from __future__ import annotations

import numpy as np

#: amu·(Å/ps)² in eV (LAMMPS metal mvv2e); (eV/Å)/amu = FTM2V Å/ps².
MVV2E = 1.0364269e-4
_ID_CHUNK = 2000


class MDStepper:
    """Step-by-step velocity Verlet of one MD region with prescribed atoms.

    region: the MDRegion (collective methods are collective on its communicator).
    free_ids (k,): IDs of the integrated atoms (the others are prescribed).
    gamma (n,): friction rate (1/ps) of every atom, indexed by ID − 1 (the same on every
        rank of the region).
    dt: time step, ps.
    """

    def __init__(self, region, free_ids, gamma, dt: float):
        self.region = region
        self.lmp = lmp = region._lmp
        n = region.natoms
        gamma = np.asarray(gamma, float)
        if gamma.shape != (n,):
            raise ValueError(f"MDStepper: gamma needs one value per atom ({n})")
        if not (np.all(np.isfinite(gamma)) and gamma.min(initial=0.0) >= 0.0):
            raise ValueError("MDStepper: the friction rates gamma must be finite and >= 0 (1/ps)")
        if not dt > 0:
            raise ValueError(f"MDStepper: dt must be > 0 ps, got {dt}")
        self._gamma = gamma
        self.damped = bool(gamma.max(initial=0.0) > 0.0)
        free_ids = np.unique(np.asarray(free_ids, np.int64))
        lmp.command("group mdfe_free empty")
        for s in range(0, len(free_ids), _ID_CHUNK):
            lmp.command("group mdfe_free id " + " ".join(map(str, free_ids[s:s + _ID_CHUNK])))
        cmds = [f"timestep {float(dt)!r}",
                "fix mdfe_prop all property/atom d_mdfe_gamma ghost no",
                "fix mdfe_nve mdfe_free nve",
                "compute mdfe_pe all pe/atom",
                "compute mdfe_ke all ke/atom",
                "compute mdfe_core mdfe_free reduce sum c_mdfe_pe c_mdfe_ke",
                "thermo_style custom step pe c_mdfe_core[1] c_mdfe_core[2]",
                "thermo_modify lost error"]
        if self.damped:
            cmds += [f"variable mdfe_f{c} atom -{MVV2E!r}*d_mdfe_gamma*mass*v{c}" for c in "xyz"]
            cmds += ["fix mdfe_damp mdfe_free addforce v_mdfe_fx v_mdfe_fy v_mdfe_fz"]
        lmp.commands_list(cmds)
        self._write_properties()

    def _write_properties(self) -> None:
        """Set d_mdfe_gamma of the atoms this rank owns (by ID)."""
        nloc = self.lmp.extract_global("nlocal")
        ids = np.array(self.lmp.numpy.extract_atom("id")[:nloc], np.int64)
        self.lmp.numpy.extract_atom("d_mdfe_gamma")[:nloc] = self._gamma[ids - 1]

    # ------------------------------------------------------------------ collective
    def setup(self) -> None:
        """Forces (and tallies) at the present positions with a full LAMMPS set-up."""
        self._write_properties()
        self.lmp.command("run 0")
        self.region._dirty = False

    def step(self) -> None:
        """One velocity-Verlet step of the free atoms (prescribed atoms stay where the
        coupling put them). Collective on the region's communicator."""
        self.lmp.command("run 1 pre no post no")
        self.region._dirty = False

    def tallies(self) -> tuple[float, float, float]:
        """(potential energy of the region, Σ e_a and Σ ½ m v² over the free atoms), eV, as
        of the last step; the same on every rank of the region."""
        from lammps import LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR
        core = self.lmp.numpy.extract_compute("mdfe_core", LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR)
        return float(self.lmp.get_thermo("pe")), float(core[0]), float(core[1])

    # ------------------------------------------------------------------ owner-local
    def _rows(self, ids) -> np.ndarray:
        """Local rows of owned atoms ``ids``; ValueError if one is not owned here."""
        ids = np.asarray(ids, np.int64).ravel()
        own = self.region.owned_ids()
        order = np.argsort(own)
        pos = np.minimum(np.searchsorted(own[order], ids), max(len(own) - 1, 0))
        if len(ids) and (len(own) == 0 or np.any(own[order][pos] != ids)):
            raise ValueError("MDStepper: some atom IDs are not owned by this rank")
        return order[pos]

    def rows_of(self, ids, rows=None) -> np.ndarray:
        """Local rows of owned atoms ``ids``; ``rows`` (a previous answer) is reused when
        LAMMPS has not reordered them (checked: one comparison of IDs)."""
        nloc = self.lmp.extract_global("nlocal")
        if rows is not None and (len(rows) == 0 or rows.max() < nloc) and np.array_equal(
                self.lmp.numpy.extract_atom("id")[:nloc][rows], ids):
            return rows
        return self._rows(ids)

    def write_positions(self, rows, x) -> None:
        """Owned atoms at local ``rows`` to unwrapped positions x (k, 3) Å (image flags
        reset); local, LAMMPS communicates ghosts in its next step."""
        self.lmp.numpy.extract_atom("x")[rows] = x
        self.lmp.numpy.extract_atom("image")[rows] = self.region._zero_image()

    def read_forces(self, rows) -> np.ndarray:
        """Forces (k, 3) eV/Å on owned atoms at local ``rows`` as of the last step."""
        return np.array(self.lmp.numpy.extract_atom("f")[rows], float)

    def masses_at(self, rows) -> np.ndarray:
        """Masses (k,) amu of the owned atoms at local ``rows``."""
        types = self.lmp.numpy.extract_atom("type")[rows]
        return np.array(self.lmp.numpy.extract_atom("mass"), float)[types]

    def close(self) -> None:
        """Remove the fixes and computes (collective); the region keeps its atoms."""
        cmds = ["unfix mdfe_nve", "unfix mdfe_prop", "uncompute mdfe_core", "uncompute mdfe_pe", "uncompute mdfe_ke",
                "thermo_style one", "thermo_modify lost error"]
        if self.damped:
            cmds.insert(0, "unfix mdfe_damp")
        self.lmp.commands_list(cmds)
