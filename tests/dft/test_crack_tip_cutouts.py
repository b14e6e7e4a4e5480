"""Crack-tip cut-outs for active learning (mdfe.potentials.dft.cutouts): geometry kept,
vacuum, spin start on under-coordinated atoms, centre-only grading mask."""
from __future__ import annotations

import numpy as np
import pytest
from ase import Atoms

from mdfe.potentials.dft.cutouts import VACUUM, cutout, interior
from mdfe.potentials.dft.structures import honeycomb


def _sheet() -> Atoms:
    """A flat, finite graphene patch (~30 × 26 Å, a = 2.467 Å), no periodicity."""
    s = honeycomb(2.467, ("C", "C"), "8", 14.0).repeat((6, 3, 1))
    return Atoms(s.symbols, positions=s.positions)


def test_cutout_keeps_nearest_atoms_and_their_geometry():
    sheet = _sheet()
    centre = int(np.argmin(np.linalg.norm(sheet.positions - sheet.positions.mean(0), axis=1)))
    c = cutout(sheet, centre, 16)
    assert len(c) == 16
    d = np.linalg.norm(sheet.positions - sheet.positions[centre], axis=1)
    keep = np.argsort(d, kind="stable")[:16]
    # same shape: all pair distances of the 16 nearest atoms, centre first
    pd = np.linalg.norm(c.positions[:, None] - c.positions[None], axis=2)
    ref = np.linalg.norm(sheet.positions[keep][:, None] - sheet.positions[keep][None], axis=2)
    np.testing.assert_allclose(pd, ref, atol=1e-12)
    assert np.linalg.norm(c.positions[1:] - c.positions[0], axis=1).min() == \
        pytest.approx(np.sort(d)[1], abs=1e-12)            # centre first
    # vacuum on every in-plane side, sheet mid-height
    assert (c.positions[:, :2].min(0) >= VACUUM - 1e-9).all()
    assert (np.diag(c.cell)[:2] - c.positions[:, :2].max(0) >= VACUUM - 1e-9).all()
    assert c.info["spin"] is True
    # the centre of a perfect sheet is 3-coordinated (no moment); the 16-atom rim is not
    mag = c.get_initial_magnetic_moments()
    assert mag[0] == 0.0 and mag.sum() > 0
    coord = (pd < 1.8).sum(1) - 1
    np.testing.assert_array_equal(mag, np.where(coord < 3, 1.0, 0.0))
    # graded by its centre only
    assert not c.arrays["artificial"][0] and c.arrays["artificial"][1:].all()


def test_interior_excludes_atoms_within_a_cutoff_of_the_patch_rim():
    sheet = _sheet()
    inside = interior(sheet.positions, 5.0)
    lo, hi = sheet.positions[:, :2].min(0), sheet.positions[:, :2].max(0)
    margin = np.minimum(sheet.positions[:, :2] - lo, hi - sheet.positions[:, :2]).min(1)
    np.testing.assert_array_equal(inside, margin >= 5.0)
    assert 0 < inside.sum() < len(sheet)
