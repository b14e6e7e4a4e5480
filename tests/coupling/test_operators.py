"""Interpolation N and restriction Nᵀ on real FE meshes (no PETSc, no LAMMPS needed).

Independent references: an affine field evaluated directly at the atom sites; total force
and moment summed directly over the atoms; an inner shift given in closed form.
"""
import numpy as np
import pytest

from mdfe.coupling.geometry import GeometryError, Outline, RegionGeometry
from mdfe.coupling.operators import Handshake, node_weights
from mdfe.solvers.fe.locate import PointLocator
from mdfe.solvers.fe.mesh import box_mesh

CELLS_2D = [("tri3", (7, 5)), ("quad4", (7, 5))]
CELLS_3D = [("tet4", (3, 3, 2)), ("hex8", (3, 3, 2))]


def distorted(mesh, amount, seed=0):
    """Move interior nodes randomly (keeps elements valid for amount < 0.25 h)."""
    rng = np.random.default_rng(seed)
    lo, hi = mesh.nodes.min(0), mesh.nodes.max(0)
    interior = np.all((mesh.nodes > lo + 1e-9) & (mesh.nodes < hi - 1e-9), axis=1)
    mesh.nodes[interior] += rng.uniform(-amount, amount, (interior.sum(), mesh.dim))
    return mesh


def handshake(cell, counts, m=400, seed=1, shift=None, sublattice=None):
    dim = len(counts)
    lengths = np.array([12.0, 9.0, 6.0][:dim])
    mesh = distorted(box_mesh(lengths, counts, cell), 0.15 * (lengths / counts).min())
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, lengths, (m, dim))
    elem, nodes, shape = PointLocator(mesh).locate(X)
    ids = rng.permutation(np.arange(1, m + 1) * 7)
    hs = Handshake(ids, X, elem, nodes, shape, mesh.nodes, sublattice=sublattice, shift=shift)
    return mesh, X, hs


@pytest.mark.parametrize("cell, counts", CELLS_2D + CELLS_3D)
def test_affine_field_reproduced_and_partition_of_unity(cell, counts):
    mesh, X, hs = handshake(cell, counts)
    dim = X.shape[1]
    rng = np.random.default_rng(2)
    H, c = rng.normal(size=(dim, dim)), rng.normal(size=dim)
    U = mesh.nodes[hs.support] @ H.T + c
    assert np.abs(hs.displacements(U) - (X @ H.T + c)).max() < 1e-12
    assert np.abs(np.asarray(hs.N.sum(axis=1)).ravel() - 1.0).max() < 1e-13


@pytest.mark.parametrize("cell, counts", CELLS_2D + CELLS_3D)
def test_restriction_conserves_force_and_moment(cell, counts):
    mesh, X, hs = handshake(cell, counts)
    dim = X.shape[1]
    f = np.random.default_rng(3).normal(size=(len(X), dim))
    F = hs.restrict(f)
    assert np.abs(F.sum(0) - f.sum(0)).max() < 1e-12
    Xn = mesh.nodes[hs.support]
    p = np.array([1.3, -0.7, 2.1][:dim])                  # any reference point

    def moment(r, g):
        r = r - p
        if dim == 2:
            return r[:, 0] * g[:, 1] - r[:, 1] * g[:, 0]
        return np.cross(r, g)
    assert np.abs(moment(Xn, F).sum(0) - moment(X, f).sum(0)).max() < 1e-11


class LinearShift:
    """ξ_s(F) − ξ_s(1) = A_s (F − 1) for two sublattices: a closed-form stand-in."""

    def __init__(self, dim):
        rng = np.random.default_rng(5)
        self.A = rng.normal(size=(2, dim, dim, dim))

    def shift(self, F):
        G = F - np.eye(F.shape[-1])
        return np.einsum("sikl,mkl->msi", self.A, G)


@pytest.mark.parametrize("cell, counts", CELLS_2D + CELLS_3D)
def test_inner_shift_added_per_sublattice_at_element_F(cell, counts):
    dim = len(counts)
    prov = LinearShift(dim)
    sub = np.random.default_rng(4).integers(0, 2, 400)
    mesh, X, hs = handshake(cell, counts, shift=prov, sublattice=sub)
    H = np.random.default_rng(6).normal(size=(dim, dim)) * 1e-2
    U = mesh.nodes[hs.support] @ H.T
    expect = X @ H.T + np.einsum("mikl,kl->mi", prov.A[sub], H)
    assert np.abs(hs.displacements(U) - expect).max() < 1e-12
    assert np.abs(hs.gradients(U) - H).max() < 1e-12


@pytest.mark.parametrize("cell, counts", CELLS_2D + CELLS_3D)
def test_offsets_are_carried_by_the_element_deformation(cell, counts):
    """In an affine field u = H X (here a finite rotation by 0.3 rad plus a stretch), an
    offset δ in the reference configuration is placed as F δ = (1 + H) δ: a rigidly rotated
    body carries its relaxed crack faces rotated, not fixed in the lab frame."""
    dim = len(counts)
    mesh, X, hs = handshake(cell, counts)
    c, s = np.cos(0.3), np.sin(0.3)
    F = np.eye(dim)
    F[:2, :2] = [[c, -s], [s, c]]
    F = F @ np.diag(np.linspace(1.02, 0.97, dim))
    H = F - np.eye(dim)
    U = mesh.nodes[hs.support] @ H.T
    d = np.random.default_rng(8).normal(scale=0.2, size=(len(X), dim))
    assert np.abs(hs.displacements(U, offsets=d) - (X @ H.T + d @ F.T)).max() < 1e-12
    assert np.abs(hs.displacements(U, offsets=np.zeros_like(d)) - X @ H.T).max() < 1e-12


def test_subset_matches_rows():
    mesh, X, hs = handshake("tri3", (7, 5))
    rows = np.array([5, 17, 3, 99])
    sub = hs.subset(rows, mesh.nodes)
    U = np.random.default_rng(7).normal(size=(mesh.n_nodes, 2))
    assert np.allclose(sub.displacements(U[sub.support]), hs.displacements(U[hs.support])[rows],
                       atol=1e-14)
    assert sub.ids.tolist() == hs.ids[rows].tolist()


def test_atom_outside_mesh_is_an_error():
    mesh = box_mesh((10.0, 10.0), (5, 5), "tri3")
    X = np.array([[1.0, 1.0], [12.0, 3.0]])
    elem, nodes, shape = PointLocator(mesh).locate(X)
    with pytest.raises(GeometryError, match="atom ID 8 .* outside the FE mesh"):
        Handshake([4, 8], X, elem, nodes, shape, mesh.nodes)


def test_node_weights_and_support_check():
    mesh = box_mesh((40.0, 40.0), (20, 20), "tri3")                  # h = 2 Å
    region = RegionGeometry(Outline.box((15, 15), (25, 25)), band_width=6.0, pad_width=6.0,
                            blend_width=3.0)
    w = node_weights(mesh.nodes, mesh.elements, region)
    d = region.distance(mesh.nodes)
    assert np.all(w[d <= 0] == 0) and np.all(w[d >= 3.0] == 1)
    assert np.all(((w > 0) & (w < 1)) == ((d > 0) & (d < 3.0)))
    narrow = RegionGeometry(Outline.box((15, 15), (25, 25)), band_width=3.5, pad_width=6.0,
                            blend_width=3.0)
    with pytest.raises(GeometryError, match="beyond the handshake band; widen band_width"):
        node_weights(mesh.nodes, mesh.elements, narrow)
