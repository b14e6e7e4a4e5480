"""LAMMPS side of the dynamic coupling: one MD region advanced one MD step at a time.

:class:`MDStepper` installs, on an :class:`~mdfe.solvers.md.region.MDRegion` (through its
public hooks ``commands``, ``define_group``, ``local_array``, ``advance``):

- ``fix nve`` on the **free** atoms (group ``mdfe_free``: the core); the prescribed (band and
  pad) atoms are not integrated — the coupling writes their positions before each step;
- per-atom properties ``d_mdfe_gamma`` (Langevin friction rate γ_a, 1/ps) and, at T > 0,
  ``d_mdfe_r{x,y,z}`` (the random force, eV/Å), set by atom ID and carried by LAMMPS when
  atoms migrate;
- the Langevin force f_a = −γ_a m_a v_a + R_a (``fix addforce`` with atom-style variables, in
  all three directions, so flexural motion of sheets is damped too), evaluated after the
  force computation, i.e. with the half-step velocity of velocity Verlet. The random force
  R_a (⟨R R⟩ = 2 γ_a m_a k_B T / dt per component, fluctuation–dissipation for a step dt) is
  drawn in Python from a counter-based generator (Philox keyed by (seed, step)) for every
  atom with γ > 0, in ID order, and the owned rows picked by ID, so the trajectory does not
  depend on the rank count or layout. (LAMMPS' ``fix langevin`` draws from one generator per rank, seeded
  with seed + rank, so its forces change with the domain decomposition.)
- energy tallies after every step: the region's potential energy, and Σ e_a (LAMMPS
  ``pe/atom`` site energies), Σ ½ m v² over the free atoms.

One coupled step is ``run 1 pre no post no`` (LAMMPS' velocity Verlet: half kick, drift,
forces, Langevin force, half kick). Units: LAMMPS metal (Å, ps, eV, amu, K).
"""
from __future__ import annotations

import numpy as np

#: amu·(Å/ps)² in eV (LAMMPS metal mvv2e); (eV/Å)/amu = FTM2V Å/ps².
MVV2E = 1.0364269e-4
#: Boltzmann constant, eV/K (LAMMPS metal).
KB = 8.617343e-5


class MDStepper:
    """Step-by-step velocity Verlet of one MD region with prescribed atoms.

    region: the MDRegion (collective methods are collective on its communicator).
    free_ids (k,): IDs of the integrated atoms (the others are prescribed).
    gamma (n,): friction rate (1/ps) of every atom, indexed by ID − 1 (the same on every
        rank of the region).
    dt: time step, ps.
    temperature: Langevin bath temperature, K (0: deterministic damping only).
    seed: positive int, the random force's key (with the step counter).
    """

    def __init__(self, region, free_ids, gamma, dt: float, temperature: float = 0.0,
                 seed: int = 1):
        self.region = region
        n = region.natoms
        gamma = np.asarray(gamma, float)
        if gamma.shape != (n,):
            raise ValueError(f"MDStepper: gamma needs one value per atom ({n})")
        if not (np.all(np.isfinite(gamma)) and gamma.min(initial=0.0) >= 0.0):
            raise ValueError("MDStepper: the friction rates gamma must be finite and >= 0 (1/ps)")
        if not dt > 0:
            raise ValueError(f"MDStepper: dt must be > 0 ps, got {dt}")
        if not (np.isfinite(temperature) and temperature >= 0):
            raise ValueError(f"MDStepper: temperature must be >= 0 K, got {temperature}")
        if int(seed) != seed or seed <= 0:
            raise ValueError(f"MDStepper: seed must be a positive integer, got {seed}")
        self._gamma = gamma
        self.damped = bool(gamma.max(initial=0.0) > 0.0)
        self.temperature, self.seed, self._count = float(temperature), int(seed), 0
        region.define_group("mdfe_free", np.unique(np.asarray(free_ids, np.int64)))
        cmds = [f"timestep {float(dt)!r}",
                "fix mdfe_prop all property/atom d_mdfe_gamma d_mdfe_rx d_mdfe_ry d_mdfe_rz "
                "ghost no",
                "fix mdfe_nve mdfe_free nve",
                "compute mdfe_pe all pe/atom",
                "compute mdfe_ke all ke/atom",
                "compute mdfe_core mdfe_free reduce sum c_mdfe_pe c_mdfe_ke",
                "thermo_style custom step pe c_mdfe_core[1] c_mdfe_core[2]",
                "thermo_modify lost error"]
        if self.damped:
            cmds += [f"variable mdfe_f{c} atom -{MVV2E!r}*d_mdfe_gamma*mass*v{c}+d_mdfe_r{c}"
                     for c in "xyz"]
            cmds += ["fix mdfe_damp mdfe_free addforce v_mdfe_fx v_mdfe_fy v_mdfe_fz"]
        region.commands(cmds)
        self._sigma = None
        if self.temperature > 0 and self.damped:
            m = self._masses_by_id()
            hot = np.flatnonzero(gamma > 0)                 # atoms with a random force
            self._slot = np.full(n + 1, len(hot))           # ID − 1 → row of R (last: 0)
            self._slot[hot] = np.arange(len(hot))
            self._sigma = np.sqrt(2.0 * gamma[hot] * m[hot] * KB * self.temperature
                                  * MVV2E / dt)
        self._write_properties()

    def _masses_by_id(self) -> np.ndarray:
        """Mass (n,) amu of every atom by ID − 1 (collective on the region's comm)."""
        from mpi4py import MPI
        ids = np.asarray(self.region.local_array("id"), np.int64)
        m = np.zeros(self.region.natoms)
        m[ids - 1] = self.region.type_masses()[self.region.local_array("type")]
        self.region.comm.Allreduce(MPI.IN_PLACE, m, op=MPI.SUM)
        return m

    def _write_properties(self) -> None:
        """Set d_mdfe_gamma and the random force of this step on the atoms this rank owns
        (by ID); local."""
        ids = np.asarray(self.region.local_array("id"), np.int64) - 1
        self.region.local_array("d_mdfe_gamma")[:] = self._gamma[ids]
        if self._sigma is not None:
            R = np.vstack([self.random_forces(self._count), np.zeros((1, 3))])[
                self._slot[ids]]
            for c, name in enumerate(("d_mdfe_rx", "d_mdfe_ry", "d_mdfe_rz")):
                self.region.local_array(name)[:] = R[:, c]

    def random_forces(self, count: int) -> np.ndarray:
        """Random Langevin forces (k, 3) eV/Å at step ``count`` of the k atoms with γ > 0,
        in the order of their IDs: a function of (seed, count) only."""
        gen = np.random.Generator(np.random.Philox(key=self.seed * (1 << 32) + int(count)))
        return gen.standard_normal((len(self._sigma), 3)) * self._sigma[:, None]

    # ------------------------------------------------------------------ collective
    def thermalize(self, temperature: float, seed: int) -> None:
        """Maxwell–Boltzmann velocities at ``temperature`` K on the free atoms, zero total
        momentum, from ``velocity ... loop geom`` (a function of each atom's position: the
        same for any rank count)."""
        if not (np.isfinite(temperature) and temperature > 0):
            raise ValueError(f"thermalize: temperature must be > 0 K, got {temperature}")
        self.region.commands(f"velocity mdfe_free create {float(temperature)!r} {int(seed)} "
                             "mom yes rot no dist gaussian loop geom")

    def setup(self) -> None:
        """Forces (and tallies) at the present positions with a full LAMMPS set-up."""
        self._write_properties()
        self.region.evaluate(force=True)

    def step(self) -> None:
        """One velocity-Verlet step of the free atoms (prescribed atoms stay where the
        coupling put them). Collective on the region's communicator."""
        if self._sigma is not None:
            self._count += 1
            self._write_properties()
        self.region.advance(1)

    def tallies(self) -> tuple[float, float, float]:
        """(potential energy of the region, Σ e_a and Σ ½ m v² over the free atoms), eV, as
        of the last step; the same on every rank of the region."""
        core = self.region.compute_vector("mdfe_core")
        return self.region.thermo("pe"), float(core[0]), float(core[1])

    # ------------------------------------------------------------------ owner-local
    def masses_at(self, rows) -> np.ndarray:
        """Masses (k,) amu of the owned atoms at local ``rows``."""
        return self.region.type_masses()[self.region.local_array("type")[rows]]

    def close(self) -> None:
        """Remove the fixes and computes (collective); the region keeps its atoms."""
        cmds = ["unfix mdfe_nve", "unfix mdfe_prop", "uncompute mdfe_core", "uncompute mdfe_pe",
                "uncompute mdfe_ke", "thermo_style one", "thermo_modify lost error"]
        if self.damped:
            cmds.insert(0, "unfix mdfe_damp")
        self.region.commands(cmds)
