"""coupling.accuracy: the e% metric and the full-atomistic reference relaxation."""
import numpy as np
import pytest

import mdfe  # noqa: F401
from mdfe.coupling.accuracy import (error_percent, full_atomistic_reference, outer_layer,
                                    within)


def test_error_percent_by_hand():
    # defect field |u_ref - u_far| = 1 Å on each of 4 selected atoms (norm 2); coupled
    # error 0.03 Å on one of them, 0.04 Å on another: |u - u_ref| = 0.05 -> e = 2.5 %
    u_far = np.zeros((5, 2))
    u_ref = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [9.0, 9.0]])
    u = u_ref.copy()
    u[0, 1] += 0.03
    u[2, 0] += 0.04
    u[4] += 5.0                                      # outside the selection: ignored
    mask = np.array([True, True, True, True, False])
    assert error_percent(u, u_ref, u_far, mask) == pytest.approx(2.5, rel=1e-14)
    assert error_percent(u, u_ref, u_far, np.arange(4)) == pytest.approx(2.5, rel=1e-14)


@pytest.mark.parametrize("args, match", [
    ((np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((2, 2))), "must be equal"),
    ((np.zeros((3, 2)), np.ones((3, 2)), np.zeros((3, 2)), np.zeros(3, bool)), "no atoms"),
    ((np.zeros((3, 2)), np.ones((3, 2)), np.ones((3, 2))), "no defect field"),
    ((np.zeros((3, 2)), np.ones((3, 2)), np.zeros((3, 2)), np.ones(2, bool)), "bool mask"),
])
def test_error_percent_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        error_percent(*args)


def test_within_and_outer_layer():
    X = np.array([[0.0, 0.0], [5.0, 5.0], [9.5, 5.0], [5.0, 0.5], [3.0, 4.0]])
    assert within(X, (5.0, 5.0), 2.5).tolist() == [False, True, False, False, True]
    assert outer_layer(X, 1.0, lo=(0, 0), hi=(10, 10)).tolist() == [True, False, True,
                                                                     True, False]


def test_reference_reaches_the_exact_homogeneous_state():
    """A perfect graphene patch with its outer 2 r_cut held at F X + ξ(F) relaxes to the
    Cauchy–Born state everywhere (exactly known), from a start that is off by the inner
    shift and by random noise."""
    from mpi4py import MPI
    from mdfe.coupling import build
    from mdfe.potentials.lammps_potential import LammpsPotential
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    from mdfe.solvers.md.structures import relaxed_lattice_constant, sheet
    pot = LammpsPotential.tersoff()
    a = relaxed_lattice_constant(pot, "graphene")
    atoms = sheet("graphene", pot, 10, 6, "zigzag", a=a)
    law = build.continuum_law(pot, hexagonal_primitive("graphene", a))
    H = np.array([[1.5e-2, 4e-3], [-2e-3, 8e-3]])
    X = atoms.positions
    cb = law.cb                                 # ξ straight from the Cauchy–Born cell
    xi = (cb.xi((np.eye(2) + H)[None])[0] - cb.xi(np.eye(2)[None])[0])[
        np.argsort(cb.unit_cell.sublattice), :2]                 # (2 sublattices, 2)
    exact = X[:, :2] @ H.T + xi[atoms.get_array("sublattice")]
    fixed = outer_layer(X, 2 * pot.cutoff + 0.1)
    start = X[:, :2] @ H.T + np.where(fixed[:, None], xi[atoms.get_array("sublattice")],
                                      np.random.default_rng(1).uniform(-0.05, 0.05, (len(X), 2)))
    ref = full_atomistic_reference(atoms, pot, start, fixed, comm=MPI.COMM_SELF, ftol=1e-9)
    assert ref.max_force <= 1e-9
    assert ref.ids.tolist() == list(range(1, len(X) + 1))
    err = np.abs(ref.u[:, :2] - exact).max()
    assert err < 1e-8, err
    assert np.abs(ref.u[:, 2]).max() < 1e-10                     # stays flat
    assert np.array_equal(ref.displacements([3, 1]), ref.u[[2, 0]])
    with pytest.raises(ValueError, match="every atom is held"):
        full_atomistic_reference(atoms, pot, start, np.ones(len(X), bool), comm=MPI.COMM_SELF)
    with pytest.raises(ValueError, match="u_start"):
        full_atomistic_reference(atoms, pot, start[:5], fixed, comm=MPI.COMM_SELF)
