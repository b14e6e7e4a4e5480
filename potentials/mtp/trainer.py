"""Train an MTP: E/F/stress-weighted least squares, checkpointed, resumable, MPI-parallel.

Algorithm (as MLIP's ``mlp train``): linear least squares for the linear coefficients
(species_coeffs, moment_coeffs) at fixed radial coefficients, then BFGS on all
coefficients, then a last linear solve. The loss is

    L = w_E·⟨(ΔE/N)²⟩ + w_F·⟨Σ|ΔF|²/N⟩ + w_S·⟨(V/N)²·Σ|Δσ|²⟩       (averages over configurations)

(energies eV, forces eV/Å, stress eV/Å³; V/N makes the stress term eV per atom).
The engine is motep's (MIT, pinned 0.2.0) compiled ``cext`` evaluator and its loss and
optimisers; no motep type leaves this module. Configurations are shared round-robin over
the ranks of ``comm`` (an mpi4py communicator); every rank must pass the same images, and
rank 0 writes the files. Reproducible: the start radial coefficients come from ``seed``.

Checkpoints: every ``checkpoint_every`` BFGS iterations rank 0 writes ``<checkpoint>``
(a ``.mtp``) and ``<checkpoint>.json`` (iterations done, loss history). ``train`` with an
existing checkpoint resumes from it (BFGS restarts its Hessian estimate there).
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from ase import Atoms

from mdfe.potentials.mtp._motep import to_motep, update_from_motep
from mdfe.potentials.mtp.model import MTPModel
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp

log = logging.getLogger(__name__)


@dataclass
class TrainSettings:
    """Hyper-parameters of one fit (weights as in the loss above)."""

    energy_weight: float = 1.0
    forces_weight: float = 0.01
    stress_weight: float = 0.001
    max_iter: int = 500              # BFGS iterations in total (over resumes)
    checkpoint_every: int = 10       # BFGS iterations between checkpoints
    time_limit: float | None = None  # s of wall time for BFGS in this call, then stop cleanly
    seed: int = 0
    method: str = "BFGS"             # any scipy.optimize.minimize gradient method


@dataclass
class TrainResult:
    """The trained model, and the loss after each BFGS iteration."""

    model: MTPModel
    iterations: int
    loss_history: list[float] = field(default_factory=list)
    wall_time: float = 0.0
    stopped_by: str = "max_iter"


def _bfgs_class():
    """motep's scipy optimiser with a per-iteration hook that may stop it (built lazily)."""
    from motep.optimizers import ScipyMinimizeOptimizer
    from scipy.optimize import minimize

    class _Stop(Exception):
        pass

    class CheckpointedMinimize(ScipyMinimizeOptimizer):
        def _optimize(self, method="BFGS", maxiter=100, on_iteration=None, **_):
            best = {"x": self.loss.mtp_data.parameters.copy()}

            def callback(intermediate_result):
                best["x"] = np.array(intermediate_result.x, copy=True)
                if on_iteration(intermediate_result.fun):
                    raise _Stop

            try:
                res = minimize(self.rank0_loss, best["x"], jac=self.rank0_jac, method=method,
                               callback=callback, options={"maxiter": maxiter})
                return res.x
            except _Stop:
                return best["x"]

    return CheckpointedMinimize


def _species_numbers(images: list[Atoms], species: list[int] | None) -> list[int]:
    present = sorted({int(z) for a in images for z in a.numbers})
    if species is None:
        return present
    missing = sorted(set(present) - set(species))
    if missing:
        raise ValueError(f"atomic numbers {missing} in the training data are not among the "
                         f"potential's species {list(species)}")
    return list(species)


def _check_targets(images: list[Atoms]) -> None:
    for n, a in enumerate(images):
        res = getattr(a.calc, "results", None)
        if not res or "energy" not in res:
            raise ValueError(f"training configuration {n}: no reference energy "
                             "(attach a SinglePointCalculator with energy/forces)")
        for key, val in res.items():
            if isinstance(val, (float, np.ndarray)) and not np.all(np.isfinite(val)):
                raise ValueError(f"training configuration {n}: NaN or infinite {key}")


def train(model: MTPModel, images: list[Atoms], *, species: list[int] | None = None,
          settings: TrainSettings | None = None, checkpoint: str | os.PathLike | None = None,
          comm=None) -> TrainResult:
    """Fit ``model`` (untrained template or a start potential) to ``images``.

    ``species``: atomic numbers in type order (default: sorted numbers in the data);
    ``checkpoint``: path of the resumable checkpoint ``.mtp``; ``comm``: mpi4py
    communicator (default COMM_WORLD). Returns a :class:`TrainResult`.
    """
    from motep.loss import LossFunction, LossSetting
    from motep.optimizers import LLSOptimizer
    from mpi4py import MPI

    comm = MPI.COMM_WORLD if comm is None else comm
    s = settings or TrainSettings()
    _check_targets(images)
    numbers = _species_numbers(images, species)
    ckpt = Path(checkpoint) if checkpoint else None
    done, history = 0, []
    if ckpt is not None and ckpt.exists() and Path(f"{ckpt}.json").exists():
        state = json.loads(Path(f"{ckpt}.json").read_text())
        model, done, history = read_mtp(ckpt), state["iterations"], state["loss_history"]
        numbers = state["species"]
    elif not model.is_trained:
        rng = np.random.default_rng(s.seed)
        model = model.copy()
        sc, f, b = model.species_count, model.radial_funcs_count, model.radial_basis_size
        model.radial_coeffs = rng.uniform(-0.1, 0.1, (sc, sc, f, b))
        model.species_coeffs = np.zeros(sc)
        model.moment_coeffs = np.zeros(model.alpha_scalar_moments)
    if model.species_count != len(numbers):
        raise ValueError(f"potential has species_count = {model.species_count}, the data "
                         f"have species {numbers}")
    data = to_motep(model, numbers)
    setting = LossSetting(energy_weight=s.energy_weight, forces_weight=s.forces_weight,
                          stress_weight=s.stress_weight)
    loss = LossFunction(images, data, setting, engine="cext", comm=comm)
    t0 = time.perf_counter()
    minimized = ["energy", "forces"] + (["stress"] if s.stress_weight > 0 else [])

    def linear_solve():
        LLSOptimizer(loss, optimized=["species_coeffs", "moment_coeffs"],
                     minimized=minimized).optimize()

    def save(iterations: int):
        if ckpt is not None and comm.rank == 0:
            write_mtp(ckpt, update_from_motep(model, data))
            Path(f"{ckpt}.json").write_text(json.dumps(
                {"iterations": iterations, "loss_history": history, "species": numbers,
                 "settings": asdict(s)}))

    if done == 0:
        linear_solve()
    stopped_by = "max_iter"
    if done < s.max_iter:
        state = {"it": done, "stopped_by": "max_iter"}

        def on_iteration(fun: float) -> bool:
            """Record, checkpoint; True to stop (rank 0 only)."""
            state["it"] += 1
            history.append(float(fun))
            if state["it"] % s.checkpoint_every == 0:
                save(state["it"])
            if s.time_limit is not None and time.perf_counter() - t0 > s.time_limit:
                state["stopped_by"] = "time_limit"
                return True
            return state["it"] >= s.max_iter

        _bfgs_class()(loss, optimized=["species_coeffs", "moment_coeffs", "radial_coeffs"],
                      ).optimize(method=s.method, maxiter=s.max_iter - done,
                                 on_iteration=on_iteration)
        done = comm.bcast(state["it"], root=0)
        stopped_by = comm.bcast(state["stopped_by"], root=0)
    linear_solve()
    save(done)
    result_model = update_from_motep(model, data)
    return TrainResult(model=result_model, iterations=done, loss_history=history,
                       wall_time=time.perf_counter() - t0, stopped_by=stopped_by)
