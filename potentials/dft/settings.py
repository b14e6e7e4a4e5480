"""DFT labelling settings: the ``dft_settings.toml`` file and what follows from it.

Units: energies and cutoffs in eV, lengths in Å, k-point density in Å (points per Å^-1
of reciprocal length, without the 2π), magnetic moments in Bohr magnetons.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ase import Atoms
from ase.data import chemical_symbols

DEFAULT_SETTINGS = Path(__file__).resolve().parent.parent / "data" / "dft_settings.toml"

_SCALARS = {  # key: (type, lower bound (exclusive), meaning)
    "smearing": (float, 0.0, "Fermi-Dirac width in eV"),
    "kpoint_density": (float, 0.0, "k-points per Å^-1 (Å)"),
    "vacuum_gap": (float, 0.0, "empty gap in Å that makes an axis a vacuum axis"),
    "max_scf_iterations": (int, 0, "SCF iteration limit"),
    "default_initial_magmom": (float, None, "initial moment per atom in Bohr magnetons"),
}


class SettingsError(ValueError):
    """A settings file is missing a key or has a value out of range."""


@dataclass(frozen=True)
class DFTSettings:
    """Plane-wave DFT settings; see ``potentials/data/dft_settings.toml`` for meanings."""

    xc: str
    smearing: float
    kpoint_density: float
    vacuum_gap: float
    max_scf_iterations: int
    default_initial_magmom: float
    cutoff: dict[str, float]
    source: str = "<memory>"

    def cutoff_for(self, atoms: Atoms) -> float:
        """Plane-wave cutoff (eV) for ``atoms``: the largest over its elements."""
        symbols = sorted(set(atoms.get_chemical_symbols()))
        missing = [s for s in symbols if s not in self.cutoff]
        if missing:
            raise SettingsError(f"{self.source}: no [cutoff] entry for element(s) {missing}; "
                                f"elements with a cutoff: {sorted(self.cutoff)}")
        return max(self.cutoff[s] for s in symbols)

    def tag(self) -> str:
        """Short text naming the settings that change the labels (stored with each entry)."""
        cut = ",".join(f"{k}:{v:g}" for k, v in sorted(self.cutoff.items()))
        return (f"{self.xc} PW[{cut}] kdens={self.kpoint_density:g} "
                f"FD={self.smearing:g} vac={self.vacuum_gap:g}")


def load_settings(path: str | Path = DEFAULT_SETTINGS) -> DFTSettings:
    """Read and check a settings TOML file; errors name the file and the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise SettingsError(f"DFT settings file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None
    allowed = {"xc", "cutoff", *_SCALARS}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SettingsError(f"{path}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    values = {}
    for key, (kind, lower, meaning) in _SCALARS.items():
        if key not in raw:
            raise SettingsError(f"{path}: missing key '{key}' ({meaning})")
        val = raw[key]
        if isinstance(val, bool) or not isinstance(val, (int, float)) or (
                kind is int and not isinstance(val, int)):
            raise SettingsError(f"{path}: '{key}' = {val!r} must be a {kind.__name__} "
                                f"({meaning})")
        if lower is not None and not val > lower:
            raise SettingsError(f"{path}: '{key}' = {val!r} must be > {lower} ({meaning})")
        values[key] = kind(val)
    if not isinstance(raw.get("xc"), str):
        raise SettingsError(f"{path}: 'xc' must be a functional name such as \"PBE\"")
    cutoff = raw.get("cutoff")
    if not isinstance(cutoff, dict) or not cutoff:
        raise SettingsError(f"{path}: missing table [cutoff] (element = cutoff in eV)")
    for sym, val in cutoff.items():
        if sym not in chemical_symbols[1:]:
            raise SettingsError(f"{path}: [cutoff] key '{sym}' is not an element symbol")
        if isinstance(val, bool) or not isinstance(val, (int, float)) or val <= 0:
            raise SettingsError(f"{path}: [cutoff] {sym} = {val!r} must be a positive "
                                f"number of eV")
    return DFTSettings(xc=raw["xc"], cutoff={k: float(v) for k, v in cutoff.items()},
                       source=str(path), **values)


def vacuum_axes(atoms: Atoms, gap: float) -> list[bool]:
    """For each cell axis, whether the atoms leave an empty slab at least ``gap`` Å wide.

    The gap is measured along the axis' plane normal (the cell height), so it is the true
    vacuum thickness for non-orthogonal cells too. Non-periodic axes count as vacuum.
    """
    cell = atoms.cell.complete()
    frac = atoms.get_scaled_positions(wrap=True)
    recip = np.linalg.norm(cell.reciprocal(), axis=1)  # 1/height of each axis
    result = []
    for i in range(3):
        if not atoms.pbc[i]:
            result.append(True)
            continue
        s = np.sort(frac[:, i])
        gaps = np.diff(np.concatenate([s, [s[0] + 1.0]]))
        result.append(bool(gaps.max() / recip[i] >= gap))
    return result


def kpoint_grid(atoms: Atoms, density: float, gap: float) -> tuple[int, int, int]:
    """Gamma-centred grid: ceil(2π·density·|b_i|) points, one along vacuum axes."""
    recip = np.linalg.norm(atoms.cell.complete().reciprocal(), axis=1)
    vac = vacuum_axes(atoms, gap)
    return tuple(1 if vac[i] else max(1, math.ceil(2 * math.pi * density * recip[i] - 1e-9))
                 for i in range(3))
