"""Bad input gives a clear FEInputError naming what is wrong."""
from __future__ import annotations

import numpy as np
import pytest

from mdfe.solvers import fe
from mdfe.solvers.fe.io import read_mesh


def test_missing_mesh_file(tmp_path):
    with pytest.raises(fe.FEInputError, match="nope.msh.*does not exist"):
        read_mesh(tmp_path / "nope.msh")


def test_malformed_mesh_file(tmp_path):
    bad = tmp_path / "bad.msh"
    bad.write_text("$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$Nodes\ngarbage\n")
    with pytest.raises(fe.FEInputError, match="bad.msh.*could not be read"):
        read_mesh(bad)


def test_mesh_file_without_volume_cells(tmp_path):
    import meshio
    path = tmp_path / "lines.vtu"
    meshio.write_points_cells(str(path), np.array([[0.0, 0, 0], [1, 0, 0]]), [("line", [[0, 1]])])
    with pytest.raises(fe.FEInputError, match="no supported volume cells"):
        read_mesh(path)


def test_non_positive_definite_stiffness():
    C = fe.isotropic_C(10.0, 0.3)
    C[0, 0] = -1.0
    with pytest.raises(fe.FEInputError, match="not positive definite"):
        fe.anisotropic_3d(C)
    with pytest.raises(fe.FEInputError, match="membrane law: stiffness is not positive"):
        fe.membrane(np.array([[1.0, 2.0, 0], [2.0, 1.0, 0], [0, 0, 1.0]]))
    with pytest.raises(fe.FEInputError, match="3x3"):
        fe.membrane(np.eye(2))


def test_inverted_quad_element():
    mesh = fe.box_mesh([1.0, 1.0], [1, 1], "quad4")
    mesh.elements = mesh.elements[:, ::-1].copy()
    from mdfe.solvers.fe.problem import ElasticityProblem
    with pytest.raises(fe.FEInputError, match="inverted"):
        ElasticityProblem(mesh, {0: fe.membrane(np.eye(3))})


def test_unknown_and_missing_material_region():
    from mdfe.solvers.fe.problem import ElasticityProblem
    mesh = fe.box_mesh([1.0, 1.0], [2, 2], "tri3")
    law = fe.membrane(np.eye(3))
    with pytest.raises(fe.FEInputError, match="unknown material region 'graphene'"):
        ElasticityProblem(mesh, {0: law, "graphene": law})
    mesh.regions[:3] = 7
    with pytest.raises(fe.FEInputError, match=r"mesh regions \[7\] have no material"):
        ElasticityProblem(mesh, {0: law})
    with pytest.raises(fe.FEInputError, match="does not fit a 2D mesh"):
        ElasticityProblem(mesh, {0: law, 7: fe.anisotropic_3d(fe.isotropic_C(1.0, 0.2))})


def test_unconstrained_problem_is_singular():
    from mdfe.solvers.fe.problem import ElasticityProblem
    mesh = fe.box_mesh([2.0, 1.0], [4, 2], "quad4")
    prob = ElasticityProblem(mesh, {0: fe.membrane(np.eye(3) + 0.1)})
    prob.add_traction("xmax", [1.0, 0.0])
    with pytest.raises(fe.FEInputError, match="singular.*3 of 3"):
        prob.solve()
    prob.set_dirichlet("xmin", 0.0, components=[0])           # y translation still free
    with pytest.raises(fe.FEInputError, match="singular.*1 of 3"):
        prob.solve()
    prob.set_dirichlet(np.flatnonzero(np.all(mesh.nodes == 0, axis=1)), 0.0, components=[1])
    prob.solve()
    assert prob.iterations > 0


def test_bad_boundary_condition_shapes():
    from mdfe.solvers.fe.problem import ElasticityProblem
    mesh = fe.box_mesh([2.0, 1.0], [2, 1], "quad4")
    prob = ElasticityProblem(mesh, {0: fe.membrane(np.eye(3) + 0.1)})
    with pytest.raises(fe.FEInputError, match="unknown node set 'left'"):
        prob.set_dirichlet("left", 0.0)
    with pytest.raises(fe.FEInputError, match=r"shape \(2, 2\)"):
        prob.set_dirichlet("xmin", np.zeros((3, 2)))
    with pytest.raises(fe.FEInputError, match="nodal forces"):
        prob.set_nodal_forces([0, 1], np.zeros((2, 3)))
    with pytest.raises(fe.FEInputError, match="outside"):
        prob.set_nodal_forces([0, 99], np.zeros((2, 2)))
    with pytest.raises(fe.FEInputError, match="weights"):
        prob.set_element_weights(np.full(mesh.n_elems, 1.5))
