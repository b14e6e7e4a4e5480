"""Training a shipped potential from stored data + config: config checks, split, report."""
from __future__ import annotations

import json

import ase.io
import numpy as np
import pytest
from ase.calculators.emt import EMT

from mdfe.potentials.dft.ship import fit, load_config, split
from mdfe.potentials.dft.structures import sheet_set
from ship_configs import A_EMT, tiny_ship_config, write_emt_sheet_data


CONFIG = tiny_ship_config(["C"], 2.2904, "{n}", train="stress_weight = 0.0\n")


@pytest.fixture
def emt_data(tmp_path):
    return tmp_path, write_emt_sheet_data(tmp_path / "d.extxyz")


def test_config_errors_name_file_and_key(emt_data):
    d, n = emt_data
    (d / "c.toml").write_text(CONFIG.format(n=n).replace('"d.extxyz"', 'd.extxyz"'))
    with pytest.raises(ValueError, match=r"c\.toml: not valid TOML: .*\(at line \d+, column"):
        load_config(d / "c.toml")
    (d / "c.toml").write_text(CONFIG.format(n=n).replace('"d.extxyz"', '"x.extxyz"'))
    with pytest.raises(ValueError, match=r"c\.toml: \[data\] file x\.extxyz does not exist"):
        load_config(d / "c.toml")
    (d / "c.toml").write_text(CONFIG.format(n=n).replace("lattice_constant", "a0"))
    with pytest.raises(ValueError, match=r"missing keys \['lattice_constant'\], unknown "
                       r"keys \['a0'\]"):
        load_config(d / "c.toml")
    (d / "c.toml").write_text(CONFIG.format(n=n).replace("fracture = false",
                                                          'fracture = "no"'))
    with pytest.raises(ValueError, match=r"c\.toml: fracture = 'no' must be true or false"):
        load_config(d / "c.toml")


def test_sheet_materials_from_species():
    from mdfe.potentials.dft import fracture_props, ship
    from mdfe.potentials.dft.sheet_materials import sheet_materials
    assert sheet_materials(["C"]) == ["graphene"]
    assert sheet_materials(["B", "N"]) == sheet_materials(["N", "B"]) == ["hBN"]
    assert sheet_materials(["B", "C", "N"]) == ["graphene", "hBN"]
    assert sheet_materials(["Mo"]) == [] and sheet_materials(["B"]) == []
    assert set(fracture_props.PUBLISHED) == set(ship.PUBLISHED) == {"graphene", "hBN"}


def test_split_keeps_scans_in_training_and_is_seeded(emt_data):
    d, n = emt_data
    frames = ase.io.read(d / "d.extxyz", ":")
    train, test = split(frames, 0.25, seed=0)
    assert len(train) + len(test) == n
    assert all(not f.info["config_type"].endswith("_scan") for f in test)
    assert len(test) == round(0.25 * (n - 15))  # 12 scans + 3 elastic entries train
    assert [f.info["config_id"] for f in split(frames, 0.25, seed=0)[1]] == \
        [f.info["config_id"] for f in test]


def test_data_table_takes_named_config_types_among_the_leading_entries(emt_data):
    """``"file" = {entries = N, config_types = [...]}``: those types among the first N
    (a file shared by several materials); the grade's data (known_entries) filters alike."""
    from mdfe.potentials.dft.ship import known_entries, load_entries
    d, n = emt_data
    frames = ase.io.read(d / "d.extxyz", ":")
    types = [f.info["config_type"] for f in frames]
    text = CONFIG.format(n=n)
    assert f'"d.extxyz" = {n}' in text
    table = lambda v: text.replace(f'"d.extxyz" = {n}', f'"d.extxyz" = {v}')  # noqa: E731
    (d / "c.toml").write_text(table('{entries = 20, config_types = ["g_biaxial", "g_scan"]}'))
    got = [f.info["config_type"] for f in load_entries(load_config(d / "c.toml"))]
    want = [t for t in types[:20] if t in ("g_biaxial", "g_scan")]
    assert got == want and len(got) < 20
    got = [f.info["config_type"] for f in known_entries(load_config(d / "c.toml"))]
    assert got == [t for t in types if t in ("g_biaxial", "g_scan")] and len(got) > len(want)
    (d / "c.toml").write_text(table('{entries = 3, config_types = ["g_shear"]}'))
    with pytest.raises(ValueError, match=r"d\.extxyz: none of the first 3 entries has a "
                       r"config_type in \['g_shear'\]"):
        load_entries(load_config(d / "c.toml"))
    for bad in ('{entries = 3, types = ["g_shear"]}', "{config_types = [\"g_scan\"]}",
                '{entries = 3, config_types = []}', "0", "true"):
        (d / "c.toml").write_text(table(bad))
        with pytest.raises(ValueError, match=r"c\.toml: \[data\] \"d\.extxyz\" = .* must be "
                           r"a positive number of entries, or \{entries = N, config_types"):
            load_config(d / "c.toml")


def test_train_only_types_always_train_and_are_checked(emt_data):
    """``[split] train_only``: those config_types never reach the test split (nor the
    validation split); the rest is split as before; a name no entry has, or a value that is
    not a list of names, is an error naming it."""
    from mdfe.potentials.dft.ship import config_split, load_entries
    from mdfe.potentials.dft.ship_validate import validation_split
    d, n = emt_data
    frames = ase.io.read(d / "d.extxyz", ":")
    train, test = split(frames, 0.5, seed=0, train_only=("g_biaxial", "g_shear"))
    kinds = lambda fs: {f.info["config_type"] for f in fs}  # noqa: E731
    assert not kinds(test) & {"g_biaxial", "g_shear", "g_scan"}
    assert len(test) == round(0.5 * (n - 15 - 5)) and len(train) + len(test) == n
    cfg_text = CONFIG.format(n=n).replace("seed = 0", 'seed = 0\ntrain_only = ["g_shear"]', 1)
    (d / "c.toml").write_text(cfg_text)
    cfg = load_config(d / "c.toml")
    train, test = config_split(cfg, load_entries(cfg))
    fit_set, val_set = validation_split(cfg, 0.5, seed=1)
    assert "g_shear" in kinds(train) and "g_shear" in kinds(fit_set)
    assert "g_shear" not in kinds(test) | kinds(val_set)
    (d / "c.toml").write_text(cfg_text.replace("g_shear", "g_sheer"))
    with pytest.raises(ValueError, match=r"train_only names \['g_sheer'\], which no entry"):
        config_split(load_config(d / "c.toml"), frames)
    (d / "c.toml").write_text(cfg_text.replace('["g_shear"]', '"g_shear"'))
    with pytest.raises(ValueError, match=r"c\.toml: \[split\] train_only = 'g_shear' must be "
                       r"a list of config_type names"):
        load_config(d / "c.toml")


def test_fit_writes_potential_and_report(emt_data):
    d, n = emt_data
    (d / "c.toml").write_text(CONFIG.format(n=n))
    report = fit(d / "c.toml")
    assert (d / "t.mtp").exists() and (d / "t.report.md").exists()
    assert not (d / "t.checkpoint.mtp").exists()  # a rerun retrains from scratch
    saved = json.loads((d / "t.report.json").read_text())
    assert saved["n_train"] + saved["n_test"] == n and saved["iterations"] == 3
    # the DFT side of the sheet report is the labels' own constants: EMT's a*
    assert report["sheet"]["dft"]["a"] == pytest.approx(A_EMT, rel=1e-3)
    assert set(report["sheet"]["potential"]["relaxed"]) >= {"C11", "C12", "C66"}
    pot = report["sheet"]["potential"]       # 3 iterations: a minimum is not guaranteed
    assert pot["a"] is None and "no minimum" in pot["a_error"] or pot["a"] > 0
    assert report["material"] == "graphene" and "materials" not in report
    assert report["interface"] is None
    assert "| a (Å) |" in (d / "t.report.md").read_text()


def test_scan_without_minimum_is_a_clear_error():
    """A concave (or monotone) biaxial scan has no lattice constant: say so."""
    from mdfe.potentials.dft.sheet_constants import lattice_constant
    frames = sheet_set(A_EMT, ("C", "C"), {"2": 12}, seed=0, name="g")  # the scans
    from ase.calculators.singlepoint import SinglePointCalculator
    for f in frames:                     # E = −ε² (a maximum at ε = 0): no minimum
        f.calc = SinglePointCalculator(f, energy=-float(f.info["strain"][0]) ** 2)
    scan = frames
    with pytest.raises(ValueError, match="has no minimum"):
        lattice_constant(scan, A_EMT)


def test_strain_paths_find_the_one_minimum():
    from mdfe.potentials.dft.ship import strain_paths
    res = strain_paths(EMT(), ("C", "C"), A_EMT)
    assert res["biaxial"]["local_minima_at"] == [0.0]
    assert len(res["uniaxial_x"]["strain"]) == 41
    res = strain_paths(EMT(), ("C", "C"), A_EMT * 1.05)  # start 5 % too wide
    assert res["biaxial"]["local_minima_at"] == [-0.05]


def test_close_contact_energies_need_no_ribbons():
    """A data set with close contacts but no edge ribbons yet (h-BN while its ribbons are
    labelled): the excess energies need only the unstrained 2-atom scan, E − N ε_sheet
    by hand from the stored DFT energies."""
    from mdfe.potentials.dft import fracture_props
    from mdfe.potentials.dft.datasets import DATA_DIR
    from mdfe.potentials.dft.store import read_entries
    scans = read_entries(DATA_DIR / "carbon" / "graphene_bulk.extxyz")[:12]
    close = read_entries(DATA_DIR / "carbon" / "graphene_close.extxyz")
    sheet = [f for f in scans if np.allclose(f.info["strain"], 0.0)][0]
    eps = sheet.get_potential_energy() / len(sheet)
    got = fracture_props.close_contact_energies(scans + close)
    assert len(got) == len(close) == 18
    want = [f.get_potential_energy() - len(f) * eps for f in close
            if "_close_" in f.info["config_type"]]
    np.testing.assert_allclose([r["excess"] for r in got], want, rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match=r"\['armchair', 'zigzag'\]"):
        fracture_props.edge_energies(scans + close)
