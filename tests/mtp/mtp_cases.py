"""Shared cases of the MTP tests: small rattled crystals with 1-3 species, seeded potentials."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from ase.build import bulk

import mdfe  # noqa: F401  (loads the MPI library before motep/mpi4py)
from mdfe.potentials.mtp.model import untrained

MLEARN = Path(__file__).resolve().parents[3] / "shared" / "data" / "mlearn"
SPECIES = {1: ["Si"], 2: ["Si", "C"], 3: ["Si", "C", "Ge"]}


def crystal(n_species: int, seed: int = 0, rattle: float = 0.15):
    """8-atom rattled diamond cell (a = 5.0 Å, slightly sheared) with n_species kinds."""
    atoms = bulk("Si", "diamond", a=5.0, cubic=True)
    atoms.set_cell(atoms.cell @ np.array([[1, 0.03, 0], [0, 1, 0.02], [0.01, 0, 1]]),
                   scale_atoms=True)
    rng = np.random.default_rng(seed)
    atoms.symbols = [SPECIES[n_species][i % n_species] for i in range(len(atoms))]
    atoms.positions += rng.uniform(-rattle, rattle, atoms.positions.shape)
    return atoms


def potential(level: int, n_species: int, seed: int = 1):
    """A level-``level`` MTP with seeded random non-zero coefficients, cut-off 4.2 Å."""
    return untrained(level, n_species, min_dist=1.6, max_dist=4.2).randomized(seed)


