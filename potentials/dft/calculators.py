"""Labelling back-ends: evaluate one configuration with an ASE calculator.

A back-end has a ``tag`` (text stored with every entry it labels, so results of different
settings are never mixed in one file) and ``evaluate(atoms) -> Labels``.

- ``gpaw``: PBE plane waves with the per-element settings of a ``dft_settings.toml``
  (:mod:`.settings`); spin-polarised where the configuration says so
  (``atoms.info['spin'] = True``; initial moments from ``atoms.arrays['initial_magmoms']``
  or the settings' default).
- ``emt`` or ``module:factory``: any ASE calculator made by calling ``factory()``.

Units: energy eV, forces eV/Å (shape (N, 3)), stress eV/Å³ as ASE's Voigt 6-vector
(xx, yy, zz, yz, xz, xy; positive = tensile), computed over the whole cell including vacuum.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import numpy as np
from ase import Atoms

from .settings import DFTSettings, kpoint_grid


@dataclass
class Labels:
    """Results for one configuration: energy (eV), forces (N, 3) eV/Å, stress (6,) eV/Å³
    or None, and scalar metadata stored in the entry's info."""

    energy: float
    forces: np.ndarray
    stress: np.ndarray | None
    info: dict = field(default_factory=dict)


def _energy_forces_stress(atoms: Atoms) -> tuple[float, np.ndarray, np.ndarray | None]:
    """Force-consistent energy, forces and (if the calculator has it) stress of ``atoms``."""
    try:
        energy = atoms.get_potential_energy(force_consistent=True)
    except Exception:  # noqa: BLE001 - calculators without a free energy
        energy = atoms.get_potential_energy()
    forces = atoms.get_forces()
    stress = atoms.get_stress(voigt=True) if "stress" in atoms.calc.implemented_properties \
        else None
    return float(energy), np.array(forces), None if stress is None else np.array(stress)


class ASEBackend:
    """Any ASE calculator built by ``factory()`` (e.g. ``ase.calculators.emt:EMT``)."""

    def __init__(self, spec: str):
        if ":" not in spec:
            raise ValueError(f"calculator '{spec}': expected 'module:factory', e.g. "
                             f"'ase.calculators.emt:EMT', or one of {sorted(NAMED)}")
        module, name = spec.split(":", 1)
        try:
            self._factory = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"calculator '{spec}': cannot import {name} from {module}: "
                             f"{exc}") from None
        self.tag = spec

    def evaluate(self, atoms: Atoms) -> Labels:
        atoms = atoms.copy()
        atoms.calc = self._factory()
        energy, forces, stress = _energy_forces_stress(atoms)
        return Labels(energy, forces, stress)


class GPAWBackend:
    """GPAW, PBE plane waves, settings per element from a :class:`DFTSettings`."""

    def __init__(self, settings: DFTSettings, txt: str | None = None):
        try:
            import gpaw
        except ImportError:
            raise ValueError("calculator 'gpaw' needs the optional DFT extra: run "
                             "scripts/install_dft.sh (pip install mdfe[dft])") from None
        self._gpaw = gpaw
        self.settings = settings
        self.txt = txt
        self.tag = f"gpaw-{gpaw.__version__} {settings.tag()}"

    def calculator_for(self, atoms: Atoms):
        """A GPAW calculator for ``atoms``: (calculator, metadata dict)."""
        from gpaw import GPAW, PW, FermiDirac
        s = self.settings
        cutoff = s.cutoff_for(atoms)
        kpts = kpoint_grid(atoms, s.kpoint_density, s.vacuum_gap)
        spin = bool(atoms.info.get("spin", False))
        calc = GPAW(mode=PW(cutoff), xc=s.xc, kpts={"size": kpts, "gamma": True},
                    occupations=FermiDirac(s.smearing), spinpol=spin,
                    maxiter=s.max_scf_iterations, txt=self.txt)
        meta = {"cutoff": cutoff, "kpts": " ".join(map(str, kpts)), "spin": spin}
        return calc, meta

    def evaluate(self, atoms: Atoms) -> Labels:
        atoms = atoms.copy()
        calc, meta = self.calculator_for(atoms)
        if meta["spin"]:
            if "initial_magmoms" not in atoms.arrays:
                atoms.set_initial_magnetic_moments(
                    np.full(len(atoms), self.settings.default_initial_magmom))
        else:
            atoms.set_initial_magnetic_moments(None)
        atoms.calc = calc
        energy, forces, stress = _energy_forces_stress(atoms)
        meta["energy_zero_width"] = float(atoms.get_potential_energy())
        if meta["spin"]:
            meta["magmom"] = float(calc.get_magnetic_moment())
        return Labels(energy, forces, stress, meta)


NAMED = {"emt": "ase.calculators.emt:EMT"}


def make_backend(name: str, settings: DFTSettings | None = None, txt: str | None = None):
    """Back-end by name: 'gpaw' (needs ``settings``), 'emt', or 'module:factory'."""
    if name == "gpaw":
        if settings is None:
            raise ValueError("calculator 'gpaw' needs DFT settings (a dft_settings.toml)")
        return GPAWBackend(settings, txt=txt)
    return ASEBackend(NAMED.get(name, name))
