"""Assemble the coupled model's parts from a potential: continuum law, FE problem, regions.

- :func:`continuum_law`: the Cauchy–Born law of the potential on a unit cell — its
  relaxed-ion stiffness (membrane 3×3 eV/Å² for sheets, 6×6 eV/Å³ for bulk) and, for
  multilattices, the inner-shift provider (tabulated for sheets) — so the FE and the
  atoms agree under uniform strain with no hand-typed constant.
- :func:`fe_problem`: the FE elasticity problem with that law on every mesh region.
- :func:`coupled_region`: the MD region (LAMMPS on its MD communicator) and its
  :class:`~mdfe.coupling.quasistatic.CoupledRegion`.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from mdfe.coupling.inner_shift import CauchyBornShift, TabulatedShift
from mdfe.coupling.quasistatic import CoupledRegion

ROLE_NAMES = np.array(["core", "band", "pad"])


@dataclasses.dataclass
class ContinuumLaw:
    """Cauchy–Born law of a potential: ``cb`` (W, P, dP/dF, ξ), stiffness ``C`` (Voigt),
    ``dim`` (2 sheet, 3 bulk), ``shift`` (inner-shift provider, None for Bravais)."""
    cb: object
    C: np.ndarray
    dim: int
    shift: object | None


def continuum_law(potential, unit_cell, tabulate_shift: bool = True,
                  comm=None) -> ContinuumLaw:
    """Continuum law of ``potential`` on ``unit_cell`` (a primitive cell: one basis atom
    per sublattice; see :mod:`mdfe.potentials.properties.unit_cells`). The inner shift of
    a multilattice sheet is tabulated (:class:`TabulatedShift`, built once, then numpy per
    exchange) unless ``tabulate_shift`` is False; bulk multilattices relax it exactly.
    ``comm``: share the table's cell relaxations out over its ranks (collective)."""
    from mdfe.potentials.properties.cauchy_born import CauchyBorn
    from mdfe.potentials.properties.elastic import bulk_stiffness, membrane_stiffness
    cb = CauchyBorn(potential, unit_cell)
    C = membrane_stiffness(cb) if cb.dim == 2 else bulk_stiffness(cb)
    C = 0.5 * (C + C.T)          # the finite-difference tangent is symmetric to ~1e-10
    shift = None
    if len(unit_cell.positions) > 1:
        shift = CauchyBornShift(cb)
        if cb.dim == 2 and tabulate_shift:
            shift = TabulatedShift(shift, comm=comm)
    return ContinuumLaw(cb, C, cb.dim, shift)


def fe_problem(mesh, law: ContinuumLaw, comm, scale: float = 1.0, options=None):
    """ElasticityProblem on ``comm`` with the law's stiffness (× ``scale``) everywhere."""
    from mdfe.solvers.fe import ElasticityProblem, anisotropic_3d, membrane
    make = membrane if law.dim == 2 else anisotropic_3d
    materials = {int(r): make(law.C * scale) for r in np.unique(mesh.regions)}
    return ElasticityProblem(mesh, materials, comm=comm, options=options)


def check_species(potential, atoms, what: str = "structure") -> None:
    """ValueError unless the structure's species and the potential's elements coincide:
    a species absent from the potential cannot be simulated, and an element of the
    potential absent from the structure means the wrong potential (or structure) — except
    for ``pair_style mtp``, whose file fixes its species (a C–B–N MTP on a graphene
    region)."""
    have = set(atoms.get_chemical_symbols())
    pot = set(potential.elements)
    if have - pot:
        raise ValueError(f"{what}: species {sorted(have - pot)} are not in the potential "
                         f"({potential.pair_style}; elements {list(potential.elements)})")
    if pot - have and potential.pair_style != "mtp":
        raise ValueError(f"{what}: the potential's elements {sorted(pot - have)} are absent "
                         f"from the structure (species {sorted(have)}); give the potential "
                         "only the elements present")


def coupled_region(geometry, md_comm, atoms, roles, potential, mesh, law: ContinuumLaw,
                   locator=None, offsets=None) -> CoupledRegion:
    """The CoupledRegion of ``atoms`` (ASE, IDs 1..n in order; roles (n,) codes of
    :mod:`mdfe.coupling.geometry`); the MD region lives on ``md_comm`` (None: this rank
    is not in the region's MD group). Sheets use boundary ``s s p``, bulk ``s s s``.
    offsets (n, 3) Å or None: fixed displacements of the atoms the FE places (crack-face
    edge relaxation, :func:`mdfe.coupling.face_relaxation.face_offsets`).

    Checked first, on every rank (ValueError / GeometryError naming the region): species
    of ``atoms`` vs the potential's elements, and the geometry against the potential's
    cutoff and the mesh (band ≥ r_cut, pad ≥ 2 r_cut, whole region inside the body)."""
    from mdfe.coupling.geometry import check_regions
    from mdfe.solvers.md.region import MDRegion
    if locator is None:
        from mdfe.solvers.fe.locate import PointLocator
        locator = PointLocator(mesh)
    check_species(potential, atoms, what=f"region {geometry.name}")
    check_regions([geometry], potential.cutoff, lambda P: locator.locate(P)[0] >= 0)
    roles = np.asarray(roles)
    md = None
    if md_comm is not None:
        md = MDRegion(atoms, potential, ROLE_NAMES[roles], comm=md_comm,
                      boundary="s s p" if law.dim == 2 else "s s s")
    sub = atoms.get_array("sublattice") if "sublattice" in atoms.arrays else None
    return CoupledRegion(geometry, md, np.arange(1, len(atoms) + 1), atoms.positions, roles,
                         mesh, locator, sublattice=sub, shift=law.shift, offsets=offsets)
