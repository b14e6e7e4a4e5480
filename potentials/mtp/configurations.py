"""Read/write sets of configurations by file suffix: MLIP ``.cfg``, mlearn JSON, or any
format ASE knows (extxyz, VASP OUTCAR/vasprun, ASE db, ...). Reference energies, forces
and stress travel on a SinglePointCalculator (eV, eV/Å, eV/Å³ in ASE's sign convention).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import ase.io
from ase import Atoms

from mdfe.potentials.mtp.cfg import read_cfg, write_cfg
from mdfe.potentials.mtp.mlearn import read_mlearn


def _is_mlearn(path: Path) -> bool:
    with path.open() as fh:
        head = fh.read(4096)
    if not head.lstrip().startswith("["):
        return False
    try:
        first = json.loads(path.read_text())[0]
    except (ValueError, IndexError, KeyError):
        return False
    return isinstance(first, dict) and "structure" in first and "outputs" in first


def read_configurations(path: str | os.PathLike, species=None) -> list[Atoms]:
    """All configurations in ``path``; ``species`` (type order) is needed for ``.cfg``."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.suffix == ".cfg":
        return read_cfg(path, species)
    if path.suffix == ".json" and _is_mlearn(path):
        return read_mlearn(path)
    images = ase.io.read(path, index=":")
    return [images] if isinstance(images, Atoms) else list(images)


def write_configurations(path: str | os.PathLike, images: list[Atoms], species=None) -> None:
    """Write ``images`` to ``path`` (``.cfg`` through mdfe, anything else through ASE)."""
    path = Path(path)
    if path.suffix == ".cfg":
        write_cfg(path, images, species)
    else:
        ase.io.write(path, images)
