"""Training: a small fit halves the force error of the untrained (linear-only) fit on
held-out DFT data and comes within 2x of the published MTP force error; seeds reproduce;
checkpoints resume; MPI ranks agree with serial."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.metrics import error_table, predict
from mdfe.potentials.mtp.mlearn import read_mlearn
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.trainer import TrainSettings, train
from mpi_train import tiny_run

HERE = Path(__file__).parent
N_FIT, N_HELD_OUT, ITERATIONS = 20, 40, 150


def _force_mae(model, images):
    return error_table(predict(MTPCalculator(model, ["Si"]), images))["all"]["forces"]["MAE"]


def test_training_halves_force_error_of_untrained_fit(mlearn_dir):
    """Level 10 on 20 small training-split configurations (~5 CPU-s); the force MAE on 40
    others must be at most half the linear-only fit's and at most 2x Zuo's MTP (0.06 eV/A,
    the benchmark's bar). Measured: 0.106 eV/A."""
    small = [a for a in read_mlearn(mlearn_dir / "Si" / "training.json") if len(a) <= 64]
    pick = np.random.default_rng(0).permutation(len(small))
    fit_set = [small[i] for i in pick[:N_FIT]]
    held_out = [small[i] for i in pick[N_FIT:N_FIT + N_HELD_OUT]]
    settings = dict(seed=3, forces_weight=0.1, stress_weight=0.001)
    template = untrained(10, 1, 1.8, 5.0)
    linear_only = train(template, fit_set, settings=TrainSettings(max_iter=0, **settings))
    fit = train(template, fit_set, settings=TrainSettings(max_iter=ITERATIONS, **settings))
    assert fit.iterations == ITERATIONS and fit.loss_history[-1] < 0.1 * fit.loss_history[0]
    before, after = _force_mae(linear_only.model, held_out), _force_mae(fit.model, held_out)
    assert after <= 0.5 * before and after <= 2 * 0.06, (before, after)


def test_seed_reproduces_and_checkpoint_resumes(mlearn_dir, tmp_path):
    path = mlearn_dir / "Si" / "training.json"
    straight, again = tiny_run(path), tiny_run(path)
    np.testing.assert_array_equal(straight.model.radial_coeffs, again.model.radial_coeffs)
    assert straight.loss_history == again.loss_history

    images = [a for a in read_mlearn(path) if len(a) <= 64][:4]
    ck = tmp_path / "ck.mtp"
    kw = dict(seed=11, forces_weight=0.1, checkpoint_every=1)
    first = train(untrained(6, 1, 1.8, 5.0), images, checkpoint=ck,
                  settings=TrainSettings(max_iter=2, **kw))
    assert first.iterations == 2 and ck.exists()
    resumed = train(untrained(6, 1, 1.8, 5.0), images, checkpoint=ck,
                    settings=TrainSettings(max_iter=3, **kw))
    assert resumed.iterations == 3 and len(resumed.loss_history) == 3
    assert resumed.loss_history[:2] == straight.loss_history[:2]
    assert resumed.loss_history[2] <= resumed.loss_history[1]


def test_species_not_in_potential_and_nan_are_errors(mlearn_dir):
    images = read_mlearn(mlearn_dir / "Si" / "test.json")[:2]
    with pytest.raises(ValueError, match=r"atomic numbers \[14\].*species \[42\]"):
        train(untrained(6), images, species=[42])
    images[1].calc.results["forces"][0, 0] = np.nan
    with pytest.raises(ValueError, match="training configuration 1: NaN or infinite forces"):
        train(untrained(6), images)


@pytest.mark.mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_mpi_ranks_agree_with_serial(run_mpi, mlearn_dir, ranks):
    path = mlearn_dir / "Si" / "training.json"
    serial = tiny_run(path)
    out = run_mpi(ranks, [HERE / "mpi_train.py", path], timeout=120).stdout
    par = json.loads(out.strip().splitlines()[-1])
    np.testing.assert_allclose(par["loss"], serial.loss_history, rtol=1e-9)
    np.testing.assert_allclose(par["radial"], serial.model.radial_coeffs.ravel(), rtol=1e-7,
                               atol=1e-12)
