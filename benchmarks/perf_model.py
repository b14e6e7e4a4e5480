"""Per-component cost model of one quasi-static coupled load step (seconds).

With E exchanges, S MD minimiser steps in total, N atoms in the MD region, B prescribed
(band + pad) atoms, D FE dofs, and P_md / P_fe ranks in the MD / FE groups:

    md        = c_md · N · (S + E + 1) / P_md       (minimiser steps + one force call per map)
    fe        = c_fe · E · D^α / P_fe               (one re-solve per exchange)
    operator  = c_op · (E + 1) · B / P_md           (N U + Cauchy–Born inner shift, Nᵀ f)
    exchange  = c_x · (E + 1) · B                   (point-to-point FE↔MD traffic)
    other     = c_o · (E + 1) · D / P_fe            (residual, Anderson on the FE vector)

The quasi-static iteration is sequential (FE waits for MD and back), so a step costs the
sum in both shared and disjoint layouts; a shared layout gives both groups every rank.
The c's (and α) are fitted by least squares on 1-rank runs; :func:`predict` evaluates the
model for another workload and layout. E and S are inputs (measured on the run being
predicted, or assumed for extrapolations): the model is one of cost per unit of work, not
of the solver's convergence.
"""
from __future__ import annotations

import numpy as np

COMPONENTS = ("md", "fe", "operator", "exchange", "other")


def features(w: dict) -> dict:
    """Work units per component (before the division by ranks) of workload ``w`` (keys
    atoms, band_atoms, pad_atoms, fe_dofs, exchanges, md_iterations)."""
    E, S = w["exchanges"], w["md_iterations"]
    B = w["band_atoms"] + w["pad_atoms"]
    return {"md": w["atoms"] * (S + E + 1), "operator": (E + 1) * B, "exchange": (E + 1) * B,
            "other": (E + 1) * w["fe_dofs"]}


def fit(rows: list[dict], split: str = "split_cpu_s", alpha: float | None = None) -> dict:
    """Coefficients from 1-rank rows (each a workload plus ``split``: seconds per
    component; CPU seconds by default, the measure that survives a loaded machine).
    Linear terms: least squares through the origin; FE: log–log fit of the time per
    exchange against dofs (α, c_fe), which needs ≥ 2 rows with distinct dofs — or, with
    ``alpha`` given (e.g. from the FE scaling benchmark), c_fe alone."""
    if alpha is None and len({r["fe_dofs"] for r in rows}) < 2:
        raise ValueError("fit: need at least two runs with different FE sizes (or alpha)")
    coef = {}
    for k in ("md", "operator", "exchange", "other"):
        f = np.array([features(r)[k] for r in rows], float)
        t = np.array([r[split][k] for r in rows], float)
        coef[k] = float(f @ t / (f @ f))
    d = np.array([r["fe_dofs"] for r in rows], float)
    t = np.array([r[split]["fe"] / max(r["exchanges"], 1) for r in rows], float)
    if alpha is None:
        alpha, logc = np.polyfit(np.log(d), np.log(t), 1)
        coef["fe"] = float(np.exp(logc))
    else:
        f = d ** alpha
        coef["fe"] = float(f @ t / (f @ f))
    coef["alpha"] = float(alpha)
    return coef


def predict(coef: dict, w: dict, p_md: int = 1, p_fe: int = 1) -> dict:
    """Predicted seconds per component and ``total`` for workload ``w`` with ``p_md`` /
    ``p_fe`` ranks in the MD / FE groups (ideal division of the parallel parts)."""
    f = features(w)
    out = {"md": coef["md"] * f["md"] / p_md,
           "fe": coef["fe"] * w["exchanges"] * w["fe_dofs"] ** coef["alpha"] / p_fe,
           "operator": coef["operator"] * f["operator"] / p_md,
           "exchange": coef["exchange"] * f["exchange"],
           "other": coef["other"] * f["other"] / p_fe}
    out["total"] = sum(out[k] for k in COMPONENTS)
    return out


def ranks_of(row: dict) -> tuple[int, int]:
    """(P_md, P_fe) of a measured row (keys md_ranks, fe_ranks)."""
    return int(row["md_ranks"]), int(row["fe_ranks"])


def relative_error(pred: float, measured: float) -> float:
    """(pred − measured) / measured."""
    return (pred - measured) / measured


# ------------------------------------------------------------------ extrapolation
#: Assumptions of :func:`extrapolate` (unvalidated; stated in the README).
ASSUME = {
    "md_fraction": 0.01,          # MD-region atoms / atom-equivalents of the body
    "min_atoms_per_rank": 500,    # below this an MD group stops speeding up
    "min_dofs_per_rank": 5000,    # below this the FE group stops speeding up
}


def scenario(n_equiv: float, ref: dict) -> dict:
    """Workload of a body of ``n_equiv`` atom-equivalents, scaled from the measured row
    ``ref``: N = md_fraction · n_equiv; band + pad atoms and FE dofs grow like the MD
    region's perimeter, ∝ sqrt(N) (graded mesh: the fine ring around the region holds
    most nodes); exchanges and minimiser steps per exchange as measured in ``ref``."""
    n = ASSUME["md_fraction"] * n_equiv
    g = np.sqrt(n / ref["atoms"])
    steps_per_exchange = ref["md_iterations"] / max(ref["exchanges"], 1)
    return {"atoms": n, "band_atoms": ref["band_atoms"] * g, "pad_atoms": ref["pad_atoms"] * g,
            "fe_dofs": ref["fe_dofs"] * g, "exchanges": ref["exchanges"],
            "md_iterations": steps_per_exchange * ref["exchanges"]}


def best_layouts(coef: dict, w: dict, ranks: int) -> dict:
    """Quasi-static (sequential: both groups on all ranks, capped by the per-rank floors)
    and concurrent (dynamics: disjoint groups, the split minimising the slower group)
    predictions on ``ranks`` ranks."""
    cap_md = max(1, int(w["atoms"] // ASSUME["min_atoms_per_rank"]))
    cap_fe = max(1, int(w["fe_dofs"] // ASSUME["min_dofs_per_rank"]))
    shared = predict(coef, w, min(ranks, cap_md), min(ranks, cap_fe))["total"]
    best = None
    for p_fe in range(1, ranks):
        p = predict(coef, w, min(ranks - p_fe, cap_md), min(p_fe, cap_fe))
        md_side = p["md"] + p["operator"]
        fe_side = p["fe"] + p["other"]
        t = max(md_side, fe_side) + p["exchange"]
        if best is None or t < best[0]:
            best = (t, p_fe)
    return {"quasistatic_shared_s": shared, "concurrent_best_s": best[0],
            "concurrent_fe_ranks": best[1], "concurrent_md_ranks": ranks - best[1]}
