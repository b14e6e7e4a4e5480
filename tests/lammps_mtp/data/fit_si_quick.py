"""Fit the quick Si MTP used by the NVE test and benchmark (si_quick_l10.mtp).

Not a production potential: a level-10 basis of tests/lammps_mtp/pairmtp_tables.py fitted
with motep's trainer (linear least squares, a short BFGS on all coefficients, linear least
squares again; energies and forces, no stress) on the mlearn Si training set
(/work/shared/data/mlearn/Si/training.json, Zuo et al. 2020). It only has to keep diamond
Si stable and smooth at 300 K for the energy-conservation check; the trained potentials
of mdfe.potentials.mtp are the accurate ones. Prints motep's errors on the test split.

Usage: python fit_si_quick.py [BFGS_ITERATIONS]   (default 40; the committed file used 15:
about 15 min on two busy cores). Run it in a scratch directory (motep writes
intermediate_*.mtp there).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import mdfe  # noqa: E402,F401  (MPI library before motep's optional mpi4py)
from ase import Atoms  # noqa: E402
from ase.calculators.singlepoint import SinglePointCalculator  # noqa: E402
from motep.io.mlip.mtp import write_mtp  # noqa: E402
from motep.potentials.mtp.data import MTPData  # noqa: E402
from motep.train.trainer import Trainer  # noqa: E402

from pairmtp_tables import level_tables  # noqa: E402

MLEARN = Path("/work/shared/data/mlearn/Si")


def read_mlearn(path: Path) -> list[Atoms]:
    """mlearn records as ASE Atoms with DFT energy (eV) and forces (eV/Å) attached."""
    images = []
    for rec in json.loads(path.read_text()):
        s = rec["structure"]
        atoms = Atoms([site["species"][0]["element"] for site in s["sites"]],
                      positions=[site["xyz"] for site in s["sites"]],
                      cell=s["lattice"]["matrix"], pbc=True)
        atoms.calc = SinglePointCalculator(atoms, energy=rec["outputs"]["energy"],
                                           forces=np.array(rec["outputs"]["forces"]))
        images.append(atoms)
    return images


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    tables = {k: (np.array(v, dtype=np.int32) if isinstance(v, list) else v)
              for k, v in level_tables(10).items()}
    data = MTPData(version="1.1.0", potential_name="MTP1m", scaling=1.0, species_count=1,
                   potential_tag="", radial_basis={"type": "RBChebyshev", "min": 1.9,
                                                   "max": 5.0, "size": 8}, **tables)
    data.species = [14]
    loss = {"energy_weight": 1.0, "forces_weight": 0.01, "stress_weight": 0.0}
    steps = [{"method": "LLS"},
             {"method": "minimize", "kwargs": {"method": "BFGS",
                                               "options": {"maxiter": iterations}}},
             {"method": "LLS"}]
    trainer = Trainer(data, seed=1, engine="cext", loss=loss, steps=steps)
    trainer.train(read_mlearn(MLEARN / "training.json"))
    write_mtp(HERE / "si_quick_l10.mtp", data, legacy=True)
    test = read_mlearn(MLEARN / "test.json")
    from motep.calculator import MTP
    for atoms in test:
        ref = atoms.calc
        atoms.calc = MTP(data, engine="cext")
        e, f = atoms.get_potential_energy(), atoms.get_forces()
        atoms.info["de"] = (e - ref.results["energy"]) / len(atoms)
        atoms.info["df"] = np.abs(f - ref.results["forces"]).ravel()
    de = np.array([a.info["de"] for a in test])
    df = np.concatenate([a.info["df"] for a in test])
    print(f"test split: energy MAE {1e3 * np.abs(de).mean():.2f} meV/atom, "
          f"force MAE {df.mean():.3f} eV/Å")


if __name__ == "__main__":
    main()
