"""Errors of a potential on a data set: MAE / RMSE per group, and parity plots.

Energy errors are per atom (eV/atom), force errors over Cartesian components (eV/Å),
stress errors over the six Voigt components (GPa). Groups come from ``atoms.info["group"]``
(mlearn: Elastic, AIMD-NVT, Vacancy, Surface); "all" pools every configuration.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.units import GPa

from mdfe.potentials.mtp.calculator import MTPCalculator


def predict(calc: MTPCalculator, images: list[Atoms]) -> list[dict]:
    """Reference and predicted energy/N, forces, stress (GPa) for each configuration."""
    rows = []
    for atoms in images:
        ref = atoms.calc.results
        a = atoms.copy()
        a.calc = calc
        n = len(a)
        row = {"group": atoms.info.get("group", ""), "n": n,
               "e_ref": ref["energy"] / n, "e_pred": a.get_potential_energy() / n}
        if "forces" in ref:
            row["f_ref"], row["f_pred"] = np.asarray(ref["forces"]), a.get_forces()
        if "stress" in ref and a.cell.rank == 3:
            row["s_ref"], row["s_pred"] = np.asarray(ref["stress"]) / GPa, a.get_stress() / GPa
        rows.append(row)
    return rows


def _stats(ref: list, pred: list) -> dict:
    if not ref:
        return {"N": 0, "MAE": None, "RMSE": None}
    d = np.concatenate([np.ravel(p) - np.ravel(r) for r, p in zip(ref, pred)])
    return {"N": int(d.size), "MAE": float(np.mean(np.abs(d))),
            "RMSE": float(np.sqrt(np.mean(d ** 2)))}


def error_table(rows: list[dict]) -> dict:
    """{group: {"energy_per_atom": stats (eV/atom), "forces": (eV/Å), "stress": (GPa)}}."""
    groups = sorted({r["group"] for r in rows}) + ["all"]
    out = {}
    for g in groups:
        sel = [r for r in rows if g == "all" or r["group"] == g]
        out[g] = {"energy_per_atom": _stats([r["e_ref"] for r in sel], [r["e_pred"] for r in sel]),
                  "forces": _stats([r["f_ref"] for r in sel if "f_ref" in r],
                                   [r["f_pred"] for r in sel if "f_ref" in r]),
                  "stress": _stats([r["s_ref"] for r in sel if "s_ref" in r],
                                   [r["s_pred"] for r in sel if "s_ref" in r])}
    return out


def parity_plot(rows: list[dict], path: str | os.PathLike, title: str = "") -> None:
    """Energy-per-atom and force parity plots (PNG)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(9, 4.2))
    for g in sorted({r["group"] for r in rows}):
        sel = [r for r in rows if r["group"] == g]
        ax[0].scatter([r["e_ref"] for r in sel], [r["e_pred"] for r in sel], s=8, label=g)
        f = [(r["f_ref"].ravel(), r["f_pred"].ravel()) for r in sel if "f_ref" in r]
        if f:
            ax[1].scatter(np.concatenate([x for x, _ in f]), np.concatenate([y for _, y in f]),
                          s=2, label=g)
    for a, name in zip(ax, ("energy (eV/atom)", "force component (eV/Å)")):
        lo, hi = a.get_xlim()
        a.plot([lo, hi], [lo, hi], "k-", lw=0.7)
        a.set_xlabel(f"DFT {name}")
        a.set_ylabel(f"MTP {name}")
    ax[0].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(rows: list[dict], directory: str | os.PathLike, name: str,
                 extra: dict | None = None) -> dict:
    """Write ``<name>.json`` (error table + ``extra``) and ``<name>_parity.png``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    table = error_table(rows)
    Path(directory / f"{name}.json").write_text(json.dumps({"errors": table, **(extra or {})},
                                                          indent=1))
    parity_plot(rows, directory / f"{name}_parity.png", title=name)
    return table
