"""A tiny ship config (TOML text) for the tests of mdfe.potentials.dft.ship: a level-4 MTP
on one data file ``d.extxyz``, 3 BFGS steps — enough to run every step of a fit; without
the fracture section (``fracture = false``: LAMMPS edges, strength curves, slit), which a
3-step fit on made-up data cannot give a meaning (it is tested on the shipped potentials)."""
from __future__ import annotations

import json


def tiny_ship_config(species: list[str], lattice_constant, entries, head: str = "",
                     train: str = "", data: str = "d.extxyz") -> str:
    """``lattice_constant``: Å, or {material: Å} (written as a TOML inline table);
    ``entries``: the count of entries of the ``data`` file used (an int, or "{n}" for
    str.format); ``head`` / ``train``: extra TOML lines for the top table / the [train]
    table."""
    if isinstance(lattice_constant, dict):
        lattice_constant = "{" + ", ".join(f"{k} = {v!r}" for k, v in
                                           lattice_constant.items()) + "}"
    else:
        lattice_constant = repr(lattice_constant)
    return f"""name = "t"
species = {json.dumps(species)}
lattice_constant = {lattice_constant}
fracture = false
{head}[data]
"{data}" = {entries}
[split]
test_fraction = 0.25
seed = 0
[mtp]
level = 4
min_dist = 0.9
max_dist = 4.0
radial_basis_size = 6
[train]
max_iter = 3
seed = 1
{train}"""


#: Å, EMT's graphene-like minimum (tests/dft/test_sheet_constants.py)
A_EMT = 2.2904


def write_emt_sheet_data(path) -> int:
    """Write ``path`` (extxyz): EMT-labelled graphene-like scans, 8-atom cells and the
    elastic set at :data:`A_EMT`, config ids "0000", ...; returns the entry count."""
    import ase.io
    from ase.calculators.emt import EMT

    from mdfe.potentials.dft.datasets import elastic_set
    from mdfe.potentials.dft.sheet_constants import relabel
    from mdfe.potentials.dft.structures import sheet_set
    frames = sheet_set(A_EMT, ("C", "C"), {"2": 16, "8": 8}, seed=2, name="g") + \
        elastic_set(A_EMT, ("C", "C"), "g")
    for i, f in enumerate(frames):
        f.info["config_id"] = f"{i:04d}"
    ase.io.write(path, relabel(frames, EMT()))
    return len(frames)
