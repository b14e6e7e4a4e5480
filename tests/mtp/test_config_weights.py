"""Per-configuration loss weights (TrainSettings.config_type_weights): an integer weight q
on a configuration is the same as listing it q times — checked for the loss and its
gradient, the exact linear solve and the energy-only start, against the unweighted code
on the duplicated data; bad weights are errors naming the key."""
from __future__ import annotations

import numpy as np
import pytest

from mdfe.potentials.mtp.calculator import species_numbers
from mdfe.potentials.mtp.fastloss import Loss, parameters
from mdfe.potentials.mtp.linear import solve_linear
from mdfe.potentials.mtp.trainer import TrainSettings, _config_weights, train
from mtp_cases import SPECIES, potential
from test_linear_solve import WEIGHTS, _images


def _typed(images):
    for k, at in enumerate(images):
        at.info["config_type"] = "scan" if k == 0 else "bulk"
    return images


def test_integer_weight_equals_duplicated_configuration():
    images = _typed(_images(2, count=3, seed=4))
    numbers = species_numbers(SPECIES[2])
    model = potential(8, 2, seed=7)
    theta = parameters(model)
    nlin = model.species_count + model.alpha_scalar_moments
    q = _config_weights(images, {"scan": 3})
    assert q.tolist() == [3.0, 1.0, 1.0]
    weighted = Loss(model, images, numbers, **WEIGHTS, weights=q)
    dup = Loss(model, [images[0]] * 3 + images[1:], numbers, **WEIGHTS)
    lw, gw = weighted(theta)
    ld, gd = dup(theta)
    # L = (1/C) Σ q_c L_c: 3 configurations weighted vs 5 listed
    assert lw * 3 / 5 == pytest.approx(ld, rel=1e-12)
    np.testing.assert_allclose(gw * 3 / 5, gd, rtol=1e-9, atol=1e-12 * np.abs(gd).max())
    # the exact linear solve and the energy-only start see the same problem
    np.testing.assert_allclose(solve_linear(weighted, theta, nlin)[:nlin],
                               solve_linear(dup, theta, nlin)[:nlin], rtol=1e-7, atol=1e-9)
    aw, bw = weighted.energy_rows(theta)
    ad, bd = dup.energy_rows(theta)
    np.testing.assert_allclose(aw.T @ aw, ad.T @ ad, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(aw.T @ bw, ad.T @ bd, rtol=1e-10, atol=1e-14)
    # and the weight changes the loss (it is not ignored)
    assert abs(lw - Loss(model, images, numbers, **WEIGHTS)(theta)[0]) > 1e-3 * lw


def test_bad_config_type_weights_are_errors():
    images = _typed(_images(1, count=2, seed=5))
    model = potential(8, 1, seed=3)
    numbers = species_numbers(SPECIES[1])
    with pytest.raises(ValueError, match="config_type 'edge'"):
        train(model, images, species=numbers,
              settings=TrainSettings(max_iter=1, config_type_weights={"edge": 2.0}))
    with pytest.raises(ValueError, match=r"config_type_weights\['scan'\] = -1"):
        train(model, images, species=numbers,
              settings=TrainSettings(max_iter=1, config_type_weights={"scan": -1}))
    with pytest.raises(ValueError, match="finite values > 0"):
        Loss(model, images, numbers, **WEIGHTS, weights=[1.0, 0.0])
    # a numpy integer is a number (a weight read from an array)
    train(model, images, species=numbers,
          settings=TrainSettings(max_iter=0, config_type_weights={"scan": np.int64(3)}))
