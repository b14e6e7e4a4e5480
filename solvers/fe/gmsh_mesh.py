"""Graded unstructured 2D meshes (triangles, or quads by recombination) from gmsh.

The element size is ``h_min`` (e.g. the lattice spacing) within ``band`` of the boundary
of each MD region, and grows linearly with distance beyond it, by a factor
1 + s per element with s = 0.8 (growth − 1), up to ``h_max``. MD regions are also meshed
(coarsening inside the atomistic core, whose elements the coupling weights to 0).

Physical groups (→ :class:`~mdfe.solvers.fe.mesh.Mesh` via :func:`~mdfe.solvers.fe.io.read_mesh`):
regions ``bulk`` and ``md0``, ``md1``, ...; node/facet sets ``xmin``, ``xmax``, ``ymin``,
``ymax`` (outer edges), ``hole0``, ... and, for each crack, its two faces ``crack0_a``
and ``crack0_b`` with distinct nodes (gmsh's Crack plugin; a crack end on the outer
boundary is opened there, an interior end is the tip, shared by both faces).
"""
from __future__ import annotations

import os
import tempfile

import numpy as np

from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.io import read_mesh
from mdfe.solvers.fe.mesh import Mesh


def _on_segment(p, a, b, tol):
    ab = b - a
    t = np.dot(p - a, ab) / np.dot(ab, ab)
    return -tol <= t <= 1 + tol and np.linalg.norm(a + np.clip(t, 0, 1) * ab - p) < tol


def _build(gmsh, box, md_regions, holes, cracks, h_min, h_max, band, slope, quads):
    occ = gmsh.model.occ
    x0, y0, W, H = box
    tol = 1e-6 * max(W, H)
    outer = occ.addRectangle(x0, y0, 0, W, H)
    md = [occ.addRectangle(a, b, 0, c - a, d - b) for a, b, c, d in md_regions]
    lines = [occ.addLine(occ.addPoint(*a, 0), occ.addPoint(*b, 0)) for a, b in cracks]
    surf, _ = occ.fragment([(2, outer)], [(2, t) for t in md] + [(1, c) for c in lines])
    surf = [e for e in surf if e[0] == 2]
    if holes:
        surf, _ = occ.cut(surf, [(2, occ.addDisk(cx, cy, 0, r, r)) for cx, cy, r in holes])
    occ.synchronize()

    def md_index(tag):
        bb = np.array(gmsh.model.getBoundingBox(2, tag)).reshape(2, 3)[:, :2]
        for i, (a, b, c, d) in enumerate(md_regions):
            if np.all(bb[0] >= (a - tol, b - tol)) and np.all(bb[1] <= (c + tol, d + tol)):
                return i
        return -1
    groups = {}
    for _, tag in gmsh.model.getEntities(2):
        i = md_index(tag)
        groups.setdefault("bulk" if i < 0 else f"md{i}", []).append(tag)
    fine_curves, curve_groups = [], {}
    for _, tag in gmsh.model.getEntities(1):
        bb = np.array(gmsh.model.getBoundingBox(1, tag)).reshape(2, 3)[:, :2]
        lo, hi = gmsh.model.getParametrizationBounds(1, tag)
        mid = np.array(gmsh.model.getValue(1, tag, [0.5 * (lo[0] + hi[0])]))[:2]
        for name, k, v in (("xmin", 0, x0), ("xmax", 0, x0 + W), ("ymin", 1, y0), ("ymax", 1, y0 + H)):
            if np.all(np.abs(bb[:, k] - v) < tol):
                curve_groups.setdefault(name, []).append(tag)
        for i, (cx, cy, r) in enumerate(holes):
            if abs(np.hypot(mid[0] - cx, mid[1] - cy) - r) < 1e-3 * r:
                curve_groups.setdefault(f"hole{i}", []).append(tag)
        for i, (a, b) in enumerate(cracks):
            if all(_on_segment(p, np.array(a), np.array(b), tol) for p in (bb[0], bb[1])):
                curve_groups.setdefault(f"crack{i}_a", []).append(tag)
        for a, b, c, d in md_regions:
            on_x = np.all(np.abs(bb[:, 0] - a) < tol) or np.all(np.abs(bb[:, 0] - c) < tol)
            on_y = np.all(np.abs(bb[:, 1] - b) < tol) or np.all(np.abs(bb[:, 1] - d) < tol)
            if on_x or on_y:
                fine_curves.append(tag)
    for name, tags in sorted(groups.items()):
        gmsh.model.setPhysicalName(2, gmsh.model.addPhysicalGroup(2, tags), name)
    for name, tags in sorted(curve_groups.items()):
        gmsh.model.setPhysicalName(1, gmsh.model.addPhysicalGroup(1, tags), name)
    mouths = {}
    for i, (a, b) in enumerate(cracks):
        for p in (a, b):
            on_edge = (min(abs(p[0] - x0), abs(p[0] - x0 - W)) < tol
                       or min(abs(p[1] - y0), abs(p[1] - y0 - H)) < tol)
            if on_edge:
                pts = [t for _, t in gmsh.model.getEntities(0)
                       if np.linalg.norm(np.array(gmsh.model.getValue(0, t, []))[:2] - p) < tol]
                mouths[i] = gmsh.model.addPhysicalGroup(0, pts)
                gmsh.model.setPhysicalName(0, mouths[i], f"crack{i}_mouth")

    field = gmsh.model.mesh.field
    if fine_curves:
        dist = field.add("Distance")
        field.setNumbers(dist, "CurvesList", sorted(set(fine_curves)))
        field.setNumber(dist, "Sampling", 200)
        thr = field.add("Threshold")
        field.setNumber(thr, "InField", dist)
        field.setNumber(thr, "SizeMin", h_min)
        field.setNumber(thr, "SizeMax", h_max)
        field.setNumber(thr, "DistMin", band)
        field.setNumber(thr, "DistMax", band + (h_max - h_min) / slope)
        field.setAsBackgroundMesh(thr)
    else:
        gmsh.option.setNumber("Mesh.MeshSizeMax", h_max)
    for opt in ("Mesh.MeshSizeExtendFromBoundary", "Mesh.MeshSizeFromPoints",
                "Mesh.MeshSizeFromCurvature"):
        gmsh.option.setNumber(opt, 0)
    gmsh.option.setNumber("Mesh.Algorithm", 8 if quads else 6)
    if quads:   # recombine, then split every cell into quads (halves the size: pre-scale)
        gmsh.option.setNumber("Mesh.RecombineAll", 1)
        gmsh.option.setNumber("Mesh.SubdivisionAlgorithm", 1)
    gmsh.model.mesh.generate(2)
    for i in range(len(cracks)):
        tag = [t for d, t in gmsh.model.getPhysicalGroups(1)
               if gmsh.model.getPhysicalName(d, t) == f"crack{i}_a"]
        if not tag:
            raise FEInputError(f"crack {i} {cracks[i]} does not lie inside the domain")
        new = max(t for _, t in gmsh.model.getPhysicalGroups()) + 1
        gmsh.plugin.setNumber("Crack", "Dimension", 1)
        gmsh.plugin.setNumber("Crack", "PhysicalGroup", tag[0])
        gmsh.plugin.setNumber("Crack", "OpenBoundaryPhysicalGroup", mouths.get(i, 0))
        gmsh.plugin.setNumber("Crack", "NewPhysicalGroup", new)
        gmsh.plugin.run("Crack")
        gmsh.model.setPhysicalName(1, new, f"crack{i}_b")


def graded_mesh(width: float, height: float, *, h_min: float, h_max: float,
                md_regions=(), band: float | None = None, growth: float = 1.3,
                holes=(), cracks=(), origin=(0.0, 0.0), cell: str = "tri3",
                path: str | None = None, comm=None) -> Mesh:
    """Graded 2D mesh (``cell`` = ``tri3`` or ``quad4``) of the box [origin, origin +
    (width, height)] in Å; quads come from recombination plus one subdivision.

    md_regions: rectangles (x0, y0, x1, y1); band: fine-zone width around them (default
    3 h_min); growth: largest size ratio of neighbouring elements (≤ 1.3 asked);
    holes: circles (cx, cy, r); cracks: segments ((xa, ya), (xb, yb)).
    path: also keep the ``.msh`` file there. comm: mesh on rank 0 and broadcast.
    """
    if comm is not None and comm.Get_size() > 1:
        mesh = None
        if comm.Get_rank() == 0:
            try:
                mesh = graded_mesh(width, height, h_min=h_min, h_max=h_max, md_regions=md_regions,
                                   band=band, growth=growth, holes=holes, cracks=cracks,
                                   origin=origin, cell=cell, path=path)
            except FEInputError as exc:
                mesh = exc
        mesh = comm.bcast(mesh, root=0)
        if isinstance(mesh, Exception):
            raise mesh
        return mesh
    if cell not in ("tri3", "quad4"):
        raise FEInputError(f"graded_mesh cell {cell!r}: allowed 'tri3' or 'quad4'")
    if not (0 < h_min <= h_max) or not (1.0 < growth <= 2.0):
        raise FEInputError(f"graded_mesh needs 0 < h_min <= h_max and 1 < growth <= 2; got "
                           f"h_min={h_min}, h_max={h_max}, growth={growth}")
    import gmsh
    band = 3 * h_min if band is None else band
    gmsh.initialize(interruptible=False)
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        gmsh.model.add("mdfe")
        scale = 2.0 if cell == "quad4" else 1.0          # subdivision halves the size
        _build(gmsh, (origin[0], origin[1], width, height), list(md_regions), list(holes),
               list(cracks), scale * h_min, scale * h_max, band, 0.8 * (growth - 1.0),
               cell == "quad4")
        with tempfile.TemporaryDirectory() as tmp:
            out = path or os.path.join(tmp, "mesh.msh")
            gmsh.option.setNumber("Mesh.MshFileVersion", 4.1)
            gmsh.write(out)
            return read_mesh(out)
    finally:
        gmsh.finalize()
