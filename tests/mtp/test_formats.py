"""MLIP .mtp / .cfg readers and writers: exact round trips, motep (independent reader)
reads mdfe's files with identical content and energies, and bad input names file and line."""
from __future__ import annotations

import numpy as np
import pytest
from motep.calculator import MTP as MotepMTP
from motep.io.mlip.cfg import read_cfg as motep_read_cfg
from motep.io.mlip.mtp import read_mtp as motep_read_mtp
from motep.io.mlip.mtp import write_mtp as motep_write_mtp

from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.cfg import CFGFormatError, read_cfg, write_cfg
from mdfe.potentials.mtp.mtp_file import MTPFormatError, read_mtp, write_mtp
from mtp_cases import SPECIES, crystal, potential

ARRAYS = ("alpha_index_basic", "alpha_index_times", "alpha_moment_mapping", "radial_coeffs",
          "species_coeffs", "moment_coeffs")
SCALARS = ("species_count", "min_dist", "max_dist", "radial_basis_size", "radial_funcs_count",
           "alpha_moments_count", "scaling", "version", "potential_name", "potential_tag",
           "radial_basis_type")


def _same_model(a, b, rtol=0.0):
    for k in SCALARS:
        x, y = getattr(a, k), getattr(b, k)
        assert x == (pytest.approx(y, rel=rtol) if isinstance(y, float) else y), k
    for k in ARRAYS:
        np.testing.assert_allclose(getattr(a, k), getattr(b, k), rtol=rtol, atol=0, err_msg=k)


@pytest.mark.parametrize("level,n_species", [(8, 1), (16, 2), (24, 3)])
def test_mtp_round_trip_exact_and_motep_agrees(tmp_path, level, n_species):
    m = potential(level, n_species, seed=5)
    m.scaling = 0.8731
    write_mtp(tmp_path / "a.mtp", m)
    back = read_mtp(tmp_path / "a.mtp")
    _same_model(m, back)
    write_mtp(tmp_path / "b.mtp", back)
    assert (tmp_path / "a.mtp").read_text() == (tmp_path / "b.mtp").read_text()

    theirs = motep_read_mtp(tmp_path / "a.mtp")               # independent reader
    np.testing.assert_array_equal(theirs.radial_coeffs, m.radial_coeffs)
    np.testing.assert_array_equal(theirs.moment_coeffs, m.moment_coeffs)
    np.testing.assert_array_equal(theirs.alpha_index_times, m.alpha_index_times)
    assert theirs.scaling == m.scaling and theirs.radial_basis.max == m.max_dist
    theirs.species = [int(z) for z in crystal(n_species)[:n_species].numbers]
    atoms = crystal(n_species, seed=2)
    ref = atoms.copy()
    ref.calc = MotepMTP(theirs, engine="numpy" if level < 24 else "cext")
    atoms.calc = MTPCalculator(back, SPECIES[n_species])
    assert atoms.get_potential_energy() == pytest.approx(ref.get_potential_energy(), rel=1e-12)


def test_reads_motep_written_mlip_layout(tmp_path):
    m = potential(10, 2, seed=9)
    write_mtp(tmp_path / "ours.mtp", m)
    motep_write_mtp(tmp_path / "theirs.mtp", motep_read_mtp(tmp_path / "ours.mtp"), legacy=True)
    _same_model(m, read_mtp(tmp_path / "theirs.mtp"), rtol=1e-15)  # motep writes 16 digits


def _broken(tmp_path, text, edit):
    path = tmp_path / "bad.mtp"
    path.write_text(edit(text))
    return path


@pytest.mark.parametrize("edit,pattern", [
    (lambda t: "\n".join(t.splitlines()[:12]), r"bad\.mtp:12: file ends inside radial_coeffs"),
    (lambda t: t.replace("alpha_moments_count", "alpha_moments_cnt"),
     r"missing field 'alpha_moments_count'"),
    (lambda t: t.replace("alpha_scalar_moments = 16", "alpha_scalar_moments = 15"),
     r"bad\.mtp:\d+: alpha_moment_mapping: 16 entries, but alpha_scalar_moments = 15"),
    (lambda t: t.replace("species_count = 2", "species_count = 1"),
     r"bad\.mtp:\d+: radial_coeffs block '0-1' beyond species_count = 1"),
    (lambda t: t.replace("moment_coeffs = {", "moment_coeffs = {nan, "),
     r"bad\.mtp:\d+: .*NaN"),
    (lambda t: t.replace("MTP\n", "MPT\n", 1), r"bad\.mtp:1: first line must be 'MTP'"),
])
def test_bad_mtp_names_file_and_line(tmp_path, edit, pattern):
    write_mtp(tmp_path / "ok.mtp", potential(10, 2))
    with pytest.raises(MTPFormatError, match=pattern):
        read_mtp(_broken(tmp_path, (tmp_path / "ok.mtp").read_text(), edit))


def _labelled(n_species, seed):
    atoms = crystal(n_species, seed=seed)
    atoms.calc = MTPCalculator(potential(8, n_species, seed=seed), SPECIES[n_species])
    atoms.get_stress()
    from ase.calculators.singlepoint import SinglePointCalculator
    r = atoms.calc.results
    atoms.calc = SinglePointCalculator(atoms, energy=r["energy"], forces=r["forces"],
                                       stress=r["stress"])
    atoms.info["EFS_by"] = "mdfe test"
    atoms.arrays["nbh_grades"] = np.linspace(0.1, 2.5, len(atoms))
    return atoms


def test_cfg_round_trip_exact_and_motep_agrees(tmp_path):
    images = [_labelled(3, s) for s in range(3)]
    write_cfg(tmp_path / "a.cfg", images, SPECIES[3])
    back = read_cfg(tmp_path / "a.cfg", SPECIES[3])
    theirs = motep_read_cfg(tmp_path / "a.cfg", index=":", species=list(images[0].numbers[:3]))
    for a, b, t in zip(images, back, theirs):
        assert list(a.numbers) == list(b.numbers) == list(t.numbers)
        np.testing.assert_array_equal(a.positions, b.positions)
        np.testing.assert_array_equal(a.cell, b.cell)
        np.testing.assert_array_equal(a.get_forces(), b.get_forces())
        np.testing.assert_array_equal(a.arrays["nbh_grades"], b.arrays["nbh_grades"])
        assert a.get_potential_energy() == b.get_potential_energy() == t.get_potential_energy()
        # stress passes through the virial −σV: equal to rounding of one multiply-divide
        np.testing.assert_allclose(b.get_stress(), a.get_stress(), rtol=1e-15, atol=1e-18)
        np.testing.assert_allclose(t.get_stress(), a.get_stress(), rtol=1e-15, atol=1e-18)
        np.testing.assert_array_equal(t.get_forces(), a.get_forces())
        assert b.info["EFS_by"] == "mdfe test"
    write_cfg(tmp_path / "b.cfg", back, SPECIES[3])
    again = read_cfg(tmp_path / "b.cfg", SPECIES[3])
    for b, c in zip(back, again):
        np.testing.assert_array_equal(b.positions, c.positions)
        assert b.get_potential_energy() == c.get_potential_energy()


@pytest.mark.parametrize("edit,pattern", [
    (lambda t: t.rsplit("END_CFG", 1)[0], r"bad\.cfg:\d+: file ends while reading the "
                                          r"configuration begun at line \d+"),
    (lambda t: t.replace(" Size\n    8", " Size\n    9", 1), r"bad\.cfg:\d+: expected 8 numbers"
                                                              r"|bad\.cfg:\d+: expected numbers"),
    (lambda t: t.replace(" Energy\n    ", " Energy\n    nan", 1), r"bad\.cfg:\d+: .*(NaN|numbers)"),
    (lambda t: t.replace("AtomData:  id type", "AtomData:  id kind", 1),
     r"bad\.cfg:\d+: AtomData has no 'type' column"),
])
def test_bad_cfg_names_file_and_line(tmp_path, edit, pattern):
    write_cfg(tmp_path / "ok.cfg", [_labelled(1, 0), _labelled(1, 1)], ["Si"])
    path = tmp_path / "bad.cfg"
    path.write_text(edit((tmp_path / "ok.cfg").read_text()))
    with pytest.raises(CFGFormatError, match=pattern):
        read_cfg(path, ["Si"])


def test_cfg_type_without_species_is_an_error(tmp_path):
    write_cfg(tmp_path / "two.cfg", [_labelled(2, 0)], SPECIES[2])
    with pytest.raises(CFGFormatError, match=r"two\.cfg:1: type 1 has no species"):
        read_cfg(tmp_path / "two.cfg", ["Si"])
