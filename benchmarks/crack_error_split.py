"""Where the coupled crack error comes from: e% split into a rigid translation of the
near-tip atoms and the rest, against load, core size and far-field FE mesh.

The headline (``crack_headline.py``) reports e% = 100 ‖u − u_ref‖/‖u_ref − u_K‖ over the
atoms within R/2 of the tip. Here the error vector d = u − u_ref of those atoms is split
into its mean t (a rigid translation of the near-tip region, Å) and the rest; e%
without t is reported next to e%. Runs are those of :mod:`crack_case` (same body, lattice,
K-field and reference), for every K/K_G in ``--k`` (one full-atomistic reference each,
K ≈ 0 isolates what the crack faces' edge stress alone causes), core half-width R in
``--cores`` and FE element size far from the MD region ``--h-max`` (Å).

Usage (1 rank; ~15 CPU-min for --full):
    python benchmarks/crack_error_split.py [--side 120] [--cores 8 12] [--k 1e-4 0.6]
        [--h-max 20] [--tol 1e-3] [--full]
    --full: side 400 Å (~60 k atoms), cores 24 48, k 1e-4 0.3 0.6, h-max 20 5.
Writes benchmarks/results/crack_error_split.json (``--out`` name, ``--results`` folder).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_line, markdown_table, run_on_world  # noqa: E402

FULL = {"side": 400.0, "cores": [24.0, 48.0], "k": [1e-4, 0.3, 0.6], "h_max": [20.0, 5.0]}


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=float, default=120.0, help="body side L, Å")
    ap.add_argument("--cores", type=float, nargs="+", default=[8.0, 12.0],
                    help="core half-widths R, Å")
    ap.add_argument("--k", type=float, nargs="+", default=[1e-4, 0.6], help="K / K_G (> 0)")
    ap.add_argument("--h-max", type=float, nargs="+", default=[20.0],
                    help="FE element size far from the MD region, Å")
    ap.add_argument("--tol", type=float, default=1e-3, help="force tolerance, eV/Å")
    ap.add_argument("--full", action="store_true", help=f"the 400 Å study: {FULL}")
    ap.add_argument("--out", default="crack_error_split", help="result name")
    ap.add_argument("--results", default=None, help="result folder (default benchmarks/results)")
    args = ap.parse_args(argv)
    if args.full:
        args.side, args.cores, args.k, args.h_max = (FULL["side"], FULL["cores"], FULL["k"],
                                                     FULL["h_max"])
    if min(args.k) <= 0:
        ap.error(f"--k {args.k}: K/K_G must be > 0 (use 1e-4 for the unloaded crack)")
    return args


def split_error(u, u_ref, u_k) -> dict:
    """e% of u (m, 3) against u_ref with and without the mean of u − u_ref (Å)."""
    from mdfe.coupling.accuracy import error_percent
    t = (u - u_ref).mean(axis=0)
    return {"e_percent": error_percent(u, u_ref, u_k),
            "e_without_translation_percent": error_percent(u - t, u_ref, u_k),
            "translation_A": t.tolist(),
            "defect_rms_A": float(np.sqrt(((u_ref - u_k) ** 2).sum(axis=1).mean()))}


def run(args, comm) -> dict:
    """Every (k, R, h_max) case; the result dict (same on every rank)."""
    from crack_case import CrackBenchmark, match_sites
    from mdfe.coupling.accuracy import within
    t0 = time.perf_counter()

    def log(msg):
        if comm.Get_rank() == 0:
            print(f"[{time.perf_counter() - t0:7.1f} s] {msg}", file=sys.stderr, flush=True)
    rows, cache = [], None
    for k in args.k:
        models = {}
        for h_max in args.h_max:
            models[h_max] = CrackBenchmark(args.side, comm, "tersoff", k=k, tol=args.tol,
                                           h_max=h_max)
            if cache is not None:     # law and edge energy: the potential's, not the mesh's
                models[h_max]._cache = cache
            cache = models[h_max].__dict__.setdefault("_cache", {})
        first = models[args.h_max[0]]
        inp0 = first.inputs(args.cores[0])
        body, ref, t_ref = first.reference(inp0)
        X = body.positions
        u_k = first.u_k(inp0, X)
        sel = np.flatnonzero(within(X, inp0.tip, args.cores[0] / 2))
        log(f"K = {k} K_G: reference {len(body)} atoms, {t_ref['cpu']:.0f} CPU-s")
        for h_max, model in models.items():
            for R in args.cores:
                inp = model.inputs(R)
                if not np.allclose(inp.tip, inp0.tip):
                    raise RuntimeError(f"core {R}, h_max {h_max}: tip differs")
                c = model.coupled(inp)
                rows_c = match_sites(X[sel], inp.atoms.positions)
                u = c["x"][rows_c] - inp.atoms.positions[rows_c]
                row = {"k_over_kg": k, "core_A": R, "h_max_A": h_max,
                       "fe_nodes": int(inp.mesh.n_nodes), "exchanges": c["exchanges"],
                       "converged": c["converged"],
                       **split_error(u, ref.u[sel], u_k[sel])}
                log(f"K {k}, R {R:g}, h_max {h_max:g}: e {row['e_percent']:.2f} %, without "
                    f"translation {row['e_without_translation_percent']:.2f} %, t = "
                    f"{np.round(row['translation_A'][:2], 5)} Å")
                rows.append(row)
    return {"side_A": args.side, "tol_eV_per_A": args.tol, "measured_within_A": args.cores[0] / 2,
            "potential": "tersoff BNC.tersoff", "rows": rows}


def tables(res: dict) -> dict:
    """README block 'error_split'."""
    head = ["K/K_G", "core R (Å)", "h_max (Å)", "FE nodes", "e%", "e% without translation",
            "translation t_x, t_y (Å)", "‖u_ref − u_K‖ rms (Å)"]
    body = [[f"{r['k_over_kg']:g}", f"{r['core_A']:g}", f"{r['h_max_A']:g}", r["fe_nodes"],
             f"{r['e_percent']:.2f}" + ("" if r["converged"] else " (NOT converged)"),
             f"{r['e_without_translation_percent']:.2f}",
             f"{r['translation_A'][0]:+.4f}, {r['translation_A'][1]:+.4f}",
             f"{r['defect_rms_A']:.3f}"] for r in res["rows"]]
    return {"error_split": (f"Measured {machine_line(res['provenance'])}; {res['ranks']} "
                            f"rank(s). Body {res['side_A']:g} Å, {res['potential']}, tol "
                            f"{res['tol_eV_per_A']:g} eV/Å; errors over the atoms within "
                            f"{res['measured_within_A']:g} Å of the tip.\n\n"
                            + markdown_table(head, body))}


def main(argv=None) -> int:
    return run_on_world(parse(argv), run, lambda res: tables(res)["error_split"])


if __name__ == "__main__":
    sys.exit(main())
