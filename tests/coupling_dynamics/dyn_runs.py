"""Helpers of the dynamics tests: run mpi/dyn_check.py and read what it measured."""
import json
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).parent / "mpi" / "dyn_check.py"
KB = 8.617343e-5          # eV/K


def run(run_mpi, tmp_path, n, mode, *args, timeout=300):
    """dyn_check.py on n ranks; its JSON as a dict."""
    out = tmp_path / f"{mode}_{n}_{abs(hash(tuple(map(str, args))))}.json"
    run_mpi(n, [SCRIPT, out, mode, *map(str, args)], timeout=timeout)
    return json.loads(out.read_text())


def returned(res) -> float:
    """Energy in the core (its atoms' kinetic + site energies) averaged over the last quarter
    of the run, when the packet has met the band and what returns is back in the core, as a
    fraction of the packet energy E(0)."""
    core = np.array(res["core"])
    return float(core[-max(2, len(core) // 4):].mean() / res["E"][0])


def drift_per_1000(res) -> float:
    """|least-squares slope of E − E_relaxed| per 1000 steps, relative to E(0)."""
    steps, E = np.array(res["step"], float), np.array(res["E"])
    return abs(np.polyfit(steps, E, 1)[0]) * 1000.0 / E[0]


def block_mean(x, blocks: int = 10) -> tuple[float, float]:
    """(mean, standard error from ``blocks`` block means) of a correlated series."""
    x = np.asarray(x, float)
    b = x[:len(x) // blocks * blocks].reshape(blocks, -1).mean(axis=1)
    return float(b.mean()), float(b.std(ddof=1) / np.sqrt(blocks))
