"""k-fold cross-validation inside the training split: held-out scores, ranking, errors."""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.crossval import cross_validate, holdout
from mdfe.potentials.mtp.metrics import error_table, predict
from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp
from mdfe.potentials.mtp.trainer import TrainSettings, train

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def two_fold_maes(start, images, seed, settings):
    """(energy MAE eV/atom, force MAE eV/Å) over the two halves of a seeded permutation of
    6 ``images``: ``start`` trained on one half with ``settings``, scored on the other —
    unweighted, computed here from the calculator alone: |ΔE|/N averaged over the held-out
    configurations, |ΔF| over all their Cartesian components."""
    order = np.random.default_rng(seed).permutation(len(images))
    e, f = [], []
    for held, fit in ((order[:3], order[3:]), (order[3:], order[:3])):
        model = train(start, [images[i] for i in fit], species=[14], settings=settings).model
        de, df = [], []
        for ref in (images[i] for i in held):
            a = ref.copy()
            a.calc = MTPCalculator(model, [14])
            de.append(abs(a.get_potential_energy() - ref.get_potential_energy()) / len(a))
            df.append(np.abs(a.get_forces() - ref.get_forces()).ravel())
        e.append(np.mean(de))
        f.append(np.mean(np.concatenate(df)))
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


def test_held_out_errors_are_pooled_over_folds_per_group(mlearn_dir):
    """Every image is held out once: the pooled energy MAE of each mlearn group is the mean
    |ΔE|/N over that group's images, each predicted by the model of the fold that held it
    out (both folds retrained here)."""
    images = [a for a in read_mlearn(mlearn_dir / "Si" / "training.json") if len(a) <= 64]
    by_group = {}
    for a in images:
        by_group.setdefault(a.info["group"], []).append(a)
    images = [a for g in sorted(by_group)[:3] for a in by_group[g][:2]]   # 3 groups x 2
    base = TrainSettings(max_iter=0, seed=2)
    r, = cross_validate(images, [{"level": 6}], [14], folds=2, base=base, seed=4)
    order = np.random.default_rng(4).permutation(len(images))
    err = {}
    for held, fit in ((order[:3], order[3:]), (order[3:], order[:3])):
        model = train(untrained(6, 1), [images[i] for i in fit], species=[14],
                      settings=base).model
        for i in held:
            a = images[i].copy()
            a.calc = MTPCalculator(model, [14])
            de = abs(a.get_potential_energy() - images[i].get_potential_energy()) / len(a)
            err.setdefault(images[i].info["group"], []).append(de)
    assert set(r["held_out"]) == set(err) | {"all"} and len(err) == 3
    for g, values in err.items():
        assert r["held_out"][g]["energy_per_atom"]["N"] == 2
        assert r["held_out"][g]["energy_per_atom"]["MAE"] == pytest.approx(np.mean(values),
                                                                           rel=1e-9)
    assert r["held_out"]["all"]["energy_per_atom"]["MAE"] == pytest.approx(
        np.mean([v for vs in err.values() for v in vs]), rel=1e-9)


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


def _bench_data(mlearn_dir, tmp_path, monkeypatch, pick):
    """(benchmark module, images): mlearn Si training records ``pick`` as the training
    split in ``tmp_path``, a test.json that is not JSON (the test split must not be read)."""
    records = json.loads((mlearn_dir / "Si" / "training.json").read_text())
    (tmp_path / "Si").mkdir()
    (tmp_path / "Si" / "training.json").write_text(json.dumps([records[i] for i in pick]))
    (tmp_path / "Si" / "test.json").write_text("not JSON: the test split must not be read")
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_mtp_weight_crossval",
                                                  BENCH / "mtp_weight_crossval.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench, read_mlearn(tmp_path / "Si" / "training.json")


def _start(images, path, level):
    """A level-``level`` potential briefly trained on ``images[:3]``, written to ``path``."""
    write_mtp(path, train(untrained(level, 1, min_dist=1.8), images[:3], species=[14],
                          settings=TrainSettings(max_iter=3, seed=4, linear_solve=True)).model)
    return path


def test_benchmark_ranks_starts_of_two_levels_without_reading_the_test_split(
        mlearn_dir, tmp_path, monkeypatch):
    """benchmarks/mtp_weight_crossval.py --starts: one row per start (level 4 and level 8
    fits), held-out MAEs equal to folds recomputed here with the weights passed, ratios to
    Zuo's Si MTP bar (2.21 meV/atom, 0.06 eV/Å), best first; test.json is not JSON."""
    bench, images = _bench_data(mlearn_dir, tmp_path, monkeypatch, range(6))  # 63-64 atoms
    starts = [_start(images, tmp_path / f"L{level}.mtp", level) for level in (4, 8)]
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


def test_benchmark_group_weight_ranks_by_unweighted_held_out_errors(
        mlearn_dir, tmp_path, monkeypatch, capsys):
    """benchmarks/mtp_weight_crossval.py --group-weight Surface: 3 Vacancy + 3 Surface Si
    configurations (16-63 atoms), 2 folds; each row's held-out MAEs equal folds recomputed
    here with that Surface weight in the loss and *unweighted* errors over all held-out
    configurations; the weight changes the fit; ranked by the worse ratio to Zuo's bar."""
    bench, images = _bench_data(mlearn_dir, tmp_path, monkeypatch, [0, 1, 2, 57, 59, 63])
    assert [a.info["config_type"] for a in images] == ["Vacancy"] * 3 + ["Surface"] * 3
    start = _start(images, tmp_path / "L8.mtp", 8)
    out = tmp_path / "group.json"
    assert bench.main(["--element", "Si", "--data", str(tmp_path), "--starts", str(start),
                       "--energy-weight", "4", "--group-weight", "Surface", "--values", "1",
                       "8", "--folds", "2", "--seed", "5", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert sorted(r["value"] for r in rows) == [1.0, 8.0]
    for r in rows:      # seed 5: both halves hold a Surface configuration
        e, f = two_fold_maes(read_mtp(start), images, 5, TrainSettings(
            max_iter=0, linear_solve=True, energy_weight=4.0,
            config_type_weights={"Surface": r["value"]}))
        assert r["E_MAE_meV_atom"] == pytest.approx(1000 * e, rel=1e-9)
        assert r["F_MAE_eV_A"] == pytest.approx(f, rel=1e-9)
        assert r["worst_ratio"] == pytest.approx(max(1000 * e / 2.21, f / 0.06), rel=1e-9)
    assert rows[0]["worst_ratio"] <= rows[1]["worst_ratio"]
    assert abs(rows[0]["E_MAE_meV_atom"] / rows[1]["E_MAE_meV_atom"] - 1) > 1e-3
    for bad, msg in ((["--weight", "energy_weight"], "choose one"),
                     (["--values", "0"], "> 0 with --group-weight")):
        argv = ["--element", "Si", "--data", str(tmp_path), "--starts", str(start),
                "--group-weight", "Surface", "--values", "2", *bad]
        with pytest.raises(SystemExit):
            bench.parse(argv)
        assert msg in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"no training configuration has config_type 'Edge'"):
        bench.main(["--element", "Si", "--data", str(tmp_path), "--starts", str(start),
                    "--group-weight", "Edge", "--values", "2", "--folds", "2",
                    "--out", str(out)])


def test_training_benchmark_group_weight_option_rejects_bad_values(monkeypatch):
    """benchmarks/mtp_training.py --group-weight GROUP=W: W must be a finite number > 0."""
    monkeypatch.syspath_prepend(str(BENCH))
    training = importlib.import_module("mtp_training")
    assert training.group_weight("Surface=4") == ("Surface", 4.0)
    for bad in ("Surface", "=2", "Surface=0", "Surface=x", "Surface=nan", "Surface=-1"):
        with pytest.raises(argparse.ArgumentTypeError, match=re.escape(repr(bad))):
            training.group_weight(bad)


def test_holdout_is_disjoint_seeded_and_rejects_bad_fractions():
    """crossval.holdout(194, 0.2, seed): 39 held out (round(38.8)), the rest fitted, together
    exactly range(194); the same seed gives the same split, another seed another one."""
    fit, held = holdout(194, 0.2, 0)
    assert len(held) == 39 and len(fit) == 155
    assert sorted(np.concatenate([fit, held]).tolist()) == list(range(194))
    same_fit, same_held = holdout(194, 0.2, 0)
    assert held.tolist() == same_held.tolist() and fit.tolist() == same_fit.tolist()
    assert held.tolist() != holdout(194, 0.2, 1)[1].tolist()
    for bad in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=re.escape(f"validation fraction {bad!r}")):
            holdout(194, bad)


def test_training_benchmark_validation_mode_scores_the_holdout_not_the_test_split(
        mlearn_dir, tmp_path, monkeypatch):
    """benchmarks/mtp_training.py --validation-fraction 0.34 on 6 Si configurations (63-64
    atoms): trains on the 4 not held out (the checkpoint's fit equals a fit recomputed here
    on them), writes validation.json whose MAEs equal errors computed from the written
    potential on the 2 held-out ones; test.json is not JSON, so reading it would fail."""
    _, images = _bench_data(mlearn_dir, tmp_path, monkeypatch, range(6))
    training = importlib.import_module("mtp_training")
    args = ["--element", "Si", "--data", str(tmp_path), "--level", "6", "--linear-solve",
            "--max-iter", "2", "--energy-weight", "4", "--seed", "3",
            "--validation-fraction", "0.34", "--validation-seed", "7", "--out", str(tmp_path)]
    assert training.main(args) == 0
    out = tmp_path / "mtp_Si_val" / "L6_R5_B8_v0.34s7"
    result = json.loads((out / "validation.json").read_text())
    fit_idx, held_idx = holdout(6, 0.34, 7)
    assert result["held_out_indices"] == held_idx.tolist() and result["fit_count"] == 4
    model = read_mtp(out / "Si_L6.mtp")
    again = train(untrained(6, 1, 1.8, 5.0, 8), [images[i] for i in fit_idx], species=[14],
                  settings=TrainSettings(max_iter=2, seed=3, energy_weight=4.0,
                                         linear_solve=True)).model
    assert np.allclose(model.moment_coeffs, again.moment_coeffs, rtol=1e-6, atol=1e-9)
    held = [images[i] for i in held_idx]
    de, df = [], []
    for ref in held:
        a = ref.copy()
        a.calc = MTPCalculator(model, [14])
        de.append(abs(a.get_potential_energy() - ref.get_potential_energy()) / len(a))
        df.append(np.abs(a.get_forces() - ref.get_forces()).ravel())
    e, f = result["validation_mae"]["this fit"]
    assert e == pytest.approx(1000 * np.mean(de), rel=1e-6)
    assert f == pytest.approx(np.mean(np.concatenate(df)), rel=1e-6)
    assert not (out / "summary.json").exists()
