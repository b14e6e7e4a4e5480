"""Bad input to the coupling set-up: clear errors naming what is wrong, before any solve."""
import numpy as np
import pytest
from ase import Atoms

import mdfe  # noqa: F401
from mdfe.coupling.build import check_species
from mdfe.potentials.lammps_potential import LammpsPotential


def test_species_absent_from_potential():
    pot = LammpsPotential.tersoff(elements=("C",))
    with pytest.raises(ValueError, match=r"region tip: species \['N'\] are not in the potential"):
        check_species(pot, Atoms("CN", positions=np.zeros((2, 3))), what="region tip")


def test_potential_element_absent_from_structure():
    pot = LammpsPotential.tersoff(elements=("B", "N"))
    with pytest.raises(ValueError, match=r"elements \['B'\] are absent from the structure"):
        check_species(pot, Atoms("N2", positions=np.zeros((2, 3))))


def test_multi_species_mtp_may_hold_species_absent_from_the_region():
    """A C–B–N MTP's file fixes its three species: a graphene region passes; a species
    the file lacks still fails."""
    from pathlib import Path
    cbn = Path(mdfe.__file__).resolve().parent.parent / "potentials/data/cbn/CBN_L20.mtp"
    pot = LammpsPotential.mtp(cbn, ("C", "B", "N"))
    check_species(pot, Atoms("C2", positions=np.zeros((2, 3))))
    with pytest.raises(ValueError, match=r"species \['Si'\] are not in the potential"):
        check_species(pot, Atoms("CSi", positions=np.zeros((2, 3))))


def test_matching_species_pass():
    pot = LammpsPotential.tersoff(elements=("B", "N"))
    check_species(pot, Atoms("BN", positions=np.zeros((2, 3))))


def _graphene_region(core_half=3.0, band=5.0, pad=4.5, centre=(15.0, 15.0), body=30.0):
    """(geometry, atoms, roles, potential, mesh) of a small graphene region (no LAMMPS)."""
    from mdfe.coupling.geometry import OUTSIDE, Outline, RegionGeometry
    from mdfe.solvers.fe.mesh import box_mesh
    from mdfe.solvers.md.structures import sheet
    pot = LammpsPotential.tersoff()
    crystal = sheet("graphene", pot, 14, 8, "zigzag", a=2.492)
    c = np.asarray(centre)
    geom = RegionGeometry(Outline.box(c - core_half, c + core_half), band_width=band,
                          pad_width=pad, blend_width=min(1.5, band), name="tip")
    role = geom.roles(crystal.positions[:, :2])
    keep = role != OUTSIDE
    return geom, crystal[keep], role[keep], pot, box_mesh([body, body], [12, 12], "tri3")


@pytest.mark.parametrize("kw, match", [
    (dict(band=1.5), r"tip\.band_width = 1\.5 Å is narrower than the potential's cutoff"),
    (dict(pad=3.0), r"tip\.pad_width = 3\.0 Å is thinner than 2 r_cut"),
    (dict(centre=(8.0, 15.0)), r"tip: the region .* reaches outside the body"),
])
def test_coupled_region_checks_geometry_before_building(kw, match):
    """coupled_region refuses a bad geometry on every rank, before LAMMPS is started
    (md_comm None: nothing is built on this rank)."""
    from mdfe.coupling import build
    from mdfe.coupling.geometry import GeometryError
    geom, atoms, roles, pot, mesh = _graphene_region(**kw)
    with pytest.raises(GeometryError, match=match):
        build.coupled_region(geom, None, atoms, roles, pot, mesh, law=None)


def test_overlapping_regions_refused_by_the_solver():
    from types import SimpleNamespace

    from mpi4py import MPI

    from mdfe.coupling.geometry import GeometryError, Outline, RegionGeometry
    from mdfe.coupling.quasistatic import QuasiStaticCoupling
    regions = [SimpleNamespace(geometry=RegionGeometry(Outline.box(lo, hi), 5.0, 4.5,
                                                       name=name))
               for name, lo, hi in (("a", (0, 0), (6, 6)), ("b", (20, 0), (26, 6)))]
    with pytest.raises(GeometryError, match="regions a and b overlap"):
        QuasiStaticCoupling(MPI.COMM_SELF, None, regions)
