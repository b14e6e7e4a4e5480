"""The honeycomb sheet materials of a potential's species, their lattice constants in a
ship config, and each material's own labelled frames.

A potential's species hold a sheet material when they hold all of its symbols
(:data:`SHEETS`: graphene C, h-BN B and N): ["C"] → graphene, ["B", "N"] → hBN,
["C", "B", "N"] (the graphene|h-BN heterostructure) → both. A material's frames are the
entries made of its symbols only (graphene: only-C frames; hBN: only-B/N frames), so each
material's sheet constants and fracture checks come from its own scans, ribbons and close
contacts; mixed entries (the C|BN interface stripes) belong to neither.
"""
from __future__ import annotations

from mdfe.potentials.properties.unit_cells import HEXAGONAL_SHEETS

#: the two-site honeycomb sheets of :data:`HEXAGONAL_SHEETS`: material → (site 1, site 2)
SHEETS = {m: s for m, s in HEXAGONAL_SHEETS.items() if len(s) == 2}


def sheet_materials(species) -> list[str]:
    """The materials of :data:`SHEETS` whose symbols are all among ``species`` (in
    :data:`SHEETS` order): ["C"] → ["graphene"], ["N", "B"] → ["hBN"], ["C", "B", "N"] →
    ["graphene", "hBN"], ["Mo"] → []."""
    return [m for m, symbols in SHEETS.items() if set(symbols) <= set(species)]


def lattice_constants(value, species, where: str) -> dict[str, float]:
    """{material: a0 (Å)} of a ship config's ``lattice_constant``: a number (one sheet
    material in ``species``) or a table {material = a0} naming each sheet material of
    ``species`` once. ``where`` (e.g. "mtp_CBN.toml: lattice_constant") starts every
    error message."""
    held = sheet_materials(species)
    if not held:
        raise ValueError(f"{where}: species {list(species)} hold no sheet material; allowed "
                         f"materials (and their symbols): {_allowed()}")
    if not isinstance(value, dict):
        if len(held) > 1:
            raise ValueError(f"{where} = {value!r} is one number, but species {list(species)} "
                             f"hold {len(held)} sheet materials {held}: give a table "
                             f"{{{', '.join(f'{m} = <Å>' for m in held)}}}")
        value = {held[0]: value}
    for material, a0 in value.items():
        if material not in SHEETS:
            raise ValueError(f"{where}: material {material!r} is not a sheet material; "
                             f"allowed: {_allowed()}")
        if material not in held:
            raise ValueError(f"{where}: material {material!r} needs the symbols "
                             f"{sorted(set(SHEETS[material]))}, not all in species "
                             f"{list(species)}")
        if isinstance(a0, bool) or not isinstance(a0, (int, float)) or not a0 > 0:
            raise ValueError(f"{where}: {material} = {a0!r} must be a positive number (Å)")
    missing = [m for m in held if m not in value]
    if missing:
        raise ValueError(f"{where}: no lattice constant for {missing}, which species "
                         f"{list(species)} hold; give one for each of {held}")
    return {m: float(value[m]) for m in held}


def _allowed() -> str:
    return ", ".join(f"{m} ({' '.join(sorted(set(s)))})" for m, s in SHEETS.items())


def material_frames(frames: list, material: str) -> list:
    """The entries of ``frames`` made only of ``material``'s symbols, in their order."""
    symbols = set(SHEETS[material])
    return [f for f in frames if set(f.get_chemical_symbols()) <= symbols]
