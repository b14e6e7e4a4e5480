"""A 1D-like coupled bar of fcc Cu (EAM ``Cu_u3.eam``) — or a graphene strip (Tersoff) —
for the dynamics tests (helper).

The crystal's x axis is [100]; the cross-section is one cubic cell, periodic along y and z
in LAMMPS (boundary ``s p p``). The FE body is a tet4 bar [0, L] × [0, a]² with element
size h = 2a along x, every node held at u_y = u_z = 0 (uniaxial strain, as in the periodic
crystal, so both sides have the longitudinal modulus C11). The MD region is a slab in the
middle: core [c0, c1], then band (2h) and pad (2h ≥ 2 r_cut) on both sides, all edges on FE
node planes; atom planes sit a/4 off the node planes, so the atoms' slices fill the elements. Longitudinal waves along x are those of the
chain of (100) planes (spacing a/2).

The graphene strip (``material="graphene"``): x along a zigzag direction, two rectangular
cells (2√3 a = 8.6 Å) periodic along y, periodic along z with 20 Å of vacuum (``s p p``; flexural motion free);
FE quad4 membrane strip with h = 2a, u_y = 0 at every node; the slaved atoms carry the
Cauchy–Born inner shift of their sublattice (tabulated), their z stays at the sheet's plane
(the 2D FE has no flexural dof).

Nothing here creates LAMMPS or PETSc objects; :func:`build` does, on the caller's
communicators.
"""
from __future__ import annotations

import dataclasses

import numpy as np

import mdfe  # noqa: F401
from mdfe.coupling.geometry import OUTSIDE, Outline, RegionGeometry
from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.solvers.fe.mesh import box_mesh
from mdfe.solvers.md.structures import bulk_crystal, relaxed_lattice_constant, sheet

FAR = 1.0e4      # Å: the slab's outline extends this far along y and z


@dataclasses.dataclass
class Bar:
    potential: LammpsPotential
    a: float              # lattice constant, Å
    h: float              # FE element size along x, Å
    mesh: object
    geometries: list      # RegionGeometry per MD region, left to right
    atoms_list: list      # ASE Atoms per region (core + band + pad), IDs 1..n in order
    roles_list: list      # roles per region
    length: float         # FE bar length, Å
    material: str = "Cu"  # "Cu" (3D bar) or "graphene" (2D strip)

    @property
    def unit_cell(self):
        """Primitive cell of the crystal (Cauchy–Born law, density)."""
        from mdfe.potentials.properties.unit_cells import bulk_primitive, hexagonal_primitive
        if self.material == "graphene":
            return hexagonal_primitive("graphene", self.a)
        return bulk_primitive("Cu", "fcc", self.a)

    @property
    def geometry(self):
        return self.geometries[0]

    @property
    def atoms(self):
        return self.atoms_list[0]

    @property
    def roles(self):
        return self.roles_list[0]


def bar(core_cells: int = 100, fe_cells: int = 100, damping_width: float = 0.0,
        second_core_cells: int = 0, gap_cells: int = 0, material: str = "Cu") -> Bar:
    """The bar: core of ``core_cells`` FE elements (h = 2a each), ``fe_cells`` elements of
    FE beyond the band on each side, damping band ``damping_width`` Å inside the core. With
    ``second_core_cells`` > 0 a second MD region (core of that many elements) follows the
    first after ``gap_cells`` elements of FE between the two regions' outer edges.

    material "Cu": fcc Cu (EAM Cu_u3), tet4 bar, x along [100], one cubic cell periodic in
    y and z. material "graphene": a graphene strip (Tersoff BNC.tersoff), x along zigzag,
    two rectangular cells (8.6 Å) periodic in y, vacuum in z (flexural motion); FE quad4
    membrane strip, h = 2a; the two sublattices and the Cauchy–Born inner shift."""
    if material not in ("Cu", "graphene"):
        raise ValueError(f"material {material!r}: allowed 'Cu', 'graphene'")
    sheet_case = material == "graphene"
    if sheet_case:
        pot = LammpsPotential.tersoff()
        a = relaxed_lattice_constant(pot, "graphene")
        width = 2 * a * np.sqrt(3.0)
    else:
        pot = LammpsPotential.eam("Cu_u3.eam")
        a = relaxed_lattice_constant(pot, "Cu", "fcc")
        width = a
    h = 2.0 * a
    # the region's outer edge (band + pad = 4h) on a node plane; pad 2h >= 2 r_cut
    band, pad = 2.0 * h, 2.0 * h
    n_band = int(np.ceil((band + pad) / h))
    cores = [core_cells] + ([second_core_cells] if second_core_cells > 0 else [])
    n_el = sum(cores) + 2 * len(cores) * n_band + 2 * fe_cells + (len(cores) - 1) * gap_cells
    length = n_el * h
    n_cells = int(np.ceil(length / a))
    if sheet_case:
        mesh = box_mesh((length, width), (n_el, 1), "quad4")
        crystal = sheet("graphene", pot, n_cells, 2, "zigzag", a=a)
        crystal.positions[:, 0] += 0.25 * a          # atom columns a/4 off the node lines
        cell, pbc, far = [length + 2 * a, width, crystal.cell[2, 2]], (False, True, False), 2
    else:
        mesh = box_mesh((length, a, a), (n_el, 1, 1), "tet4")
        crystal = bulk_crystal("Cu", "fcc", pot, size=(n_cells, 1, 1), a=a)
        crystal.positions += 0.25 * a
        del crystal.arrays["sublattice"]
        cell, pbc, far = [length + 2 * a, a, a], (False, True, True), 3
    geoms, atoms_list, roles_list = [], [], []
    c0 = (fe_cells + n_band) * h
    for i, cells in enumerate(cores):
        c1 = c0 + cells * h
        geom = RegionGeometry(Outline.box((c0, -FAR, -FAR)[:far], (c1, FAR, FAR)[:far]),
                              band_width=band, pad_width=pad, blend_width=1.5 * h,
                              damping_width=damping_width, name=f"bar{i}")
        role = geom.roles(crystal.positions[:, :far])
        keep = np.flatnonzero(role != OUTSIDE)
        atoms = crystal[keep]
        atoms.set_cell(cell)
        atoms.pbc = pbc
        geoms.append(geom)
        atoms_list.append(atoms)
        roles_list.append(role[keep])
        c0 = c1 + (2 * n_band + gap_cells) * h
    return Bar(pot, a, h, mesh, geoms, atoms_list, roles_list, length, material)


def build(case: Bar, fe_comm, md_comm, mode: str = "shared"):
    """(fe problem or None, CoupledRegion of the first region, continuum law) on the given
    communicators; the FE problem has u_y (= u_z) = 0 at every node."""
    fe, regions, law = build_all(case, fe_comm, [md_comm])
    return fe, regions[0], law


def build_all(case: Bar, fe_comm, md_comms):
    """(fe problem or None, [CoupledRegion per region], continuum law); md_comms: one MD
    communicator (or None) per region."""
    from mdfe.coupling import build as cbuild
    from mdfe.coupling.quasistatic import CoupledRegion
    from mdfe.solvers.fe.locate import PointLocator
    from mdfe.solvers.md.region import MDRegion
    law = cbuild.continuum_law(case.potential, case.unit_cell)
    dim = case.mesh.nodes.shape[1]
    fe = None
    if fe_comm is not None:
        fe = cbuild.fe_problem(case.mesh, law, fe_comm,
                               options={"ksp_rtol": 1e-12, "pc_type": "jacobi"})
        fe.set_dirichlet(np.arange(case.mesh.n_nodes), 0.0, components=list(range(1, dim)))
    regions = []
    locator = PointLocator(case.mesh)
    for geom, atoms, roles, md_comm in zip(case.geometries, case.atoms_list, case.roles_list,
                                           md_comms):
        md = None
        if md_comm is not None:
            md = MDRegion(atoms, case.potential, np.array(["core", "band", "pad"])[roles],
                          comm=md_comm, boundary="s p p")
        sub = atoms.get_array("sublattice") if "sublattice" in atoms.arrays else None
        regions.append(CoupledRegion(geom, md, np.arange(1, len(atoms) + 1), atoms.positions,
                                     roles, case.mesh, locator, sublattice=sub,
                                     shift=law.shift))
    return fe, regions, law


def split(comm, layout: str, n_md: int = 1):
    """(fe_comm or None, md_comm or None) — with ``n_md`` > 1: (fe_comm, [md_comm per
    region]). ``shared``: every group on every rank; ``disjoint``: FE on rank 0, the MD
    groups on the other ranks (one rank: shared)."""
    from mdfe.layout import plan_layout, split_world
    mdfe._libs.load_petsc()
    from petsc4py import PETSc  # noqa: F401  (PetscInitialize is collective on the world)
    size = comm.Get_size()
    mode = "disjoint" if layout == "disjoint" and size > n_md else "shared"
    counts = {}
    if mode == "disjoint":
        md = [(size - 1) // n_md + (1 if g < (size - 1) % n_md else 0) for g in range(n_md)]
        counts = {"fe_ranks": 1, "md_ranks": md}
    groups = split_world(comm, plan_layout(size, n_md, mode=mode, **counts))
    return (groups.fe, groups.md[0]) if n_md == 1 else (groups.fe, list(groups.md))
