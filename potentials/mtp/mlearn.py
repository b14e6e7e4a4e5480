"""Read the mlearn JSON data sets (Zuo et al., J. Phys. Chem. A 124, 731 (2020)).

Each record holds a pymatgen ``Structure`` dict and ``outputs`` with ``energy`` (eV,
total), ``forces`` (eV/Å) and ``virial_stress`` — six numbers in the order
[xx, yy, zz, xy, yz, xz], in kbar, with the sign of a pressure (positive under
compression, the VASP convention). Both facts are checked in tests/mtp/test_mlearn.py
against the data's own energies: for the uniaxially strained "Elastic" cells,
σ_xx = (λ/V)·dE/dλ from a finite difference of E over the stretch λ equals −virial_xx
converted from kbar. The reader returns ASE Atoms whose stress follows ASE's convention
(σ = (1/V)·∂E/∂ε, eV/Å³, Voigt order [xx, yy, zz, yz, xz, xy]).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator

KBAR_PER_EV_A3 = 1602.1766208  # 1 eV/Å³ = 160.21766208 GPa
_MLEARN_TO_ASE = [0, 1, 2, 4, 5, 3]   # ASE [xx yy zz yz xz xy] from mlearn [xx yy zz xy yz xz]


def mlearn_stress_to_ase(virial_kbar) -> np.ndarray:
    """mlearn ``virial_stress`` (kbar, pressure sign) → ASE Voigt stress (eV/Å³)."""
    v = np.asarray(virial_kbar, dtype=float)
    return -v[..., _MLEARN_TO_ASE] / KBAR_PER_EV_A3


def read_mlearn(path: str | os.PathLike) -> list[Atoms]:
    """Configurations of an mlearn JSON file as ASE Atoms with a SinglePointCalculator
    (energy eV, forces eV/Å, stress eV/Å³); ``info`` holds group, tag, description, and
    the group again as ``config_type`` (the key of ``TrainSettings.config_type_weights``).

    Raises ValueError naming the file and record index for a missing key or NaN.
    """
    path = Path(path)
    records = json.loads(path.read_text())
    images = []
    for n, rec in enumerate(records):
        where = f"{path}: record {n}"
        try:
            lattice = np.array(rec["structure"]["lattice"]["matrix"], dtype=float)
            sites = rec["structure"]["sites"]
            symbols = [s["species"][0]["element"] for s in sites]
            positions = np.array([s["xyz"] for s in sites], dtype=float)
            out = rec["outputs"]
            energy = float(out["energy"])
            forces = np.array(out["forces"], dtype=float).reshape(len(sites), 3)
            stress = mlearn_stress_to_ase(out["virial_stress"])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ValueError(f"{where}: malformed mlearn record ({exc!r})") from None
        for name, arr in (("positions", positions), ("energy", energy), ("forces", forces),
                          ("virial_stress", stress)):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"{where}: NaN or infinite value in {name}")
        atoms = Atoms(symbols=symbols, positions=positions, cell=lattice, pbc=True)
        atoms.calc = SinglePointCalculator(atoms, energy=energy, free_energy=energy,
                                           forces=forces, stress=stress)
        atoms.info.update(group=rec.get("group", ""), config_type=rec.get("group", ""),
                          tag=rec.get("tag", ""),
                          description=rec.get("description", ""))
        images.append(atoms)
    return images
