"""The h-BN edge energies of the ship report's fracture section (fracture_props.edge_energies)
on the DFT set-up's own ribbons (structures.edge_set, as labelled in bn/hbn_edges: a
zigzag ribbon with a B edge and an N edge, a narrow armchair ribbon), labelled here by
BNC.tersoff, against the same γ built independently in LAMMPS from the unit cells of
mdfe.potentials.properties (edges: a ribbon 10 cells wide, other orientation and cell,
not relaxed): both zigzag (the mean of the B and N edges) and armchair agree to 1e-10
eV/Å (BNC.tersoff's cut-off is below the second-neighbour distance, so the narrow and the
wide ribbon have the same edges). Without the ribbons the section says which are missing.
"""
import numpy as np
import pytest

import mdfe  # noqa: F401
from mdfe.potentials.dft import fracture_props as fp
from mdfe.potentials.dft.structures import edge_set, honeycomb
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.edges import _ribbon, relax_fixed_cell

A = 2.512   # Å, the h-BN DFT set-up's a (datasets.A_HBN)


def _sheet():
    at = honeycomb(A, ("B", "N"), "2", 14.0)
    at.info.update(config_type="hbn_scan", strain=np.zeros(3), rattle=0.0)
    return at


def test_hbn_ribbon_edge_energies_match_lammps_unit_cells():
    from ase.calculators.lammpslib import LAMMPSlib
    pot = LammpsPotential.tersoff(elements=["B", "N"])
    calc = LAMMPSlib(lmpcmds=pot.commands(), log_file=None, keep_alive=True,
                     atom_types={"B": 1, "N": 2})
    frames = [_sheet()] + edge_set(A, ("B", "N"), 4, seed=11)
    got = fp.edge_energies(frames, calc)
    for faces in ("zigzag", "armchair"):
        unit, ribbon, cell = _ribbon(pot, "hBN", A, faces, 10, 1)
        e_sheet, _ = relax_fixed_cell(pot, unit.cell, unit.positions, unit.symbols, 1.0,
                                      maxiter=0)
        e_rib, _ = relax_fixed_cell(pot, cell, ribbon.positions, ribbon.symbols, 1.0,
                                    maxiter=0)
        want = (e_rib - 10 * e_sheet) / (2 * unit.cell[0, 0])
        assert got[faces] == pytest.approx(want, abs=1e-10), faces
        assert 0.5 < want < 1.5, faces                       # 0.819 / 0.946 eV/Å


def test_missing_hbn_ribbons_are_named():
    with pytest.raises(ValueError, match=r"\['armchair', 'zigzag'\]"):
        fp.edge_energies([_sheet()])
