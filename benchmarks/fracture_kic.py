"""Benchmark: K_IC from the coupled model vs the fully atomistic body (same potential).

For each MD core size (behind, ahead, half-height, Å) with its body (W × H Å, chosen so
the MD region — core, band and pad — stays ≤ 10 % of the body's area), runs
``python -m mdfe.run.kic`` under ``mpirun`` on examples/triangular_kic.toml with those
sizes: a coarse K ramp (0.02 K_G) to the first tip advance, then a fine one (0.005 K_G)
from the last intact load, for both models. Prints K_G, K_IC of both models, the
lattice-trapping ratios K_IC/K_G and their relative difference (goal: within 3 %), and
writes everything to benchmarks/results/fracture_kic.json with the machine and its load
(``provenance``) and each size's CPU time (``cpu_s``: all ranks of its ``mpirun`` child,
both models, summed).

usage: python benchmarks/fracture_kic.py [--ranks 2] [--tol 1e-3] [--sizes W,H,b,a,h ...]
Small version: tests/fracture/test_kic.py.
"""
import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from _common import provenance  # noqa: E402

EXAMPLE = ROOT / "examples/triangular_kic.toml"
SIZES = ["170,150,8,14,8", "220,200,16,24,16", "280,250,24,32,24"]


def case_file(folder: Path, size: str, tol: float) -> Path:
    """The example with body W × H (tip at the centre), core (behind, ahead, half) and tol."""
    sys.path.insert(0, str(ROOT))
    from mdfe.run.schema import dumps_toml
    W, H, b, a, h = map(float, size.split(","))
    cfg = tomllib.loads(EXAMPLE.read_text())
    cfg["body"].update(width=W, height=H)
    cfg["crack"]["tip"] = [W / 2, H / 2]
    cfg["md"].update(behind=b, ahead=a, half_height=h)
    cfg["solver"]["tol"] = tol
    cfg["output"]["directory"] = str(folder / "runs")
    path = folder / "case.toml"
    path.write_text(dumps_toml(cfg))
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--tol", type=float, default=1e-3)
    p.add_argument("--sizes", nargs="+", default=SIZES)
    p.add_argument("--out", default=str(ROOT / "benchmarks/results/fracture_kic.json"))
    a = p.parse_args()
    prov = provenance()                                         # machine and load at the start
    work = Path(tempfile.mkdtemp(prefix="fracture_kic_"))      # run folders: scratch
    results = []
    for size in a.sizes:
        folder = work / size.replace(",", "_")
        folder.mkdir(parents=True, exist_ok=True)
        out = folder / "kic.json"
        cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(a.ranks), sys.executable,
               "-m", "mdfe.run.kic", str(case_file(folder, size, a.tol)), str(out)]
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True, capture_output=True)
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = json.loads(out.read_text())
        r["size"] = size
        r["cpu_s"] = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        results.append(r)
        rel = r["coupled_vs_atomistic_rel"]
        print(f"body {r['body_A'][0]:.0f} x {r['body_A'][1]:.0f} A, core {size.split(',', 2)[2]}"
              f" A, MD area {100 * r['md_area_fraction']:.1f} %, atoms {r['coupled_atoms']} / "
              f"{r['atomistic_atoms']}: K_IC/K_G coupled {r['coupled']['K_IC_over_KG']:.3f}, "
              f"atomistic {r['atomistic']['K_IC_over_KG']:.3f} (step 0.005): "
              f"{100 * rel:+.1f} %; {r['coupled']['seconds']:.0f} s / "
              f"{r['atomistic']['seconds']:.0f} s wall, {r['cpu_s']:.0f} CPU-s", flush=True)
    r = results[-1]
    print(f"{r['potential']}; K_G = {r['K_G_eV_A1.5']:.4f} eV/A^1.5 (gamma "
          f"{r['gamma_eV_per_A']:.4f} eV/A, E' {r['E_prime_eV_per_A2']:.4f} eV/A^2); "
          f"{r['ranks']} ranks, tol {a.tol} eV/A")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps({"benchmark": "fracture_kic", "provenance": prov,
                                       "tol": a.tol, "ranks": a.ranks, "results": results},
                                      indent=1))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
