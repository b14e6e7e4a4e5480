"""FE meshes: the :class:`Mesh` container and structured box generators.

A mesh is replicated on every FE rank (node and element arrays are small next to the
matrix: 10^6 dofs in 2D is ~8 MB of coordinates); matrix, vectors and solves are
distributed (:mod:`mdfe.solvers.fe.layout`). Global node ids are the row indices of
``nodes`` and never depend on the number of ranks.

Units: coordinates in Å.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mdfe.solvers.fe.elements import CELL_DIM, CELL_NEN, FACET_CELL, SIMPLEX_DIM, facet_local_nodes
from mdfe.solvers.fe.errors import FEInputError

VOLUME_CELLS = ("tri3", "quad4", "tet4", "hex8")


@dataclass
class Mesh:
    """An unstructured mesh of one cell type.

    nodes      (n_nodes, dim) float, Å.
    elements   (n_elems, nen) int, global node ids, positive orientation.
    cell       one of ``tri3``, ``quad4``, ``tet4``, ``hex8``.
    regions    (n_elems,) int material region id of each element.
    node_sets  name -> (k,) int global node ids (boundary sets, crack faces, ...).
    facet_sets name -> (m, nen_facet) int facets (for tractions), facet cell of ``cell``.
    region_names name -> region id (from physical groups), optional.
    """
    nodes: np.ndarray
    elements: np.ndarray
    cell: str
    regions: np.ndarray | None = None
    node_sets: dict[str, np.ndarray] = field(default_factory=dict)
    facet_sets: dict[str, np.ndarray] = field(default_factory=dict)
    region_names: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        if self.cell not in VOLUME_CELLS:
            raise FEInputError(f"mesh cell type {self.cell!r} is not supported; "
                               f"allowed: {', '.join(VOLUME_CELLS)}")
        self.nodes = np.ascontiguousarray(self.nodes, dtype=float)
        self.elements = np.ascontiguousarray(self.elements, dtype=np.int64)
        dim, nen = CELL_DIM[self.cell], CELL_NEN[self.cell]
        if self.nodes.ndim != 2 or self.nodes.shape[1] != dim:
            raise FEInputError(f"mesh nodes must have shape (n_nodes, {dim}) for "
                               f"{self.cell}; got {self.nodes.shape}")
        if self.elements.ndim != 2 or self.elements.shape[1] != nen:
            raise FEInputError(f"mesh elements must have shape (n_elems, {nen}) for "
                               f"{self.cell}; got {self.elements.shape}")
        if self.elements.size and (self.elements.min() < 0
                                   or self.elements.max() >= len(self.nodes)):
            raise FEInputError(f"mesh elements refer to node ids outside "
                               f"[0, {len(self.nodes)})")
        if not np.all(np.isfinite(self.nodes)):
            raise FEInputError("mesh nodes contain non-finite coordinates")
        self.regions = (np.zeros(len(self.elements), np.int64) if self.regions is None
                        else np.asarray(self.regions, np.int64).reshape(-1))
        if len(self.regions) != len(self.elements):
            raise FEInputError(f"mesh regions has {len(self.regions)} entries for "
                               f"{len(self.elements)} elements")
        self.node_sets = {k: np.unique(np.asarray(v, np.int64)) for k, v in self.node_sets.items()}
        self.facet_sets = {k: np.asarray(v, np.int64) for k, v in self.facet_sets.items()}
        if self.cell in SIMPLEX_DIM:
            self._orient_simplices()

    @property
    def dim(self) -> int:
        return self.nodes.shape[1]

    @property
    def n_nodes(self) -> int:
        return len(self.nodes)

    @property
    def n_elems(self) -> int:
        return len(self.elements)

    @property
    def facet_cell(self) -> str:
        return FACET_CELL[self.cell]

    def _orient_simplices(self) -> None:
        """Swap two nodes of negatively oriented simplices; reject degenerate ones."""
        x = self.nodes[self.elements]
        jac = np.linalg.det(x[:, 1:, :] - x[:, :1, :])
        scale = np.ptp(self.nodes, axis=0).max() ** self.dim or 1.0
        bad = np.flatnonzero(np.abs(jac) <= 1e-14 * scale)
        if bad.size:
            raise FEInputError(f"mesh has {bad.size} degenerate (zero-volume) elements, "
                               f"first ids {bad[:5].tolist()}")
        neg = jac < 0
        self.elements[neg, 1], self.elements[neg, 2] = (self.elements[neg, 2].copy(),
                                                        self.elements[neg, 1].copy())

    def region_id(self, key: int | str) -> int:
        """Region id for a region name (physical group) or id; FEInputError if unknown."""
        present = np.unique(self.regions)
        rid = self.region_names.get(key) if isinstance(key, str) else int(key)
        if rid is None or rid not in present:
            names = ", ".join(f"{n}={i}" for n, i in self.region_names.items())
            raise FEInputError(f"unknown material region {key!r}; the mesh has region ids "
                               f"{present.tolist()}" + (f" (names: {names})" if names else ""))
        return int(rid)

    def node_set(self, key: str | np.ndarray) -> np.ndarray:
        """Global node ids of a named set (or the given ids, checked)."""
        if isinstance(key, str):
            if key not in self.node_sets:
                raise FEInputError(f"unknown node set {key!r}; available: "
                                   f"{sorted(self.node_sets)}")
            return self.node_sets[key]
        ids = np.asarray(key, np.int64).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= self.n_nodes):
            raise FEInputError(f"node ids outside [0, {self.n_nodes})")
        return ids

    def boundary_facets(self, node_ids: np.ndarray | None = None) -> np.ndarray:
        """Facets (m, nen_facet) on the boundary (used by one element only), optionally
        only those whose nodes all lie in ``node_ids``; outward node order."""
        if getattr(self, "_boundary", None) is None:
            loc = facet_local_nodes(self.cell)
            facets = self.elements[:, loc].reshape(-1, loc.shape[1])
            key = np.sort(facets, axis=1)[:, :3]     # 3 nodes identify a facet
            n = np.int64(self.n_nodes)
            if float(n) ** key.shape[1] < 2.0 ** 62:
                key = sum(key[:, k] * n ** (key.shape[1] - 1 - k) for k in range(key.shape[1]))
                _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
            else:
                _, inv, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
            self._boundary = facets[counts[inv.reshape(-1)] == 1]
        facets = self._boundary
        if node_ids is not None:
            facets = facets[np.all(np.isin(facets, node_ids), axis=1)]
        return facets


def _box_nodes(lengths, counts, origin):
    axes = [o + np.linspace(0.0, L, n + 1) for L, n, o in zip(lengths, counts, origin)]
    grids = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([g.ravel() for g in grids])


def _box_sets(nodes, lengths, origin):
    tol = 1e-9 * max(lengths)
    sets = {}
    for k, ax in enumerate("xyz"[: nodes.shape[1]]):
        sets[f"{ax}min"] = np.flatnonzero(np.abs(nodes[:, k] - origin[k]) < tol)
        sets[f"{ax}max"] = np.flatnonzero(np.abs(nodes[:, k] - origin[k] - lengths[k]) < tol)
    return sets


def box_mesh(lengths, counts, cell: str = "quad4", origin=None) -> Mesh:
    """Structured box [origin, origin + lengths] with ``counts`` cells per direction.

    cell: ``quad4`` or ``tri3`` (2D; two triangles per square), ``hex8`` or ``tet4`` (3D;
    six tetrahedra per cube, Kuhn split, conforming). Node ids are lexicographic with x
    slowest. Named node and facet sets: ``xmin``, ``xmax``, ``ymin``, ``ymax`` (+ z).
    """
    lengths = np.asarray(lengths, float)
    counts = np.asarray(counts, int)
    dim = len(lengths)
    if cell not in VOLUME_CELLS or CELL_DIM[cell] != dim or len(counts) != dim:
        raise FEInputError(f"box_mesh: cell {cell!r} does not fit lengths {lengths.tolist()} "
                           f"and counts {counts.tolist()}")
    if np.any(counts < 1) or np.any(lengths <= 0):
        raise FEInputError("box_mesh: lengths must be > 0 and counts >= 1")
    origin = np.zeros(dim) if origin is None else np.asarray(origin, float)
    nodes = _box_nodes(lengths, counts, origin)
    strides = np.cumprod(np.r_[1, (counts + 1)[::-1]])[:dim][::-1]   # x slowest
    idx = np.meshgrid(*[np.arange(n) for n in counts], indexing="ij")
    base = sum(i.ravel() * s for i, s in zip(idx, strides))
    if dim == 2:
        sx, sy = strides
        quad = np.column_stack([base, base + sx, base + sx + sy, base + sy])
        elems = quad if cell == "quad4" else np.vstack([quad[:, [0, 1, 2]], quad[:, [0, 2, 3]]])
    else:
        sx, sy, sz = strides
        corner = np.array([0, sx, sx + sy, sy, sz, sx + sz, sx + sy + sz, sy + sz])
        hexes = base[:, None] + corner[None, :]
        if cell == "hex8":
            elems = hexes
        else:   # Kuhn: six tets sharing the main diagonal 0-6
            paths = [(1, 2), (1, 5), (3, 2), (3, 7), (4, 5), (4, 7)]
            elems = np.vstack([hexes[:, [0, a, b, 6]] for a, b in paths])
    mesh = Mesh(nodes, elems, cell, node_sets=_box_sets(nodes, lengths, origin))
    mesh.facet_sets = {name: mesh.boundary_facets(ids) for name, ids in mesh.node_sets.items()}
    return mesh
