"""Graphene | borophene (β12, χ3) lateral heterostructures: periodicity and strain of the
misfit strategy, atom counts, distances and the C–B bond across both interfaces, all
computed by hand from the lattice constants; bad input."""
import itertools

import numpy as np
import pytest
from ase.neighborlist import neighbor_list

from mdfe.solvers.md.structures import graphene_borophene_heterostructure

A_G = 2.4612                                    # Å, graphene (any relaxed value)
A_B = {"beta12": (2.9261, 5.0702),              # Å, rectangular cells (a, b); b/a not the
       "chi3": (2.9183, 8.4410)}                # ideal √3 and 5/√3, to test both stretches
ATOMS_PER_CELL = {"beta12": 5, "chi3": 8}       # boron atoms per rectangular cell
ROWS = {"beta12": 3, "chi3": 5}                 # close-packed boron rows per b
BOND = 1.55                                     # Å, C–B across the interface

CASES = ([("coherent", *c) for c in [("beta12", "zigzag", "a", 6), ("beta12", "armchair", "b", 6),
                                      ("chi3", "armchair", "a", 7), ("chi3", "armchair", "b", 2)]]
         + [("commensurate", p, o, ax, 12) for p, o, ax in itertools.product(
             ("beta12", "chi3"), ("zigzag", "armchair"), ("a", "b"))])


def _expected_repeats(strategy, p_g, p_b, nx):
    """(n_g, n_b) by brute force over all pairs: the smallest |n_g P_g − n_b P_b|."""
    graphene = [nx] if strategy == "coherent" else range(1, nx + 1)
    pairs = [(g, b) for g in graphene for b in range(1, 4 * nx)]
    return min(pairs, key=lambda p: (abs(p[0] * p_g - p[1] * p_b), p[0]))


def _periodic_under(xy, shift, length):
    """True if translating the (n, 2) points by ``shift`` along x (periodic over
    ``length``) maps the set onto itself."""
    dx = xy[:, None, 0] + shift - xy[None, :, 0]
    dx -= length * np.round(dx / length)
    dist = np.hypot(dx, xy[:, None, 1] - xy[None, :, 1])
    return dist.min(axis=1).max() < 1e-9


@pytest.mark.parametrize("strategy, phase, orientation, axis, nx", CASES)
def test_graphene_borophene(strategy, phase, orientation, axis, nx):
    ny_g, ny_b = 2, 3
    atoms = graphene_borophene_heterostructure(phase, A_G, A_B[phase], nx, ny_g, ny_b, BOND,
                                               strategy, orientation, borophene_axis=axis)
    p_g = A_G if orientation == "zigzag" else np.sqrt(3) * A_G
    a, b = A_B[phase]
    p_b = a if axis == "a" else b
    n_g, n_b = _expected_repeats(strategy, p_g, p_b, nx)
    length = n_g * p_g
    strain = length / (n_b * p_b) - 1
    assert atoms.info["repeats_x"] == (n_g, n_b)
    assert atoms.cell[0, 0] == pytest.approx(length, rel=1e-14)
    assert atoms.info["strain_x"] == pytest.approx((0.0, strain), abs=1e-14)
    assert atoms.info["misfit"] == pytest.approx(n_b * p_b / length - 1, abs=1e-14)
    assert abs(strain) < 0.05
    if strategy == "commensurate":
        assert abs(n_g * p_g - n_b * p_b) <= abs(nx * p_g - round(nx * p_g / p_b) * p_b)

    sym = np.array(atoms.get_chemical_symbols())
    assert set(sym) == {"C", "B"}
    assert np.sum(sym == "C") == 4 * n_g * ny_g
    assert np.sum(sym == "B") == ATOMS_PER_CELL[phase] * n_b * ny_b

    xy = atoms.positions[:, :2]
    carbon, boron = xy[sym == "C"], xy[sym == "B"]
    assert _periodic_under(carbon, p_g, length)                  # graphene unstrained
    assert _periodic_under(boron, length / n_b, length)          # borophene strained to fit
    assert not _periodic_under(boron, p_b, length) or strain == 0

    # distances: C–C bond, the strained boron lattice, and the requested C–B bond
    a_x, b_y = (a * (1 + strain), b) if axis == "a" else (a, b * (1 + strain))
    d_row = b_y / ROWS[phase]
    d_boron = min(d_row, np.hypot(a_x / 2, d_row / 2))
    i, j, dist = neighbor_list("ijd", atoms, 2.0)
    pair = np.char.add(sym[i], sym[j])
    assert dist.min() >= min(A_G / np.sqrt(3), d_boron, BOND) * (1 - 1e-12)
    assert dist[pair == "CC"].min() == pytest.approx(A_G / np.sqrt(3), rel=1e-12)
    assert dist[pair == "BB"].min() == pytest.approx(d_boron, rel=1e-12)
    # both interfaces (above the graphene strip and through the periodic image at y = 0)
    y_c = atoms.positions[i, 1]
    upper = y_c > np.median(atoms.positions[sym == "C", 1])
    for side in (upper, ~upper):
        assert abs(dist[(pair == "CB") & side].min() - BOND) < 1e-9
    for y_i, gap in zip(atoms.info["interface_y"], atoms.info["interface_gap"]):
        dy = atoms.positions[:, 1] - y_i
        dy -= atoms.cell[1, 1] * np.round(dy / atoms.cell[1, 1])
        assert np.abs(dy).min() == pytest.approx(gap / 2)        # mid-gap, no atom inside
        below = np.argmax(np.where(dy < 0, dy, -np.inf))
        above = np.argmin(np.where(dy > 0, dy, np.inf))
        assert {sym[below], sym[above]} == {"C", "B"}          # carbon on one side, boron other

GOOD = dict(phase="beta12", a_graphene=A_G, a_borophene=A_B["beta12"], nx=6, ny_graphene=2,
            ny_borophene=2, bond=BOND)


@pytest.mark.parametrize("change, message", [
    (dict(phase="alpha"), "phase 'alpha'"),
    (dict(a_graphene=0.0), "a_graphene=.*> 0"),
    (dict(a_graphene=-2.46), "a_graphene=.*> 0"),
    (dict(a_borophene=(2.93, -5.07)), "a_borophene=.*> 0"),
    (dict(a_borophene=2.93), "a_borophene=.*pair"),
    (dict(bond=0.0), "bond=.*> 0"),
    (dict(bond=0.5, borophene_axis="b"), "bond=0.5"),  # C–B ≥ 0.82 Å at zero gap
    (dict(nx=0), "nx=0"),
    (dict(ny_graphene=0), "ny_graphene=0"),
    (dict(ny_borophene=-1), "ny_borophene=-1"),
    (dict(nx=1), "nx=1: .*max_strain"),                  # 1 : 1 is a 16 % strain
    (dict(strategy="incoherent"), "strategy 'incoherent'"),
    (dict(orientation="chiral"), "orientation 'chiral'"),
    (dict(borophene_axis="c"), "borophene_axis 'c'"),
])
def test_bad_input_is_refused_naming_the_argument(change, message):
    with pytest.raises(ValueError, match=message):
        graphene_borophene_heterostructure(**{**GOOD, **change})
