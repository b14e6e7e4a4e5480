"""Meshes: reference elements, structured boxes, graded gmsh meshes, file reading."""
from __future__ import annotations

from math import factorial

import meshio
import numpy as np
import pytest

from mdfe.solvers import fe
from mdfe.solvers.fe import elements as ref
from mdfe.solvers.fe.gmsh_mesh import graded_mesh
from mdfe.solvers.fe.io import read_mesh


@pytest.mark.parametrize("cell", ["tri3", "tet4"])
def test_simplex_quadrature_integrates_monomials(cell):
    """∫ x^a y^b (z^c) over the unit simplex = a! b! c! / (a+b+c+d)!."""
    d = ref.CELL_DIM[cell]
    q = ref.quadrature(cell, 5)          # exact to degree 2n - d >= 7
    for powers in [(0, 0, 0), (2, 1, 0), (3, 0, 2), (1, 2, 3)]:
        p = powers[:d]
        exact = np.prod([factorial(k) for k in p]) / factorial(sum(p) + d)
        assert np.sum(q.w * np.prod(q.xi ** np.array(p), axis=1)) == pytest.approx(exact, rel=1e-12)


@pytest.mark.parametrize("cell", ["tri3", "quad4", "tet4", "hex8"])
def test_shape_functions_partition_of_unity_and_gradients(cell):
    xi = ref.quadrature(cell, 3).xi
    N, G = ref.shape(cell, xi), ref.grad(cell, xi)
    assert np.allclose(N.sum(axis=1), 1.0)
    h = 1e-7
    for k in range(ref.CELL_DIM[cell]):
        e = np.zeros(ref.CELL_DIM[cell])
        e[k] = h
        fd = (ref.shape(cell, xi + e) - ref.shape(cell, xi - e)) / (2 * h)
        assert np.allclose(fd, G[:, :, k], atol=1e-8)


@pytest.mark.parametrize("cell, L, n", [("tri3", [3.0, 2.0], [3, 4]), ("quad4", [3.0, 2.0], [3, 4]),
                                        ("tet4", [3.0, 2.0, 1.5], [2, 3, 2]),
                                        ("hex8", [3.0, 2.0, 1.5], [2, 3, 2])])
def test_box_mesh_volume_orientation_and_sets(cell, L, n):
    mesh = fe.box_mesh(L, n, cell)
    X = mesh.nodes[mesh.elements]
    from mdfe.solvers.fe.assembly import geometry
    vol = geometry(cell, X).wdet.sum()
    assert vol == pytest.approx(np.prod(L), rel=1e-12)
    assert len(mesh.node_sets["xmax"]) == np.prod(np.array(n[1:]) + 1)
    # facets of a face cover its area exactly
    fa = mesh.nodes[mesh.facet_sets["xmin"]]
    area = np.prod(L[1:])
    from mdfe.solvers.fe.assembly import facet_load
    assert facet_load(mesh.facet_cell, fa, np.eye(len(L))[0])[..., 0].sum() == pytest.approx(area)


@pytest.fixture(scope="module")
def graded():
    return graded_mesh(200.0, 120.0, h_min=2.46, h_max=30.0, md_regions=[(80, 40, 130, 80)],
                       holes=[(40, 90, 12)], cracks=[((0, 60), (100, 60))])


def _edge_lengths(mesh):
    e = mesh.elements[:, [[0, 1], [1, 2], [2, 0]]]
    return np.linalg.norm(mesh.nodes[e[..., 0]] - mesh.nodes[e[..., 1]], axis=2).mean(axis=1)


def test_graded_mesh_size_band_and_growth(graded):
    """Elements in the handshake band have the lattice size; neighbours grow <= 1.3."""
    m = graded
    h = _edge_lengths(m)
    c = m.nodes[m.elements].mean(axis=1)
    dx = np.maximum(np.maximum(80 - c[:, 0], c[:, 0] - 130), 0)
    dy = np.maximum(np.maximum(40 - c[:, 1], c[:, 1] - 80), 0)
    outside = np.hypot(dx, dy)
    inside = np.minimum.reduce([c[:, 0] - 80, 130 - c[:, 0], c[:, 1] - 40, 80 - c[:, 1]])
    dist = np.where(outside > 0, outside, np.maximum(-inside, 0) * 0 + np.maximum(inside, 0))
    band = dist < 3 * 2.46
    assert abs(np.median(h[band]) / 2.46 - 1) < 0.2
    assert h.max() > 5 * 2.46                                     # it does coarsen
    loc = m.elements[:, [[0, 1], [1, 2], [2, 0]]].reshape(-1, 2)
    _, inv = np.unique(np.sort(loc, axis=1), axis=0, return_inverse=True)
    inv = inv.reshape(-1)
    order = np.argsort(inv, kind="stable")
    same = np.flatnonzero(inv[order][1:] == inv[order][:-1])
    a, b = order[same] // 3, order[same + 1] // 3
    ratio = np.maximum(h[a] / h[b], h[b] / h[a])
    assert np.percentile(ratio, 95) <= 1.3
    assert set(m.region_names) == {"bulk", "md0"}
    md = m.regions == m.region_names["md0"]
    assert np.all((c[md, 0] > 80) & (c[md, 0] < 130) & (c[md, 1] > 40) & (c[md, 1] < 80))


def test_graded_mesh_crack_faces_and_hole(graded):
    m = graded
    a, b = m.node_sets["crack0_a"], m.node_sets["crack0_b"]
    shared = np.intersect1d(a, b)
    assert len(shared) == 1 and np.allclose(m.nodes[shared[0]], [100, 60])   # the tip
    assert len(a) == len(b) > 10
    from scipy.spatial import cKDTree
    d, j = cKDTree(m.nodes[b]).query(m.nodes[a])
    assert d.max() == 0.0                                        # faces coincide in space
    mouth = m.node_sets["crack0_mouth"]
    assert np.allclose(m.nodes[mouth], [0, 60]) and len(np.intersect1d(mouth, b)) == 0
    # elements above and below use different face nodes: no element touches both faces
    touches = lambda s: np.isin(m.elements, np.setdiff1d(s, shared)).any(axis=1)  # noqa: E731
    assert not np.any(touches(a) & touches(b))
    r = np.hypot(*(m.nodes[m.node_sets["hole0"]] - [40, 90]).T)
    assert np.allclose(r, 12.0, rtol=1e-6)


def test_read_mesh_physical_groups(tmp_path):
    pts = np.array([[0.0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [2, 0, 0], [2, 1, 0], [5, 5, 0]])
    cells = [("quad", np.array([[0, 1, 2, 3], [1, 4, 5, 2]])), ("line", np.array([[4, 5]]))]
    m = meshio.Mesh(pts, cells, cell_data={"gmsh:physical": [np.array([3, 4]), np.array([9])],
                                           "gmsh:geometrical": [np.array([1, 2]), np.array([5])]},
                    field_data={"left": np.array([3, 2]), "right": np.array([4, 2]),
                                "edge": np.array([9, 1])})
    path = tmp_path / "two.msh"
    meshio.write(path, m, file_format="gmsh22", binary=False)
    mesh = read_mesh(path)
    assert mesh.cell == "quad4" and mesh.n_nodes == 6               # unused node dropped
    assert mesh.region_names == {"left": 3, "right": 4}
    assert mesh.regions.tolist() == [3, 4]
    assert np.allclose(mesh.nodes[mesh.node_sets["edge"]][:, 0], 2.0)
    assert mesh.facet_sets["edge"].shape == (1, 2)
