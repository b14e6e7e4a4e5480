"""The shipped carbon MTPs (potentials/data/carbon/C_L16f, the quick-start demo's, and
C_L16g, the newest): their edges, and their reports are what their stored data and configs
give; C_L16g's short range (C_L16f fails it: the false well and the close-contact set).

Edge energies are recomputed here in LAMMPS (pair_style mtp, mdfe's C++ plugin — not the
Python evaluator the report used) on the very DFT-labelled ribbons and sheet, and
compared with the DFT edge energies of the labels. Tolerance X = 5 %: the potential's
test energy RMSE (18 meV/atom, C_L16g.report.md; C_L16f: 20, C_L16e: 25) moves γ = (E − N ε)/(2L) by
N·δe/(2L) = 0.041 eV/Å = 3.3 % (zigzag ribbon, 16 atoms, L = 4.93 Å; armchair 1.9 %) if
the ribbon's and the sheet's errors do not cancel; X is 1.5× that. It is well inside what
fracture needs (K_G ∝ √γ: 5 % in γ is 2.5 % in K_G), and far from the failure it guards
against (C_L16, trained without ribbons: γ_zigzag < 0). Measured (report, Python
evaluator): C_L16g +4.6 %, −2.5 % (C_L16f: +0.9 %, +0.2 %; C_L16e: +1.8 %, −2.1 %).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import mdfe  # noqa: F401  (MPI library before lammps / mpi4py)
from mdfe.potentials.dft import fracture_props
from mdfe.potentials.dft.ship import HEAD, load_config, load_entries, split

CARBON = Path(mdfe.__file__).resolve().parent.parent / "potentials" / "data" / "carbon"
CONFIG = CARBON / "mtp_C_L16g.toml"      # the newest, with the DFT close-contact set
#: every shipped carbon MTP in use: C_L16f runs the quick-start demo (examples/graphene_crack.toml)
CONFIGS = [CARBON / "mtp_C_L16f.toml", CONFIG]
EDGE_TOLERANCE = 0.05
#: (rtol, atol eV) of the close-contact energies above the sheet (2–60 eV in DFT): a
#: training energy RMSE of 18 meV/atom is 0.14 eV on an 8-atom cell, so 1 eV + 10 % is a
#: wide band, and still far from the failures it guards against: measured, C_L16g's
#: largest deviation is 0.52 eV; C_L16f has 5 of the 18 entries outside (second neighbour
#: 47.6 vs 59.2 eV, −25 % biaxial 4.8 vs 17.3 eV), C_L16e 8 (second neighbour +99 eV).
CLOSE_TOLERANCE = (0.10, 1.0)


def _lammps_energy(potential, atoms) -> float:
    """Energy (eV) of ``atoms`` (orthogonal periodic cell) from LAMMPS, no relaxation."""
    from mpi4py import MPI

    from mdfe.potentials.lammps_cell import create_system, open_lammps
    lmp = open_lammps(MPI.COMM_SELF)
    try:
        create_system(lmp, potential, atoms.cell.array, atoms.positions,
                      atoms.get_chemical_symbols(), "p p p")
        lmp.command("run 0")
        return float(lmp.get_thermo("pe"))
    finally:
        lmp.close()


def _shipped(config):
    from mdfe.potentials.lammps_potential import LammpsPotential
    cfg = load_config(config)
    return cfg, LammpsPotential.mtp(CARBON / f"{cfg['name']}.mtp", cfg["species"])


@pytest.fixture(scope="module", params=CONFIGS, ids=lambda p: p.stem[4:])
def each(request):
    return _shipped(request.param)


@pytest.fixture(scope="module")
def shipped():
    return _shipped(CONFIG)


def test_edge_energies_of_labelled_ribbons_match_dft_in_lammps(each):
    cfg, pot = each
    ref = fracture_props.reference_cells(load_entries(cfg))
    e_sheet = _lammps_energy(pot, ref["sheet"]) / len(ref["sheet"])
    e_dft = ref["sheet"].get_potential_energy() / len(ref["sheet"])
    for kind in ("zigzag", "armchair"):
        rib = ref[kind]
        g_dft = fracture_props.ribbon_edge_energy(rib.get_potential_energy(), rib, e_dft)
        g_mtp = fracture_props.ribbon_edge_energy(_lammps_energy(pot, rib), rib, e_sheet)
        assert 1.0 < g_dft < 1.5, (kind, g_dft)   # PBE, unrelaxed narrow ribbon
        assert g_mtp > 0
        assert g_mtp == pytest.approx(g_dft, rel=EDGE_TOLERANCE), kind


def test_relaxed_wide_ribbon_edges_are_positive_and_match_report(each):
    from mdfe.potentials.properties.edges import edge_energy
    cfg, pot = each
    report = json.loads((CARBON / f"{cfg['name']}.report.json").read_text())
    lmp = report["fracture"]["lammps"]
    for kind in ("zigzag", "armchair"):
        g = edge_energy(pot, "graphene", lmp["a"], kind, rows=6, repeats=1)
        # relaxation lowers the edge energy below the unrelaxed DFT-geometry value,
        # and a 6-row ribbon is the 10-row one of the report to a few meV/Å
        assert 0.5 < g < report["fracture"]["edges_dft"][kind], kind
        assert g == pytest.approx(lmp[f"gamma_{kind}_relaxed"], abs=0.01), kind


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem[4:])
def test_retraining_from_stored_data_repeats_the_shipped_fit(config):
    """The first HEAD optimiser steps of a retraining give the report's loss values
    (full retraining: `python -m mdfe.potentials.dft.ship <config>`, ~3 min; the config
    uses linear_solve and config_type_weights, so both are replayed);
    the shipped .mtp on the stored test split gives the report's test errors."""
    from ase.data import atomic_numbers

    from mdfe.potentials.dft.ship import _predict
    from mdfe.potentials.mtp.metrics import error_table
    from mdfe.potentials.mtp.model import untrained
    from mdfe.potentials.mtp.mtp_file import read_mtp
    from mdfe.potentials.mtp.trainer import TrainSettings, train
    cfg = load_config(config)
    report = json.loads((CARBON / f"{cfg['name']}.report.json").read_text())
    train_set, test_set = split(load_entries(cfg), cfg["split"]["test_fraction"],
                                cfg["split"]["seed"])
    assert [f.info["config_id"] for f in test_set] == report["test_config_ids"]
    m = cfg["mtp"]
    settings = TrainSettings(**{**cfg["train"], "max_iter": HEAD})
    res = train(untrained(m["level"], 1, m["min_dist"], m["max_dist"], m["radial_basis_size"]),
                train_set, species=[atomic_numbers[s] for s in cfg["species"]],
                settings=settings)
    np.testing.assert_allclose(res.loss_history, report["loss_history_head"], rtol=1e-6)
    rows = _predict(read_mtp(CARBON / f"{cfg['name']}.mtp"), cfg["species"], test_set)
    got, want = error_table(rows)["all"], report["errors"]["test"]["all"]
    for key in ("energy_per_atom", "forces"):
        assert got[key]["RMSE"] == pytest.approx(want[key]["RMSE"], rel=1e-9), key


def test_uniaxial_stress_curve_starts_with_youngs_modulus_from_lammps(each):
    """Small-strain slope of the ideal-strength curve (ASE, Python MTP evaluator, cell and
    atoms relaxed) = Young's modulus of the LAMMPS Cauchy–Born membrane stiffness along
    the same direction, E_x = 1/S11 with S = C⁻¹ (uniaxial stress)."""
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.mtp_file import read_mtp
    from mdfe.potentials.properties import elastic
    from mdfe.potentials.properties.cauchy_born import CauchyBorn
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    cfg, pot = each
    report = json.loads((CARBON / f"{cfg['name']}.report.json").read_text())
    a = report["fracture"]["lammps"]["a"]
    cb = CauchyBorn(pot, hexagonal_primitive("graphene", a))
    try:
        c = elastic.membrane_stiffness(cb) * elastic.EV_PER_A2_TO_N_PER_M
    finally:
        cb.close()
    young = 1.0 / np.linalg.inv(c)[0, 0]          # N/m, uniaxial stress along x
    calc = MTPCalculator(read_mtp(CARBON / f"{cfg['name']}.mtp"), cfg["species"])
    for direction in ("zigzag", "armchair"):
        r = fracture_props.uniaxial_stress_curve(calc, a, direction,
                                                 strains=[0.0, 0.002], fmax=1e-4)
        slope = (r["stress_N_per_m"][1] - r["stress_N_per_m"][0]) / 0.002
        assert slope == pytest.approx(young, rel=0.02), direction
        assert r["transverse_strain"][1] < 0          # Poisson contraction



SCAN = np.round(np.arange(1.40, 0.5999, -0.05), 3)   # Å, pair distances of the scans


def test_short_range_scans_are_repulsive_in_lammps(shipped):
    """One atom of a flat sheet pushed onto a bonded neighbour (in plane, and lifted
    0.5 Å out of it) and onto a second neighbour, 1.40 → 0.60 Å, in LAMMPS: the energy
    stays above the perfect sheet and rises as the pair closes (the second-neighbour line
    below 0.9 Å; mdfe.potentials.properties.short_range, whose own test shows BNC.tersoff
    passing and C_L16e — the potential whose crack faces fused — failing)."""
    from mdfe.potentials.properties.short_range import KINDS, close_contact_scan, physical
    cfg, pot = shipped
    a = json.loads((CARBON / f"{cfg['name']}.report.json").read_text())["fracture"]["lammps"]["a"]
    for kind in KINDS:
        e = close_contact_scan(pot, "graphene", a, kind, SCAN)
        assert physical(kind, SCAN, e), (kind, np.round(e, 2).tolist())


def test_close_contact_energies_match_dft_in_lammps(shipped):
    """The DFT close-contact set (one pair at 0.79–1.25 Å; 2-atom cells at −10 … −25 %
    biaxial): energy above the sheet, E − N ε_sheet, from LAMMPS on the very geometries
    vs the DFT labels, within CLOSE_TOLERANCE; and along each kind the potential orders
    the entries as DFT does wherever DFT's energies differ by more than that."""
    cfg, pot = shipped
    frames = load_entries(cfg)
    sheet = fracture_props.reference_cells(frames)["sheet"]
    e_sheet = _lammps_energy(pot, sheet) / len(sheet)
    dft = fracture_props.close_contact_energies(frames)
    close = [f for f in frames if "_close_" in str(f.info["config_type"])]
    assert len(close) == len(dft) == 18
    got = np.array([_lammps_energy(pot, f) - len(f) * e_sheet for f in close])
    want = np.array([r["excess"] for r in dft])
    assert np.all(want > 1.0)                                   # DFT: far above the sheet
    np.testing.assert_allclose(got, want, rtol=CLOSE_TOLERANCE[0], atol=CLOSE_TOLERANCE[1])
    kinds = np.array([r["config_type"] for r in dft])
    for kind in set(kinds):
        w, g = want[kinds == kind], got[kinds == kind]
        i, j = np.triu_indices(len(w), 1)
        clear = np.abs(w[i] - w[j]) > CLOSE_TOLERANCE[1] + CLOSE_TOLERANCE[0] * np.abs(w[i])
        assert np.all(np.sign(g[i] - g[j])[clear] == np.sign(w[i] - w[j])[clear]), kind


def _unloaded_slit(name: str):
    """Fully atomistic 70 × 60 Å body with the quick-start case's slit (zigzag faces 1.42 Å
    apart as cut), relaxed at K = 0 with potential ``name``: (closest pair Å, None) or
    (None, the collapse guard's RuntimeError message)."""
    import tomllib

    from mpi4py import MPI

    from mdfe.run.atomistic import AtomisticCrack
    from mdfe.run.model import build_inputs
    from mdfe.run.schema import check_run_config
    root = CARBON.parent.parent.parent
    cfg = tomllib.loads((root / "examples" / "graphene_crack.toml").read_text())
    cfg["potential"]["file"] = str(CARBON / f"{name}.mtp")
    cfg["body"].update(width=70.0, height=60.0)
    cfg["crack"]["tip"] = [35.0, 30.0]
    cfg["md"].update(behind=6.0, ahead=12.0, half_height=6.0)
    cfg["output"]["directory"] = str(root / "examples" / "runs" / "unloaded_slit_test")
    cfg = check_run_config(cfg, "unloaded slit")
    model = AtomisticCrack(build_inputs(cfg, "unloaded slit", MPI.COMM_SELF), MPI.COMM_SELF)
    try:
        model.solve(0.0, None)
        return model.md.closest_pair()[0], None
    except RuntimeError as err:
        return None, str(err)
    finally:
        model.close()


def test_unloaded_slit_stays_open_with_the_demo_potential_and_closes_with_c_l16g():
    """The cut slit at K = 0 in the fully atomistic crack body (faces at bonding distance,
    no interaction across them): with C_L16f every pair stays ≥ 1.2 Å (measured 1.35 Å, a
    contracted bond along one face). C_L16g's faces run into each other — its popped-out
    face state lies below the plain face — a pair at 0.99 Å in this body (in a 100 × 90 Å
    body the collapse guard stops it, a pair at 0.45 Å); the one-atom scans miss it
    (potentials/data/README.md; the ship report's slit check, tests/properties/test_slit.py,
    is the small version)."""
    d, err = _unloaded_slit("C_L16f")
    assert err is None and d > 1.2, (d, err)
    d, err = _unloaded_slit("C_L16g")
    assert (err is not None and "collapse" in err) or d < 1.1, (d, err)
