"""Read and write MLIP ``.cfg`` multi-configuration files (ASE Atoms in, Atoms out).

One configuration::

    BEGIN_CFG
     Size
        2
     Supercell                      (0-3 lattice vectors, Å; none = non-periodic)
        5.43 0 0
        ...
     AtomData:  id type cartes_x cartes_y cartes_z fx fy fz [more per-atom columns]
        1 0 0.0 0.0 0.0 0.1 0.2 0.3
        ...
     Energy
        -10.5                       (eV)
     PlusStress:  xx yy zz yz xz xy
        ...                         (virial in eV = −σ·V, σ in ASE's sign convention)
     Feature   key value
    END_CFG

``type`` is a 0-based species index; ``species`` (atomic numbers or symbols, type order)
maps it to elements — without it the type index is stored as the atomic number (0 = X).
Reference data go to a SinglePointCalculator (energy eV, forces eV/Å, stress eV/Å³);
extra per-atom columns go to ``atoms.arrays`` (e.g. ``nbh_grades``), ``Feature`` lines
to ``atoms.info`` as strings. Floats are written with 17 significant digits, so
read → write → read is exact. Errors (:class:`CFGFormatError`) name the file and line.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.calculators.singlepoint import SinglePointCalculator

from mdfe.potentials.mtp.calculator import species_numbers


class CFGFormatError(ValueError):
    """A malformed ``.cfg`` file; the message names the file and line."""


_VOIGT = ("xx", "yy", "zz", "yz", "xz", "xy")
_POS = {"cartes": ("cartes_x", "cartes_y", "cartes_z"), "direct": ("direct_x", "direct_y",
                                                                    "direct_z")}
_FORCES = ("fx", "fy", "fz")


def _floats(line: str, n: int | None, where: str) -> np.ndarray:
    try:
        v = np.array([float(x) for x in line.split()])
    except ValueError:
        raise CFGFormatError(f"{where}: expected numbers, got {line.strip()!r}") from None
    if n is not None and v.size != n:
        raise CFGFormatError(f"{where}: expected {n} numbers, got {v.size}")
    if not np.all(np.isfinite(v)):
        raise CFGFormatError(f"{where}: NaN or infinite value in {line.strip()!r}")
    return v


class _Lines:
    """Line cursor that knows the file name for error messages."""

    def __init__(self, path: Path):
        self.path = path
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.n = 0

    def where(self, n: int | None = None) -> str:
        return f"{self.path}:{(self.n if n is None else n) + 1}"

    def next(self, what: str) -> str:
        if self.n >= len(self.lines):
            raise CFGFormatError(f"{self.path}:{len(self.lines)}: file ends while reading {what}")
        line = self.lines[self.n]
        self.n += 1
        return line


def _read_one(cur: _Lines, species: list[int] | None, start: int) -> Atoms:
    size = cell = table = energy = plus = None
    columns: list[str] = []
    info: dict = {}
    while True:
        line = cur.next(f"the configuration begun at line {start + 1} (no END_CFG)")
        word = line.split()[0] if line.split() else ""
        at = cur.where(cur.n - 1)
        if word == "END_CFG":
            break
        if word == "Size":
            v = cur.next("Size").split()
            if len(v) != 1 or not v[0].isdigit():
                raise CFGFormatError(f"{cur.where(cur.n - 1)}: Size must be one integer")
            size = int(v[0])
        elif word in ("Supercell", "SuperCell"):
            vecs = []
            while cur.n < len(cur.lines) and len(cur.lines[cur.n].split()) == 3 and \
                    cur.lines[cur.n].split()[0].lstrip("-+").replace(".", "", 1)[:1].isdigit():
                vecs.append(_floats(cur.next("Supercell"), 3, cur.where(cur.n - 1)))
            cell = np.array(vecs).reshape(-1, 3)
        elif word in ("AtomData:", "Atomic_data:"):
            if size is None:
                raise CFGFormatError(f"{at}: AtomData before Size")
            columns = line.split()[1:]
            if "type" not in columns:
                raise CFGFormatError(f"{at}: AtomData has no 'type' column")
            table = np.array([_floats(cur.next(f"AtomData row {i + 1} of {size}"), len(columns),
                                      cur.where(cur.n - 1)) for i in range(size)])
        elif word == "Energy":
            energy = float(_floats(cur.next("Energy"), 1, cur.where(cur.n - 1))[0])
        elif word == "PlusStress:":
            keys = line.split()[1:]
            if sorted(keys) != sorted(_VOIGT):
                raise CFGFormatError(f"{at}: PlusStress needs the keys {' '.join(_VOIGT)}")
            vals = _floats(cur.next("PlusStress"), 6, cur.where(cur.n - 1))
            plus = np.array([vals[keys.index(k)] for k in _VOIGT])
        elif word == "Feature":
            parts = line.split(None, 2)
            if len(parts) < 2:
                raise CFGFormatError(f"{at}: Feature line needs a key")
            info[parts[1]] = parts[2].strip() if len(parts) > 2 else ""
        elif word:
            raise CFGFormatError(f"{at}: unknown line {line.strip()!r} in a configuration")
    where = f"{cur.path}:{start + 1}"
    if size is None or table is None:
        raise CFGFormatError(f"{where}: configuration without {'Size' if size is None else 'AtomData'}")
    col = {c: i for i, c in enumerate(columns)}
    types = table[:, col["type"]].astype(int)
    if species is None:
        numbers = types
    else:
        if types.min() < 0 or types.max() >= len(species):
            raise CFGFormatError(f"{where}: type {int(types.max())} has no species (species "
                                 f"given: {species})")
        numbers = np.array(species)[types]
    kind = next((k for k, names in _POS.items() if all(n in col for n in names)), None)
    if kind is None:
        raise CFGFormatError(f"{where}: AtomData needs cartes_x/y/z or direct_x/y/z columns")
    xyz = table[:, [col[n] for n in _POS[kind]]]
    pbc = [i < len(cell) for i in range(3)] if cell is not None else False
    full_cell = np.zeros((3, 3)) if cell is None else np.vstack([cell, np.zeros((3 - len(cell), 3))])
    if kind == "direct":
        atoms = Atoms(numbers=numbers, scaled_positions=xyz, cell=full_cell, pbc=pbc)
    else:
        atoms = Atoms(numbers=numbers, positions=xyz, cell=full_cell, pbc=pbc)
    results = {}
    if energy is not None:
        results.update(energy=energy, free_energy=energy)
    if all(f in col for f in _FORCES):
        results["forces"] = table[:, [col[f] for f in _FORCES]]
    if plus is not None:
        if atoms.cell.rank != 3:
            raise CFGFormatError(f"{where}: PlusStress needs three Supercell vectors")
        results["stress"] = -plus / atoms.get_volume()
    used = {"id", "type", *_POS[kind], *_FORCES}
    for c in columns:
        if c not in used:
            atoms.arrays[c] = table[:, col[c]].copy()
    atoms.info.update(info)
    if results:
        atoms.calc = SinglePointCalculator(atoms, **results)
    return atoms


def read_cfg(path: str | os.PathLike, species=None) -> list[Atoms]:
    """All configurations of an MLIP ``.cfg`` file (see module docstring)."""
    species = None if species is None else species_numbers(species)
    cur = _Lines(Path(path))
    images = []
    while cur.n < len(cur.lines):
        line = cur.next("a configuration")
        if line.strip() == "BEGIN_CFG":
            images.append(_read_one(cur, species, cur.n - 1))
        elif line.strip():
            raise CFGFormatError(f"{cur.where(cur.n - 1)}: expected BEGIN_CFG, got "
                                 f"{line.strip()!r}")
    return images


def write_cfg(path: str | os.PathLike, images: list[Atoms], species=None) -> list[int]:
    """Write ``images`` (with reference data from ``atoms.calc.results`` if present).

    ``species``: atomic numbers or symbols in type order (default: sorted atomic numbers
    of the data). Returns the species (atomic numbers) used.
    """
    species = (sorted({int(z) for a in images for z in a.numbers}) if species is None
               else species_numbers(species))
    r = repr
    out = []
    for n, a in enumerate(images):
        missing = sorted(set(int(z) for z in a.numbers) - set(species))
        if missing:
            raise ValueError(f"configuration {n}: atomic numbers {missing} not in species "
                             f"{species}")
        res = a.calc.results if a.calc is not None else {}
        out += ["BEGIN_CFG", " Size", f"    {len(a)}"]
        if any(a.pbc):
            out.append(" Supercell")
            out += ["    " + " ".join(r(float(x)) for x in a.cell[i]) for i in range(3) if a.pbc[i]]
        extra = [k for k in a.arrays if k not in ("numbers", "positions")
                 and np.asarray(a.arrays[k]).ndim == 1]
        cols = ["id", "type", *_POS["cartes"]] + (list(_FORCES) if "forces" in res else []) + extra
        out.append(" AtomData:  " + " ".join(cols))
        lookup = np.full(max(species + [int(a.numbers.max())]) + 1, -1)
        lookup[species] = np.arange(len(species))
        types = lookup[a.numbers]
        for i in range(len(a)):
            row = [str(i + 1), str(int(types[i]))] + [r(float(x)) for x in a.positions[i]]
            if "forces" in res:
                row += [r(float(x)) for x in res["forces"][i]]
            row += [r(float(a.arrays[k][i])) for k in extra]
            out.append("    " + " ".join(row))
        if "energy" in res:
            out += [" Energy", f"    {r(float(res['energy']))}"]
        if "stress" in res and a.cell.rank == 3:
            plus = -np.asarray(res["stress"]) * a.get_volume()
            out += [" PlusStress:  " + " ".join(_VOIGT), "    " + " ".join(r(float(x)) for x in plus)]
        out += [f" Feature   {k}\t{v}" for k, v in a.info.items()]
        out += ["END_CFG", ""]
    Path(path).write_text("\n".join(out), encoding="utf-8")
    return species
