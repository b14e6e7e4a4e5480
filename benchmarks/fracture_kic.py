"""Benchmark: K_IC from the coupled model vs the fully atomistic body (same potential).

Runs ``python -m mdfe.run.kic CASE`` under ``mpirun`` (coarse K ramp to the first tip
advance, then a fine ramp from the last intact load, for both models) and writes
benchmarks/results/fracture_kic.json; prints K_G, K_IC of both models, the lattice-
trapping ratios K_IC/K_G and their relative difference (goal: within 3 %).

usage: python benchmarks/fracture_kic.py [--ranks 2] [--case examples/triangular_kic.toml]
       [--coarse 0.02] [--fine 0.005] [--out benchmarks/results/fracture_kic.json]
Small version: tests/fracture/test_kic.py.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--case", default=str(ROOT / "examples/triangular_kic.toml"))
    p.add_argument("--coarse", type=float, default=0.02)
    p.add_argument("--fine", type=float, default=0.005)
    p.add_argument("--out", default=str(ROOT / "benchmarks/results/fracture_kic.json"))
    a = p.parse_args()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(a.ranks), sys.executable,
           "-m", "mdfe.run.kic", a.case, a.out, "--coarse", str(a.coarse), "--fine", str(a.fine)]
    subprocess.run(cmd, check=True)
    r = json.loads(Path(a.out).read_text())
    print(f"{r['potential']}; body {r['body_A'][0]} x {r['body_A'][1]} A, MD area "
          f"{100 * r['md_area_fraction']:.1f} %; atoms: coupled {r['coupled_atoms']}, "
          f"full {r['atomistic_atoms']}; {r['ranks']} ranks")
    print(f"K_G = {r['K_G_eV_A1.5']:.4f} eV/A^1.5 (gamma {r['gamma_eV_per_A']:.4f} eV/A, "
          f"E' {r['E_prime_eV_per_A2']:.4f} eV/A^2)")
    for key in ("atomistic", "coupled"):
        m = r[key]
        print(f"{key:>10}: K_IC/K_G = {m['K_IC_over_KG']} (+-{m['resolution_over_KG']}), "
              f"K_IC = {m['K_IC_eV_A1.5']} eV/A^1.5, {m['seconds']:.0f} s")
    rel = r["coupled_vs_atomistic_rel"]
    print("coupled vs atomistic: " + ("n/a" if rel is None else f"{100 * rel:+.2f} %"))


if __name__ == "__main__":
    main()
