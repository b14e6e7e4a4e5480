"""The close-contact scan (mdfe.potentials.properties.short_range) in LAMMPS.

Independent checks: at the partner's lattice distance the moved atom is back on its site,
so the energy above the sheet is zero (bond: a/√3, second neighbour: a); BNC.tersoff —
repulsive at short range by construction (Tersoff's exponential repulsion) — passes the
physical criterion on every path; the carbon MTP C_L16e, whose crack faces fused in a
coupled run (docs/coupling.md, "Collapse"), fails it: lifted 0.5 Å its energy falls
below the sheet's before 0.6 Å (−106 eV at 0.60 Å).
"""
from pathlib import Path

import numpy as np
import pytest

import mdfe
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.short_range import KINDS, close_contact_scan, physical

CARBON = Path(mdfe.__file__).resolve().parent.parent / "potentials" / "data" / "carbon"
SCAN = np.round(np.arange(1.40, 0.5999, -0.05), 3)   # Å
A_TERSOFF = 2.46                                      # Å, near BNC.tersoff graphene's a


@pytest.fixture(scope="module")
def tersoff():
    return LammpsPotential.tersoff(elements=["C"])


def test_partner_at_its_lattice_distance_gives_the_sheet(tersoff):
    a = A_TERSOFF
    for kind, d in (("bond", a / np.sqrt(3)), ("second", a)):
        e = close_contact_scan(tersoff, "graphene", a, kind, [d, 0.9 * d])
        assert abs(e[0]) < 1e-8, kind
        assert e[1] > 0.1, kind                      # pushed 10 % closer: above the sheet


def test_tersoff_is_physical_and_the_holed_mtp_is_not(tersoff):
    for kind in KINDS:
        e = close_contact_scan(tersoff, "graphene", A_TERSOFF, kind, SCAN)
        assert physical(kind, SCAN, e), (kind, np.round(e, 2).tolist())
    old = LammpsPotential.mtp(CARBON / "C_L16e.mtp", ["C"])
    e = close_contact_scan(old, "graphene", 2.4656, "lifted", SCAN)
    assert e.min() < 0 and not physical("lifted", SCAN, e)


def test_criterion_and_bad_input():
    assert physical("bond", [1.4, 1.0, 0.6], [1.0, 2.0, 3.0])
    assert not physical("bond", [1.4, 1.0, 0.6], [1.0, 3.0, 2.0])      # a minimum inside
    assert not physical("bond", [1.4, 1.0, 0.6], [-1.0, 2.0, 3.0])     # below the sheet
    assert physical("second", [1.4, 1.1, 0.9, 0.6], [5.0, 4.0, 4.5, 6.0])   # dip > 0.9 Å
    assert not physical("second", [1.4, 0.8, 0.6], [5.0, 6.0, 5.5])
    with pytest.raises(ValueError, match="kind 'third'"):
        close_contact_scan(None, "graphene", 2.46, "third", [1.0])


def test_hbn_paths_pair_b_with_n_and_b_with_b():
    """h-BN (material "hBN"): atom 0 is a B; the bonded paths push it onto an N, the
    second-neighbour path onto a B. On BNC.tersoff (its a = 2.4979 Å) each partner at its
    lattice distance gives the sheet back, and the B–N paths are physical. Its B–B path is
    not: below the common neighbour the energy falls, 65.4 eV at 1.10 Å to 25.7 eV at
    0.60 Å (measured) — BNC.tersoff's B–B repulsion is soft, so no reference there."""
    from mdfe.potentials.properties.short_range import pair_symbols
    bn = LammpsPotential.tersoff(elements=["B", "N"])
    a = 2.4979
    assert [pair_symbols("hBN", k) for k in KINDS] == [("B", "N"), ("B", "N"), ("B", "B")]
    assert pair_symbols("graphene", "second") == ("C", "C")
    for kind, d in (("bond", a / np.sqrt(3)), ("second", a)):
        e = close_contact_scan(bn, "hBN", a, kind, [d, 0.9 * d])
        assert abs(e[0]) < 1e-8 and e[1] > 0.1, kind
    for kind in ("bond", "lifted"):
        e = close_contact_scan(bn, "hBN", a, kind, SCAN)
        assert physical(kind, SCAN, e), (kind, np.round(e, 2).tolist())
