"""Read meshes from files (gmsh ``.msh`` and anything else meshio reads).

Physical groups map to mdfe's mesh data: volume cells' physical tags → material region
ids (with their names in ``region_names``); lower-dimensional physical groups → node sets
and facet sets under their names (``physical<tag>`` if unnamed). Nodes used by no
volume cell are dropped (global node ids are the file's order among the used nodes).
"""
from __future__ import annotations

import os

import numpy as np

from mdfe.solvers.fe.errors import FEInputError
from mdfe.solvers.fe.mesh import Mesh

_VOLUME = {"triangle": "tri3", "quad": "quad4", "tetra": "tet4", "hexahedron": "hex8"}
_FACET_OF = {"tri3": "line", "quad4": "line", "tet4": "triangle", "hex8": "quad"}


def _physical(m, i):
    for key in ("gmsh:physical", "medit:ref", "cell_tags"):
        if key in m.cell_data:
            return np.asarray(m.cell_data[key][i], np.int64)
    return None


def read_mesh(path: str | os.PathLike) -> Mesh:
    """Read a mesh file; FEInputError naming the file if missing, unreadable or empty."""
    import meshio
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FEInputError(f"mesh file {path!r} does not exist")
    try:
        m = meshio.read(path)
    except Exception as exc:  # noqa: BLE001 - meshio raises many types for bad files
        raise FEInputError(f"mesh file {path!r} could not be read: {exc}") from exc
    vol = [(i, c) for i, c in enumerate(m.cells) if c.type in _VOLUME]
    if not vol:
        raise FEInputError(f"mesh file {path!r} has no supported volume cells "
                           f"(allowed: {', '.join(_VOLUME)}; found "
                           f"{sorted({c.type for c in m.cells})})")
    kinds = {c.type for _, c in vol}
    dims = {"triangle": 2, "quad": 2, "tetra": 3, "hexahedron": 3}
    top = max(dims[k] for k in kinds)
    vol = [(i, c) for i, c in vol if dims[c.type] == top]
    if len({c.type for _, c in vol}) > 1:
        raise FEInputError(f"mesh file {path!r} mixes cell types "
                           f"{sorted({c.type for _, c in vol})}; one type per mesh")
    cell = _VOLUME[vol[0][1].type]
    elements = np.vstack([c.data for _, c in vol])
    regions = np.concatenate([_physical(m, i) if _physical(m, i) is not None
                              else np.zeros(len(c.data), np.int64) for i, c in vol])
    used = np.unique(elements)
    new_id = np.full(len(m.points), -1, np.int64)
    new_id[used] = np.arange(len(used))
    pts = np.asarray(m.points, float)[used]
    if top == 2:
        if pts.shape[1] == 3 and np.ptp(pts[:, 2]) > 1e-9 * max(np.ptp(pts[:, :2]), 1.0):
            raise FEInputError(f"mesh file {path!r}: 2D cells are not in a z = const plane")
        pts = pts[:, :2]
    names = {name: int(v[0]) for name, v in m.field_data.items() if int(v[1]) == top}
    node_sets, facet_sets = {}, {}
    tag_name = {(int(v[1]), int(v[0])): name for name, v in m.field_data.items()}
    for i, c in enumerate(m.cells):
        tags = _physical(m, i)
        if c.type in _VOLUME and dims[c.type] == top or tags is None:
            continue
        d = {"vertex": 0, "line": 1, "triangle": 2, "quad": 2}.get(c.type)
        if d is None:
            continue
        for t in np.unique(tags):
            name = tag_name.get((d, int(t)), f"physical{int(t)}")
            conn = new_id[c.data[tags == t]]
            if np.any(conn < 0):
                continue
            node_sets[name] = np.union1d(node_sets.get(name, []), conn.reshape(-1)).astype(np.int64)
            if c.type == _FACET_OF[cell]:
                prev = facet_sets.get(name)
                facet_sets[name] = conn if prev is None else np.vstack([prev, conn])
    return Mesh(pts, new_id[elements], cell, regions, node_sets, facet_sets, names)
