"""Hyper-parameters by k-fold cross-validation inside the training split.

Each candidate (a dict of :func:`~mdfe.potentials.mtp.model.untrained` arguments — level,
min_dist, max_dist — and :class:`TrainSettings` fields) is trained on k−1 folds and
scored on the held-out fold; the score is the training loss's own combination of errors,
w_E·RMSE(E/N)² + w_F·RMSE(F)² (eV², eV²/Å² weighted), averaged over folds. Scores of
candidates with different loss weights are not comparable, so each result also carries the
fold-averaged held-out MAEs (energy per atom eV/atom, force components eV/Å) to rank by,
and the held-out errors pooled over the folds (every image is held out once) over all
images and per group (``info["group"]``: mlearn's Surface, Vacancy, ...;
:func:`~mdfe.potentials.mtp.metrics.error_table`): a group of a few configurations (mlearn's
surfaces) has ~1 per fold, too few for a per-fold mean.
With ``start`` (a trained potential) every fold starts from it instead of an untrained
template (a warm start: cheap proxies for weight choices, e.g. ``max_iter=0`` with
``linear_solve`` re-solves only the linear coefficients). A start potential fitted to all of
``images`` has seen every held-out fold (through the coefficients the folds do not refit):
its held-out errors are optimistic and rank candidates, they are not generalisation
errors. The test split is never seen here.
"""
from __future__ import annotations

from dataclasses import fields

import numpy as np
from ase import Atoms

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.metrics import error_table, predict
from mdfe.potentials.mtp.model import MTPModel, untrained
from mdfe.potentials.mtp.trainer import TrainSettings, train

_MODEL_KEYS = ("level", "min_dist", "max_dist", "radial_basis_size")


def split(candidate: dict, base: TrainSettings) -> tuple[dict, TrainSettings]:
    """(template arguments, settings) of a candidate; unknown keys raise ValueError."""
    names = {f.name for f in fields(TrainSettings)}
    bad = sorted(set(candidate) - names - set(_MODEL_KEYS))
    if bad:
        raise ValueError(f"unknown hyper-parameter(s) {bad}; allowed: "
                         f"{sorted(_MODEL_KEYS + tuple(names))}")
    model = {k: v for k, v in candidate.items() if k in _MODEL_KEYS}
    settings = TrainSettings(**{**base.__dict__, **{k: v for k, v in candidate.items()
                                                    if k in names}})
    return model, settings


def holdout(count: int, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(fit indices, held-out indices), both sorted: a seeded random ``round(fraction·count)``
    of ``range(count)`` held out (at least 1, at most count − 1), the rest to fit on — a
    single validation split inside the training split. ValueError unless 0 < fraction < 1."""
    if not 0 < fraction < 1:
        raise ValueError(f"validation fraction {fraction!r}: must be in (0, 1)")
    if count < 2:
        raise ValueError(f"a validation holdout needs >= 2 configurations, got {count}")
    held = min(max(round(fraction * count), 1), count - 1)
    order = np.random.default_rng(seed).permutation(count)
    return np.sort(order[held:]), np.sort(order[:held])


def cross_validate(images: list[Atoms], candidates: list[dict], species: list[int], *,
                   folds: int = 3, base: TrainSettings | None = None, seed: int = 0,
                   comm=None, start: MTPModel | None = None) -> list[dict]:
    """Scores of ``candidates`` (list of dicts, see module docstring), best first.

    Returns [{"candidate": dict, "score": float, "fold_scores": [...],
    "mae": {"energy_per_atom": eV/atom, "forces": eV/Å}, "held_out": error_table of the
    pooled held-out predictions}, ...] (MAEs averaged over folds).
    """
    if folds < 2 or folds > len(images):
        raise ValueError(f"folds must be in [2, {len(images)}], got {folds}")
    if start is not None and not start.is_trained:
        raise ValueError("start must be a trained potential (all coefficients present)")
    base = base or TrainSettings()
    order = np.random.default_rng(seed).permutation(len(images))
    parts = np.array_split(order, folds)
    out = []
    for cand in candidates:
        model_args, settings = split(cand, base)
        if start is not None and model_args:
            raise ValueError(f"candidate {cand}: model keys {sorted(model_args)} cannot "
                             "change a start potential")
        scores, mae_e, mae_f, pooled = [], [], [], []
        for k in range(folds):
            fit = [images[i] for j, p in enumerate(parts) if j != k for i in p]
            held = [images[i] for i in parts[k]]
            template = start if start is not None else untrained(
                **{"species_count": len(species), **model_args})
            model = train(template, fit, species=species, settings=settings, comm=comm).model
            rows = predict(MTPCalculator(model, species), held)
            pooled += rows
            t = error_table(rows)["all"]
            scores.append(settings.energy_weight * t["energy_per_atom"]["RMSE"] ** 2
                          + settings.forces_weight * (t["forces"]["RMSE"] or 0.0) ** 2)
            mae_e.append(t["energy_per_atom"]["MAE"])
            mae_f.append(t["forces"]["MAE"] or 0.0)
        out.append({"candidate": cand, "score": float(np.mean(scores)),
                    "fold_scores": [float(s) for s in scores],
                    "mae": {"energy_per_atom": float(np.mean(mae_e)),
                            "forces": float(np.mean(mae_f))},
                    "held_out": error_table(pooled)})
    return sorted(out, key=lambda r: r["score"])
