"""Benchmark: choose loss weights or levels by k-fold cross-validation inside the mlearn
training split.

    nice -n 5 .venv/bin/python benchmarks/mtp_weight_crossval.py --element Si \
        --weight forces_weight --values 0.01 0.02 0.05 0.1
    nice -n 5 .venv/bin/python benchmarks/mtp_weight_crossval.py --element Mo \
        --energy-weight 8 --starts L16.mtp L20.mtp L24.mtp
    nice -n 5 .venv/bin/python benchmarks/mtp_weight_crossval.py --element Mo \
        --energy-weight 8 --starts L24.mtp --group-weight Surface --values 1 4 16

A warm-start proxy (:func:`mdfe.potentials.mtp.crossval.cross_validate` with ``start``):
every candidate weight and fold starts from a trained potential (``--starts``, default: the
level-20 fit in results/mtp_<El>_L20/), runs ``--max-iter`` linear-solve BFGS iterations on
k−1 folds (0: only the exact linear solve of the species and moment coefficients at the
start's radial coefficients) and is scored on the held-out fold by energy MAE (meV/atom)
and force MAE (eV/Å), each divided by Zuo et al.'s MTP test error (the bar); candidates are
ranked by the larger of the two ratios. Several starts (e.g. fits of levels 16, 20, 24)
are ranked together, each with the same folds, weights and rule; without ``--weight`` the
only candidate is the base weights. ``--group-weight G`` varies the loss weight of the
configurations of mlearn group G instead (``TrainSettings.config_type_weights``; others 1);
the held-out MAEs stay unweighted, over all held-out configurations, and the table adds
G's own energy MAE pooled over the folds (each row's JSON: every group's). The test split is
not read. Caveat, printed with the table: each start's radial coefficients were fitted to
the whole training split, so the held-out folds are not unseen by them; the errors rank
candidates, they are not test errors (and a start with more coefficients can profit more
from that leak).
Writes results/mtp_weights_<El>.json (with ``--weight``), results/mtp_group_<G>_<El>.json
(with ``--group-weight``) or results/mtp_starts_<El>.json.
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import mdfe  # noqa: F401,E402  (loads the MPI library first)

from mdfe.potentials.mtp.crossval import cross_validate
from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.mtp_file import read_mtp
from mdfe.potentials.mtp.trainer import TrainSettings
from _common import provenance
from mtp_training import DATA, PUBLISHED

RESULTS = Path(__file__).parent / "results"
NUMBERS = {"Si": 14, "Mo": 42}


def parse(argv=None) -> argparse.Namespace:
    """Command line → namespace; SystemExit naming the option for bad values."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--element", choices=sorted(PUBLISHED), required=True)
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--starts", "--start", type=Path, nargs="+", default=None,
                   help="trained .mtp files, ranked together (default "
                        "results/mtp_<El>_L20/<El>_L20.mtp)")
    p.add_argument("--weight", choices=["energy_weight", "forces_weight", "stress_weight"],
                   default=None, help="the weight to vary (with --values)")
    p.add_argument("--group-weight", default=None, metavar="GROUP",
                   help="vary the weight of this mlearn group's configurations (with --values)")
    p.add_argument("--values", type=float, nargs="+", default=None)
    p.add_argument("--energy-weight", type=float, default=1.0)
    p.add_argument("--forces-weight", type=float, default=0.01)
    p.add_argument("--stress-weight", type=float, default=0.001)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--max-iter", type=int, default=0, help="BFGS iterations per fold")
    p.add_argument("--seed", type=int, default=0, help="fold assignment")
    p.add_argument("--out", type=Path, default=None, help="JSON (default results/...)")
    a = p.parse_args(argv)
    if a.weight is not None and a.group_weight is not None:
        p.error(f"--weight {a.weight} and --group-weight {a.group_weight}: choose one")
    varied = a.weight or a.group_weight
    if (varied is None) != (a.values is None):
        p.error(f"--weight or --group-weight and --values go together (got --weight "
                f"{a.weight}, --group-weight {a.group_weight}, --values {a.values})")
    if a.values is not None and any(v < 0 or (a.group_weight and v == 0) for v in a.values):
        p.error(f"--values must be >= 0 (> 0 with --group-weight), got {a.values}")
    el = a.element
    a.starts = a.starts or [RESULTS / f"mtp_{el}_L20" / f"{el}_L20.mtp"]
    for s in a.starts:
        if not s.exists():
            p.error(f"--starts {s}: no such file (run mtp_training.py first)")
    a.out = a.out or RESULTS / (f"mtp_weights_{el}.json" if a.weight else
                                f"mtp_group_{a.group_weight}_{el}.json" if a.group_weight
                                else f"mtp_starts_{el}.json")
    return a


def candidates(a: argparse.Namespace) -> list[tuple[float | None, dict]]:
    """(varied value or None, cross_validate candidate) per --values entry."""
    if a.weight:
        return [(v, {a.weight: v}) for v in a.values]
    if a.group_weight:
        return [(v, {"config_type_weights": {a.group_weight: v}}) for v in a.values]
    return [(None, {})]


def rank_starts(a: argparse.Namespace, images) -> list[dict]:
    """One row per (start, candidate): held-out MAEs, ratios to the bar, the start's level
    and coefficient counts, CPU/wall s of its folds; sorted by the worse ratio."""
    el = a.element
    cands = candidates(a)
    base = TrainSettings(energy_weight=a.energy_weight, forces_weight=a.forces_weight,
                         stress_weight=a.stress_weight, max_iter=a.max_iter,
                         linear_solve=True, checkpoint_every=10 ** 9)
    bar_e, bar_f = PUBLISHED[el]["Zuo MTP"]
    rows = []
    for path in a.starts:
        start = read_mtp(path)
        t0, c0 = time.perf_counter(), time.process_time()
        ranked = cross_validate(images, [c for _, c in cands], [NUMBERS[el]],
                                folds=a.folds, base=base, seed=a.seed, start=start)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        for r in ranked:
            value = next(v for v, c in cands if c == r["candidate"])
            e, f = 1000 * r["mae"]["energy_per_atom"], r["mae"]["forces"]
            rows.append({"start": str(path), "level": start.level,
                         "linear_coeffs": start.species_coeffs.size + start.moment_coeffs.size,
                         "radial_coeffs": start.radial_coeffs.size, **r["candidate"],
                         "value": value,
                         "E_MAE_meV_atom": e, "F_MAE_eV_A": f, "E_over_bar": e / bar_e,
                         "F_over_bar": f / bar_f, "worst_ratio": max(e / bar_e, f / bar_f),
                         "E_MAE_by_group_meV_atom": {
                             g: 1000 * t["energy_per_atom"]["MAE"]
                             for g, t in r["held_out"].items() if g != "all"},
                         "loss_score": r["score"], "start_wall_s": wall, "start_cpu_s": cpu})
    return sorted(rows, key=lambda r: r["worst_ratio"])


def main(argv=None) -> int:
    a = parse(argv)
    el = a.element
    images = read_mlearn(a.data / el / "training.json")
    load0 = os.getloadavg()
    t0, c0 = time.perf_counter(), time.process_time()
    rows = rank_starts(a, images)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    bar_e, bar_f = PUBLISHED[el]["Zuo MTP"]
    print(f"mlearn {el} training split, {a.folds}-fold CV, warm start(s) "
          f"{' '.join(map(str, a.starts))}, {a.max_iter} BFGS iterations per fold; "
          f"{wall:.0f} s wall, {cpu:.0f} s CPU")
    print("(each start saw every fold: these errors rank candidates, they are not test "
          "errors)")
    col = a.weight or (a.group_weight and f"{a.group_weight} weight") or "weights"
    group = a.group_weight and f"{a.group_weight} E MAE"
    print(f"{'level':>5s} {col:>14s} {'E MAE meV/at':>13s} {'F MAE eV/Å':>11s} "
          f"{'E/bar':>6s} {'F/bar':>6s}" + (f" {group:>16s}" if group else "") + "  start")
    for r in rows:
        w = (f"{r['value']:.4g}" if r["value"] is not None
             else f"{a.energy_weight:g}/{a.forces_weight:g}")
        held = (f" {r['E_MAE_by_group_meV_atom'].get(a.group_weight, float('nan')):16.3f}"
                if group else "")
        print(f"{r['level']:5d} {w:>14s} {r['E_MAE_meV_atom']:13.3f} {r['F_MAE_eV_A']:11.4f} "
              f"{r['E_over_bar']:6.2f} {r['F_over_bar']:6.2f}{held}  {r['start']}")
    a.out.write_text(json.dumps(
        {"element": el, "starts": [str(s) for s in a.starts], "weight": a.weight,
         "group_weight": a.group_weight,
         "folds": a.folds, "fold_seed": a.seed, "max_iter": a.max_iter,
         "base_weights": {"energy_weight": a.energy_weight, "forces_weight": a.forces_weight,
                          "stress_weight": a.stress_weight},
         "bars": {"E_meV_atom": bar_e, "F_eV_A": bar_f}, "wall_s": wall, "cpu_s": cpu,
         "load_avg_start": load0,
         "load_avg": os.getloadavg(), "provenance": provenance(), "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
