"""The ``mdfe run`` driver: load steps of the coupled quasi-static solver on a cracked sheet.

Per load step i (load λ_i = start + i·step, in K/K_G or far-field strain):

1. boundary: K-field (Kolosov / anisotropic, :mod:`mdfe.solvers.crack_field`) at λ_i K_G
   on the outer FE edges (crack faces on their own branch), or the far-field strain on
   the top and bottom edges; the previous solution, scaled by λ_i/λ_{i−1}, is the start
   (step 0: the K-field everywhere, core atoms placed by the FE);
2. :meth:`QuasiStaticCoupling.solve` to the coupled tolerance;
3. measurements: crack tip from bond rupture (:mod:`mdfe.solvers.md.crack_tip`), crack
   mouth opening (FE; prescribed by the K-field boundary in K-loading), crack-tip
   opening of the atoms 3 Å behind the initial tip, J from the domain integral on an annulus enclosing the whole MD
   region (:mod:`mdfe.solvers.fe.jintegral`; there it equals the applied K²/E' — a
   consistency check of the loading, not a tip measurement), K_J = sqrt(J E');
   the net force of the MD region on the FE body (zero for a correct handshake), and
   the largest out-of-plane displacement of the atoms (a flat sheet at 0 K stays flat
   by mirror symmetry; mixed-mode runs stop if it does not, since sliding crack faces
   would wrinkle);
4. outputs and a checkpoint (state after the step: FE iterate and warm start, atom
   positions, rows). K_IC = the load at the first step whose tip advanced (quasi-static,
   0 K); K_IC/K_G is the lattice-trapping ratio. The run stops before the tip comes within
   2 r_cut of the band, or after the first advance with ``stop_at_rupture``.

``--restart DIR`` rebuilds the model from DIR/config.toml, restores the checkpoint and
continues with the next load step, writing into DIR.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from mdfe.config import ConfigError


def _load_value(load: dict, i: int) -> float:
    if load["mode"] == "k_field":
        return load["k_start"] + i * load["k_step"]
    return load["strain_start"] + i * load["strain_step"]


def _j_annulus(inp) -> tuple[float, float]:
    """(r_in, r_out) Å: around the tip, outside the MD region, inside the body and below
    the interface of a heterostructure (J needs one homogeneous material)."""
    from mdfe.run.model import md_radius
    b, st = inp.cfg["body"], inp.cfg["structure"]
    r_in = md_radius(inp.geometry, inp.tip) + b["h_min"]
    r_out = min(inp.tip[0], b["width"] - inp.tip[0], inp.tip[1], b["height"] - inp.tip[1])
    if st["second_material"]:
        r_out = min(r_out, st["interface_y"] - inp.tip[1])
    return r_in, r_out - b["h_max"]


class Run:
    """One run on ``comm`` (default COMM_WORLD): build with :meth:`setup`, then :meth:`go`."""

    def __init__(self, cfg: dict, source: str, restart: str | None = None, comm=None):
        from mpi4py import MPI
        self.comm = MPI.COMM_WORLD if comm is None else comm
        self.cfg, self.source, self.restart = cfg, source, restart
        self.rank = self.comm.Get_rank()

    # ------------------------------------------------------------------ set-up
    def setup(self) -> None:
        """Everything that can fail on bad input, then the run directory (collective)."""
        from mdfe import _libs
        _libs.load_petsc()
        from petsc4py import PETSc  # noqa: F401  (PetscInitialize: collective on the world)

        from mdfe.config import layout_from_config
        from mdfe.layout import LayoutError, split_world
        from mdfe.run.model import build_coupled, build_inputs
        from mdfe.run.output import RunDirectory, check_directory, load_checkpoint
        from mdfe.solvers.md.crack_tip import CrackTipTracker
        cfg = self.cfg
        out = cfg["output"]["directory"]
        self.state = load_checkpoint(self.restart) if self.restart else None
        if not self.restart:
            check_directory(out, cfg["output"]["overwrite"], self.source)
        self.inp = inp = build_inputs(cfg, self.source, self.comm)
        try:
            layout = layout_from_config(cfg["layout"], self.comm.Get_size(), 1,
                                        fe_dofs=2 * inp.mesh.n_nodes, md_atoms=[len(inp.atoms)])
        except LayoutError as exc:
            raise ConfigError(f"{self.source}: [layout]: {exc}") from None
        self.layout = layout
        self.groups = split_world(self.comm, layout)
        self.md_root = layout.md_ranks[0][0]
        self.model = build_coupled(inp, self.comm, self.groups)
        self.tracker = CrackTipTracker(inp.atoms.positions, inp.tip, exclude=inp.slit_ids,
                                       band=cfg["crack"]["band"],
                                       stretch=cfg["crack"]["bond_stretch"])
        self.limit = cfg["md"]["ahead"] - 2 * inp.potential.cutoff
        self.r_j = _j_annulus(inp)
        mouth = inp.mesh.node_sets.get("crack0_mouth")
        faces = [inp.mesh.node_sets[k] for k in ("crack0_a", "crack0_b")]
        x_mouth = inp.mesh.nodes[mouth[0]] if mouth is not None and len(mouth) else None
        self.mouth = [f[np.argmin(np.linalg.norm(inp.mesh.nodes[f] - x_mouth, axis=1))]
                      for f in faces] if x_mouth is not None else None
        if self.rank == 0 and not self.restart:
            from mdfe.run.output import clear_directory
            clear_directory(out)
        self.out = RunDirectory(out) if self.rank == 0 else None
        if self.rank == 0:
            from mdfe.run.schema import dumps_toml
            from mdfe.run.output import atomic_write
            atomic_write(Path(out) / "config.toml", dumps_toml(cfg))
            self.out.log(("restart from " + str(self.restart)) if self.restart else "start")
            if cfg["output"]["label"]:
                self.out.log("label: " + cfg["output"]["label"])
            self.out.log(layout.describe().replace("\n", "; "))
            self.out.log(f"model: {len(inp.atoms)} atoms, {inp.mesh.n_nodes} FE nodes; a = "
                         f"{inp.a:.5f} Å, E' = {inp.e_prime:.4f} eV/Å², γ = {inp.gamma:.5f} "
                         f"eV/Å, K_G = {inp.k_g:.5f} eV/Å^1.5")
            r_in, r_out = self.r_j
            self.out.log(f"J annulus {r_in:.2f} < r < {r_out:.2f} Å around the tip" if r_in < r_out
                         else f"no J check: an annulus enclosing the MD region (r > {r_in:.2f} Å)"
                         f" does not fit in the body (r < {r_out:.2f} Å); J is NaN")

    # ------------------------------------------------------------------ helpers
    def _fe_vec(self, U_owned):
        v = self.model.fe.vector()
        v.setArray(np.asarray(U_owned, float).ravel())
        return v

    def _gather_u(self):
        """Global FE iterate (n_nodes, 2) and warm start on world rank 0 (None elsewhere)."""
        fe = self.model.fe
        if fe is None:
            return None, None
        return fe.gather(self._fe_vec(self.model.solver.U)), fe.gather(fe.u)

    def _net_handshake_force(self):
        """(2,) eV/Å on world rank 0 (None elsewhere): the FE internal force summed over
        the nodes without prescribed displacement, i.e. the net force the MD region puts
        on the FE body (minus the boundary reaction). A traction-free crack in
        equilibrium has none; a nonzero value is a handshake error (docs/run.md, K_J)."""
        m = self.model
        if m.fe is None:
            return None
        r = m.fe.gather(m.fe.internal_force(self._fe_vec(m.solver.U)))
        if r is None:
            return None
        free = np.ones(len(r), bool)
        free[m.boundary] = False
        return r[free].sum(axis=0)

    def _positions(self):
        """Positions (n, 3) Å of all MD atoms, on every rank of the world."""
        md = self.model.region.md
        x = md.positions(md.ids) if md is not None else None
        return self.comm.bcast(x, root=self.md_root)

    def _set_boundary(self, lam: float) -> None:
        m = self.model
        m.solver.set_dirichlet(m.boundary, lam * m.unit_field)

    def _start(self, lam: float) -> None:
        """Initial state: the unit field at every FE node × λ, core atoms from the FE."""
        from mdfe.run.model import unit_displacements
        m = self.model
        if m.fe is not None:
            m.solver.set_displacements(lam * unit_displacements(self.inp, m.solver.owned))
        self._set_boundary(lam)
        m.solver.residual(core_from_fe=True)

    def _restore(self) -> int:
        """Put the checkpoint's state back; returns the next step index."""
        st, m = self.state, self.model
        if m.fe is not None:
            owned = m.solver.owned
            m.solver.set_displacements(st["U"][owned])
            m.fe.u.setArray(st["u_warm"][owned].ravel())
        md = m.region.md
        if md is not None:
            md.set_positions(md.ids, st["x"])
        self._set_boundary(float(st["load"]))
        m.solver.U_applied = m.solver.U.copy()
        return int(st["step"]) + 1

    # ------------------------------------------------------------------ the run
    def go(self) -> dict:
        """Run the load steps; returns the summary (same on every rank)."""
        from mdfe.potentials.properties.edges import k_to_mpa_sqrt_m
        from mdfe.solvers.fe.jintegral import problem_j_integral
        from mdfe.solvers.md.crack_tip import tip_opening
        cfg, inp, m = self.cfg, self.inp, self.model
        load, out_cfg = cfg["loading"], cfg["output"]
        t_mpa = out_cfg["thickness"]
        rows = list(self.state["rows"]) if self.state else []
        first = self._restore() if self.state else 0
        k_ic = next((r["K_over_KG"] if load["mode"] == "k_field" else r["K_J_over_KG"]
                     for r in rows if r["extension_A"] > 0 and r["converged"]), None)
        bar = None
        if self.rank == 0 and out_cfg["progress"]:
            from tqdm import tqdm
            bar = tqdm(total=load["steps"], initial=first, desc="load steps", unit="step")
        t0 = time.time()
        lam_prev = float(self.state["load"]) if self.state else None
        stop = None
        for i in range(first, load["steps"]):
            lam = _load_value(load, i)
            if lam_prev is None:
                self._start(lam)
            else:
                m.solver.set_displacements(m.solver.U * (lam / lam_prev))
                self._set_boundary(lam)
            rep = m.solver.solve()
            lam_prev = lam
            x = self._positions()
            tip = self.tracker.locate(x)
            U, u_warm = self._gather_u()
            f_net = self._net_handshake_force()
            row = None
            if self.rank == 0:
                J = problem_j_integral(m.fe, U, inp.tip, *self.r_j) if self.r_j[0] < self.r_j[1] \
                    else float("nan")
                cmod = float(U[self.mouth[0], 1] - U[self.mouth[1], 1]) if self.mouth else 0.0
                k_j = np.sqrt(max(J, 0.0) * inp.e_prime) / inp.k_g
                row = {"step": i, "K_over_KG": lam if load["mode"] == "k_field" else k_j,
                       "K_eV_A1.5": (lam if load["mode"] == "k_field" else k_j) * inp.k_g,
                       "strain": lam if load["mode"] == "strain" else 0.0,
                       "J_eV_per_A": J, "K_J_over_KG": k_j, "cmod_A": abs(cmod),
                       "ctod_A": tip_opening(x, inp.atoms.positions, *inp.slit_ids, inp.tip),
                       "tip_x_A": float(tip.tip[0]), "extension_A": tip.extension,
                       "out_of_plane_A": float(np.abs(x[:, 2] - inp.atoms.positions[:, 2]).max()),
                       "net_force_x_eV_per_A": float(f_net[0]),
                       "net_force_y_eV_per_A": float(f_net[1]),
                       "broken_bonds": int(len(tip.broken)), "exchanges": rep.exchanges,
                       "residual_eV_per_A": float(rep.residuals[-1]), "converged": bool(rep.converged),
                       "md_iterations": rep.md_iterations, "elapsed_s": time.time() - t0}
            row = self.comm.bcast(row, root=0)
            rows.append(row)
            if k_ic is None and tip.extension > 0 and rep.converged:
                k_ic = row["K_over_KG"]
            if self.rank == 0:
                self._write_step(i, row, rows, x, U, u_warm, lam)
                if bar is not None:
                    bar.set_postfix(K=f"{row['K_over_KG']:.4f}KG", exch=rep.exchanges,
                                    res=f"{rep.residuals[-1]:.1e}", ext=f"{tip.extension:.1f}A")
                    bar.update(1)
            if (i + 1) % out_cfg["fields_every"] == 0 and m.fe is not None:
                from mdfe.solvers.fe import write_xdmf
                write_xdmf(m.fe, str(Path(out_cfg["directory"]) / "fields" / f"step_{i:04d}"),
                           u=self._fe_vec(m.solver.U), time=float(i))
            if not rep.converged:
                stop = f"load step {i} did not converge ({rep.residuals[-1]:.2e} eV/Å)" + (
                    f": {rep.failure}" if rep.failure else "")
            elif load["mode_mixity"] and row["out_of_plane_A"] > 1e-6:
                stop = (f"the sheet left its plane under mixed-mode loading (max |Δz| = "
                        f"{row['out_of_plane_A']:.2e} Å): mode II needs z held")
            elif tip.extension > self.limit:
                stop = (f"crack tip within 2 r_cut of the handshake band (extension "
                        f"{tip.extension:.2f} Å > {self.limit:.2f} Å)")
            elif load["stop_at_rupture"] and tip.extension > 0:
                stop = "first bond rupture at the tip (loading.stop_at_rupture)"
            if stop:
                break
        if bar is not None:
            bar.close()
        summary = {"K_G_eV_A1.5": inp.k_g, "K_G_MPa_sqrt_m": k_to_mpa_sqrt_m(inp.k_g, t_mpa),
                   "thickness_A": t_mpa, "gamma_eV_per_A": inp.gamma,
                   "E_prime_eV_per_A2": inp.e_prime, "lattice_constant_A": inp.a,
                   "K_IC_over_KG": k_ic,
                   "K_IC_resolution_over_KG": load["k_step"] if load["mode"] == "k_field"
                   else None,
                   "K_IC_eV_A1.5": None if k_ic is None else k_ic * inp.k_g,
                   "K_IC_MPa_sqrt_m": None if k_ic is None else k_to_mpa_sqrt_m(k_ic * inp.k_g, t_mpa),
                   "potential": f"{inp.potential.pair_style} {inp.potential.pair_coeff[0]}",
                   "label": out_cfg["label"], "steps_done": len(rows),
                   "stopped": stop or "all load steps done",
                   "atoms": len(inp.atoms), "fe_nodes": int(inp.mesh.n_nodes)}
        if self.rank == 0:
            self.out.write_json("summary.json", summary)
            if out_cfg["plots"]:
                from mdfe.run.output import plot_series
                plot_series(self.out.path, rows, inp.k_g, load["mode"], out_cfg["label"])
            self.out.log(f"end: {summary['stopped']}; K_IC/K_G = {k_ic}")
        return summary

    def _write_step(self, i, row, rows, x, U, u_warm, lam) -> None:
        from mdfe.solvers.md.crack_tip import coordination
        o, inp, cfg = self.out, self.inp, self.cfg
        o.log(f"step {i}: K/K_G = {row['K_over_KG']:.5f}, {row['exchanges']} exchanges, "
              f"residual {row['residual_eV_per_A']:.2e} eV/Å, extension "
              f"{row['extension_A']:.3f} Å, J = {row['J_eV_per_A']:.6g} eV/Å")
        o.write_series(rows)
        if (i + 1) % cfg["output"]["atoms_every"] == 0:
            z = coordination(x, self.tracker.bonds, inp.atoms.positions,
                             cfg["crack"]["bond_stretch"])
            o.write_atoms(i, inp.atoms, x, inp.roles, z, {"step": i, "load": lam})
        o.save_checkpoint({"step": i, "load": lam, "U": U, "u_warm": u_warm, "x": x,
                           "rows": rows})


def run_case(path: str | None = None, restart: str | None = None, comm=None) -> dict:
    """Load a case file (or DIR/config.toml with ``restart``), run it, return the summary."""
    from mdfe.run.schema import load_run_config
    source = str(Path(restart) / "config.toml") if restart else str(path)
    if restart and not Path(source).is_file():
        raise ConfigError(f"--restart {restart}: {source} not found; is it a run directory?")
    cfg = load_run_config(source)
    if restart:
        cfg["output"]["directory"] = str(Path(restart).resolve())
    run = Run(cfg, source, restart=restart, comm=comm)
    run.setup()
    return run.go()
