"""Benchmark: wave packets through the dynamic FE–MD handshake (Cu bar; graphene strip).

Runs tests/coupling_dynamics/mpi/dyn_check.py (packet mode) for a range of wavelengths
λ (in lattice constants a; the FE element size is h = 2a), with and without the Langevin
damping band, and writes benchmarks/results/coupling_waves.json: per run the packet energy,
the energy returned into the core after the packet met the band (fraction of E(0)), the
least-squares drift of E − E_relaxed per 1000 steps relative to E(0), and the wall time
split into MD, FE and FE↔MD transfer (the exchange cost per coupled step). "Returned" is
the core atoms' energy (kinetic + site energies) averaged over the last quarter of the run.

Graphene (``--graphene``): the Tersoff strip of dyn_bar.py (h = 2a, dt = 1 fs, core 40h =
199 Å, damping band 50 Å, γ_max = 20/ps), in-plane (x, with the inner shift of the local
strain) and flexural (z) packets of λ = 3a, 4a, σ = λ, with and without the damping band;
written to benchmarks/results/coupling_waves_graphene.json.

usage: python benchmarks/coupling_waves.py [ranks] [lambda/a ...]
       python benchmarks/coupling_waves.py --graphene [ranks]
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

A_CU, C_L = 3.615, 43.6            # Å, Å/ps (longitudinal [100] sound speed, Cu_u3)
SHORT = [2.0, 3.0, 4.0]             # λ/a: shorter than the 2h = 4a the FE can carry
LONG = [16.0, 24.0, 32.0]           # λ/a = 8h, 12h, 16h
DT = 0.006
#: one BLAS/OpenMP thread per rank, as in the tests (threads fight for the 2 cores)
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def run(ranks, lam, damped):
    """One packet run; returns the measured numbers."""
    if lam < 8:
        sigma, core_cells, steps = 1.5, 36, 1400
    else:
        sigma = 0.75
        core_cells = int(np.ceil(8 * sigma * lam / 2)) + 4          # elements of h = 2a
        steps = int(np.ceil((core_cells * A_CU + 4 * sigma * lam * A_CU + 20) / C_L / DT))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(ranks), sys.executable,
               str(SCRIPT), str(out), "packet", "--lam", str(lam), "--sigma", str(sigma),
               "--steps", str(steps), "--sample", "50", "--dt", str(DT),
               "--core-cells", str(core_cells), "--fe-cells", "40"]
        if damped:
            cmd += ["--gamma", "4.0", "--damping-width", "60"]
        subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV)
        res = json.loads(out.read_text())
    return summary(res, steps, DT, lam, damped)


def summary(res, steps, dt, lam, damped):
    """The measured numbers of one packet run (dyn_check.py's JSON)."""
    steps_, E, core = (np.array(res[k], float) for k in ("step", "E", "core"))
    slope = np.polyfit(steps_, E, 1)[0]
    parts = res["seconds_parts"]
    return {"lambda_a": lam, "lambda_h": lam * res["a"] / res["h"], "damped": damped,
            "steps": steps, "dt_ps": dt, "atoms": res["atoms"], "E_packet_eV": E[0],
            "returned": float(core[-max(2, len(core) // 4):].mean() / E[0]),
            "E_end": float(E[-1] / E[0]), "drift_per_1000": abs(slope) * 1000 / E[0],
            "seconds_run": res["seconds_run"], "seconds_md": parts["md"],
            "seconds_fe": parts["fe"], "seconds_transfer": parts["exchange"],
            "transfer_share": parts["exchange"] / res["seconds_run"]}


def run_graphene(ranks, lam, polarization, damped):
    """One graphene packet run; the measured numbers."""
    steps = 2400 if polarization == "z" else 2000
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(ranks), sys.executable,
               str(SCRIPT), str(out), "packet", "--material", "graphene", "--polarization",
               polarization, "--lam", str(lam), "--sigma", "1.0", "--amp",
               "0.05" if polarization == "z" else "0.02", "--steps", str(steps), "--sample",
               "50", "--dt", "0.001", "--core-cells", "40", "--fe-cells", "10",
               "--damping-width", "50", "--gamma", "20" if damped else "0"]
        subprocess.run(cmd, check=True, capture_output=True, text=True, env=ENV)
        res = json.loads(out.read_text())
    return {"polarization": polarization, **summary(res, steps, 0.001, lam, damped)}


def graphene(ranks):
    results = []
    for pol in ("x", "z"):
        for lam in (3.0, 4.0):
            for damped in (False, True):
                r = run_graphene(ranks, lam, pol, damped)
                results.append(r)
                print(f"graphene {pol}: λ = {lam:3.1f} a, damping {'on ' if damped else 'off'}:"
                      f" returned {100 * r['returned']:6.2f} %, E(end)/E(0) {r['E_end']:.4f}, "
                      f"{r['seconds_run']:.1f} s (exchange {100 * r['transfer_share']:.1f} %)",
                      flush=True)
    write_result("coupling_waves_graphene", {"ranks": ranks, "results": results})


def main():
    if "--graphene" in sys.argv:
        args = [a for a in sys.argv[1:] if a != "--graphene"]
        return graphene(int(args[0]) if args else 1)
    ranks = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    lams = [float(x) for x in sys.argv[2:]] or SHORT + LONG
    results = []
    for lam in lams:
        for damped in ((False, True) if lam < 8 else (False,)):
            r = run(ranks, lam, damped)
            results.append(r)
            print(f"λ = {lam:5.1f} a = {r['lambda_h']:5.2f} h, damping {'on ' if damped else 'off'}:"
                  f" returned {100 * r['returned']:6.2f} %, E(end)/E(0) {r['E_end']:.4f}, drift "
                  f"{r['drift_per_1000']:.2e}"
                  f"/1000 steps, {r['seconds_run']:.1f} s (transfers "
                  f"{100 * r['transfer_share']:.1f} %)", flush=True)
    path = ROOT / "benchmarks/results/coupling_waves.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"ranks": ranks, "results": results}, indent=1))


if __name__ == "__main__":
    main()
