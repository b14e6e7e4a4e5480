"""The graphene|h-BN interface section of a ship report: the labelled interface entries,
DFT vs potential, and a LAMMPS stability check of the unstrained stripe.

Entries (config_type ``*_interface``, :func:`.structures.zigzag_interface_set`: 16-atom
C|BN stripes with one C–B and one C–N zigzag interface): energy per atom (eV/atom) of the
DFT label and of the potential on the same geometry, and the force MAE (eV/Å).

Stability (:func:`stripe_stability`): the unstrained stripe (the set's first cell, at the
stripes' common lattice constant) repeated :data:`REPEATS` times along x (128 atoms),
every atom displaced by a seeded Gaussian of :data:`RATTLE` Å in x, y and z (a flat start
stays flat by symmetry, so without it a buckling instability could not show), relaxed by
CG in LAMMPS (``pair_style mtp``, :func:`mdfe.potentials.properties.edges.relax_fixed_cell`)
at fixed cell. Measured against the ideal stripe: the C–B and C–N interface bonds (the
pairs of the two kinds one bond apart in the ideal stripe), the largest atom displacement,
and the out-of-plane spread (max z − min z). Passed (:func:`measure_stripe`): every
interface bond within :data:`BOND_RANGE` Å and the spread ≤ :data:`MAX_SPREAD` Å.
"""
from __future__ import annotations

import numpy as np

from mdfe.potentials.properties.unit_cells import min_image

REPEATS = 8                # unit stripes along x in the stability check
RATTLE = 0.02              # Å, the start's random displacement (x, y, z)
BOND_RANGE = (1.2, 1.8)    # Å, allowed interface bond lengths after relaxation
MAX_SPREAD = 0.1           # Å, allowed max z − min z after relaxation
FTOL = 1e-3                # eV/Å, LAMMPS CG force tolerance (2-norm), as the slit check
MAXITER = 10000            # CG iterations: a collapsing stripe stops here


def interface_frames(frames: list) -> list:
    """The labelled interface entries (config_type ending in ``_interface``)."""
    return [f for f in frames if str(f.info.get("config_type", "")).endswith("_interface")]


def stripe_lattice_constant(frames: list) -> float:
    """The stripes' unstrained lattice constant (Å): an interface entry's x period over
    (1 + its ε_xx); the first entry's (the set uses one a)."""
    f = interface_frames(frames)[0]
    return float(f.cell[0, 0] / (1.0 + float(f.info.get("strain", [0.0])[0])))


def entry_table(frames: list, calc, test_ids) -> list[dict]:
    """One row per interface entry: config_id, set ("train"/"test": in ``test_ids`` or
    not), strain (ε_xx, ε_yy, ε_xy), rattle (Å), energy_per_atom_dft and _potential
    (eV/atom), force_MAE (eV/Å; mean |ΔF| over the Cartesian components)."""
    from mdfe.potentials.mtp.metrics import predict
    entries = interface_frames(frames)
    test_ids = set(test_ids)
    return [{"config_id": str(f.info["config_id"]),
             "set": "test" if f.info["config_id"] in test_ids else "train",
             "strain": [float(s) for s in f.info.get("strain", [np.nan] * 3)],
             "rattle": float(f.info.get("rattle", np.nan)),
             "energy_per_atom_dft": float(r["e_ref"]),
             "energy_per_atom_potential": float(r["e_pred"]),
             "force_MAE": float(np.mean(np.abs(r["f_pred"] - r["f_ref"])))}
            for f, r in zip(entries, predict(calc, entries))]


def ideal_stripe(a: float, vacuum: float):
    """The unstrained C|BN stripe (:func:`.structures.zigzag_interface_set`'s first cell)
    at lattice constant ``a`` (Å), :data:`REPEATS` cells along x, box height ``vacuum``
    Å: ASE Atoms (orthogonal cell)."""
    from .structures import zigzag_interface_set
    stripe = zigzag_interface_set(a, 1, seed=0, vacuum=vacuum, cross_bonds=1)[0]
    return stripe.repeat((REPEATS, 1, 1))


def interface_bonds(stripe) -> dict[str, np.ndarray]:
    """{"C-B": (n, 2), "C-N": (n, 2)}: index pairs of the bonds across the interfaces of
    the ideal ``stripe`` (pairs of those symbols closer than 1.2 bond lengths a/√3)."""
    x, sym = stripe.positions, np.array(stripe.get_chemical_symbols())
    lengths = stripe.cell.lengths()
    bond = stripe.cell[0, 0] / REPEATS / np.sqrt(3.0)
    dist = np.linalg.norm(min_image(x[:, None] - x[None], lengths), axis=-1)
    out = {}
    for other in ("B", "N"):
        i, j = np.nonzero((sym[:, None] == "C") & (sym[None] == other) & (dist < 1.2 * bond))
        out[f"C-{other}"] = np.column_stack([i, j])
    return out


def measure_stripe(stripe, relaxed: np.ndarray) -> dict:
    """The relaxed ``relaxed`` (N, 3) Å positions of the ideal ``stripe``: per interface
    bond kind its count and min / mean / max length (Å), the largest displacement from
    the ideal positions (Å), the out-of-plane spread (Å) and "passed"."""
    lengths = stripe.cell.lengths()
    out = {"bonds": {}}
    ok = True
    for kind, ij in interface_bonds(stripe).items():
        d = np.linalg.norm(min_image(relaxed[ij[:, 0]] - relaxed[ij[:, 1]], lengths), axis=1)
        out["bonds"][kind] = {"n": len(d), "min_A": float(d.min()), "mean_A": float(d.mean()),
                              "max_A": float(d.max())}
        ok &= bool(BOND_RANGE[0] <= d.min() and d.max() <= BOND_RANGE[1])
    shift = np.linalg.norm(min_image(relaxed - stripe.positions, lengths), axis=1)
    spread = float(np.ptp(relaxed[:, 2]))
    return {**out, "max_displacement_A": float(shift.max()), "z_spread_A": spread,
            "passed": bool(ok and spread <= MAX_SPREAD)}


def stripe_stability(potential, a: float, seed: int = 0) -> dict:
    """:func:`measure_stripe` of the ideal stripe at ``a`` (Å) rattled by :data:`RATTLE`
    Å (``seed``) and relaxed in LAMMPS by ``potential`` (a LammpsPotential) at fixed
    cell; plus a (Å), n_atoms, rattle_A."""
    from mdfe.potentials.properties.edges import relax_fixed_cell
    from mdfe.potentials.properties.unit_cells import sheet_vacuum
    stripe = ideal_stripe(a, sheet_vacuum(potential.cutoff))
    start = stripe.positions + np.random.default_rng(seed).normal(0.0, RATTLE,
                                                                  stripe.positions.shape)
    _, x = relax_fixed_cell(potential, stripe.cell.array, start,
                            stripe.get_chemical_symbols(), FTOL, maxiter=MAXITER)
    return {"a": a, "n_atoms": len(stripe), "rattle_A": RATTLE, **measure_stripe(stripe, x)}


def check_lattice_constant(materials: dict) -> float | None:
    """The a (Å) the stability check runs at: the larger of the potential's own sheet
    lattice constants in ``materials`` (a ship report's {material: part}); None when no
    part has one (no energy minimum)."""
    return max((p["sheet"]["potential"]["a"] for p in materials.values()
                if p["sheet"]["potential"]["a"]), default=None)


def interface_report(frames: list, calc, mtp_file, species: list[str], test_ids,
                     a: float | None = None) -> dict | None:
    """{"entries": :func:`entry_table`, "stability": :func:`stripe_stability` with the
    potential ``mtp_file`` of ``species`` in LAMMPS at ``a`` (Å; default the labelled
    stripes' :func:`stripe_lattice_constant`)}; None when ``frames`` hold no interface
    entry. The report passes :func:`check_lattice_constant`, so that neither part is
    compressed: at the stripes' common a (between the two) h-BN is compressed by 0.9 %
    along the 20 Å period, past a free strip's Euler strain there (~0.5 % with h-BN's
    DFT bending rigidity), and a correct potential may buckle it (BNC.tersoff does at
    1.7 %; potentials/data/README.md, C–B–N)."""
    if not interface_frames(frames):
        return None
    from mdfe.potentials.lammps_potential import LammpsPotential
    return {"entries": entry_table(frames, calc, test_ids),
            "stability": stripe_stability(LammpsPotential.mtp(mtp_file, species),
                                          a or stripe_lattice_constant(frames))}
