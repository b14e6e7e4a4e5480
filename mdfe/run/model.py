"""The cracked-sheet model of a ``mdfe run`` case, built from a resolved config.

:func:`build_inputs` does everything that can fail on bad input and needs no MPI group:
the potential, the relaxed lattice constant, the crystal around the tip, the slit (snapped
between atom rows, :func:`mdfe.solvers.md.setup.slit`), the MD region geometry (checked
against the cutoff and the body), the FE slit mesh (gmsh, crack from the left edge to
the tip), the Cauchy–Born continuum law and the Griffith reference
K_G = sqrt(2 γ E') of the same potential (:mod:`mdfe.potentials.properties`).
:func:`build_coupled` then creates the FE problem, the LAMMPS region and the coupled
solver on the communicators of the MPI layout.

Frame: the body is [0, width] × [0, height] Å; the crack runs along −x from the tip.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

from mdfe.config import ConfigError


@dataclasses.dataclass
class Inputs:
    """Checked, rank-independent ingredients of a run (no LAMMPS/PETSc objects)."""
    cfg: dict
    potential: object
    a: float                  # lattice constant, Å
    origin: np.ndarray        # (2,) Å: a lattice origin (cells of the sheet repeat from it)
    atoms: object             # ASE Atoms of the MD region (core + band + pad), IDs 1..n
    roles: np.ndarray         # (n,) role codes
    slit_ids: tuple           # (upper, lower) 1-based IDs across the slit
    face_offsets: np.ndarray  # (n, 3) Å: edge relaxation of the crack-face atoms
    tip: np.ndarray           # (2,) initial tip (snapped), Å
    geometry: object          # RegionGeometry
    mesh: object              # FE Mesh with the slit
    law: object               # ContinuumLaw
    law2: object              # ContinuumLaw of structure.second_material (None: one sheet)
    e_prime: float            # eV/Å²
    gamma: float              # edge energy of the crack faces, eV/Å
    k_g: float                # Griffith K, eV/Å^{3/2}


def make_potential(section: dict, source: str):
    """LammpsPotential of a ``[potential]`` section; ConfigError naming the key."""
    from mdfe.potentials.lammps_potential import LammpsPotential
    kind, file, elements = section["kind"], section["file"], section["elements"]
    if kind == "morse":
        rc = float(section["cutoff"])
        return LammpsPotential(f"morse/smooth/linear {rc!r}", (
            f"* * {section['D']!r} {section['alpha']!r} {section['r0']!r}",),
            tuple(elements), rc)
    try:
        if kind == "tersoff":
            return LammpsPotential.tersoff(elements, file)
        if kind == "eam":
            return LammpsPotential.eam(file, elements)
        return getattr(LammpsPotential, kind)(file, elements)
    except (ValueError, OSError, IndexError, KeyError) as exc:
        raise ConfigError(f"{source}: [potential] kind = {kind!r}, file = {file!r}: {exc}") from None


def _fail(source, key, msg):
    raise ConfigError(f"{source}: '{key}' {msg}")


def build_inputs(cfg: dict, source: str = "<config>", comm=None) -> Inputs:
    """Build and check the rank-independent inputs (see module docstring). With ``comm``
    the mesh is made on its rank 0 and broadcast (identical on every rank); the rest is
    deterministic and computed on every rank (errors are then raised everywhere alike)."""
    from mdfe.coupling import build
    from mdfe.coupling.face_relaxation import edge_relaxation, face_offsets
    from mdfe.coupling.geometry import OUTSIDE, GeometryError, Outline, RegionGeometry, check_regions
    from mdfe.potentials.properties import edges, elastic
    from mdfe.potentials.properties.elastic import lattice_constant
    from mdfe.potentials.properties.unit_cells import SHEET_A_GUESS, hexagonal_primitive
    from mdfe.solvers.fe.errors import FEInputError
    from mdfe.solvers.md.setup import slit
    from mdfe.solvers.md.structures import relaxed_lattice_constant

    pot = make_potential(cfg["potential"], source)
    mat, faces = cfg["structure"]["material"], cfg["structure"]["crack_faces"]
    body, md, crack = cfg["body"], cfg["md"], cfg["crack"]
    try:
        a = (relaxed_lattice_constant(pot, mat) if mat in SHEET_A_GUESS else lattice_constant(
            pot, functools.partial(hexagonal_primitive, mat), cfg["potential"]["r0"],
            window=0.1))
    except ValueError as exc:
        raise ConfigError(f"{source}: [potential] does not hold a flat {mat} sheet "
                          f"(no stress-free lattice constant): {exc}") from None
    band = md["band_width"]
    pad = md["pad_width"] or 2 * pot.cutoff + 0.5
    blend = md["blend_width"] or band - 1.5 * body["h_min"]
    if blend <= 0:
        _fail(source, "md.band_width", f"= {band} Å leaves no blending zone: FE nodes with "
              f"weight < 1 need their elements (body.h_min = {body['h_min']} Å) inside the "
              "band; widen the band to > 1.5 h_min or refine body.h_min")
    if band < pot.cutoff:
        _fail(source, "md.band_width", f"= {band} Å is narrower than the potential's cutoff "
                                       f"{pot.cutoff:.3f} Å; it must be ≥ r_cut")
    if md["ahead"] <= 2 * pot.cutoff:
        _fail(source, "md.ahead", f"= {md['ahead']} Å leaves the tip no room: a run stops when "
              f"the tip comes within 2 r_cut = {2 * pot.cutoff:.3f} Å of the band; make it larger")
    if pad < 2 * pot.cutoff:
        _fail(source, "md.pad_width", f"= {pad} Å is thinner than 2 r_cut = "
                                      f"{2 * pot.cutoff:.3f} Å")
    # crystal around the tip, crack faces of the asked type along x
    x0, y0 = crack["tip"]
    reach = band + pad + 2 * a
    lo = np.array([x0 - md["behind"], y0 - md["half_height"]]) - reach
    hi = np.array([x0 + md["ahead"], y0 + md["half_height"]]) + reach
    crystal = crystal_patch(mat, pot, faces, a, lo, lo, hi)
    y_cut, x_tip, _, _ = slit(crystal.positions, y0, x0)
    tip = np.array([x_tip, y_cut])
    core = Outline.box(tip - [md["behind"], md["half_height"]],
                       tip + [md["ahead"], md["half_height"]])
    try:
        geom = RegionGeometry(core, band_width=band, pad_width=pad, blend_width=blend,
                              name="md")
        W, H = body["width"], body["height"]
        check_regions([geom], pot.cutoff, lambda P: (P[:, 0] > 0) & (P[:, 0] < W)
                      & (P[:, 1] > 0) & (P[:, 1] < H))
    except GeometryError as exc:
        raise ConfigError(f"{source}: [md] / [crack] / [body]: {exc}") from None
    role = geom.roles(crystal.positions)
    keep = np.flatnonzero(role != OUTSIDE)
    atoms, roles = crystal[keep], role[keep]
    atoms.pbc = (False, False, False)
    _, _, upper, lower = slit(atoms.positions, y_cut, x_tip)
    outer = geom.outer
    box = (outer.lo[0] - outer.radius, outer.lo[1] - outer.radius,
           outer.hi[0] + outer.radius, outer.hi[1] + outer.radius)
    try:
        from mdfe.solvers.fe import graded_mesh
        mesh = graded_mesh(W, H, h_min=body["h_min"], h_max=body["h_max"],
                           md_regions=[box], growth=body["growth"],
                           cracks=[((0.0, y_cut), (x_tip, y_cut))], comm=comm)
    except FEInputError as exc:
        raise ConfigError(f"{source}: [body] mesh: {exc}") from None
    try:
        from mdfe.coupling.operators import node_weights
        node_weights(mesh.nodes, mesh.elements, geom)
    except GeometryError as exc:
        raise ConfigError(f"{source}: [md] / [body]: {exc}") from None
    law2 = _second_material(cfg, source, mesh, geom, tip, comm)   # checks first: no ξ table
    law = build.continuum_law(pot, hexagonal_primitive(mat, a), comm=comm)
    try:
        build.check_species(pot, atoms, what="structure.material")
    except ValueError as exc:
        raise ConfigError(f"{source}: [potential] elements: {exc}") from None
    offsets = face_offsets(atoms.positions, np.ones(len(atoms), bool), y_cut, x_tip,
                           edge_relaxation(pot, mat, a, faces))
    e_prime = elastic.plane_stress_modulus(law.C)
    gamma = edges.edge_energy(pot, mat, a, faces)
    if not gamma > 0:
        raise ConfigError(f"{source}: [potential] {pot.pair_style}: the relaxed {faces} edge "
                          f"energy of {mat} is γ = {gamma:.4f} eV/Å ≤ 0, so K_G = sqrt(2γE') "
                          "is undefined: the potential does not describe the crack faces "
                          "(train it on edges)")
    return Inputs(cfg, pot, a, lo, atoms, roles, (upper, lower), offsets, tip, geom, mesh,
                  law, law2,
                  e_prime, gamma, edges.griffith_k(gamma, e_prime))


def md_radius(geom, tip) -> float:
    """Largest distance (Å) from the tip to the MD region's outer outline."""
    o = geom.outer
    corners = np.array([[x, y] for x in (o.lo[0], o.hi[0]) for y in (o.lo[1], o.hi[1])])
    return float(np.linalg.norm(corners - tip, axis=1).max() + o.radius)


def _second_material(cfg: dict, source: str, mesh, geom, tip, comm=None):
    """Lateral heterostructure: put the FE elements above structure.interface_y in a new
    region (named "second_material") and return the Cauchy–Born law of structure.second_material with the same potential
    (its own relaxed lattice constant; the misfit strain at the interface is not modelled);
    None for one sheet. Checks that the MD region lies below the interface and, for
    K-loading, that the tip is at least one MD-region radius from it (at an interface the
    ½-power field is not the asymptotic one)."""
    st = cfg["structure"]
    if not st["second_material"]:
        return None
    from mdfe.coupling import build
    from mdfe.potentials.properties.unit_cells import hexagonal_primitive
    from mdfe.solvers.md.structures import relaxed_lattice_constant
    from mdfe.run.schema import SHEETS
    y_if = st["interface_y"]
    if geom.outer.hi[1] + geom.outer.radius >= y_if:
        _fail(source, "structure.interface_y", f"= {y_if} Å: the MD region reaches y = "
              f"{geom.outer.hi[1] + geom.outer.radius:.2f} Å; it must lie below the interface")
    r_md = md_radius(geom, tip)
    if cfg["loading"]["mode"] == "k_field" and y_if - tip[1] < r_md:
        _fail(source, "structure.interface_y", f"= {y_if} Å is {y_if - tip[1]:.2f} Å from the "
              f"crack tip; K-loading needs at least one MD-region radius ({r_md:.2f} Å): at an "
              "interface the ½-power field is not the asymptotic one")
    elements = (cfg["potential"]["elements"] if cfg["potential"]["kind"] == "mtp"  # the file's
                else list(SHEETS[st["second_material"]]))
    pot2 = make_potential(dict(cfg["potential"], elements=elements), source)
    a2 = relaxed_lattice_constant(pot2, st["second_material"])
    centroid_y = mesh.nodes[mesh.elements].mean(axis=1)[:, 1]
    second = int(mesh.regions.max()) + 1
    mesh.regions = np.where(centroid_y > y_if, second, mesh.regions).astype(np.int64)
    mesh.region_names = dict(mesh.region_names, second_material=second)
    return build.continuum_law(pot2, hexagonal_primitive(st["second_material"], a2), comm=comm)


def crystal_patch(material: str, pot, faces: str, a: float, anchor, lo, hi):
    """ASE Atoms of the sheet (lattice constant a, Å; crack-face rows along x) on the
    lattice that has a site pattern origin at ``anchor`` (2,) Å, covering the box
    [lo, hi] (2,) Å (whole rectangular cells, so a little beyond ``hi``)."""
    from mdfe.solvers.md.structures import sheet
    period = np.diag(sheet(material, pot, 1, 1, faces, a=a).cell)[:2]
    anchor = np.asarray(anchor, float)
    start = anchor + np.floor((np.asarray(lo, float) - anchor) / period + 1e-9) * period
    n = np.ceil((np.asarray(hi, float) - start) / period).astype(int)
    crystal = sheet(material, pot, int(n[0]), int(n[1]), faces, a=a)
    crystal.positions[:, :2] += start
    return crystal


@dataclasses.dataclass
class Coupled:
    """The live model on this rank: FE problem (or None), MD region wrapper, solver."""
    fe: object
    region: object
    solver: object
    boundary: np.ndarray      # Dirichlet node ids: outer edges (K-field), top/bottom (strain)
    unit_field: np.ndarray    # (n_boundary, 2) Å: the boundary displacement per unit load


def build_coupled(inp: Inputs, comm, groups) -> Coupled:
    """FE problem, LAMMPS region (slit faces excluded) and quasi-static solver on the
    layout's communicators (``groups`` from :func:`mdfe.layout.split_world`)."""
    from mdfe.coupling import build
    from mdfe.coupling.quasistatic import QuasiStaticCoupling
    from mdfe.run.kfield import outer_nodes
    cfg = inp.cfg
    fe = None
    if groups.fe is not None:
        from mdfe.solvers.fe import ElasticityProblem, membrane
        second = inp.mesh.region_names.get("second_material")
        fe = ElasticityProblem(inp.mesh, {int(r): membrane((inp.law2 if r == second else inp.law).C)
                                          for r in np.unique(inp.mesh.regions)},
                               comm=groups.fe, options={"ksp_rtol": 1e-10, "ksp_atol": 1e-14})
    region = build.coupled_region(inp.geometry, groups.md[0], inp.atoms, inp.roles,
                                  inp.potential, inp.mesh, inp.law, offsets=inp.face_offsets)
    if region.md is not None:
        region.md.exclude_pairs(*inp.slit_ids)
    s = cfg["solver"]
    solver = QuasiStaticCoupling(comm, fe, [region], tol=s["tol"],
                                 max_exchanges=s["max_exchanges"], relax_style=s["relax"],
                                 min_distance=collapse_distance(inp))
    if cfg["loading"]["mode"] == "k_field":
        ids = outer_nodes(inp.mesh)
    else:          # top and bottom (biaxial: and right) edges pulled; the crack mouth free
        edges = ("ymin", "ymax") + (("xmax",) if cfg["loading"]["far_field"] == "biaxial" else ())
        ids = np.unique(np.concatenate([inp.mesh.node_sets[k] for k in edges]))
    return Coupled(fe, region, solver, ids, unit_displacements(inp, ids))


def collapse_distance(inp: Inputs) -> float:
    """The collapse guard's distance (Å): ``solver.min_distance``, or 0.6 × the nearest-
    neighbour distance of the reference atoms (0.85 Å for graphene); 0 (no guard) with
    ``solver.collapse_guard = false``. No relaxation of a physical potential brings two
    atoms that close; an ML potential with a hole at short range (no training data there)
    does, and its minimiser then never ends."""
    from scipy.spatial import cKDTree
    if not inp.cfg["solver"]["collapse_guard"]:
        return 0.0
    given = inp.cfg["solver"]["min_distance"]
    if given > 0:
        return float(given)
    X = inp.atoms.positions
    return 0.6 * float(cKDTree(X).query(X, k=2)[0][:, 1].min())


def unit_displacements(inp: Inputs, node_ids) -> np.ndarray:
    """Displacements (k, 2) Å of FE nodes per unit load: the K-field at K = K_G
    (K_I = K_G cos ψ, K_II = K_G sin ψ; crack faces on their own branch), or the far-field
    strain 1 about the tip: uniaxial ε_yy = 1 with σ_xx = 0 (ε_xx = −C12/C11), biaxial
    ε_xx = ε_yy = 1."""
    from mdfe.run.kfield import field_points
    ids = np.asarray(node_ids, np.int64)
    load = inp.cfg["loading"]
    if load["mode"] == "k_field":
        return unit_k_field(inp, field_points(inp.mesh, ids, inp.tip))
    d = inp.mesh.nodes[ids] - inp.tip
    if load["far_field"] == "biaxial":
        return d.copy()
    return np.column_stack([-inp.law.C[0, 1] / inp.law.C[0, 0] * d[:, 0], d[:, 1]])


def unit_k_field(inp: Inputs, points) -> np.ndarray:
    """K-field displacements (k, 2) Å at ``points`` (k, 2) Å for K = K_G at the case's
    mode mixity ψ (K_I = K_G cos ψ, K_II = K_G sin ψ) about the initial tip."""
    from mdfe.solvers.crack_field import crack_field
    psi = np.radians(inp.cfg["loading"]["mode_mixity"])
    return crack_field(inp.law.C, tip=tuple(inp.tip)).displacements(
        points, inp.k_g * np.cos(psi), inp.k_g * np.sin(psi))
