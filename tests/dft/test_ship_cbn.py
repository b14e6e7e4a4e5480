"""Ship reports of a potential with two sheet materials (the C–B–N potential of the
graphene|h-BN heterostructure): the config's per-material lattice constants and their
errors, one report part per material from that material's own entries, the errors per
config_type, the C|BN interface section, and the LAMMPS side of a 3-species potential.

Made-up labels from LAMMPS' BNC.tersoff (it has C, B and N: graphene and h-BN with
different lattice constants, and the C–B / C–N interface bonds) through ASE's LAMMPSlib.
"""
from __future__ import annotations

import mdfe  # noqa: I001  (before numpy: one BLAS thread, see mdfe/__init__)

import json
from pathlib import Path

import ase.io
import numpy as np
import pytest
from ase import Atoms
from mdfe.potentials.dft.datasets import A_CBN, elastic_set
from mdfe.potentials.dft.interface_props import (BOND_RANGE, MAX_SPREAD, REPEATS,
                                                 ideal_stripe, measure_stripe,
                                                 stripe_stability)
from mdfe.potentials.dft.sheet_constants import lattice_constant, relabel
from mdfe.potentials.dft.ship import PUBLISHED, fit, load_config, load_entries, split
from mdfe.potentials.dft.store import read_entries
from mdfe.potentials.dft.structures import sheet_set, zigzag_interface_set
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties import elastic
from mdfe.potentials.properties.unit_cells import hexagonal_primitive
from ship_configs import tiny_ship_config

SPECIES = ["C", "B", "N"]
TOL_A = 1e-4   # cubic fit of a ±3 % scan centred ~1 % off its minimum: measured 3.5e-5


@pytest.fixture(scope="module")
def tersoff():
    """(BNC.tersoff for C, B, N; its LAMMPSlib calculator; {material: its stress-free a})."""
    from ase.calculators.lammpslib import LAMMPSlib
    pot = LammpsPotential.tersoff(tuple(SPECIES))
    calc = LAMMPSlib(lmpcmds=pot.commands(), atom_types={s: i + 1 for i, s in enumerate(SPECIES)},
                     log_file=None, keep_alive=True)
    a = {m: elastic.lattice_constant(pot, lambda x, m=m: hexagonal_primitive(m, x), 2.48)
         for m in ("graphene", "hBN")}
    return pot, calc, a


#: Å, the a0 of each material's scans: 0.9 % below / 1.3 % above BNC.tersoff's own a
#: (2.492 / 2.498 Å, nearly equal), so a report that used one material's a0 or scans for
#: the other would be off by 2.4 %
A0 = {"graphene": 2.47, "hBN": 2.53}


@pytest.fixture(scope="module")
def cbn_data(tmp_path_factory, tersoff):
    """A data folder ``data/d.extxyz`` (graphene and h-BN scans and 8-atom cells, each
    around its own :data:`A0`, and 3 C|BN stripes) next to an empty config folder ``cfg``."""
    _, calc, _ = tersoff
    frames = (sheet_set(A0["graphene"], ("C", "C"), {"2": 12, "8": 4}, seed=2, name="graphene")
              + elastic_set(A0["graphene"], ("C", "C"), "graphene")
              + sheet_set(A0["hBN"], ("B", "N"), {"2": 12, "8": 4}, seed=3, name="hbn")
              + elastic_set(A0["hBN"], ("B", "N"), "hbn")
              + zigzag_interface_set(A_CBN, 3, seed=4))
    for i, f in enumerate(frames):
        f.info["config_id"] = f"{i:04d}"
    root = tmp_path_factory.mktemp("cbn")
    (root / "data").mkdir()
    (root / "cfg").mkdir()
    ase.io.write(root / "data" / "d.extxyz", relabel(frames, calc))
    return root, len(frames)


def _config(root, n, lattice_constant, species=SPECIES) -> str:
    return tiny_ship_config(species, lattice_constant, n, data="../data/d.extxyz")


@pytest.mark.parametrize("species, value, message", [
    (SPECIES, 2.46, r"c\.toml: lattice_constant = 2\.46 is one number, but species "
                    r"\['C', 'B', 'N'\] hold 2 sheet materials \['graphene', 'hBN'\]: give a "
                    r"table \{graphene = <Å>, hBN = <Å>\}"),
    (SPECIES, {"graphene": 2.46, "borophene": 2.9},
     r"c\.toml: lattice_constant: material 'borophene' is not a sheet material; allowed: "
     r"graphene \(C\), hBN \(B N\)"),
    (["C"], {"graphene": 2.46, "hBN": 2.5},
     r"c\.toml: lattice_constant: material 'hBN' needs the symbols \['B', 'N'\], not all in "
     r"species \['C'\]"),
    (SPECIES, {"graphene": 2.46}, r"c\.toml: lattice_constant: no lattice constant for "
                                  r"\['hBN'\], which species \['C', 'B', 'N'\] hold"),
    (SPECIES, {"graphene": -2.46, "hBN": 2.5},
     r"c\.toml: lattice_constant: graphene = -2\.46 must be a positive number \(Å\)"),
    (["Mo"], 3.2, r"c\.toml: lattice_constant: species \['Mo'\] hold no sheet material"),
    (["C", "Xx"], 2.46, r"c\.toml: species = \['C', 'Xx'\] must be a list of distinct "
                        r"chemical symbols"),
])
def test_lattice_constant_config_errors(cbn_data, species, value, message):
    root, n = cbn_data
    (root / "cfg" / "c.toml").write_text(_config(root, n, value, species))
    with pytest.raises(ValueError, match=message):
        load_config(root / "cfg" / "c.toml")


def test_pulay_offsets_per_element_and_cutoff_from_the_stored_dft():
    """GPAW's flat-sheet σzz·V/N differs per material and cut-off (graphene 500 eV, h-BN
    and the C|BN stripe 700 eV): after the correction every flat reference — the
    graphene and h-BN 2-atom scans and the flat stripe — has σzz = 0; an h-BN entry loses
    exactly what the single h-BN offset (its flat scan's σzz·V/N per atom, by hand) takes;
    a graphene entry what graphene's does; and without a flat stripe the carbon atoms at
    700 eV have no reference: an error naming them."""
    from mdfe.potentials.dft.datasets import DATA_DIR
    from mdfe.potentials.dft.ship import pulay_correct
    def flat(fs):
        return [f for f in fs if f.info["config_type"].endswith(("_scan", "_interface"))
                and np.allclose(f.info["strain"], 0) and not f.info.get("rattle", 0)
                and "displacement" not in f.info]
    graphene = read_entries(DATA_DIR / "carbon" / "graphene_bulk.extxyz")[:20]
    hbn = read_entries(DATA_DIR / "bn" / "hbn_bulk.extxyz")[:20]
    stripe = read_entries(DATA_DIR / "cbn" / "cbn_interface.extxyz")[:1]
    per_atom = {name: f.get_stress()[2] * f.get_volume() / len(f)
                for name, f in (("graphene", flat(graphene)[0]), ("hBN", flat(hbn)[0]),
                                ("stripe", stripe[0]))}
    assert per_atom["graphene"] == pytest.approx(0.057, abs=0.002)   # notes: 0.056
    assert per_atom["hBN"] == pytest.approx(0.165, abs=0.005)
    raw = {id(f): f.get_stress().copy() for f in graphene + hbn}
    frames = pulay_correct(graphene + hbn + stripe, in_plane=True)
    for f in flat(frames):
        assert abs(f.get_stress()[2]) < 1e-12, f.info["config_type"]
    for f, name in [(f, "graphene") for f in graphene] + [(f, "hBN") for f in hbn]:
        want = raw[id(f)] - np.r_[[per_atom[name] * len(f) / f.get_volume()] * 3, 0, 0, 0]
        np.testing.assert_allclose(f.get_stress(), want, rtol=0, atol=1e-12)
    not_flat = read_entries(DATA_DIR / "cbn" / "cbn_interface.extxyz")[0]
    not_flat.info["rattle"] = 0.05                    # no longer a reference
    with pytest.raises(ValueError, match=r"no flat reference entry holds C at 700 eV"):
        pulay_correct(read_entries(DATA_DIR / "bn" / "hbn_bulk.extxyz")[:20] + [not_flat]
                      + graphene, in_plane=True)


def test_fracture_report_needs_the_material_for_two_sheets():
    from mdfe.potentials.dft.ship import fracture_report
    with pytest.raises(ValueError, match=r"species \['C', 'B', 'N'\] hold the sheet materials "
                                         r"\['graphene', 'hBN'\]; name one"):
        fracture_report([], None, None, SPECIES, 2.46)


def test_config_with_relative_data_path_and_a_table(cbn_data):
    root, n = cbn_data
    (root / "cfg" / "c.toml").write_text(_config(root, n, {"hBN": 2.5, "graphene": 2.46}))
    cfg = load_config(root / "cfg" / "c.toml")
    assert cfg["_a0"] == {"graphene": 2.46, "hBN": 2.5}
    assert len(load_entries(cfg)) == n
    (root / "cfg" / "c.toml").write_text(_config(root, n, 2.46, ["C"]))   # one material
    assert load_config(root / "cfg" / "c.toml")["_a0"] == {"graphene": 2.46}


def test_two_material_fit_reports_each_material_from_its_own_scans(cbn_data, tersoff):
    from mdfe.potentials.mtp.calculator import MTPCalculator
    root, n = cbn_data
    _, _, a = tersoff
    (root / "cfg" / "c.toml").write_text(_config(root, n, A0))
    report = fit(root / "cfg" / "c.toml")
    assert "sheet" not in report and set(report["materials"]) == {"graphene", "hBN"}
    frames = read_entries(root / "data" / "d.extxyz")
    for material, scan_type in (("graphene", "graphene_scan"), ("hBN", "hbn_scan")):
        part = report["materials"][material]
        scans = [f for f in frames if f.info["config_type"] == scan_type]
        assert part["sheet"]["dft"]["a"] == lattice_constant(scans, A0[material])
        # and that is near Tersoff's own stress-free a (LAMMPS root search)
        assert part["sheet"]["dft"]["a"] == pytest.approx(a[material], rel=TOL_A)
        assert part["published"] == PUBLISHED[material] and part["fracture"] is None
    # errors: all, and the test entries per config_type
    _, test_set = split(frames, 0.25, 0)
    groups = {f.info["config_type"] for f in test_set}
    assert set(report["errors"]["test"]) == groups | {"all"}
    text = (root / "cfg" / "t.report.md").read_text()
    assert "\n## graphene\n" in text and "\n## hBN\n" in text
    assert all(f"| test: {g} |" in text for g in groups)
    # interface entries: the stored Tersoff label and the shipped t.mtp on each stripe
    calc = MTPCalculator(root / "cfg" / "t.mtp", SPECIES)
    stripes = [f for f in frames if f.info["config_type"] == "cbn_zigzag_interface"]
    rows = report["interface"]["entries"]
    assert [r["config_id"] for r in rows] == [f.info["config_id"] for f in stripes]
    for r, f in zip(rows, stripes):
        at = f.copy()
        at.calc = calc
        assert r["energy_per_atom_dft"] == pytest.approx(f.get_potential_energy() / 16,
                                                         abs=1e-12)
        assert r["energy_per_atom_potential"] == pytest.approx(
            at.get_potential_energy() / 16, abs=1e-9)
        assert r["set"] == ("test" if f.info["config_id"] in report["test_config_ids"]
                            else "train")
    assert report["interface"]["stability"]["n_atoms"] == 16 * REPEATS
    assert "## C|BN interface" in text
    assert json.loads((root / "cfg" / "t.report.json").read_text())["materials"].keys() == \
        report["materials"].keys()


def test_validation_gates_the_stripe_with_interface_entries_only(cbn_data, tmp_path):
    """ship_validate on C|BN data: the candidate's stripe stability check is the report's
    (:func:`stripe_stability` of its potential at the larger of its two sheet a, run here
    again) and is the gate "interface: stripe"; on the same data without the stripes there
    is no such gate."""
    from mdfe.potentials.dft.ship_validate import validate
    root, n = cbn_data
    (root / "cfg" / "v.toml").write_text(_config(root, n, A0))
    doc = validate(root / "cfg" / "v.toml", [{"label": "x"}], tmp_path / "v.json", 0.25, 0)
    r, = doc["results"]
    sheet_a = [part["sheet"]["potential"]["a"] for part in r["materials"].values()]
    a = max((x for x in sheet_a if x), default=A_CBN)   # no minimum: the stripes' own a
    again = stripe_stability(LammpsPotential.mtp(r["mtp"], SPECIES), a)
    assert r["stripe"]["a"] == a
    for key in ("z_spread_A", "max_displacement_A"):
        assert r["stripe"][key] == pytest.approx(again[key], rel=1e-9, abs=1e-12)
    assert r["gates"]["interface: stripe"] is again["passed"]
    n_sheets = n - 3                              # the stripes are the file's last 3
    (root / "cfg" / "w.toml").write_text(_config(root, n_sheets, A0))
    doc = validate(root / "cfg" / "w.toml", [{"label": "x"}], tmp_path / "w.json", 0.25, 0)
    assert "stripe" not in doc["results"][0]
    assert not any(g.startswith("interface") for g in doc["results"][0]["gates"])


def test_bending_table_pairs_each_corrugated_cell_with_its_flat_cell(tersoff):
    """bending_props on BNC.tersoff labels of the bent set plus the flat stripe: one row
    per corrugated cell, E(A) − E(flat) per atom of the labels and of another calculator
    (a seeded random 3-species MTP) computed here directly; the Tersoff energy grows as
    αA² + βA⁴ (bending, and the stretch of the longer arc; α, β > 0): A 0.4 → 0.8 Å
    multiplies it by 4 … 16 (measured 11.6 for graphene); a corrugated cell without
    its flat cell is an error naming it."""
    from mdfe.potentials.dft.bending_props import bending_table
    from mdfe.potentials.dft.structures import bent_set
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.model import untrained
    _, calc, _ = tersoff
    frames = relabel(bent_set({"graphene": 2.47, "hBN": 2.51}, A_CBN)
                     + zigzag_interface_set(A_CBN, 1, seed=0, cross_bonds=1), calc)
    for i, f in enumerate(frames):
        f.info["config_id"] = f"b{i}"
    other = MTPCalculator(untrained(8, 3, 0.9, 4.0, 6).randomized(seed=3), SPECIES)
    rows = bending_table(frames, other)
    bent = [f for f in frames if f.info.get("corrugation", 0) > 0]
    flat = {"graphene_bent": frames[0], "hbn_bent": frames[3],
            "cbn_zigzag1_bent": frames[-1]}
    assert [r["config_id"] for r in rows] == [f.info["config_id"] for f in bent]
    for r, f in zip(rows, bent):
        ref = flat[f.info["config_type"]]
        e = []
        for at in (f, ref):
            c = at.copy()
            c.calc = other
            e.append(c.get_potential_energy())
        assert r["energy_potential_meV_per_atom"] == pytest.approx(
            1e3 * (e[0] - e[1]) / 16, rel=1e-12)
        assert r["energy_dft_meV_per_atom"] == pytest.approx(
            1e3 * (f.get_potential_energy() - ref.get_potential_energy()) / 16, rel=1e-12)
    for kind in ("graphene_bent", "hbn_bent"):
        e04, e08 = (r["energy_dft_meV_per_atom"] for r in rows if r["config_type"] == kind)
        assert 0 < e04 and 4.0 < e08 / e04 < 16.0, (kind, e04, e08)
    from mdfe.potentials.dft.ship_markdown import _bending_lines
    text = "\n".join(_bending_lines(rows))
    assert "## Bending" in text and text.count("| b") == len(rows) == 8
    with pytest.raises(ValueError, match=r"corrugated entry b\d+ \(cbn_zigzag1_bent\): no "
                                         r"flat reference"):
        bending_table(frames[:-1], other)


def _rattled_cell(symbols_of: str, rng) -> Atoms:
    from mdfe.potentials.properties.unit_cells import hexagonal_rectangular
    unit = hexagonal_rectangular(symbols_of, 2.48, "zigzag", 20.0).repeat(2, 2)
    return Atoms(unit.symbols, unit.positions + rng.normal(0.0, 0.05, unit.positions.shape),
                 cell=unit.cell, pbc=True)


def test_three_species_potential_same_energy_in_lammps_and_in_process(tmp_path):
    """A 3-species MTP (seeded random coefficients) on a C-only, a B/N-only and a C|BN
    cell: LAMMPS (pair_style mtp through the fracture checks' path, lammps_cell) gives the
    in-process MTPCalculator energy; the species listed in another order does not."""
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.model import untrained
    from mdfe.potentials.mtp.mtp_file import write_mtp
    from mdfe.potentials.properties.edges import relax_fixed_cell
    model = untrained(8, 3, 0.9, 4.0, 6).randomized(seed=5)
    write_mtp(tmp_path / "r.mtp", model)
    rng = np.random.default_rng(0)
    stripe = ideal_stripe(A_CBN, 20.0)
    cells = [_rattled_cell("graphene", rng), _rattled_cell("hBN", rng), stripe]
    for at in cells:
        lmp = {}
        for order in (SPECIES, ["B", "C", "N"]):
            pot = LammpsPotential.mtp(tmp_path / "r.mtp", order)
            lmp[tuple(order)], _ = relax_fixed_cell(pot, at.cell.array, at.positions,
                                                    at.get_chemical_symbols(), 1.0, maxiter=0)
        at.calc = MTPCalculator(model, SPECIES)
        e = at.get_potential_energy()
        assert lmp[tuple(SPECIES)] == pytest.approx(e, rel=1e-10, abs=1e-8), at.symbols
        assert abs(lmp[("B", "C", "N")] - e) > 1e-3 * abs(e), at.symbols


def test_stripe_measure_against_geometry():
    """The ideal stripe's interface bonds are a/√3 long, 1 per interface atom (both
    interfaces cross the bonds parallel to y), and the pass rule catches a stretched bond
    and a lifted atom (distances by ASE, minimum image)."""
    stripe = ideal_stripe(A_CBN, 20.0)
    res = measure_stripe(stripe, stripe.positions.copy())
    for kind in ("C-B", "C-N"):
        b = res["bonds"][kind]
        assert b["n"] == REPEATS
        assert b["min_A"] == pytest.approx(A_CBN / np.sqrt(3), rel=1e-9)
        assert b["max_A"] == pytest.approx(A_CBN / np.sqrt(3), rel=1e-9)
    assert res["passed"] and res["max_displacement_A"] == 0 and res["z_spread_A"] == 0
    sym = np.array(stripe.get_chemical_symbols())
    carbon = np.flatnonzero(sym == "C")
    boron = [b for b in np.flatnonzero(sym == "B")
             if stripe.get_distances(b, carbon, mic=True).min() < 1.6][0]  # at the interface
    bond = stripe.get_distances(boron, carbon, mic=True, vector=True)
    moved = stripe.positions.copy()
    moved[boron, 1] -= 0.7 * np.sign(bond[np.argmin(np.linalg.norm(bond, axis=1)), 1])
    res = measure_stripe(stripe, moved)                 # away from its C neighbour
    far = stripe.copy()
    far.positions = moved
    want = np.sort(far.get_distances(boron, carbon, mic=True))[:1]   # its C bond
    assert res["bonds"]["C-B"]["max_A"] == pytest.approx(want.max(), rel=1e-9)
    assert want.max() > BOND_RANGE[1] and not res["passed"]
    assert res["max_displacement_A"] == pytest.approx(0.7)
    lifted = stripe.positions.copy()
    lifted[0, 2] += 0.15
    res = measure_stripe(stripe, lifted)
    assert res["z_spread_A"] == pytest.approx(0.15) and not res["passed"]


def test_tersoff_stripe_stable_in_tension_buckles_in_compression(tersoff):
    """BNC.tersoff (graphene a 2.492, h-BN 2.498 Å): at a = 2.51 Å both parts of the
    stripe are stretched and it stays flat, interface bonds near a bond length; at the
    DFT stripes' a (A_CBN = 2.4895 Å) both are slightly compressed and it stays flat
    within the check; at 2.45 Å (−1.7 %, −1.9 %) the rattled stripe buckles out of plane
    — the bonds hold, the flatness check fails."""
    pot, _, _ = tersoff
    res = stripe_stability(pot, 2.51)
    assert res["passed"] and res["n_atoms"] == 16 * REPEATS
    for kind in ("C-B", "C-N"):
        assert 1.4 < res["bonds"][kind]["min_A"] <= res["bonds"][kind]["max_A"] < 1.55, kind
    assert res["z_spread_A"] < 0.01 and res["max_displacement_A"] < 0.1
    assert stripe_stability(pot, A_CBN)["passed"]
    res = stripe_stability(pot, 2.45)
    assert all(BOND_RANGE[0] < b["min_A"] and b["max_A"] < BOND_RANGE[1]
               for b in res["bonds"].values())
    assert res["z_spread_A"] > MAX_SPREAD and not res["passed"]


def test_graphene_part_of_a_cbn_potential_is_the_carbon_potentials(tmp_path):
    """The shipped carbon MTP C_L16f embedded as species 0 of a 3-species MTP (the C–C
    radial coefficients, C's species energy and the moment coefficients its own; the
    other species' coefficients seeded random): on the carbon data the graphene part of
    the report — sheet constants, strain paths and the whole fracture section, LAMMPS
    edges, K_G, short range and slit with types C B N — is C_L16f's shipped report, with
    h-BN scans and a C|BN stripe among the entries."""
    from dataclasses import replace

    from mdfe.potentials.dft.ship import material_report
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp
    carbon = Path(mdfe.__file__).resolve().parent.parent / "potentials" / "data" / "carbon"
    cfg = load_config(carbon / "mtp_C_L16f.toml")
    shipped = json.loads((carbon / "C_L16f.report.json").read_text())
    c = read_mtp(carbon / "C_L16f.mtp")
    rng = np.random.default_rng(7)
    radial = rng.uniform(-0.1, 0.1, (3, 3) + c.radial_coeffs.shape[2:])
    radial[0, 0] = c.radial_coeffs[0, 0]
    cbn = replace(c, species_count=3, radial_coeffs=radial,
                  species_coeffs=np.array([c.species_coeffs[0], -3.0, -4.0]))
    write_mtp(tmp_path / "cbn.mtp", cbn)
    bn = carbon.parent / "bn" / "hbn_bulk.extxyz"     # h-BN scans first: must be left out
    frames = read_entries(bn)[:12] + load_entries(cfg) + zigzag_interface_set(A_CBN, 1, 0)
    part = material_report(frames,
                           MTPCalculator(cbn, SPECIES), cfg["lattice_constant"], "graphene",
                           tmp_path / "cbn.mtp", SPECIES, fracture=True)
    np.testing.assert_allclose(_numbers(part), _numbers(shipped), rtol=1e-7, atol=1e-9)
    assert part["fracture"]["lammps"]["K_G_zigzag"] > 0 and part["fracture"]["slit"]


def _numbers(report: dict) -> list[float]:
    """Every number of the sheet, strain-path and fracture parts, in a fixed order."""
    out = []

    def walk(x):
        if isinstance(x, dict):
            for k in sorted(x):
                walk(x[k])
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, (int, float)) and not isinstance(x, bool):
            out.append(float(x))
    for key in ("sheet", "strain_paths", "fracture"):
        walk(report[key])
    return out
