"""All material constants of a potential for one material, as a dict and as text.

:func:`sheet_constants` (graphene, h-BN): lattice constant, 2D stiffness (N/m), E' and ν,
relaxed planar edge energies γ (zigzag, armchair; eV/Å) and Griffith K_G = sqrt(2γE') for
cracks with zigzag and armchair faces, in eV/Å^{3/2} and MPa·√m at the stated thickness.
:func:`bulk_constants`: lattice constant and 6×6 C (GPa) of a cubic crystal.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties import edges, elastic
from mdfe.potentials.properties.cauchy_born import CauchyBorn
from mdfe.potentials.properties.unit_cells import (SHEET_A_GUESS, bulk_primitive,
                                                   hexagonal_primitive)


def sheet_constants(potential: LammpsPotential, material: str,
                    thickness: float = 3.35) -> dict:
    """Constants of a hexagonal sheet (see module docstring); thickness in Å."""
    if material not in SHEET_A_GUESS:
        raise ValueError(f"material {material!r}: allowed {sorted(SHEET_A_GUESS)}")
    a0 = elastic.lattice_constant(potential, partial(hexagonal_primitive, material),
                                  SHEET_A_GUESS[material], window=0.1)
    cb = CauchyBorn(potential, hexagonal_primitive(material, a0))
    c2d = elastic.membrane_stiffness(cb)
    cb.close()
    e_prime = elastic.plane_stress_modulus(c2d)
    out = {"material": material, "a0_A": a0,
           "C_N_per_m": c2d * elastic.EV_PER_A2_TO_N_PER_M,
           "E_prime_N_per_m": e_prime * elastic.EV_PER_A2_TO_N_PER_M,
           "nu": c2d[0, 1] / c2d[0, 0], "thickness_A": thickness}
    for kind in ("zigzag", "armchair"):
        gamma = edges.edge_energy(potential, material, a0, kind)
        k = edges.griffith_k(gamma, e_prime)
        out[f"gamma_{kind}_eV_per_A"] = gamma
        out[f"K_G_{kind}_eV_per_A1.5"] = k
        out[f"K_G_{kind}_MPa_sqrt_m"] = edges.k_to_mpa_sqrt_m(k, thickness)
    return out


def bulk_constants(potential: LammpsPotential, symbol: str, structure: str,
                   a_guess: float) -> dict:
    """Lattice constant (Å) and 6×6 Voigt C (GPa) of a cubic one-parameter crystal."""
    a0 = elastic.lattice_constant(potential, partial(bulk_primitive, symbol, structure),
                                  a_guess, window=0.1)
    cb = CauchyBorn(potential, bulk_primitive(symbol, structure, a0))
    c = elastic.bulk_stiffness(cb)
    cb.close()
    return {"material": f"{symbol} {structure}", "a0_A": a0,
            "C_GPa": c * elastic.EV_PER_A3_TO_GPA}


def format_constants(constants: dict) -> str:
    """Readable multi-line text of a constants dict (matrices row by row)."""
    lines = []
    for key, value in constants.items():
        if isinstance(value, np.ndarray):
            lines.append(f"{key}:")
            lines += ["  " + " ".join(f"{v:10.4f}" for v in row) for row in value]
        elif isinstance(value, float):
            lines.append(f"{key}: {value:.6g}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)
