"""Choose a shipped potential's settings by validation inside its training split.

    python -m mdfe.potentials.dft.ship_validate CONFIG.toml CANDIDATES.json --out RESULT.json

The config is a ship config (:mod:`.ship`). Its training split (the test split is never
read) is split again, as :func:`.ship.split` does it with ``--fraction`` / ``--seed``, into
a fit set (every 2-atom scan stays in it) and a validation set. Each candidate — a JSON
object of overrides of the config's ``[mtp]`` and ``[train]`` tables, e.g.

    [{"label": "edges x1"},
     {"label": "edges x3", "train": {"config_type_weights": {"zigzag_ribbon": 3.0}}},
     {"label": "L18", "mtp": {"level": 18}}]

(``config_type_weights`` entries are merged into the config's) — is trained on the fit set
from the untrained template and scored:

- validation errors (energy per atom eV/atom, force components eV/Å; MAE and RMSE);
- per sheet material, the report's physics on the fit set (:func:`.ship.material_report`:
  sheet constants, strain paths, fracture section), reduced to gates by :func:`gates`:
  lattice constant within 1 % and every 2D constant within 5 % of the DFT of the same
  scans, one energy minimum per strain path (near ε = 0), no energy minimum along the
  ideal-strength paths, relaxed edge energies positive, unrelaxed edge energies within
  ``EDGE_TOLERANCE`` of DFT (when ribbons are labelled), every short-range path physical,
  the unloaded slit passed;
- with corrugated cells in the training split (:mod:`.bending_props`), the gate
  "bending": every cell's bending energy within a factor ``BENDING_FACTOR`` of DFT;
- with C|BN interface entries in the fit set, the LAMMPS stripe stability check
  (:func:`.interface_props.stripe_stability`, as the report runs it: at the larger of
  the potential's sheet lattice constants) as the gate "interface: stripe".

The choice (:func:`choose`): the lowest validation energy RMSE among the candidates that
pass every gate; None when none does. Each candidate's potential is kept under
``RESULT.d/<index>.mtp``; the result JSON holds every score.
"""
from __future__ import annotations

import json
from pathlib import Path

from . import ship

EDGE_TOLERANCE = 0.05       # relative deviation of the unrelaxed edge energies from DFT
A_TOLERANCE = 0.01          # relative deviation of the lattice constant
C_TOLERANCE = 0.05          # relative deviation of each 2D elastic constant
BENDING_FACTOR = 1.5        # bending energy potential / DFT within [1/f, f]: potentials
                            # fitted to flat cells only were 1.9-4x DFT (data README)
_OVERRIDABLE = ("mtp", "train")


def candidate_config(cfg: dict, candidate: dict) -> dict:
    """``cfg`` with ``candidate``'s overrides applied (a new dict; ``cfg`` untouched).
    Unknown tables or keys raise ValueError naming them and what is allowed."""
    from dataclasses import fields

    from mdfe.potentials.mtp.trainer import TrainSettings
    allowed = {"mtp": set(cfg["mtp"]), "train": {f.name for f in fields(TrainSettings)}}
    bad = sorted(set(candidate) - set(_OVERRIDABLE) - {"label"})
    if bad:
        raise ValueError(f"candidate {candidate.get('label', candidate)!r}: unknown table(s) "
                         f"{bad}; allowed: label, {', '.join(_OVERRIDABLE)}")
    out = {**cfg, "mtp": dict(cfg["mtp"]), "train": dict(cfg["train"])}
    for table in _OVERRIDABLE:
        over = candidate.get(table, {})
        unknown = sorted(set(over) - allowed[table])
        if unknown:
            raise ValueError(f"candidate {candidate.get('label')!r}: unknown [{table}] key(s) "
                             f"{unknown}; allowed: {sorted(allowed[table])}")
        for key, value in over.items():
            if key == "config_type_weights":
                value = {**cfg["train"].get(key, {}), **value}
            out[table][key] = value
    return out


def validation_split(cfg: dict, fraction: float, seed: int) -> tuple[list, list]:
    """(fit, validation): the config's training split, split again (scans and the
    ``train_only`` config_types stay in fit)."""
    train, _ = ship.config_split(cfg, ship.load_entries(cfg))
    return ship.split(train, fraction, seed, ship.train_only(cfg))


def _deviation(p: float | None, d: float) -> float:
    return float("inf") if p is None else abs(p / d - 1.0)


def gates(sheet: dict, paths: dict, fracture: dict | None) -> dict[str, bool]:
    """{gate: passed} of one candidate's report pieces (see the module docstring)."""
    d, p = sheet["dft"], sheet["potential"]
    out = {"a": _deviation(p["a"], d["a"]) <= A_TOLERANCE,
           "C_ij": all(_deviation(p[k][c], d[k][c]) <= C_TOLERANCE
                       for k in ("relaxed", "clamped") for c in ("C11", "C22", "C12", "C66")),
           "strain_paths": all(len(r["local_minima_at"]) == 1
                               and abs(r["local_minima_at"][0]) <= 0.02
                               for r in paths.values())}
    if fracture is None:
        return out
    lmp = fracture["lammps"]
    out["edges_relaxed_positive"] = all(lmp[f"gamma_{k}_relaxed"] > 0
                                        for k in ("zigzag", "armchair"))
    if fracture.get("edges_dft"):
        out["edges_vs_dft"] = all(
            _deviation(fracture["edges_potential"][k], fracture["edges_dft"][k])
            <= EDGE_TOLERANCE for k in ("zigzag", "armchair"))
    out["strength_paths"] = all(not r["energy_minima_at"]
                                for r in fracture["uniaxial_stress"].values())
    out["short_range"] = all(r["physical"] for r in fracture["short_range"].values())
    out["slit"] = all(r["passed"] for r in fracture["slit"].values())
    return out


def score(cfg: dict, fit_set: list, val_set: list, mtp_file: Path) -> dict:
    """Validation errors (all entries and per config_type) and, per sheet material,
    the report part on ``fit_set`` (:func:`.ship.material_report`) with its gates, for the
    potential in ``mtp_file`` (trained on ``fit_set``). The gates of every material are
    merged as "<material>: <gate>"."""
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.metrics import error_table
    from mdfe.potentials.mtp.mtp_file import read_mtp
    from .bending_props import bending_table
    model = read_mtp(mtp_file)
    calc = MTPCalculator(model, cfg["species"])
    val = error_table(ship._predict(model, cfg["species"], val_set))
    materials = {m: ship.material_report(fit_set, calc, a0, m, mtp_file, cfg["species"],
                                         cfg["fracture"]) for m, a0 in cfg["_a0"].items()}
    out = {"validation": val, "materials": materials,
           "gates": {f"{m}: {g}": ok for m, part in materials.items()
                     for g, ok in gates(part["sheet"], part["strain_paths"],
                                        part["fracture"]).items()}}
    bending = bending_table(fit_set + val_set, calc)
    if bending:
        out["bending"] = bending
        out["gates"]["bending"] = bending_gate(bending)
    stripe = _stripe(fit_set, mtp_file, cfg["species"], materials)
    if stripe is not None:
        out["stripe"] = stripe
        out["gates"]["interface: stripe"] = stripe["passed"]
    return out


def bending_gate(rows: list[dict]) -> bool:
    """True when every row of :func:`.bending_props.bending_table` has its bending energy
    within a factor ``BENDING_FACTOR`` of DFT."""
    return all(1 / BENDING_FACTOR <= r["ratio"] <= BENDING_FACTOR for r in rows)


def _stripe(fit_set: list, mtp_file: Path, species: list[str], materials: dict) -> dict | None:
    """The stripe stability check of the report (:func:`.interface_props.stripe_stability`
    at the larger of the potential's sheet lattice constants; with none, the stripes' own
    a) when ``fit_set`` holds interface entries; else None."""
    from mdfe.potentials.lammps_potential import LammpsPotential
    from .interface_props import (check_lattice_constant, interface_frames,
                                  stripe_lattice_constant, stripe_stability)
    if not interface_frames(fit_set):
        return None
    a = check_lattice_constant(materials) or stripe_lattice_constant(fit_set)
    return stripe_stability(LammpsPotential.mtp(mtp_file, species), a)


def choose(results: list[dict]) -> int | None:
    """Index of the lowest validation energy RMSE among the results passing every gate."""
    ok = [i for i, r in enumerate(results) if all(r["gates"].values())]
    if not ok:
        return None
    return min(ok, key=lambda i: results[i]["validation"]["all"]["energy_per_atom"]["RMSE"])


def summary_line(r: dict) -> str:
    """One table row: label, validation E / F RMSE, per material the a deviation and
    the edges (unrelaxed vs DFT, relaxed γ eV/Å), and the failed gates."""
    v = r["validation"]["all"]
    parts = []
    for m, part in r["materials"].items():
        s, fr = part["sheet"], part["fracture"] or {}
        a = s["potential"]["a"]
        text = f"{m} a " + (f"{100 * (a / s['dft']['a'] - 1):+.2f} %" if a else "none")
        if fr.get("edges_dft"):
            text += " edges " + "/".join(
                f"{100 * (fr['edges_potential'][k] / fr['edges_dft'][k] - 1):+.1f} %"
                for k in ("zigzag", "armchair"))
        if fr:
            text += " relaxed " + "/".join(f"{fr['lammps'][f'gamma_{k}_relaxed']:.3f}"
                                           for k in ("zigzag", "armchair"))
        parts.append(text)
    if "bending" in r:
        ratios = [b["ratio"] for b in r["bending"]]
        parts.append(f"bending {min(ratios):.2f}-{max(ratios):.2f}x DFT")
    if "stripe" in r:
        parts.append(f"stripe z spread {r['stripe']['z_spread_A']:.2f} Å")
    failed = [g for g, ok in r["gates"].items() if not ok]
    return (f"{r['label']:<28} val E {1e3 * v['energy_per_atom']['RMSE']:6.2f} meV/atom, "
            f"F {v['forces']['RMSE']:.3f} eV/Å; {'; '.join(parts)}; "
            f"failed: {', '.join(failed) or 'none'}")


def validate(config_path: str | Path, candidates: list[dict], out: str | Path,
             fraction: float = 0.2, seed: int = 0) -> dict:
    """Train and score every candidate (see the module docstring); writes ``out`` (JSON)
    after each candidate, so a long run shows progress, and returns its content."""
    import mdfe  # noqa: F401  (loads the MPI library before mpi4py)
    from mpi4py import MPI
    cfg = ship.load_config(config_path)
    configs = [candidate_config(cfg, c) for c in candidates]  # all checked before training
    fit_set, val_set = validation_split(cfg, fraction, seed)
    out = Path(out)
    scratch = out.with_suffix(".d")
    scratch.mkdir(parents=True, exist_ok=True)
    doc = {"config": str(config_path), "fraction": fraction, "seed": seed,
           "n_fit": len(fit_set), "n_validation": len(val_set),
           "validation_config_ids": [f.info["config_id"] for f in val_set], "results": []}
    for i, (c, ccfg) in enumerate(zip(candidates, configs)):
        mtp_file = scratch / f"{i}.mtp"
        result = ship.train_on(ccfg, fit_set)
        if MPI.COMM_WORLD.rank != 0:
            continue
        from mdfe.potentials.mtp.mtp_file import write_mtp
        write_mtp(mtp_file, result.model)
        r = {"label": c.get("label", str(i)), "candidate": c, "mtp": str(mtp_file),
             "iterations": result.iterations, "wall_time_s": result.wall_time,
             **score(ccfg, fit_set, val_set, mtp_file)}
        doc["results"].append(r)
        print(summary_line(r), flush=True)
        doc["chosen"] = choose(doc["results"])
        out.write_text(json.dumps(doc, indent=1, default=ship._plain))
    return doc


def main(argv=None) -> None:
    import argparse
    p = argparse.ArgumentParser(prog="python -m mdfe.potentials.dft.ship_validate",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("config")
    p.add_argument("candidates", help="JSON file: a list of override objects")
    p.add_argument("--out", required=True, help="result JSON (candidate potentials in OUT.d/)")
    p.add_argument("--fraction", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    path = Path(a.candidates)
    try:
        candidates = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise SystemExit(f"{path}: cannot read the candidates: {err}")
    if not isinstance(candidates, list) or not all(isinstance(c, dict) for c in candidates):
        raise SystemExit(f"{path}: must hold a JSON list of objects (candidates)")
    doc = validate(a.config, candidates, a.out, a.fraction, a.seed)
    if doc.get("results"):
        chosen = doc["chosen"]
        print("chosen:", "none passes every gate" if chosen is None
              else doc["results"][chosen]["label"])


if __name__ == "__main__":
    main()
