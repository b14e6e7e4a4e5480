"""mlearn reader: the stress unit (kbar) and sign (pressure) checked against the data's own
energies — σ_xx = (λ/V)·dE/dλ along the uniaxially strained "Elastic" cells of Si and Mo."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from mdfe.potentials.mtp.mlearn import read_mlearn


@pytest.mark.parametrize("element", ["Si", "Mo"])
def test_stress_is_energy_derivative_over_strain(mlearn_dir, element):
    images = read_mlearn(mlearn_dir / element / "training.json")
    modes: dict[str, list] = {}
    for a in images:
        m = re.search(r"mode (\d+), strain", a.info["description"])
        if a.info["group"] == "Elastic" and m:
            modes.setdefault(m.group(1), []).append(a)

    def uniaxial_x(cells):
        other = cells.reshape(len(cells), 9)[:, 1:]
        return np.ptp(cells[:, 0, 0]) > 0 and np.ptp(other, axis=0).max() == 0

    same_shape = next(g for g in modes.values()
                      if uniaxial_x(np.array([np.array(a.cell) for a in g])))
    assert len(same_shape) >= 6
    same_shape.sort(key=lambda a: a.cell[0, 0])
    lam = np.array([a.cell[0, 0] for a in same_shape])
    energy = np.array([a.get_potential_energy() for a in same_shape])
    fit = np.polynomial.Polynomial.fit(lam, energy, deg=min(5, len(lam) - 1))
    for a, l in zip(same_shape[1:-1], lam[1:-1]):
        sigma_fd = l / a.get_volume() * fit.deriv()(l)          # eV/Å³, stretch along x
        sigma = a.get_stress()[0]
        # agreement to 5 % + 0.005 eV/Å³ (0.8 GPa: Mo's DFT stress sits ~0.6 GPa off its
        # energy derivative, a Pulay-like offset); a GPa/kbar mix-up (×10) or a sign error
        # (values up to ±0.1 eV/Å³) cannot pass
        assert sigma == pytest.approx(sigma_fd, rel=0.05, abs=5e-3), (a.info["description"],
                                                                    sigma, sigma_fd)
        assert np.sign(sigma) == np.sign(sigma_fd) or abs(sigma_fd) < 5e-3
    assert max(abs(a.get_stress()[0]) for a in same_shape) > 0.05


def test_voigt_order_and_records(mlearn_dir):
    raw = json.loads((mlearn_dir / "Si" / "training.json").read_text())
    images = read_mlearn(mlearn_dir / "Si" / "training.json")
    assert len(images) == 214 and sum(len(a) for a in images) == 13233
    for rec, a in zip(raw, images):
        v = np.array(rec["outputs"]["virial_stress"])          # [xx yy zz xy yz xz], kbar
        np.testing.assert_allclose(a.get_stress(), -v[[0, 1, 2, 4, 5, 3]] / 1602.1766208)
        np.testing.assert_array_equal(a.get_forces(), rec["outputs"]["forces"])


def test_nan_in_data_names_the_record(tmp_path, mlearn_dir):
    raw = json.loads((mlearn_dir / "Mo" / "test.json").read_text())
    raw[3]["outputs"]["forces"][2][1] = float("nan")
    (tmp_path / "bad.json").write_text(json.dumps(raw))
    with pytest.raises(ValueError, match=r"bad\.json: record 3: NaN or infinite value in forces"):
        read_mlearn(tmp_path / "bad.json")
