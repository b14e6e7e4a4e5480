"""k-fold cross-validation inside the training split: held-out scores, ranking, errors."""
from __future__ import annotations

import numpy as np
import pytest

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.crossval import cross_validate
from mdfe.potentials.mtp.metrics import error_table, predict
from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.trainer import TrainSettings, train


def test_scores_are_held_out_errors_and_ranked(mlearn_dir):
    images = [a for a in read_mlearn(mlearn_dir / "Si" / "training.json") if len(a) <= 64][:6]
    base = TrainSettings(max_iter=0, seed=2)
    ranked = cross_validate(images, [{"level": 4}, {"level": 8}], [14], folds=2, base=base,
                            seed=5)
    assert [r["score"] for r in ranked] == sorted(r["score"] for r in ranked)
    # recompute fold 0 of the level-8 candidate independently of cross_validate's loop
    order = np.random.default_rng(5).permutation(len(images))
    held, fit = order[:3], order[3:]
    model = train(untrained(8, 1), [images[i] for i in fit], species=[14], settings=base).model
    t = error_table(predict(MTPCalculator(model, [14]), [images[i] for i in held]))["all"]
    expected = t["energy_per_atom"]["RMSE"] ** 2 + 0.01 * t["forces"]["RMSE"] ** 2
    lvl8 = next(r for r in ranked if r["candidate"] == {"level": 8})
    assert lvl8["fold_scores"][0] == pytest.approx(expected, rel=1e-9)
    assert lvl8["score"] == pytest.approx(np.mean(lvl8["fold_scores"]))


def test_unknown_hyper_parameter_is_an_error(mlearn_dir):
    images = read_mlearn(mlearn_dir / "Si" / "test.json")[:4]
    with pytest.raises(ValueError, match=r"unknown hyper-parameter\(s\) \['cutoff'\]"):
        cross_validate(images, [{"cutoff": 5.0}], [14], folds=2)


def test_warm_start_folds_start_from_the_given_potential(mlearn_dir):
    images = [a for a in read_mlearn(mlearn_dir / "Si" / "training.json") if len(a) <= 64][:6]
    start = train(untrained(8, 1), images[:3], species=[14],
                  settings=TrainSettings(max_iter=3, seed=4, linear_solve=True)).model
    base = TrainSettings(max_iter=0, linear_solve=True)
    ranked = cross_validate(images, [{"forces_weight": 0.01}, {"forces_weight": 1.0}], [14],
                            folds=2, base=base, seed=5, start=start)
    # fold MAEs recomputed from the start potential, independently of cross_validate's loop
    order = np.random.default_rng(5).permutation(len(images))
    e, f = [], []
    for held, fit in ((order[:3], order[3:]), (order[3:], order[:3])):
        model = train(start, [images[i] for i in fit], species=[14],
                      settings=TrainSettings(max_iter=0, linear_solve=True,
                                             forces_weight=1.0)).model
        t = error_table(predict(MTPCalculator(model, [14]), [images[i] for i in held]))["all"]
        e.append(t["energy_per_atom"]["MAE"])
        f.append(t["forces"]["MAE"])
    heavy = next(r for r in ranked if r["candidate"] == {"forces_weight": 1.0})
    assert heavy["mae"]["energy_per_atom"] == pytest.approx(np.mean(e), rel=1e-9)
    assert heavy["mae"]["forces"] == pytest.approx(np.mean(f), rel=1e-9)
    # the untrained template's random radial start gives worse held-out forces (1.4x here)
    cold = cross_validate(images, [{"level": 8, "forces_weight": 1.0}], [14], folds=2,
                          base=base, seed=5)[0]
    assert cold["mae"]["forces"] > 1.2 * heavy["mae"]["forces"]


def test_warm_start_rejects_model_keys_and_untrained_start(mlearn_dir):
    images = read_mlearn(mlearn_dir / "Si" / "test.json")[:4]
    with pytest.raises(ValueError, match="must be a trained potential"):
        cross_validate(images, [{"forces_weight": 0.1}], [14], folds=2, start=untrained(4, 1))
    start = train(untrained(4, 1), images, species=[14], settings=TrainSettings(max_iter=0)).model
    with pytest.raises(ValueError, match=r"model keys \['level'\] cannot change"):
        cross_validate(images, [{"level": 8}], [14], folds=2, start=start)
