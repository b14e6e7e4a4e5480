"""Train an MTP: E/F/stress-weighted least squares, checkpointed, resumable, MPI-parallel.

Algorithm: an energy-only linear least-squares start for the linear coefficients
(species_coeffs, moment_coeffs: E/N is linear in them at fixed radial coefficients and
its design matrix costs one energy pass), then a quasi-Newton minimisation (scipy BFGS by
default, any gradient method of ``scipy.optimize.minimize``) of all coefficients — or,
with ``TrainSettings.linear_solve``, of the radial coefficients only, the linear ones
solved exactly by weighted least squares on E, F and stress at every loss evaluation
(variable projection, :mod:`linear`). The loss
(motep's and MLIP's) is

    L = w_E·⟨(ΔE/N)²⟩ + w_F·⟨Σ|ΔF|²/N⟩ + w_S·⟨(V/N)²·Σ_ab|Δσ_ab|²⟩     (averages over configurations)

(energies eV, forces eV/Å, stress eV/Å³ full 3×3; V/N makes the stress term eV per atom;
``TrainSettings.config_type_weights`` multiplies the terms of the configurations whose
``info["config_type"]`` it names — e.g. the few small-strain cells that carry the elastic
constants among many large-strain ones).
Loss and gradient come from mdfe's C++ evaluator (:mod:`fastloss`: the gradient of the
force and stress terms is a directional derivative of ∂E/∂θ, about three energy passes per
configuration). Why not motep's trainer: its gradient builds the full force Jacobian,
measured ~100× its own energy pass (60 CPU-s per BFGS iteration on mlearn Si, level 16).

Configurations are shared round-robin over the ranks of ``comm`` (an mpi4py
communicator); every rank must pass the same images, gets the same allreduced loss and
gradient and so takes the same optimiser steps; rank 0 writes the files. Reproducible:
the start radial coefficients come from ``seed``.

Checkpoints: every ``checkpoint_every`` iterations rank 0 writes ``<checkpoint>`` (a
``.mtp``) and ``<checkpoint>.json`` (iterations done, loss history). ``train`` with an
existing checkpoint resumes from it (the quasi-Newton Hessian estimate restarts there).
"""
from __future__ import annotations

import json
import logging
import numbers
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from ase import Atoms

from mdfe.potentials.mtp.fastloss import Loss, parameters, with_parameters
from mdfe.potentials.mtp.linear import ProjectedLoss
from mdfe.potentials.mtp.model import MTPModel
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp

log = logging.getLogger(__name__)


@dataclass
class TrainSettings:
    """Hyper-parameters of one fit (weights as in the loss above)."""

    energy_weight: float = 1.0
    forces_weight: float = 0.01
    stress_weight: float = 0.001
    max_iter: int = 500              # optimiser iterations in total (over resumes)
    checkpoint_every: int = 10       # iterations between checkpoints
    time_limit: float | None = None  # s of wall time for the optimiser in this call
    seed: int = 0
    method: str = "BFGS"             # any scipy.optimize.minimize gradient method
    linear_solve: bool = False       # optimise radial coefficients only, linear ones solved
    #: {config_type: weight > 0}: loss weight of the configurations with that
    #: info["config_type"] (others 1); every key must name some training configuration
    config_type_weights: dict[str, float] = field(default_factory=dict)


@dataclass
class TrainResult:
    """The trained model, and the loss after each optimiser iteration."""

    model: MTPModel
    iterations: int
    loss_history: list[float] = field(default_factory=list)
    wall_time: float = 0.0
    stopped_by: str = "max_iter"     # or "time_limit", or "converged" (optimiser's own stop)
    evaluations: int = 0             # loss + gradient evaluations in this call
    iteration_times: list[float] = field(default_factory=list)  # s since start, this call


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


def _config_weights(images: list[Atoms], by_type: dict[str, float]) -> np.ndarray:
    """Loss weight per image from ``TrainSettings.config_type_weights``; ValueError names
    a key no image has or a weight that is not a finite number > 0."""
    types = [str(a.info.get("config_type", "")) for a in images]
    for key, w in by_type.items():
        if key not in types:
            raise ValueError(f"config_type_weights: no training configuration has "
                             f"config_type {key!r} (present: {sorted(set(types))})")
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not np.isfinite(w) \
                or w <= 0:
            raise ValueError(f"config_type_weights[{key!r}] = {w!r}: must be a number > 0")
    return np.array([float(by_type.get(t, 1.0)) for t in types])


def _linear_start(loss: Loss, theta: np.ndarray, n_linear: int, comm) -> np.ndarray:
    """θ with its linear block (first ``n_linear``) fitted to the energies per atom."""
    a, b = loss.energy_rows(theta)
    if comm is not None and comm.size > 1:
        a, b = np.vstack(comm.allgather(a)), np.concatenate(comm.allgather(b))
    out = theta.copy()
    out[:n_linear] = np.linalg.lstsq(a[:, :n_linear], b, rcond=None)[0]
    return out


def train(model: MTPModel, images: list[Atoms], *, species: list[int] | None = None,
          settings: TrainSettings | None = None, checkpoint: str | os.PathLike | None = None,
          comm=None) -> TrainResult:
    """Fit ``model`` (untrained template or a start potential) to ``images``.

    ``species``: atomic numbers in type order (default: sorted numbers in the data);
    ``checkpoint``: path of the resumable checkpoint ``.mtp``; ``comm``: mpi4py
    communicator (default COMM_WORLD). Returns a :class:`TrainResult`.
    """
    from mpi4py import MPI
    from scipy.optimize import minimize

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
    loss = Loss(model, images, numbers, energy_weight=s.energy_weight,
                forces_weight=s.forces_weight, stress_weight=s.stress_weight, comm=comm,
                weights=_config_weights(images, s.config_type_weights))
    t0 = time.perf_counter()
    theta = parameters(model)
    nlin = model.species_count + model.alpha_scalar_moments
    if done == 0:
        theta = _linear_start(loss, theta, nlin, comm)
    if s.linear_solve:       # the optimiser's x is the radial block; θ = full(x)
        objective = ProjectedLoss(loss, theta, nlin)
        full, x0 = objective.full, theta[nlin:]
    else:
        objective, full, x0 = loss, (lambda x: x), theta

    def save(x: np.ndarray, iterations: int):
        theta = full(x)                     # collective when it solves: every rank calls
        if ckpt is not None and comm.rank == 0:
            write_mtp(ckpt, with_parameters(model, theta))
            Path(f"{ckpt}.json").write_text(json.dumps(
                {"iterations": iterations, "loss_history": history, "species": numbers,
                 "settings": asdict(s)}))

    state = {"it": done, "stopped_by": "max_iter", "x": x0}
    stamps: list[float] = []
    if done < s.max_iter:
        def callback(intermediate_result):
            """Record, checkpoint; StopIteration ends the optimiser (decided on rank 0)."""
            state["it"] += 1
            state["x"] = np.array(intermediate_result.x, copy=True)
            history.append(float(intermediate_result.fun))
            stamps.append(time.perf_counter() - t0)
            if state["it"] % s.checkpoint_every == 0:
                save(state["x"], state["it"])
            over = s.time_limit is not None and time.perf_counter() - t0 > s.time_limit
            if comm.bcast(over, root=0):
                state["stopped_by"] = "time_limit"
                raise StopIteration
            if state["it"] >= s.max_iter:
                raise StopIteration

        res = minimize(objective, x0, jac=True, method=s.method, callback=callback,
                       options=_options(s.method, s.max_iter - done))
        if state["it"] < s.max_iter and state["stopped_by"] == "max_iter":
            state["stopped_by"] = "converged"
            if res.fun <= (history[-1] if history else np.inf):
                state["x"] = np.array(res.x, copy=True)
    save(state["x"], state["it"])
    return TrainResult(model=with_parameters(model, full(state["x"])), iterations=state["it"],
                       loss_history=history, wall_time=time.perf_counter() - t0,
                       stopped_by=state["stopped_by"], evaluations=loss.evaluations,
                       iteration_times=stamps)


def _options(method: str, maxiter: int) -> dict:
    """scipy options: stop only on the iteration count or a failed line search."""
    opts = {"maxiter": maxiter}
    if method.upper() == "BFGS":
        opts["gtol"] = 0.0
    elif method.upper() == "L-BFGS-B":
        opts.update(gtol=0.0, ftol=0.0, maxfun=50 * maxiter + 100, maxcor=30)
    return opts
