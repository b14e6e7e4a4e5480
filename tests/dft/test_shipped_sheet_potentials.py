"""The shipped sheet MTPs (potentials/data: h-BN, carbon and C-B-N, one pair per material
of each), per (ship config, sheet material): what each report claims, recomputed in
LAMMPS on the DFT data.

The reports were made with the Python evaluator (motep's cext engine behind
MTPCalculator); here every number comes from LAMMPS with mdfe's ``pair_style mtp`` plugin
and the types in the config's species order (``LammpsPotential.mtp``) — so a species
mix-up between the trainer, the ``.mtp`` file and LAMMPS, or an evaluator difference,
shows. Per potential:

- test errors: the labelled test split relabelled by LAMMPS (ASE's LAMMPSlib) gives the
  report's test energy, force and stress errors, over all entries and per config_type;
- retraining: the first optimiser steps (HEAD, or :attr:`Shipped.replay`) from the stored
  data and config (:func:`ship.train_on`) repeat the report's loss values.

Per sheet material of the potential (its own entries, :func:`.sheet_materials.material_frames`):

- lattice constant and relaxed-ion 2D constants: LAMMPS Cauchy–Born (stress-free a by
  root-finding, tangent with the basis relaxed at every F) against the DFT of the same
  set-up from the material's labelled 2-atom scans (:mod:`sheet_constants`) — the issue-#8
  bars, a within 1 %, C_ij within 5 % — and against the report's own potential values
  (cubic fit of the scan energies, ±1 % finite differences with the inner-shift formula:
  a within 5e-5, C_ij within :data:`CB_VS_SCANS`); those formulas on the same scans
  evaluated in LAMMPS give the report's values (a 1e-9, C_ij 1e-6);
- the energy of the flat 2-atom cell along biaxial strain −10 … +30 % (LAMMPS, affine) is
  the report's strain path (Python evaluator) and has one minimum, at ε = 0.

For potentials made for fracture (:attr:`Shipped.fracture`), the material's fracture
section:

- edge energies of the labelled (unrelaxed, narrow) ribbons in LAMMPS vs their DFT
  energies within :data:`EDGE_TOLERANCE`, and vs the report's potential values;
- for the crack faces the potential holds (:attr:`Shipped.faces`): relaxed wide-ribbon
  edges (LAMMPS CG) positive, below the unrelaxed DFT edges, and the report's relaxed
  values; the unloaded slit (:mod:`mdfe.potentials.properties.slit`) keeps its faces apart;
- the one-atom short-range scans (:mod:`mdfe.potentials.properties.short_range`) physical;
- the uniaxial-stress curve (Python evaluator) starts with the LAMMPS Young's modulus.

The carbon-specific checks (the slit in the demo's crack body with C_L16f and C_L16g,
C_L16g's close contacts vs DFT) are in test_carbon_mtp_ship.py.
"""
from __future__ import annotations

import mdfe  # noqa: I001  (before numpy: one BLAS thread; a threaded QR in the linear
#               solve made the retraining replay 10x slower on a loaded machine)

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from mdfe.potentials.dft import fracture_props
from mdfe.potentials.dft.sheet_constants import elastic_constants, lattice_constant, relabel
from mdfe.potentials.dft.sheet_materials import SHEETS, material_frames
from mdfe.potentials.dft.ship import HEAD, config_split, load_config, load_entries, train_on
from mdfe.potentials.dft.ship_validate import (A_TOLERANCE, BENDING_FACTOR, C_TOLERANCE,
                                               EDGE_TOLERANCE)
from mdfe.potentials.properties.short_range import KINDS

DATA = Path(mdfe.__file__).resolve().parent.parent / "potentials" / "data"


@dataclasses.dataclass(frozen=True)
class Shipped:
    """One (shipped potential, sheet material) pair: ``config`` the ship config, relative
    to potentials/data; ``material`` a key of :data:`SHEETS`; ``fracture``: the potential
    is for fracture (the edge, short-range, slit and strength checks apply);
    ``short_range``: the short-range paths that must be physical; ``faces``: the crack-face
    orientations it holds (relaxed wide-ribbon edge energy positive, unloaded slit open);
    ``replay``: the optimiser steps of the retraining
    replay (HEAD, the report's loss_history_head; fewer where a step is slow)."""

    config: str
    material: str
    fracture: bool = True
    short_range: tuple[str, ...] = KINDS
    faces: tuple[str, ...] = ("zigzag", "armchair")
    replay: int = HEAD

    def __str__(self) -> str:
        return f"{Path(self.config).stem[4:]}-{self.material}"


PAIRS = [
    # bulk-only preliminary h-BN (no ribbons, no short-range data): not for fracture
    Shipped("bn/mtp_BN_L16.toml", "hBN", fracture=False),
    Shipped("bn/mtp_BN_L20.toml", "hBN"),
    # BN_L20 + the high-strain, bent and first crack-tip cut-out entries
    Shipped("bn/mtp_BN_L20b.toml", "hBN"),
    # the quick-start demo's: its second-neighbour path has a false well below 0.9 Å
    Shipped("carbon/mtp_C_L16f.toml", "graphene", short_range=("bond", "lifted")),
    # C_L16f + the close-contact set (repulsive short range); its zigzag faces fuse
    # (potentials/data/README.md; test_carbon_mtp_ship.py has it in the crack body)
    Shipped("carbon/mtp_C_L16g.toml", "graphene", faces=("armchair",)),
    # the graphene|h-BN heterostructure's: both materials from one 3-species potential
    # (types C B N in LAMMPS); 5 replayed steps (2.8 s each, 407 entries)
    Shipped("cbn/mtp_CBN_L20.toml", "graphene", replay=5),
    Shipped("cbn/mtp_CBN_L20.toml", "hBN", replay=5),
]
#: the ship configs of C–B–N potentials (the interface and bending sections)
INTERFACE = ["cbn/mtp_CBN_L20.toml"]
#: the ship configs whose data hold corrugated cells (cbn/bent): the bending section, each
#: ratio potential / DFT within ship_validate.BENDING_FACTOR (every potential trained
#: without them was 1.3–4× too stiff: C_L16f 4.0× at A = 0.4 Å)
BENT = ["cbn/mtp_CBN_L20.toml", "bn/mtp_BN_L20b.toml"]
#: {config: optimiser steps replayed}: one retraining per potential
CONFIGS = {p.config: p.replay for p in PAIRS}
assert all(CONFIGS[p.config] == p.replay for p in PAIRS), "one replay per config"
FRACTURE = [p for p in PAIRS if p.fracture]

#: pytest.approx tolerances of LAMMPS' test errors vs the report's (Python evaluator's):
#: measured, energy and force errors agree to 1e-12 (relative); LAMMPS' stress components
#: differ from the Python evaluator's by up to 6.2e-6 GPa (BN_L20; at up to 82 GPa), so
#: the stress MAE / RMSE (GPa) may move by that much, and by ~3e-6 relative where the
#: stresses are larger (CBN_L20's compressed h-BN cells: RMSE 3.56943 vs 3.56942 GPa)
EVALUATORS = {"energy_per_atom": {"rel": 1e-9}, "forces": {"rel": 1e-9},
              "stress": {"rel": 1e-5, "abs": 1e-5}}
#: The bars (:mod:`.ship_validate`, issue #8): a within A_TOLERANCE, each C_ij within
#: C_TOLERANCE of the DFT of the same scans; the labelled ribbons' edge energies within
#: EDGE_TOLERANCE — the potential's test energy RMSE (C_L16f: 20 meV/atom) moves
#: γ = (E − N ε)/(2L) by N·δe/(2L) = 0.041 eV/Å = 3.3 % (zigzag graphene ribbon, 16 atoms,
#: L = 4.93 Å; armchair 1.9 %) if the ribbon's and the sheet's errors do not cancel; 5 %
#: is 1.5× that, well inside what fracture needs (K_G ∝ √γ: 5 % in γ is 2.5 % in K_G),
#: far from the failure it guards against (C_L16, trained without ribbons: γ_zigzag < 0).

#: relative deviation allowed between a relaxed-ion C_ij of the Cauchy–Born tangent (at the
#: potential's own a) and the report's (finite differences over the ±1 % strained and
#: 0.02 Å displaced 2-atom scan cells at the DFT's a0): the two definitions differ by the
#: third-order response over the a mismatch and the finite steps, measured up to +1.45 %
#: (C_L16f's C12 = 72.12 vs 71.08 N/m, its a 0.06 % below a0; C_L16g +1.2 %; BN_L16 0.4 %)
CB_VS_SCANS = 0.02
SCAN = np.round(np.arange(1.40, 0.5999, -0.05), 3)   # Å, pair distances of the short-range scans


@dataclasses.dataclass
class Loaded:
    """A shipped potential: its checked config, report (JSON dict), stored entries,
    ``LammpsPotential`` and an ASE LAMMPSlib calculator (types in species order)."""

    cfg: dict
    report: dict
    entries: list
    potential: object
    calc: object

    @property
    def mtp_file(self) -> Path:
        return self.cfg["_dir"] / f"{self.cfg['name']}.mtp"

    def part(self, material: str) -> dict:
        """The report's part for ``material``: report["materials"][material] for a
        potential of two sheet materials, else the report itself."""
        if "materials" in self.report:
            return self.report["materials"][material]
        assert self.report.get("material", material) == material
        return self.report

    def splits(self) -> tuple[list, list]:
        return config_split(self.cfg, self.entries)


@pytest.fixture(scope="module")
def shipped():
    """``shipped(config)``: the :class:`Loaded` potential of a ship config (relative to
    potentials/data), loaded once per module."""
    from ase.calculators.lammpslib import LAMMPSlib

    from mdfe.potentials.lammps_potential import LammpsPotential
    cache = {}

    def load(config: str) -> Loaded:
        if config not in cache:
            cfg = load_config(DATA / config)
            pot = LammpsPotential.mtp(cfg["_dir"] / f"{cfg['name']}.mtp", cfg["species"])
            calc = LAMMPSlib(lmpcmds=pot.commands(), log_file=None, keep_alive=True,
                             atom_types={s: i + 1 for i, s in enumerate(cfg["species"])})
            report = json.loads((cfg["_dir"] / f"{cfg['name']}.report.json").read_text())
            cache[config] = Loaded(cfg, report, load_entries(cfg), pot, calc)
        return cache[config]
    return load


def _own(loaded: Loaded, material: str) -> list:
    """The material's own entries (only its symbols), at least its 2-atom scans."""
    own = material_frames(loaded.entries, material)
    assert any(str(f.info["config_type"]).endswith("_scan") for f in own), material
    return own


@pytest.mark.parametrize("config", list(CONFIGS), ids=lambda c: Path(c).stem[4:])
def test_lammps_gives_the_reported_test_errors(shipped, config):
    from mdfe.potentials.mtp.metrics import error_table, predict
    loaded = shipped(config)
    _, test_set = loaded.splits()
    assert [f.info["config_id"] for f in test_set] == loaded.report["test_config_ids"]
    assert {s for f in test_set for s in f.get_chemical_symbols()} == set(loaded.cfg["species"])
    rows = [dict(r, group=str(f.info["config_type"]))
            for f, r in zip(test_set, predict(loaded.calc, test_set))]
    got, want = error_table(rows), loaded.report["errors"]["test"]
    # reports before 2 Dec have one unnamed group (== "all"); newer ones one per config_type
    groups = [g for g in want if g != ""]
    assert set(groups) <= set(got) and "all" in groups, (sorted(want), sorted(got))
    for group in groups:
        for key in ("energy_per_atom", "forces", "stress"):
            assert got[group][key]["N"] == want[group][key]["N"], (group, key)
            for stat in ("MAE", "RMSE"):
                assert got[group][key][stat] == pytest.approx(
                    want[group][key][stat], **EVALUATORS[key]), (group, key, stat)


@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_lammps_lattice_and_elastic_constants_meet_the_bars(shipped, pair):
    from mdfe.potentials.properties import elastic
    from mdfe.potentials.properties.cauchy_born import CauchyBorn
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    loaded = shipped(pair.config)
    a0 = loaded.cfg["_a0"][pair.material]
    scans = [f for f in _own(loaded, pair.material) if len(f) == 2 and "strain" in f.info
             and str(f.info["config_type"]).endswith("_scan")]
    a_dft, c_dft = lattice_constant(scans, a0), elastic_constants(scans)["relaxed"]
    a = elastic.lattice_constant(loaded.potential,
                                 lambda x: hexagonal_primitive(pair.material, x), a0)
    cb = CauchyBorn(loaded.potential, hexagonal_primitive(pair.material, a))
    try:
        c = elastic.membrane_stiffness(cb) * elastic.EV_PER_A2_TO_N_PER_M
    finally:
        cb.close()
    reported = loaded.part(pair.material)["sheet"]["potential"]
    assert a == pytest.approx(a_dft, rel=A_TOLERANCE)
    assert a == pytest.approx(reported["a"], rel=5e-5)
    for key, ij in {"C11": (0, 0), "C22": (1, 1), "C12": (0, 1), "C66": (2, 2)}.items():
        assert c[ij] == pytest.approx(c_dft[key], rel=C_TOLERANCE), key
        assert c[ij] == pytest.approx(reported["relaxed"][key], rel=CB_VS_SCANS), key
    # like for like: the report's formulas on the same scans, evaluated in LAMMPS
    same = relabel(scans, loaded.calc)
    assert lattice_constant(same, a0) == pytest.approx(reported["a"], rel=1e-9)
    for key, value in elastic_constants(same)["relaxed"].items():
        assert value == pytest.approx(reported["relaxed"][key], rel=1e-6), key


@pytest.mark.parametrize("pair", PAIRS, ids=str)
def test_biaxial_energy_in_lammps_is_the_reported_path_with_one_minimum(shipped, pair):
    from mdfe.potentials.dft.structures import deformed, honeycomb
    loaded = shipped(pair.config)
    path = loaded.part(pair.material)["strain_paths"]["biaxial"]
    eps = np.array(path["strain"])
    base = honeycomb(loaded.cfg["_a0"][pair.material], SHEETS[pair.material], "2", 14.0)
    cells = relabel([deformed(base, x, x, 0.0) for x in eps], loaded.calc)
    e = np.array([c.get_potential_energy() for c in cells]) / len(base)       # eV/atom
    np.testing.assert_allclose(e, path["energy_per_atom"], rtol=0, atol=1e-6)
    inner = np.flatnonzero((e[1:-1] < e[:-2]) & (e[1:-1] < e[2:])) + 1
    assert eps[inner].tolist() == [0.0]
    assert e[-1] - e.min() > 0.25 and e[0] - e.min() > 0.25   # eV/atom: both walls rise


@pytest.mark.parametrize("pair", FRACTURE, ids=str)
def test_edge_energies_of_labelled_ribbons_match_dft_in_lammps(shipped, pair):
    loaded = shipped(pair.config)
    own = _own(loaded, pair.material)
    dft = fracture_props.edge_energies(own)
    mtp = fracture_props.edge_energies(own, loaded.calc)
    reported = loaded.part(pair.material)["fracture"]["edges_potential"]
    for kind in ("zigzag", "armchair"):
        assert 0.5 < dft[kind] < 1.5, (kind, dft[kind])     # PBE, unrelaxed narrow ribbon
        assert mtp[kind] == pytest.approx(dft[kind], rel=EDGE_TOLERANCE), kind
        assert mtp[kind] == pytest.approx(reported[kind], rel=1e-6), kind


@pytest.mark.parametrize("pair", FRACTURE, ids=str)
def test_relaxed_wide_ribbon_edges_are_positive_and_match_report(shipped, pair):
    from mdfe.potentials.properties.edges import edge_energy
    loaded = shipped(pair.config)
    fracture = loaded.part(pair.material)["fracture"]
    lmp = fracture["lammps"]
    for kind in pair.faces:
        g = edge_energy(loaded.potential, pair.material, lmp["a"], kind, rows=6, repeats=2)
        # relaxation lowers the edge energy below the unrelaxed DFT-geometry value,
        # and a 6-row ribbon is the 10-row one of the report to a few meV/Å; 2 periods
        # along the edge, as the report: CBN_L20's graphene armchair edge relaxes with
        # period 2 (0.963 eV/Å; 0.999 held to period 1)
        assert 0.0 < g < fracture["edges_dft"][kind], kind
        assert g == pytest.approx(lmp[f"gamma_{kind}_relaxed"], abs=0.01), kind


@pytest.mark.parametrize("pair", FRACTURE, ids=str)
def test_short_range_scans_are_physical_in_lammps(shipped, pair):
    """One atom of a flat sheet pushed onto a bonded neighbour (in plane, and lifted
    0.5 Å out of it) and onto a second neighbour, 1.40 → 0.60 Å, in LAMMPS: the energy
    stays above the perfect sheet and rises as the pair closes (the second-neighbour line
    below 0.9 Å; :mod:`mdfe.potentials.properties.short_range`, whose own test shows
    BNC.tersoff passing and C_L16e — the potential whose crack faces fused — failing)."""
    from mdfe.potentials.properties.short_range import close_contact_scan, physical
    loaded = shipped(pair.config)
    a = loaded.part(pair.material)["fracture"]["lammps"]["a"]
    for kind in pair.short_range:
        e = close_contact_scan(loaded.potential, pair.material, a, kind, SCAN)
        assert physical(kind, SCAN, e), (kind, np.round(e, 2).tolist())


@pytest.mark.parametrize("pair", FRACTURE, ids=str)
def test_unloaded_slit_faces_stay_apart_in_lammps(shipped, pair):
    """:func:`mdfe.potentials.properties.slit.slit_check` (whose own test has C_L16g's
    zigzag faces fusing) passes for the pair's crack faces."""
    from mdfe.potentials.properties.slit import slit_check
    loaded = shipped(pair.config)
    a = loaded.part(pair.material)["fracture"]["lammps"]["a"]
    for faces in pair.faces:
        r = slit_check(loaded.potential, pair.material, a, faces)
        assert r["passed"], (faces, r)


@pytest.mark.parametrize("pair", FRACTURE, ids=str)
def test_uniaxial_stress_curve_starts_with_youngs_modulus_from_lammps(shipped, pair):
    """Small-strain slope of the ideal-strength curve (ASE, Python MTP evaluator, cell and
    atoms relaxed) = Young's modulus of the LAMMPS Cauchy–Born membrane stiffness along
    the same direction, E_x = 1/S11 with S = C⁻¹ (uniaxial stress)."""
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.mtp_file import read_mtp
    from mdfe.potentials.properties import elastic
    from mdfe.potentials.properties.cauchy_born import CauchyBorn
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    loaded = shipped(pair.config)
    a = loaded.part(pair.material)["fracture"]["lammps"]["a"]
    cb = CauchyBorn(loaded.potential, hexagonal_primitive(pair.material, a))
    try:
        c = elastic.membrane_stiffness(cb) * elastic.EV_PER_A2_TO_N_PER_M
    finally:
        cb.close()
    young = 1.0 / np.linalg.inv(c)[0, 0]          # N/m, uniaxial stress along x
    calc = MTPCalculator(read_mtp(loaded.mtp_file), loaded.cfg["species"])
    for direction in ("zigzag", "armchair"):
        r = fracture_props.uniaxial_stress_curve(calc, a, direction, strains=[0.0, 0.002],
                                                 fmax=1e-4, symbols=SHEETS[pair.material])
        slope = (r["stress_N_per_m"][1] - r["stress_N_per_m"][0]) / 0.002
        assert slope == pytest.approx(young, rel=0.02), direction
        assert r["transverse_strain"][1] < 0          # Poisson contraction


@pytest.mark.parametrize("config", INTERFACE, ids=lambda c: Path(c).stem[4:])
def test_interface_stripe_in_lammps(shipped, config):
    """A C–B–N potential's interface section in LAMMPS: the labelled stripes' energies are
    the report's; the 128-atom stripe, rattled and relaxed at the report's a, stays flat
    with its interface bonds intact (:func:`.interface_props.stripe_stability`)."""
    from mdfe.potentials.dft.interface_props import interface_frames, stripe_stability
    loaded = shipped(config)
    section = loaded.report["interface"]
    stripes = relabel(interface_frames(loaded.entries), loaded.calc)
    assert [r["config_id"] for r in section["entries"]] == \
        [f.info["config_id"] for f in stripes]
    for r, f in zip(section["entries"], stripes):
        assert f.get_potential_energy() / len(f) == pytest.approx(
            r["energy_per_atom_potential"], rel=1e-9)
    st = stripe_stability(loaded.potential, section["stability"]["a"])
    assert st["passed"] and st["z_spread_A"] == pytest.approx(
        section["stability"]["z_spread_A"], abs=1e-6)


@pytest.mark.parametrize("config", BENT, ids=lambda c: Path(c).stem[4:])
def test_bending_energies_in_lammps_match_report_and_dft(shipped, config):
    """The corrugated cells' bending energies E(A) − E(flat), relabelled by LAMMPS, are the
    report's, and each is within a factor :data:`BENDING_FACTOR` of DFT."""
    from mdfe.potentials.dft.bending_props import bending_table
    loaded = shipped(config)
    rows = bending_table(loaded.entries, loaded.calc)
    assert len(rows) == len(loaded.report["bending"]) > 0
    for r, want in zip(rows, loaded.report["bending"]):
        assert r["energy_potential_meV_per_atom"] == pytest.approx(
            want["energy_potential_meV_per_atom"], rel=1e-6)
        assert 1 / BENDING_FACTOR <= r["ratio"] <= BENDING_FACTOR, r


@pytest.mark.parametrize("config", list(CONFIGS), ids=lambda c: Path(c).stem[4:])
def test_retraining_from_stored_data_repeats_the_shipped_fit(shipped, config):
    """The first optimiser steps (:data:`CONFIGS`) of a retraining give the report's loss
    values (full retraining: `python -m mdfe.potentials.dft.ship <config>`;
    config_type_weights and linear_solve, where the config has them, are replayed)."""
    loaded = shipped(config)
    steps = CONFIGS[config]
    train_set, _ = loaded.splits()
    res = train_on({**loaded.cfg, "train": {**loaded.cfg["train"], "max_iter": steps}},
                   train_set)
    assert len(res.loss_history) == steps
    np.testing.assert_allclose(res.loss_history, loaded.report["loss_history_head"][:steps],
                               rtol=1e-6)
