"""MTP as an ASE calculator: energy (eV), per-atom energies (eV), forces (eV/Å), stress.

Engine decision, by measurement (shared/notes/mtp.md and benchmarks/mtp_training.py):
motep's compiled ``cext`` evaluator takes ~37 µs/atom/step at level 16 on one core and
agrees with motep's pure-numpy engine to 1e-12 eV, which is ~650× slower; a numpy
evaluator of our own would sit at that numpy speed (the contraction tables are a
sequential recurrence), so mdfe evaluates through ``cext`` behind this class and keeps
motep's types inside :mod:`mdfe.potentials.mtp._motep`. Correctness is tested against
finite differences of the energy, not against motep.

Stress follows ASE: σ = (1/V)·∂E/∂ε (eV/Å³, Voigt [xx, yy, zz, yz, xz, xy]), only for
cells with three lattice vectors.
"""
from __future__ import annotations

import os

import numpy as np
from ase.calculators.calculator import Calculator, all_changes
from ase.data import atomic_numbers

from mdfe.potentials.mtp._motep import to_motep
from mdfe.potentials.mtp.model import MTPModel
from mdfe.potentials.mtp.mtp_file import read_mtp


def species_numbers(species) -> list[int]:
    """Atomic numbers from symbols or numbers, e.g. ['Mo', 'S'] → [42, 16]."""
    out = []
    for s in species:
        if isinstance(s, str):
            if s not in atomic_numbers:
                raise ValueError(f"unknown chemical symbol {s!r} in species {list(species)}")
            out.append(atomic_numbers[s])
        else:
            out.append(int(s))
    return out


class MTPCalculator(Calculator):
    """ASE calculator of a trained MTP.

    ``potential``: an :class:`MTPModel` or a path to an ``.mtp`` file; ``species``:
    chemical symbols or atomic numbers of types 0, 1, … of the potential.
    """

    implemented_properties = ("energy", "free_energy", "energies", "forces", "stress")

    def __init__(self, potential: MTPModel | str | os.PathLike, species, **kwargs):
        super().__init__(**kwargs)
        model = potential if isinstance(potential, MTPModel) else read_mtp(potential)
        if not model.is_trained:
            raise ValueError("MTPCalculator needs a trained potential (radial_coeffs, "
                             "species_coeffs and moment_coeffs present)")
        self.model = model
        self.numbers = species_numbers(species)
        self._data = to_motep(model, self.numbers)
        self._engine, self._natoms = None, -1

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        unknown = sorted(set(int(z) for z in self.atoms.numbers) - set(self.numbers))
        if unknown:
            raise ValueError(f"atomic numbers {unknown} are not among the potential's species "
                             f"{self.numbers}")
        if len(self.atoms) != self._natoms:  # motep's neighbour list is sized per atom count
            from motep.calculator import MTP
            self._engine, self._natoms = MTP(self._data, engine="cext"), len(self.atoms)
        a = self.atoms.copy()
        a.calc = self._engine
        self._engine.results = {}
        e = a.get_potential_energy()
        self.results = {"energy": e, "free_energy": e,
                        "energies": np.array(self._engine.results["energies"]),
                        "forces": np.array(self._engine.results["forces"])}
        if self.atoms.cell.rank == 3:
            self.results["stress"] = np.array(self._engine.results["stress"])
