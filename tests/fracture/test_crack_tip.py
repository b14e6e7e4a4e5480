"""Crack-tip tracking (solvers/md/crack_tip.py) on hand-made graphene configurations.

The expected tips come from a brute-force O(N²) search over all atom pairs (not the
tracker's neighbour list), with the bond geometry of graphene (d0 = a/√3)."""
import numpy as np
import pytest

from mdfe.potentials.properties.unit_cells import hexagonal_rectangular
from mdfe.solvers.md.crack_tip import CrackTipTracker, coordination, reference_bonds
from mdfe.solvers.md.setup import slit

A = 2.46


@pytest.fixture(scope="module")
def sheet():
    X = hexagonal_rectangular("graphene", A, "zigzag").repeat(16, 9).positions
    y_cut, x_tip, up, lo = slit(X, X[:, 1].mean(), X[:, 0].mean())
    return X, y_cut, x_tip, up, lo


def brute_tip(X, x, y_cut, x_tip, cut=1.5):
    """Furthest midpoint x of stretched first-neighbour pairs crossing the crack line."""
    d_ref = np.linalg.norm(X[:, None, :2] - X[None, :, :2], axis=2)
    d_now = np.linalg.norm(x[:, None, :2] - x[None, :, :2], axis=2)
    i, j = np.nonzero((d_ref < 1.1 * A / np.sqrt(3)) & (d_now > cut * d_ref))
    cross = (X[i, 1] - y_cut) * (X[j, 1] - y_cut) < 0
    mid = 0.5 * (x[i, 0] + x[j, 0])[cross]
    return max(mid.max(initial=x_tip), x_tip)


def test_reference_bonds_and_coordination(sheet):
    X, y_cut, x_tip, up, lo = sheet
    bonds = reference_bonds(X[:, :2], exclude=(up, lo))
    assert np.allclose(np.linalg.norm(X[bonds[:, 0]] - X[bonds[:, 1]], axis=1), A / np.sqrt(3))
    z = coordination(X, bonds, X)
    interior = ((X[:, 0] > 1) & (X[:, 0] < X[:, 0].max() - 1) & (X[:, 1] > 1)
                & (X[:, 1] < X[:, 1].max() - 1))
    face = np.zeros(len(X), bool)
    face[np.r_[up, lo] - 1] = np.abs(X[np.r_[up, lo] - 1, 1] - y_cut) < 1.0
    assert face.sum() >= 2 * 7
    assert np.all(z[interior & ~face] == 3) and np.all(z[interior & face] == 2)


@pytest.mark.parametrize("x_break", [None, 3.0, 7.5, 15.0])
def test_tip_is_the_furthest_broken_bond_on_the_line(sheet, x_break):
    X, y_cut, x_tip, up, lo = sheet
    t = CrackTipTracker(X, (x_tip, y_cut), exclude=(up, lo))
    x = X.copy()
    x[X[:, 1] > y_cut, 1] += 0.2                      # open the slit (no bond breaks: 14 %)
    if x_break is not None:                           # open the line up to x_tip + x_break
        x[(X[:, 1] > y_cut) & (X[:, 0] < x_tip + x_break), 1] += 1.5
    state = t.locate(x)
    expect = brute_tip(X, x, y_cut, x_tip)
    assert state.tip[0] == pytest.approx(expect, abs=1e-12)
    assert state.extension == pytest.approx(expect - x_tip, abs=1e-12)
    if x_break is None:
        assert state.extension == 0.0 and len(state.broken) == 0
    else:
        assert x_tip + x_break - 1.5 < state.tip[0] < x_tip + x_break   # last bond before x_break
        assert state.tip[1] == pytest.approx(y_cut)


def test_rigid_motion_and_bonds_far_off_the_line(sheet):
    X, y_cut, x_tip, up, lo = sheet
    t = CrackTipTracker(X, (x_tip, y_cut), exclude=(up, lo), band=3.0)
    c, s = np.cos(0.3), np.sin(0.3)
    rigid = X @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]).T + [5.0, -2.0, 0.3]
    assert not t.broken(rigid).any()
    x = X.copy()
    far = np.argmin(np.hypot(X[:, 0] - X[:, 0].mean() - 10, X[:, 1] - y_cut - 8))
    x[far, 2] += 3.0                                  # an atom pulled out 8 Å off the line
    assert t.broken(x).sum() == 3 and t.locate(x).extension == 0.0
    with pytest.raises(ValueError, match="stretch"):
        CrackTipTracker(X, (x_tip, y_cut), stretch=0.9)


def test_tip_opening_of_a_hand_opened_slit(sheet):
    """Upper half moved up by 0.3 Å, lower half down by 0.1 Å: opening 0.4 Å; a rigid
    translation opens nothing."""
    from mdfe.solvers.md.crack_tip import tip_opening
    X, y_cut, x_tip, up, lo = sheet
    x = X.copy()
    x[X[:, 1] > y_cut, 1] += 0.3
    x[X[:, 1] < y_cut, 1] -= 0.1
    assert tip_opening(x, X, up, lo, (x_tip, y_cut)) == pytest.approx(0.4, abs=1e-12)
    assert tip_opening(X + [1.0, 2.0, 0.0], X, up, lo, (x_tip, y_cut)) == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="no face atom"):
        tip_opening(X, X, up, lo, (X[:, 0].min() - 5.0, y_cut))
