"""Benchmark: coupled vs full-atomistic graphene with a vacancy cluster, several core sizes.

Runs tests/coupling/mpi/vacancy_check.py under mpirun and writes
benchmarks/results/coupling_vacancy.json: e% = 100‖u − u_ref‖/‖u_ref − u_affine‖ near the
cluster per core half-width, exchanges, wall time and the share of it spent in FE↔MD
transfers. usage: python benchmarks/coupling_vacancy.py [ranks] [body Å] [widths ...]
"""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    ranks = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    body = sys.argv[2] if len(sys.argv) > 2 else "80"
    widths = sys.argv[3:] or ["5", "8", "11", "14"]
    cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(ranks), sys.executable,
           str(ROOT / "tests/coupling/mpi/vacancy_check.py"), *widths, "--body", body]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["ranks"] = ranks
    path = ROOT / "benchmarks/results/coupling_vacancy.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(res, indent=1))
    for r in res["results"]:
        print(f"core half-width {r['core_half_width']:5.1f} Å: e = {r['e_percent']:6.2f} %, "
              f"{r['exchanges']} exchanges, {r['seconds']:.1f} s "
              f"(transfers {100 * r['transfer_share']:.2f} %)")


if __name__ == "__main__":
    main()
