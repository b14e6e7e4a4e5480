"""Benchmark: MTP training with the exact linear solve (variable projection) vs BFGS on all
coefficients, same data, start and time budget, in one run.

    nice -n 10 .venv/bin/python benchmarks/mtp_linear_solve.py --every 20 --seconds 120

Both paths start from the same seeded random radial coefficients and energy-only linear
start on a subset of the mlearn Si training split (every ``--every``-th configuration)
and run ``--seconds`` of wall time each. Printed: loss after the budget, iterations,
loss + gradient evaluations, CPU s per iteration (process time: the machine is shared, so
wall time per path depends on the load), and the iterations, wall time and CPU time
(iterations × CPU per iteration) each path needed to reach the old path's final loss,
with ratios old / new. JSON in benchmarks/results/.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# one BLAS thread per rank (before numpy loads): the linear solve's normal equations took
# 3.5x longer with OpenBLAS's default 2 threads fighting the ranks for 2 cores
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import mdfe  # noqa: F401,E402  (loads the MPI library first)

from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.trainer import TrainSettings, train

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_result  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "mlearn"


def first_below(history: list[float], times: list[float], target: float):
    """(iterations, seconds) at which ``history`` first reaches ``target``, or None."""
    for k, v in enumerate(history):
        if v <= target:
            return k + 1, times[k]
    return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--every", type=int, default=20, help="take every n-th configuration")
    p.add_argument("--level", type=int, default=16)
    p.add_argument("--seconds", type=float, default=120.0, help="wall time per path")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    images = read_mlearn(DATA / "Si" / "training.json")[::a.every]
    template = untrained(a.level, 1, 1.8, 5.0, 8)
    runs = {}
    for name, vp in (("old: BFGS on all", False), ("new: linear solve + BFGS radial", True)):
        cpu = time.process_time()
        res = train(template, images, settings=TrainSettings(
            max_iter=100000, time_limit=a.seconds, seed=a.seed, linear_solve=vp))
        cpu = time.process_time() - cpu
        runs[name] = {"loss": res.loss_history, "times": res.iteration_times,
                      "evaluations": res.evaluations,
                      "cpu_per_iteration": cpu / max(res.iterations, 1)}
    old, new = runs.values()
    target = old["loss"][-1]
    hit_old = first_below(old["loss"], old["times"], target)
    hit_new = first_below(new["loss"], new["times"], target)
    print(f"mlearn Si, {len(images)} configurations, level {a.level}, {a.seconds:.0f} s "
          f"per path; target = old path's final loss {target:.4e}")
    print(f"{'path':34s} {'final loss':>11s} {'iters':>6s} {'evals':>6s} {'CPU s/it':>9s} "
          f"{'iters→target':>13s} {'wall s→target':>15s} {'CPU s→target':>13s}")
    for name, r in runs.items():
        hit = first_below(r["loss"], r["times"], target)
        it, sec = hit if hit else ("-", float("nan"))
        cpu = it * r["cpu_per_iteration"] if hit else float("nan")
        print(f"{name:34s} {r['loss'][-1]:11.4e} {len(r['loss']):6d} {r['evaluations']:6d} "
              f"{r['cpu_per_iteration']:9.3f} {it!s:>13s} {sec:15.1f} {cpu:13.1f}")
    ratios = {"final_loss_old_over_new": target / new["loss"][-1]}
    if hit_new:
        ratios["wall_to_target_old_over_new"] = hit_old[1] / hit_new[1]
        ratios["iterations_to_target_old_over_new"] = hit_old[0] / hit_new[0]
        ratios["cpu_to_target_old_over_new"] = (hit_old[0] * old["cpu_per_iteration"]) / (
            hit_new[0] * new["cpu_per_iteration"])
    print("ratios old/new: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    write_result("mtp_linear_solve", {"configurations": len(images), "level": a.level,
                                      "seconds_per_path": a.seconds, "runs": runs,
                                      "ratios": ratios})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
