"""Hand training to the MLIP program's ``mlp`` when it is on PATH (same files).

mdfe writes the template (``.mtp``) and the training set (``.cfg``) and runs
``mlp train <template> <train.cfg> --trained-pot-name=<out> ...`` with the loss weights
and iteration limit given; the result is read back with mdfe's reader.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from mdfe.potentials.mtp.cfg import write_cfg
from mdfe.potentials.mtp.model import MTPModel
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp
from mdfe.potentials.mtp.trainer import TrainSettings


def mlp_executable() -> str | None:
    """Path of ``mlp`` on PATH, or None."""
    return shutil.which("mlp")


def train_with_mlp(model: MTPModel, images, species: list[int], settings: TrainSettings,
                   workdir: str | Path, nprocs: int = 1) -> MTPModel:
    """Train with MLIP's ``mlp train``; raises RuntimeError if ``mlp`` is absent or fails."""
    exe = mlp_executable()
    if exe is None:
        raise RuntimeError("--engine mlip: the MLIP program 'mlp' is not on PATH "
                           "(use --engine mdfe, the default)")
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    write_mtp(work / "init.mtp", model)
    write_cfg(work / "train.cfg", images, species)
    cmd = [exe, "train", "init.mtp", "train.cfg", "--trained-pot-name=trained.mtp",
           f"--max-iter={settings.max_iter}", f"--energy-weight={settings.energy_weight}",
           f"--force-weight={settings.forces_weight}", f"--stress-weight={settings.stress_weight}"]
    if nprocs > 1:
        cmd = [shutil.which("mpirun") or "mpirun", "-n", str(nprocs), *cmd]
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}) in {work}:\n"
                           f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return read_mtp(work / "trained.mtp")
