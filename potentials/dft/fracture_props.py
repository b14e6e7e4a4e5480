"""What decides whether a sheet potential can fracture: edge energies against the DFT
labels, the Griffith K_G, and the ideal strength along uniaxial stress.

Edge energies (eV/Å) from the labelled ribbons: γ = (E_ribbon − N ε_sheet) / (2 L), with
E_ribbon the energy of the unstrained, unrattled, unrelaxed bare ribbon (as cut from the
sheet at a0), N its atom count, L its period along the ribbon (Å) and ε_sheet the energy
per atom of the unstrained 2-atom scan cell. Both energies are GPAW's force-consistent
free energy at the same settings; the potential is evaluated on the very same two
geometries, so the comparison is like for like (unrelaxed, narrow ribbons: the DFT
ribbons are 4 zigzag chains / 4 armchair dimer rows wide, so the two edges of one ribbon
are within the MTP cut-off of each other, and this γ is not the wide-ribbon relaxed γ).
An h-BN zigzag ribbon has a B edge and an N edge: its γ is their mean, the only part
defined by a stoichiometric ribbon (armchair ribbons have B–N pairs on both edges).

The relaxed edge energy of a wide ribbon, the plane-stress modulus E' and
K_G = sqrt(2 γ E') come from LAMMPS with ``pair_style mtp`` (:mod:`mdfe.potentials.properties`),
as the fracture driver computes them.

Ideal strength: the 4-atom rectangular cell stretched by ε along zigzag (x) or armchair
(y), the transverse in-plane stress relaxed to zero and the atoms relaxed (uniaxial
stress, as Liu, Ming & Li, PRB 76, 064120 (2007)); σ_2D (N/m) vs ε, its maximum = the
ideal strength, at the critical strain.
"""
from __future__ import annotations

import numpy as np

EV_PER_A2_TO_N_PER_M = 16.021766339999996

#: Published PBE, for context (values as recalled from the papers, not re-checked here),
#: per sheet material (:data:`.sheet_materials.SHEETS`).
#: graphene: relaxed edge energies (Koskinen, Malola & Häkkinen, PRL 101, 115502 (2008));
#: ideal strength under uniaxial stress (Liu, Ming & Li, PRB 76, 064120 (2007), GPa ×
#: 3.34 Å).
#: hBN: armchair edge energy ≈ 0.76 eV/Å and the zigzag mean (B edge + N edge)/2 ≈ 1.1 eV/Å
#: (bare, flat edges: Liu, Bhowmick & Yakobson, Nano Lett. 11, 3113 (2011), PBE — recalled
#: to about ±0.1 eV/Å only); ideal strength ≈ 30 N/m at ε ≈ 0.18 pulled along armchair and
#: ≈ 34 N/m at ε ≈ 0.26 along zigzag (Peng, Ji & De, Comput. Mater. Sci. 56, 11 (2012),
#: PBE — recalled, approximate).
PUBLISHED = {
    "graphene": {
        "gamma_zigzag_relaxed": 1.15, "gamma_armchair_relaxed": 1.00,
        "strain_c_zigzag": 0.266, "strain_c_armchair": 0.194,
        "strength_zigzag_N_per_m": 121.0 * 0.334, "strength_armchair_N_per_m": 110.0 * 0.334,
        "source": "Koskinen, Malola & Häkkinen, PRL 101, 115502 (2008); Liu, Ming & Li, "
                  "PRB 76, 064120 (2007); as recalled, not re-checked"},
    "hBN": {
        "gamma_zigzag_relaxed": 1.1, "gamma_armchair_relaxed": 0.76,
        "strain_c_zigzag": 0.26, "strain_c_armchair": 0.18,
        "strength_zigzag_N_per_m": 34.0, "strength_armchair_N_per_m": 30.0,
        "source": "Liu, Bhowmick & Yakobson, Nano Lett. 11, 3113 (2011) (edges, zigzag = "
                  "mean of the B and N edges); Peng, Ji & De, Comput. Mater. Sci. 56, 11 "
                  "(2012) (ideal strength); as recalled, approximate (edges ±0.1 eV/Å), "
                  "not re-checked"},
}


def _axis(atoms) -> int:
    """Periodic axis along a labelled ribbon (zigzag ribbons along x, armchair along y)."""
    kind = str(atoms.info.get("config_type", ""))
    if kind not in ("zigzag_ribbon", "armchair_ribbon"):
        raise ValueError(f"config_type {kind!r} is no ribbon (zigzag_ribbon, armchair_ribbon)")
    return 0 if kind == "zigzag_ribbon" else 1


def ribbon_edge_energy(energy: float, atoms, e_sheet: float) -> float:
    """γ (eV/Å) of a ribbon of energy ``energy`` (eV) and ``e_sheet`` (eV/atom)."""
    return (energy - len(atoms) * e_sheet) / (2.0 * atoms.cell.lengths()[_axis(atoms)])


def reference_cells(frames: list, need=("sheet", "zigzag", "armchair")) -> dict:
    """{'sheet': unstrained 2-atom cell, 'zigzag': ..., 'armchair': ...}: the unstrained,
    unrattled entries among the labelled ``frames``; ValueError naming what of ``need``
    is missing."""
    out = {}
    for at in frames:
        plain = np.allclose(at.info.get("strain", [1.0]), 0.0) and \
            at.info.get("rattle", 1.0) == 0.0 and "displacement" not in at.info
        kind = str(at.info.get("config_type", ""))
        if not plain:
            continue
        if len(at) == 2 and kind.endswith("_scan"):
            out.setdefault("sheet", at)
        elif kind in ("zigzag_ribbon", "armchair_ribbon"):
            out.setdefault(kind.split("_")[0], at)
    missing = sorted(set(need) - set(out))
    if missing:
        raise ValueError(f"no unstrained, unrattled labelled entry for {missing} among the "
                         "training data (need a 2-atom *_scan at zero strain and the "
                         "zigzag_ribbon / armchair_ribbon at zero strain)")
    return out


def _energy(at, calc) -> float:
    """Energy (eV) of ``at``: its stored (DFT) energy if ``calc`` is None, else ``calc``'s
    on a copy of the same geometry."""
    if calc is None:
        return at.get_potential_energy()
    at = at.copy()
    at.calc = calc
    return at.get_potential_energy()


def edge_energies(frames: list, calc=None) -> dict:
    """{'zigzag': γ, 'armchair': γ} (eV/Å) of the labelled reference ribbons: from the
    stored DFT energies (``calc`` None) or from ``calc`` on the same geometries."""
    ref = reference_cells(frames)

    e_sheet = _energy(ref["sheet"], calc) / len(ref["sheet"])
    return {k: ribbon_edge_energy(_energy(ref[k], calc), ref[k], e_sheet)
            for k in ("zigzag", "armchair")}


def close_contact_energies(frames: list, calc=None) -> list[dict]:
    """The close-contact entries among ``frames`` (config_type ``*_close_*``: one pair
    pushed to 0.75–1.3 Å, :func:`.structures.close_contact_set`), each as {config_type,
    pair_distance (Å), excess (eV) = E − N ε_sheet}: the energy above the perfect sheet,
    ε_sheet the unstrained 2-atom scan's energy per atom; stored DFT energies (``calc``
    None) or ``calc`` on the same geometries (both its E and its ε_sheet)."""
    sheet = reference_cells(frames, need=("sheet",))["sheet"]
    close = [f for f in frames if "_close_" in str(f.info.get("config_type", ""))]

    e_sheet = _energy(sheet, calc) / len(sheet)
    return [{"config_type": str(f.info["config_type"]),
             "pair_distance": float(f.info["pair_distance"]),
             "excess": float(_energy(f, calc) - len(f) * e_sheet)} for f in close]


#: CG iterations of the LAMMPS ribbon relaxations in :func:`griffith`: enough for sound
#: edges; an edge that collapses (bulk-only h-BN BN_L16's zigzag ribbon: atoms 1e-7 Å
#: apart, γ ≈ −1.8e5 eV/Å after 1000 iterations, 8 CPU s) stops there, not after 100,000.
EDGE_MAXITER = 10000


def griffith(mtp_file, species: list[str], material: str = "graphene") -> dict:
    """LAMMPS (pair_style mtp) values of a ``material`` sheet potential ("graphene",
    "hBN"), as the fracture driver computes them: a (Å), relaxed wide-ribbon γ (eV/Å; hBN
    zigzag: the mean of its B and N edges), E' (N/m), K_G (eV/Å^{3/2} and MPa·√m at
    3.35 Å) for zigzag and armchair crack faces."""
    from mdfe.potentials.lammps_potential import LammpsPotential
    from mdfe.potentials.properties import edges, elastic
    from mdfe.potentials.properties.cauchy_born import CauchyBorn
    from mdfe.potentials.properties.unit_cells import SHEET_A_GUESS, hexagonal_primitive
    import functools
    pot = LammpsPotential.mtp(mtp_file, species)
    a = elastic.lattice_constant(pot, functools.partial(hexagonal_primitive, material),
                                 SHEET_A_GUESS[material], window=0.1)
    cb = CauchyBorn(pot, hexagonal_primitive(material, a))
    try:
        e_prime = elastic.plane_stress_modulus(elastic.membrane_stiffness(cb))
    finally:
        cb.close()
    out = {"a": a, "E_prime_N_per_m": e_prime * EV_PER_A2_TO_N_PER_M}
    for faces in ("zigzag", "armchair"):
        g = edges.edge_energy(pot, material, a, faces, maxiter=EDGE_MAXITER)
        out[f"gamma_{faces}_relaxed"] = g
        if g > 0:
            k = edges.griffith_k(g, e_prime)
            out[f"K_G_{faces}"] = k
            out[f"K_G_{faces}_MPa_sqrt_m"] = edges.k_to_mpa_sqrt_m(k)
    return out


def uniaxial_stress_curve(calc, a0: float, direction: str, strains=None,
                          fmax: float = 1e-3, symbols: tuple[str, str] = ("C", "C")) -> dict:
    """σ_2D (N/m) and energy (eV/atom) of the honeycomb sheet of ``symbols`` (graphene;
    ("B", "N"): h-BN) under uniaxial stress along
    ``direction`` ('zigzag' = x, 'armchair' = y) at the engineering ``strains`` (default
    0 … 0.35 in steps of 0.01), each state relaxed (atoms, transverse cell length) from
    the previous one; plus the ideal strength (max σ), its strain, and the local minima
    of the energy at ε > 0 (none expected)."""
    from ase.filters import FrechetCellFilter
    from ase.optimize import BFGS
    from .structures import honeycomb
    if direction not in ("zigzag", "armchair"):
        raise ValueError(f"direction {direction!r}: allowed 'zigzag', 'armchair'")
    strains = np.round(np.arange(0.0, 0.3501, 0.01), 4) if strains is None else strains
    i = 0 if direction == "zigzag" else 1
    base = honeycomb(a0, tuple(symbols), "8", 14.0)[:4]
    base.set_cell([a0, a0 * np.sqrt(3), 14.0], scale_atoms=False)
    at, cell0 = base.copy(), base.cell.array.copy()
    at.calc = calc
    mask = [0, 0, 0, 0, 0, 0]
    mask[1 - i] = 1
    sig, en, trans = [], [], []
    for e in strains:
        cell = at.cell.array.copy()
        cell[i, i] = cell0[i, i] * (1.0 + e)
        at.set_cell(cell, scale_atoms=True)
        BFGS(FrechetCellFilter(at, mask=mask), logfile=None).run(fmax=fmax, steps=500)
        sig.append(at.get_stress(voigt=False)[i, i] * cell0[2, 2] * EV_PER_A2_TO_N_PER_M)
        en.append(at.get_potential_energy() / len(at))
        trans.append(at.cell[1 - i, 1 - i] / cell0[1 - i, 1 - i] - 1.0)
    sig, en = np.array(sig), np.array(en)
    k = int(np.argmax(sig))
    minima = [float(strains[j]) for j in range(1, len(en) - 1)
              if en[j] < en[j - 1] and en[j] < en[j + 1]]
    return {"strain": [float(s) for s in strains], "stress_N_per_m": sig.tolist(),
            "energy_per_atom": en.tolist(), "transverse_strain": trans,
            "strength_N_per_m": float(sig[k]), "strain_at_strength": float(strains[k]),
            "peak_inside_range": 0 < k < len(sig) - 1, "energy_minima_at": minima}
