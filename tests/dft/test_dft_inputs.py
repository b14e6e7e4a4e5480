"""DFT settings (k-point grids, vacuum axes, cutoffs, file errors) and input structures."""
from __future__ import annotations

import math

import numpy as np
import pytest
from ase.neighborlist import neighbor_list

from mdfe.potentials.dft.settings import (DEFAULT_SETTINGS, SettingsError, kpoint_grid,
                                          load_settings, vacuum_axes)
from mdfe.potentials.dft.store import config_id
from mdfe.potentials.dft.structures import (armchair_ribbon, bent_set, close_contact_set,
                                            deformed,
                                            face_contact_set, high_strain_set, honeycomb,
                                            sheet_set,
                                            zigzag_interface_set, zigzag_ribbon)

A = 2.467


def test_shipped_settings_and_kpoint_grids():
    s = load_settings(DEFAULT_SETTINGS)
    # |b1| of the primitive cell is 2/(sqrt(3) a) = 0.468 1/Å -> 2π·4·0.468 = 11.8 -> 12.
    assert kpoint_grid(honeycomb(A, ("C", "C"), "2", 14.0), 4.0, 6.0) == (12, 12, 1)
    assert kpoint_grid(honeycomb(A, ("C", "C"), "8", 14.0), 4.0, 6.0) == (6, 6, 1)
    assert kpoint_grid(honeycomb(A, ("C", "C"), "18", 14.0), 4.0, 6.0) == (4, 4, 1)
    # a 4.934 Å periodic ribbon axis: 2π·4/4.934 = 5.09 -> 6; vacuum across it -> 1.
    assert kpoint_grid(zigzag_ribbon(A, ("C", "C"), 2, 2), 4.0, 6.0) == (6, 1, 1)
    assert kpoint_grid(armchair_ribbon(A, ("C", "C"), 2, 1), 4.0, 6.0) == (1, 6, 1)
    bn = honeycomb(2.512, ("B", "N"), "2", 14.0)
    assert s.cutoff_for(bn) == 700.0 and s.cutoff_for(honeycomb(A, ("C", "C"), "2", 14)) \
        == 500.0
    with pytest.raises(SettingsError, match=r"no \[cutoff\] entry for element\(s\) \['Si'\]"):
        s.cutoff_for(honeycomb(A, ("Si", "Si"), "2", 14.0))


def test_vacuum_axes_measures_true_gap():
    sheet = honeycomb(A, ("C", "C"), "2", 7.0)
    assert vacuum_axes(sheet, 6.0) == [False, False, True]
    assert vacuum_axes(sheet, 7.5) == [False, False, False]  # only 7 Å of vacuum


@pytest.mark.parametrize("text, message", [
    ("xc = 'PBE'\n", "missing key 'smearing'"),
    ("xc='PBE'\nsmearing=-0.1\nkpoint_density=4\nvacuum_gap=6\nmax_scf_iterations=300\n"
     "default_initial_magmom=0.5\n[cutoff]\nC=500\n", r"'smearing' = -0.1 must be > 0.0"),
    ("xc='PBE'\nsmearing=0.1\nkpoint_density=4\nvacuum_gap=6\nmax_scf_iterations=3.5\n"
     "default_initial_magmom=0.5\n[cutoff]\nC=500\n", "'max_scf_iterations' = 3.5 must be"),
    ("xc='PBE'\nsmearing=0.1\nkpoint_density=4\nvacuum_gap=6\nmax_scf_iterations=30\n"
     "default_initial_magmom=0.5\n[cutoff]\nXx=500\n", "key 'Xx' is not an element"),
    ("xc='PBE'\nsmearing=0.1\nkpoints=4\n", r"unknown key\(s\) \['kpoints'\]"),
])
def test_bad_settings_name_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message) as err:
        load_settings(path)
    assert str(path) in str(err.value)


@pytest.mark.parametrize("cell, n", [("2", 2), ("8", 8), ("18", 18)])
def test_honeycomb_cells_are_perfect(cell, n):
    at = honeycomb(A, ("B", "N"), cell, 14.0)
    i, j, d = neighbor_list("ijd", at, 1.7)
    assert len(at) == n and np.all(np.bincount(i, minlength=n) == 3)
    np.testing.assert_allclose(d, A / math.sqrt(3), rtol=1e-12)
    assert np.all(at.numbers[i] != at.numbers[j])  # B bonds only to N
    assert at.get_volume() / 14.0 == pytest.approx(n / 2 * A**2 * math.sqrt(3) / 2)


def test_strain_is_applied_as_deformation_gradient():
    at = honeycomb(A, ("C", "C"), "8", 14.0)
    # uniaxial 10 % along x (zigzag): the bonds along y keep length d; the other two
    # families stretch to sqrt((1.1·a/2)² + (d/2)²).
    d = A / math.sqrt(3)
    i, j, dist = neighbor_list("ijd", deformed(at, 0.10, 0.0, 0.0), 1.9)
    np.testing.assert_allclose(sorted(set(np.round(dist, 9))),
                               sorted({round(d, 9), round(math.hypot(1.1 * A / 2, d / 2), 9)}))
    sheared = deformed(at, 0.0, 0.0, 0.05)
    assert sheared.cell[0, 1] == pytest.approx(0.05 * at.cell[0, 0])


def test_ribbon_edges_two_fold_and_spin_start():
    zz = zigzag_ribbon(A, ("C", "C"), 3, 2)
    i = neighbor_list("i", zz, 1.6)
    coord = np.bincount(i, minlength=len(zz))
    assert sorted(set(coord)) == [2, 3] and np.sum(coord == 2) == 4  # 2 per edge per period
    mag = zz.get_initial_magnetic_moments()
    assert set(mag[coord == 2]) == {1.0, -1.0} and not mag[coord == 3].any()
    assert zz.info["spin"] is True
    ac = armchair_ribbon(A, ("C", "C"), 3, 1)
    coord = np.bincount(neighbor_list("i", ac, 1.6), minlength=len(ac))
    assert np.sum(coord == 2) == 4 and ac.info["spin"] is False  # one dimer per edge


def test_sheet_set_spans_compression_to_beyond_fracture():
    frames = sheet_set(A, ("C", "C"), {"2": 20, "8": 40}, seed=3)
    strains = np.array([f.info["strain"] for f in frames])
    rattles = np.array([f.info["rattle"] for f in frames])
    assert strains[:, :2].min() < -0.03 and strains[:, :2].max() > 0.2
    assert np.abs(strains[:, 2]).max() > 0.1
    assert rattles[12:].min() >= 0.02 and rattles.max() <= 0.1
    # labelling order: the 12 scans, then 8-atom cells, then the random 2-atom cells
    assert [len(f) for f in frames] == [2] * 12 + [8] * 40 + [2] * 8
    assert all(f.info["config_type"] == "sheet_scan" for f in frames[:12])
    # the order does not change the configurations
    other = sheet_set(A, ("C", "C"), {"2": 20, "8": 40}, seed=3, order=("2", "8"))
    assert sorted(config_id(f) for f in other) == sorted(config_id(f) for f in frames)


def test_high_strain_cells_stretch_past_the_sheet_sets_alternating_axes():
    """Cell vectors measure the drawn strain (the 8-atom cell is 2a x sqrt(3)a): along x
    for even entries, y for odd, 25-38 %; lateral -8 ... 0 %; rattles 0.02-0.05 Å."""
    frames = high_strain_set(2.512, ("B", "N"), "h", 6, seed=1)
    for n, at in enumerate(frames):
        stretch = at.cell.lengths()[:2] / np.array([2 * 2.512, 2.512 * np.sqrt(3)]) - 1
        np.testing.assert_allclose(stretch, at.info["strain"][:2], atol=1e-12)
        along, lateral = (stretch if n % 2 == 0 else stretch[::-1])
        assert 0.25 <= along <= 0.38 and -0.08 <= lateral <= 0.0
        assert at.info["config_type"] == f"h_uniaxial_{'xy'[n % 2]}"
        assert 0.02 <= at.info["rattle"] <= 0.05 and len(at) == 8


def test_bent_cells_are_one_cosine_wave_across_y_with_the_stripe_crest_at_c_b():
    """Each sheet: flat, then z = z0 + A cos(2π y/L_y) exactly (bond lengths of the flat
    cell otherwise); the stripes: the B atom bonded across to C at the crest (+A) for the
    first phase and on the slope (0) for the second."""
    frames = bent_set({"graphene": 2.467, "hBN": 2.512}, 2.4895, amplitudes=(0.4, 0.8))
    kinds = [f.info["config_type"] for f in frames]
    assert kinds == ["graphene_bent"] * 3 + ["hbn_bent"] * 3 + ["cbn_zigzag1_bent"] * 4
    for f in frames:
        amp, ly = f.info["corrugation"], f.cell[1, 1]
        wave = amp * np.cos(2 * np.pi * f.positions[:, 1] / ly + f.info["phase"])
        np.testing.assert_allclose(f.positions[:, 2] - wave, 7.0, atol=1e-12)
        assert len(f) == 16 and f.info["rattle"] == 0.0 and not f.info["strain"].any()
    assert [f.info["corrugation"] for f in frames[:6]] == [0.0, 0.4, 0.8] * 2
    for n, f in enumerate(frames[6:]):
        i, j = neighbor_list("ij", f, 1.7)
        b = {a for a, c in zip(i, j) if f[a].symbol == "B" and f[c].symbol == "C"}
        assert len(b) == 1 and f.get_initial_magnetic_moments().any()
        expected = f.info["corrugation"] if n < 2 else 0.0
        assert f.positions[b.pop(), 2] - 7.0 == pytest.approx(expected, abs=1e-12)


def test_committed_inputs_are_regenerated_exactly(tmp_path):
    """The shipped input sets follow from the code (fixed seeds); AL sets are kept as is."""
    from mdfe.potentials.dft.datasets import DATA_DIR, SETS, write_inputs
    written = write_inputs(tmp_path)
    built = [ds for ds in SETS if ds.build is not None]
    assert len(written) == len(built) and len(built) < len(SETS)
    for ds, path in zip(built, written):
        assert path.read_bytes() == (DATA_DIR / ds.inputs).read_bytes(), ds.inputs


def test_close_contact_set_reaches_the_short_range():
    """Each 8-atom cell holds its named pair at the drawn distance (0.75-1.3 Å, against a
    bulk bond of a/sqrt(3) = 1.42 Å); the compressed 2-atom cells have bonds of (1+e) a/sqrt(3)."""
    frames = close_contact_set(A, ("C", "C"), "g", 9, seed=1)
    assert len(frames) == 9 + 4
    for at in frames[:9]:
        d = at.get_all_distances(mic=True) + 9 * np.eye(len(at))
        assert 0.75 <= at.info["pair_distance"] <= 1.3
        assert np.isclose(d[0], at.info["pair_distance"], rtol=0, atol=1e-9).sum() == 1
        assert d.min() <= at.info["pair_distance"] + 1e-12
    kinds = {at.info["config_type"] for at in frames[:9]}
    assert kinds == {"g_close_bond", "g_close_lifted", "g_close_second"}
    for at in frames[9:]:
        d = at.get_all_distances(mic=True) + 9 * np.eye(2)
        assert math.isclose(d.min(), at.info["pair_distance"], rel_tol=1e-9)
    assert [round(at.info["pair_distance"] / (A / math.sqrt(3)), 6) for at in frames[9:]] \
        == [0.9, 0.85, 0.8, 0.75]


def test_second_neighbour_set_pushes_each_sublattice_onto_its_own():
    """h-BN: B pushed onto a B second neighbour (bulk 2.51 Å), then N onto N, to each
    requested distance; the moved atom is the one at that distance from a like atom."""
    from mdfe.potentials.dft.structures import second_neighbour_set
    dists = (0.65, 0.85, 1.05)
    frames = second_neighbour_set(2.512, ("B", "N"), "h", dists, seed=2)
    assert len(frames) == 2 * len(dists)
    for n, at in enumerate(frames):
        mover, sym = (0, "B") if n < len(dists) else (1, "N")
        assert at[mover].symbol == sym
        d = at.get_distances(mover, range(len(at)), mic=True)
        like = [j for j in range(len(at)) if j != mover and at[j].symbol == sym]
        assert math.isclose(d[like].min(), dists[n % len(dists)], abs_tol=1e-9)
        assert at.info["config_type"] == "h_close_second"
        assert at.info["pair_distance"] == dists[n % len(dists)]


def test_zigzag_interface_cell_holds_one_c_b_and_one_c_n_interface():
    at = zigzag_interface_set(2.49, 1, seed=0)[0]
    assert sorted(at.get_chemical_symbols()) == ["B"] * 4 + ["C"] * 8 + ["N"] * 4
    i, j = neighbor_list("ij", at, 1.7)
    pairs = {tuple(sorted((at[a].symbol, at[b].symbol))) for a, b in zip(i, j)}
    assert pairs == {("B", "C"), ("B", "N"), ("C", "C"), ("C", "N")}
    assert np.bincount(i).tolist() == [3] * 16          # a full honeycomb, no edges
    mag = at.get_initial_magnetic_moments()
    assert sorted(mag[mag != 0]) == [-1.0, 1.0] and at.info["spin"]
    assert set(at.symbols[mag != 0]) == {"C"}


@pytest.mark.parametrize("cross_bonds", [1, 2])
def test_zigzag_interface_atoms_have_the_asked_bonds_across(cross_bonds):
    """Each interface atom (one with a neighbour of the other material) has
    ``cross_bonds`` such neighbours: 4 interface atoms per cell (one C and one B or N at
    each of the two interfaces), 4 C–B/C–N bonds at 1, 8 at 2."""
    at = zigzag_interface_set(2.49, 1, seed=0, cross_bonds=cross_bonds)[0]
    i, j = neighbor_list("ij", at, 1.7)
    is_c = at.symbols == "C"
    across = np.bincount(i[is_c[i] != is_c[j]], minlength=len(at))
    assert sorted(across[across > 0].tolist()) == [cross_bonds] * 4
    assert at.info["config_type"] == ("cbn_zigzag_interface" if cross_bonds == 2
                                      else "cbn_zigzag1_interface")
    mag = at.get_initial_magnetic_moments()
    assert set(np.flatnonzero(mag)) <= set(np.flatnonzero(is_c & (across > 0)))


def test_face_contact_cells_hold_the_slit_width():
    """Aligned faces: each edge atom faces one across the slit at exactly the gap (at the
    bond length 1.42 Å: the intact sheet); slid by a/2: it faces two, at
    sqrt((a/2)² + gap²)."""
    bond = A / math.sqrt(3)
    cells = face_contact_set(A, ("C", "C"), (0.8, bond), (1.0,), seed=0, rattle=0.0)
    assert np.bincount(neighbor_list("i", cells[1], 1.6)).tolist() == [3] * 16
    for at, n_facing, want in ((cells[0], 1, 0.8), (cells[2], 2, math.hypot(A / 2, 1.0))):
        y = at.positions[:, 1]
        edge = np.flatnonzero(np.isclose(y, y.max()) | np.isclose(y, y.min()))
        assert len(edge) == 4
        d = at.get_all_distances(mic=True)[np.ix_(edge, edge)]
        assert np.isclose(d, want, atol=1e-9).sum(axis=1).tolist() == [n_facing] * 4
        assert d[d > 1e-9].min() == pytest.approx(want, abs=1e-9)
