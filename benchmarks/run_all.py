"""Run the default benchmark suite and regenerate the tables and figures of
``benchmarks/README.md`` from its results (``make benchmark``).

Suite (each a child process at its default size, 1 or 2 ranks, niced): the crack
headline (coupled vs full atomistic vs MD disc, with the cost per exchange), the coupled
scaling run and performance model (writes ``results/coupled_scaling.png``), and the FE
scaling. The MTP benchmarks (``mtp_*.py``) are separate long runs with their own README
sections and are not rerun here; nor are ``crack_headline.py --full --out
crack_headline_full`` and ``crack_error_split.py --full`` (~15 CPU-min each; their
tables are regenerated from their JSON when present).

Usage: python benchmarks/run_all.py [--only headline scaling fe] [--readme-only]
    --readme-only: regenerate the README blocks and figure from the JSON in results/.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import RESULTS, machine_line, markdown_table, replace_block  # noqa: E402

README = HERE / "README.md"
SUITE = {   # name: (script, result name)
    "headline": ("crack_headline.py", "crack_headline"),
    "scaling": ("coupled_scaling.py", "coupled_scaling"),
    "fe": ("fe_scaling.py", "fe_scaling"),
}


def fe_table(res: dict) -> dict:
    """README block 'fe_scaling' from results/fe_scaling.json."""
    rows = res["rows"]
    one = {r["dofs"]: r for r in rows if r["ranks"] == 1}
    head = ["ranks", "dofs", "set-up (s)", "assembly (s)", "solve (s)", "CG its",
            "re-solve (s)", "speed-up vs 1 rank", "scipy direct / CG"]
    body = [[r["ranks"], r["dofs"], f"{r['setup_s']:.2f}", f"{r['assembly_s']:.2f}",
             f"{r['solve_s']:.2f}", r["iterations"], f"{r['resolve_s']:.2f}",
             f"{one[r['dofs']]['solve_s'] / r['solve_s']:.2f}" if r["dofs"] in one else "—",
             f"{r['direct_s'] / r['solve_s']:.1f}" if "direct_s" in r else "—"] for r in rows]
    fits = "; ".join(f"{p} rank(s): " + ", ".join(f"{k} ∝ dofs^{v:.2f}" for k, v in e.items())
                     for p, e in res["exponents"].items())
    where = (f"Measured {machine_line(res['provenance'])}." if "provenance" in res
             else "Machine not recorded in this result (older format).")
    return {"fe_scaling": where + "\n\n" + markdown_table(head, body) + f"\n\nFits: {fits}."}


def blocks(results: Path = RESULTS) -> dict:
    """Every generated README block from the result files present in ``results``."""
    import coupled_scaling
    import crack_error_split
    import crack_headline
    out = {}
    def full(res):          # the --full headline (not rerun by the suite: ~10+ min)
        return {f"{k}_full": v for k, v in crack_headline.tables(res).items()}
    for name, render in (("crack_headline", crack_headline.tables),
                         ("crack_headline_full", full),
                         ("crack_error_split", crack_error_split.tables),
                         ("coupled_scaling", coupled_scaling.tables), ("fe_scaling", fe_table)):
        path = Path(results) / f"{name}.json"
        if path.is_file():
            res = json.loads(path.read_text())
            out.update(render(res))
            if name == "coupled_scaling":          # the README's figure, from the same JSON
                coupled_scaling.plot(res["rows"], res["extrapolation"],
                                     Path(results) / res["figure"])
    return out


def update_readme(readme: Path = README, results: Path = RESULTS) -> list[str]:
    """Rewrite the README blocks from ``results``; returns the names rewritten."""
    text = Path(readme).read_text()
    done = []
    for name, body in blocks(results).items():
        text = replace_block(text, name, body)
        done.append(name)
    Path(readme).write_text(text)
    return done


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", choices=list(SUITE), default=list(SUITE))
    ap.add_argument("--readme-only", action="store_true")
    ap.add_argument("--readme", default=str(README), help=argparse.SUPPRESS)
    ap.add_argument("--results", default=str(RESULTS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    if not args.readme_only:
        for name in args.only:
            script = HERE / SUITE[name][0]
            t = time.time()
            print(f"== {script.name}", flush=True)
            proc = subprocess.run(["nice", "-n", "10", sys.executable, str(script)], env=env)
            if proc.returncode != 0:
                print(f"{script.name} failed (exit {proc.returncode})", file=sys.stderr)
                return proc.returncode
            print(f"== {script.name}: {time.time() - t:.0f} s", flush=True)
    done = update_readme(Path(args.readme), Path(args.results))
    print("README blocks rewritten: " + ", ".join(done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
