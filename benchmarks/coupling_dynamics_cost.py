"""Benchmark: cost of one coupled dynamic step split into FE, MD and the FE↔MD exchange.

Runs tests/coupling_dynamics/mpi/dyn_check.py (a λ = 8h packet in the Cu bar, EAM Cu_u3,
dt = 6 fs; and in the graphene strip, Tersoff, dt = 1 fs; no damping) for several core sizes and rank layouts and writes
benchmarks/results/coupling_dynamics_cost.json. Per run: atoms, the per-step wall time of
each part (median over 10-step intervals, µs; the median resists the preemptions of a
shared machine), and the shares of the exchange and of the operators in the step (FE + MD + exchange +
operators). "Exchange" is
everything between the FE update and LAMMPS' step and back: the ownership check (one ID
comparison + one integer Allreduce), KeyedTransfer forward/reverse, positions written into
LAMMPS' arrays at the kept local rows, forces read there; "operators" is applying
N (+ the inner shift ξ(F_e), once per element, for graphene) and Nᵀ. On several ranks
each part is the slowest rank's; in the disjoint layout the FE rank's exchange time
includes waiting for the MD ranks.

usage: python benchmarks/coupling_dynamics_cost.py [--quick]
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import write_result  # noqa: E402
SCRIPT = ROOT / "tests/coupling_dynamics/mpi/dyn_check.py"
RUNS = [(1, "shared", 16, "Cu"), (1, "shared", 60, "Cu"), (1, "shared", 240, "Cu"),
        (1, "shared", 600, "Cu"), (2, "shared", 240, "Cu"), (3, "disjoint", 240, "Cu"),
        (1, "shared", 40, "graphene"), (1, "shared", 160, "graphene")]
QUICK = [(1, "shared", 16, "Cu"), (1, "shared", 40, "graphene")]
STEPS = 400


def run(ranks, layout, core_cells, material):
    """One run; the measured numbers."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(ranks), sys.executable,
               str(SCRIPT), str(out), "packet", "--layout", layout, "--lam", "16",
               "--sigma", "0.5", "--steps", str(STEPS), "--sample", "10", "--dt", "0.006",
               "--core-cells", str(core_cells), "--fe-cells", "10", "--material", material]
        if material == "graphene":
            cmd[cmd.index("--dt") + 1] = "0.001"
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
        res = json.loads(out.read_text())
    per = np.array(res["per_step_seconds"], float)          # (ranks, intervals, 4)
    med = np.median(per.max(axis=0), axis=0) * 1e6           # slowest rank, median interval
    return {"material": material, "ranks": ranks, "layout": layout, "core_cells": core_cells,
            "atoms": res["atoms"], "fe_nodes": res["fe_nodes"], "steps": STEPS,
            "fe_us": med[0], "md_us": med[1], "exchange_us": med[2], "operators_us": med[3],
            "exchange_share": med[2] / med.sum(), "operators_share": med[3] / med.sum(),
            "md_share": med[1] / med.sum()}


def main():
    runs = QUICK if "--quick" in sys.argv else RUNS
    results = []
    for ranks, layout, cells, material in runs:
        r = run(ranks, layout, cells, material)
        results.append(r)
        print(f"{material:8s} {ranks} rank(s) {layout:8s} {r['atoms']:6d} atoms: FE "
              f"{r['fe_us']:7.1f}  MD {r['md_us']:8.1f}  exchange {r['exchange_us']:7.1f} "
              f"({100 * r['exchange_share']:.1f} %)  operators {r['operators_us']:7.1f} µs/step "
              f"({100 * r['operators_share']:.1f} %)", flush=True)
    write_result("coupling_dynamics_cost", {"load_average_1min_at_end": os.getloadavg()[0],
                                            "results": results})


if __name__ == "__main__":
    main()
