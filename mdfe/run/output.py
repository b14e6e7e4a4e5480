"""The run directory of ``mdfe run``: resolved config, log, series, snapshots, plots,
checkpoints. File writes happen on one rank (the caller decides which); every file that a
restart reads is written to a temporary name and renamed (no torn checkpoint).

Layout of ``<directory>``::

    config.toml            the resolved case (defaults filled, absolute paths)
    run.log                one line per event, UTC time stamps
    series.csv / .json     one row per load step (units in the column names)
    summary.json           K_G, K_IC, K_IC/K_G (eV/Å^{3/2} and MPa·√m at the thickness)
    fields/step_NNNN.h5/.xdmf   FE fields (ParaView)
    atoms/step_NNNN.extxyz      MD region (OVITO): role, displacement, coordination
    checkpoints/latest.npz      state at the last finished load step
    load_displacement.png, crack_length.png, k_vs_extension.png
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import os
from pathlib import Path

import numpy as np

from mdfe.config import ConfigError


def check_directory(path: str | Path, overwrite: bool, source: str) -> None:
    """ConfigError if ``path`` exists, is not empty, and ``overwrite`` is false."""
    p = Path(path)
    if not p.exists() or (p.is_dir() and not any(p.iterdir())):
        return
    if not overwrite:
        raise ConfigError(f"{source}: 'output.directory' = {str(p)!r} exists and is not "
                          "empty; choose another directory, set output.overwrite = true, "
                          "or continue it with 'mdfe run --restart DIR'")
    if not (p / "config.toml").is_file():
        raise ConfigError(f"{source}: 'output.directory' = {str(p)!r} is not empty and not "
                          "a run directory (no config.toml): output.overwrite only replaces "
                          "run directories")


def clear_directory(path: str | Path) -> None:
    """Remove an old run directory checked by :func:`check_directory` (overwrite)."""
    import shutil
    if Path(path).exists():
        shutil.rmtree(path)


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary sibling and a rename."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)
    os.replace(tmp, path)


class RunDirectory:
    """Writer for a run directory (use on the writing rank only)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        for sub in ("fields", "atoms", "checkpoints"):
            (self.path / sub).mkdir(parents=True, exist_ok=True)

    def log(self, message: str) -> None:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        with open(self.path / "run.log", "a") as fh:
            fh.write(f"{stamp} {message}\n")

    def write_series(self, rows: list[dict]) -> None:
        if not rows:
            return
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        atomic_write(self.path / "series.csv", buf.getvalue())
        atomic_write(self.path / "series.json", json.dumps(rows, indent=1))

    def write_json(self, name: str, data: dict) -> None:
        atomic_write(self.path / name, json.dumps(data, indent=1))

    def write_atoms(self, step: int, atoms, x: np.ndarray, roles: np.ndarray,
                    coordination: np.ndarray, info: dict) -> None:
        """extxyz of the MD region at current positions x (n, 3) Å."""
        from ase.io import write
        snap = atoms.copy()
        snap.positions = x
        snap.set_array("displacement", x - atoms.positions)
        snap.set_array("role", np.asarray(roles, np.int32))
        snap.set_array("coordination", np.asarray(coordination, np.int32))
        snap.info.update(info)
        write(self.path / "atoms" / f"step_{step:04d}.extxyz", snap, format="extxyz",
              parallel=False)   # ASE would broadcast over MPI_COMM_WORLD

    def save_checkpoint(self, state: dict) -> None:
        buf = io.BytesIO()
        np.savez(buf, **{k: np.asarray(v) for k, v in state.items() if k != "rows"},
                 rows=np.frombuffer(json.dumps(state["rows"]).encode(), np.uint8))
        atomic_write(self.path / "checkpoints" / "latest.npz", buf.getvalue())


def load_checkpoint(directory: str | Path) -> dict:
    """The state saved by :meth:`RunDirectory.save_checkpoint`; ConfigError if absent."""
    path = Path(directory) / "checkpoints" / "latest.npz"
    if not path.is_file():
        raise ConfigError(f"--restart {directory}: no checkpoint {path} (the run stopped "
                          "before its first load step finished); start it afresh")
    with np.load(path) as z:
        state = {k: z[k] for k in z.files}
    state["rows"] = json.loads(bytes(state["rows"]).decode())
    return state


def plot_series(directory: str | Path, rows: list[dict], k_g: float, mode: str,
                label: str = "") -> None:
    """The three PNG plots from the per-step rows."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if not rows:
        return
    col = {k: np.array([r[k] for r in rows], float) for k in rows[0] if k != "converged"}
    load_key = "K_over_KG" if mode == "k_field" else "strain"
    load_label = "K / K_G" if mode == "k_field" else "far-field strain ε_yy"
    d = Path(directory)
    figs = [("load_displacement.png", col["ctod_A"], col[load_key],
             "crack-tip opening of the atoms, 3 Å behind the tip (Å)", load_label),
            ("crack_length.png", col[load_key], col["extension_A"], load_label,
             "crack extension (Å)"),
            ("k_vs_extension.png", col["extension_A"], col["K_over_KG"],
             "crack extension (Å)", "K / K_G" + ("" if mode == "k_field" else " (from J)"))]
    for name, x, y, xl, yl in figs:
        fig, ax = plt.subplots(figsize=(5, 3.6))
        ax.plot(x, y, "o-")
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.grid(alpha=0.3)
        if label:
            ax.set_title(label, fontsize=8)
        fig.tight_layout()
        fig.savefig(d / name, dpi=110)
        plt.close(fig)
