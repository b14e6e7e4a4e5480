"""benchmarks/perf_model.py against exactly known costs: workloads whose component times
are generated from chosen coefficients must give those coefficients back, and the model
must then predict a 2-rank layout exactly; the concurrent split balances the groups."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "perf_model.py"
spec = importlib.util.spec_from_file_location("bench_perf_model", PATH)
pm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pm)

TRUE = {"md": 2e-6, "fe": 3e-7, "alpha": 1.1, "operator": 4e-4, "exchange": 1e-6,
        "other": 5e-8}


def workload(atoms, dofs, exchanges, steps):
    return {"atoms": atoms, "band_atoms": 0.3 * atoms ** 0.5 * 10,
            "pad_atoms": 0.2 * atoms ** 0.5 * 10, "fe_dofs": dofs, "exchanges": exchanges,
            "md_iterations": steps}


def measured(w, p_md=1, p_fe=1):
    """A row with component times exactly as the model with TRUE coefficients says."""
    t = pm.predict(TRUE, w, p_md, p_fe)
    return {**w, "split_cpu_s": {k: t[k] for k in pm.COMPONENTS}, "solve_cpu_s": t["total"],
            "md_ranks": p_md, "fe_ranks": p_fe}


def test_fit_recovers_known_coefficients_and_predicts_other_layouts():
    rows = [measured(workload(a, d, e, s)) for a, d, e, s in
            [(800, 3000, 20, 900), (1500, 5200, 26, 1400), (2600, 9000, 31, 2500)]]
    coef = pm.fit(rows)
    for k, v in TRUE.items():
        assert coef[k] == pytest.approx(v, rel=1e-9), k
    big = measured(workload(5000, 16000, 40, 5000), p_md=2, p_fe=2)
    pred = pm.predict(coef, big, *pm.ranks_of(big))["total"]
    assert pm.relative_error(pred, big["solve_cpu_s"]) == pytest.approx(0.0, abs=1e-9)
    # a model that ignores the ranks would be off by about a factor two here
    serial = pm.predict(coef, big, 1, 1)["total"]
    assert pm.relative_error(serial, big["solve_cpu_s"]) > 0.5


def test_fit_needs_two_fe_sizes():
    w = measured(workload(800, 3000, 20, 900))
    with pytest.raises(ValueError, match="different FE sizes"):
        pm.fit([w, dict(w)])


def test_concurrent_split_balances_md_and_fe():
    w = workload(2e5, 1e6, 30, 3000)      # below the per-rank floors at 64 ranks
    out = pm.best_layouts(TRUE, w, 64)
    p = pm.predict(TRUE, w, out["concurrent_md_ranks"], out["concurrent_fe_ranks"])
    # brute force over all splits: the reported one is the best
    times = []
    for fe in range(1, 64):
        q = pm.predict(TRUE, w, 64 - fe, fe)
        times.append(max(q["md"] + q["operator"], q["fe"] + q["other"]) + q["exchange"])
    assert out["concurrent_best_s"] == pytest.approx(min(times))
    assert out["concurrent_fe_ranks"] == 1 + int(np.argmin(times))
    assert out["concurrent_best_s"] >= p["exchange"]
    # sequential quasi-static on all ranks can never be slower than a disjoint split's sum
    assert out["quasistatic_shared_s"] <= min(
        pm.predict(TRUE, w, 64 - fe, fe)["total"] for fe in range(1, 64))
