"""The shipped carbon MTPs C_L16f (the quick-start demo's) and C_L16g (C_L16f's recipe
plus the DFT close-contact set): C_L16g's close-contact energies against DFT, in LAMMPS,
and the unloaded slit in the demo's crack body (C_L16f keeps it open, C_L16g's faces
close). What every shipped sheet potential's report claims (test errors, sheet constants,
edges, short range, slit check, retraining) is tested in test_shipped_sheet_potentials.py.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import mdfe  # noqa: F401  (MPI library before lammps / mpi4py)
from mdfe.potentials.dft import fracture_props
from mdfe.potentials.dft.ship import load_config, load_entries

CARBON = Path(mdfe.__file__).resolve().parent.parent / "potentials" / "data" / "carbon"
CONFIG = CARBON / "mtp_C_L16g.toml"      # with the DFT close-contact set
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


@pytest.fixture(scope="module")
def shipped():
    from mdfe.potentials.lammps_potential import LammpsPotential
    cfg = load_config(CONFIG)
    return cfg, LammpsPotential.mtp(CARBON / f"{cfg['name']}.mtp", cfg["species"])


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
