"""The C++ training loss (mdfe.potentials.mtp.fastloss): its energies, forces and stress
equal motep's evaluation, its loss equals motep's LossFunction, and its gradient equals a
central finite difference of the loss. Seeded random coefficients; levels 8/16; 1-3 species."""
from __future__ import annotations

import numpy as np
import pytest
from ase.calculators.singlepoint import SinglePointCalculator

from mdfe.potentials.mtp._motep import to_motep
from mdfe.potentials.mtp.calculator import MTPCalculator, species_numbers
from mdfe.potentials.mtp.fastloss import Configuration, Evaluator, Loss, parameters
from mtp_cases import SPECIES, crystal, potential

WEIGHTS = dict(energy_weight=1.0, forces_weight=0.1, stress_weight=0.01)


def _labelled(n_species: int, count: int = 3, seed: int = 0):
    """Rattled crystals (one 2x1x1 supercell) with seeded random reference values."""
    rng = np.random.default_rng(seed)
    images = []
    for k in range(count):
        atoms = crystal(n_species, seed=seed + k)
        if k == 1:
            atoms = atoms.repeat((2, 1, 1))
        n = len(atoms)
        atoms.calc = SinglePointCalculator(atoms, energy=rng.normal(-4.0 * n, 1.0),
                                           forces=rng.normal(0, 0.5, (n, 3)),
                                           stress=rng.normal(0, 0.01, 6))
        images.append(atoms)
    return images


@pytest.mark.parametrize("n_species", [1, 3])
@pytest.mark.parametrize("level", [8, 16])
def test_energy_forces_stress_equal_motep(level, n_species):
    model = potential(level, n_species, seed=level)
    numbers = species_numbers(SPECIES[n_species])
    ev = Evaluator(model)
    ev.set_parameters(parameters(model))
    for atoms in _labelled(n_species):
        e, f, w = ev.energy_forces(Configuration.from_atoms(atoms, numbers, ev.cutoff))
        ref = atoms.copy()
        ref.calc = MTPCalculator(model, SPECIES[n_species])
        fref = ref.get_forces()
        assert np.abs(fref).max() > 0.1
        assert abs(e - ref.get_potential_energy()) <= 1e-12 * abs(e) + 1e-12
        np.testing.assert_allclose(f, fref, rtol=0, atol=1e-11 * np.abs(fref).max())
        sigma = 0.5 * (w + w.T) / atoms.cell.volume
        np.testing.assert_allclose(sigma, ref.get_stress(voigt=False), rtol=0,
                                   atol=1e-11 * np.abs(sigma).max())


def test_loss_and_gradient_equal_motep_loss_function():
    from motep.loss import LossFunction, LossSetting

    model = potential(16, 2, seed=5)
    numbers = species_numbers(SPECIES[2])
    images = _labelled(2, seed=7)
    ours, grad = Loss(model, images, numbers, **WEIGHTS)(parameters(model))
    data = to_motep(model, numbers)
    data.optimized = ["moment_coeffs", "species_coeffs", "radial_coeffs"]
    motep_loss = LossFunction(images, data, LossSetting(**WEIGHTS), engine="cext")
    theirs, their_grad = motep_loss(data.parameters), motep_loss.jac(data.parameters)
    assert ours == pytest.approx(float(theirs), rel=1e-11)
    s, na = model.species_count, model.alpha_scalar_moments    # motep: [moment, species, radial]
    reordered = np.concatenate([their_grad[na:na + s], their_grad[:na], their_grad[na + s:]])
    np.testing.assert_allclose(grad, reordered, rtol=0, atol=1e-8 * np.abs(reordered).max())


@pytest.mark.parametrize("n_species,level", [(1, 8), (2, 16), (3, 8)])
def test_gradient_equals_finite_difference_of_loss(level, n_species):
    model = potential(level, n_species, seed=3)
    numbers = species_numbers(SPECIES[n_species])
    loss = Loss(model, _labelled(n_species, seed=level), numbers, **WEIGHTS)
    theta = parameters(model)
    value, grad = loss(theta)
    assert value > 0 and np.abs(grad).max() > 0
    # every linear coefficient and a seeded sample of the radial ones
    n_lin = model.species_count + model.alpha_scalar_moments
    rng = np.random.default_rng(0)
    picks = np.concatenate([np.arange(n_lin), n_lin + rng.choice(
        theta.size - n_lin, min(40, theta.size - n_lin), replace=False)])
    fd = np.empty(picks.size)
    for n, k in enumerate(picks):
        h = 1e-6 * max(1.0, abs(theta[k]))
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        fd[n] = (loss(up)[0] - loss(down)[0]) / (2 * h)
    np.testing.assert_allclose(grad[picks], fd, rtol=0, atol=1e-6 * np.abs(fd).max())


def test_wrong_parameter_count_is_an_error():
    ev = Evaluator(potential(8, 1))
    with pytest.raises(ValueError, match=f"expected {ev.nparams} values, got \\(3,\\)"):
        ev.set_parameters(np.zeros(3))
