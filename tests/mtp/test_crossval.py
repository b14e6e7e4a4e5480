"""k-fold cross-validation inside the training split: held-out scores, ranking, errors."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.crossval import cross_validate
from mdfe.potentials.mtp.metrics import error_table, predict
from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp
from mdfe.potentials.mtp.trainer import TrainSettings, train

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def two_fold_maes(start, images, seed, settings):
    """(energy MAE eV/atom, force MAE eV/Å) over the two halves of a seeded permutation of
    6 ``images``: ``start`` trained on one half with ``settings``, scored on the other."""
    order = np.random.default_rng(seed).permutation(len(images))
    e, f = [], []
    for held, fit in ((order[:3], order[3:]), (order[3:], order[:3])):
        model = train(start, [images[i] for i in fit], species=[14], settings=settings).model
        t = error_table(predict(MTPCalculator(model, [14]), [images[i] for i in held]))["all"]
        e.append(t["energy_per_atom"]["MAE"])
        f.append(t["forces"]["MAE"])
    return np.mean(e), np.mean(f)


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
    e, f = two_fold_maes(start, images, 5, TrainSettings(max_iter=0, linear_solve=True,
                                                         forces_weight=1.0))
    heavy = next(r for r in ranked if r["candidate"] == {"forces_weight": 1.0})
    assert heavy["mae"]["energy_per_atom"] == pytest.approx(e, rel=1e-9)
    assert heavy["mae"]["forces"] == pytest.approx(f, rel=1e-9)
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


def test_benchmark_ranks_starts_of_two_levels_without_reading_the_test_split(
        mlearn_dir, tmp_path, monkeypatch):
    """benchmarks/mtp_weight_crossval.py --starts: one row per start (level 4 and level 8
    fits), held-out MAEs equal to folds recomputed here with the weights passed, ratios to
    Zuo's Si MTP bar (2.21 meV/atom, 0.06 eV/Å), best first; test.json is not JSON."""
    records = [r for r in json.loads((mlearn_dir / "Si" / "training.json").read_text())
               if len(r["structure"]["sites"]) <= 64][:6]
    (tmp_path / "Si").mkdir()
    (tmp_path / "Si" / "training.json").write_text(json.dumps(records))
    (tmp_path / "Si" / "test.json").write_text("not JSON: the test split must not be read")
    images = read_mlearn(tmp_path / "Si" / "training.json")
    starts = []
    for level in (4, 8):
        starts.append(tmp_path / f"L{level}.mtp")
        write_mtp(starts[-1], train(untrained(level, 1, min_dist=1.8), images[:3],
                                    species=[14], settings=TrainSettings(
                                        max_iter=3, seed=4, linear_solve=True)).model)
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_mtp_weight_crossval",
                                                  BENCH / "mtp_weight_crossval.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "starts.json"
    assert bench.main(["--element", "Si", "--data", str(tmp_path), "--starts", *map(str, starts),
                       "--energy-weight", "4", "--folds", "2", "--seed", "5",
                       "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert sorted(r["level"] for r in rows) == [4, 8]
    for r in rows:
        e, f = two_fold_maes(read_mtp(r["start"]), images, 5, TrainSettings(
            max_iter=0, linear_solve=True, energy_weight=4.0))
        assert r["E_MAE_meV_atom"] == pytest.approx(1000 * e, rel=1e-9)
        assert r["F_MAE_eV_A"] == pytest.approx(f, rel=1e-9)
        assert r["worst_ratio"] == pytest.approx(max(1000 * e / 2.21, f / 0.06), rel=1e-9)
    assert rows[0]["worst_ratio"] < rows[1]["worst_ratio"]
