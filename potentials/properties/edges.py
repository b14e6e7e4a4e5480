"""Edge energies of 2D sheets and the Griffith stress intensity factor.

:func:`edge_energy`: γ (eV/Å) of the straight edges of a ribbon cut from a hexagonal sheet
(graphene, h-BN), relaxed at 0 K: γ = (E_ribbon − N ε_sheet) / (2 L), L the periodic
length along the edge, ε_sheet the energy per atom of the perfect sheet at the same a.
``"zigzag"`` gives zigzag edges (ribbon axis along a zigzag row), ``"armchair"`` armchair
edges. For h-BN the two zigzag edges of a ribbon are a B edge and an N edge, so the value
is (γ_B + γ_N)/2: only the sum is defined.

The ribbon is relaxed in its plane: it starts flat and stays flat by symmetry. That flat
edge is the one a crack face in a flat sheet has, and the one to use for K_G. It is not
the absolute minimum: with BNC.tersoff an out-of-plane perturbation lets a free ribbon
warp (compressive edge stress) and lowers γ from 0.4442 to 0.3984 eV/Å (armchair, ribbon
15 Å long, 40 Å wide) and from 0.18684 to 0.18673 eV/Å (zigzag) — a size-dependent
warping energy, not an edge constant.

:func:`griffith_k`: K_G = sqrt(2 γ E'), the sheet value in eV/Å^{3/2}; convert with
:func:`k_to_mpa_sqrt_m` (thickness t in Å; graphene 3.35 Å).
"""
from __future__ import annotations

import numpy as np

from mdfe.potentials.lammps_cell import create_system, open_lammps
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.unit_cells import hexagonal_rectangular, sheet_vacuum

EV = 1.602176634e-19  # J
ANGSTROM = 1e-10      # m


def _relaxed_energy(potential: LammpsPotential, cell, positions, symbols, ftol) -> float:
    from mpi4py import MPI
    lmp = open_lammps(MPI.COMM_SELF)
    try:
        create_system(lmp, potential, cell, positions, symbols, "p p p")
        lmp.commands_list(["min_style cg", "min_modify line quadratic",
                           f"minimize 0.0 {ftol!r} 100000 1000000", "run 0"])
        return lmp.get_thermo("pe")
    finally:
        lmp.close()


def edge_energy(potential: LammpsPotential, material: str, a: float, orientation: str,
                rows: int = 10, repeats: int = 2, ftol: float = 1e-10) -> float:
    """Relaxed edge energy γ (eV/Å) of ``orientation`` edges ('zigzag' or 'armchair').

    The ribbon is ``rows`` rectangular cells wide (about rows·√3·a for zigzag edges) and
    ``repeats`` cells long, with vacuum ≥ 2 cutoff across it and above it.
    """
    lz = sheet_vacuum(potential.cutoff)
    unit = hexagonal_rectangular(material, a, orientation, lz).repeat(repeats, 1)
    sheet = _relaxed_energy(potential, unit.cell, unit.positions, unit.symbols, ftol)
    ribbon = unit.repeat(1, rows)
    cell = ribbon.cell.copy()
    cell[1, 1] += sheet_vacuum(potential.cutoff)
    e_ribbon = _relaxed_energy(potential, cell, ribbon.positions, ribbon.symbols, ftol)
    return (e_ribbon - rows * sheet) / (2.0 * unit.cell[0, 0])


def griffith_k(gamma: float, e_prime: float) -> float:
    """K_G = sqrt(2 γ E') in eV/Å^{3/2}, for γ in eV/Å and E' in eV/Å² (sheet values)."""
    if gamma <= 0 or e_prime <= 0:
        raise ValueError(f"gamma={gamma} and e_prime={e_prime} must be positive")
    return float(np.sqrt(2.0 * gamma * e_prime))


def k_to_mpa_sqrt_m(k_sheet: float, thickness: float = 3.35) -> float:
    """A sheet's K (eV/Å^{3/2}) as a bulk K in MPa·√m for a sheet ``thickness`` Å thick."""
    return k_sheet * EV / ANGSTROM ** 1.5 / (thickness * ANGSTROM) / 1e6


def mpa_sqrt_m_to_k(k_mpa: float, thickness: float = 3.35) -> float:
    """Inverse of :func:`k_to_mpa_sqrt_m`: MPa·√m (thickness Å) to eV/Å^{3/2}."""
    return k_mpa / k_to_mpa_sqrt_m(1.0, thickness)
