"""Linear statics of mdfe.solvers.fe against analytic solutions (serial, in-process)."""
from __future__ import annotations

import numpy as np
import pytest

from mdfe.solvers import fe
from mdfe.solvers.fe.norms import error_norms

from mdfe.solvers.fe.problem import ElasticityProblem

TIGHT = {"ksp_rtol": 1e-12, "ksp_atol": 1e-30}


def _rotation(d, angles):
    if d == 2:
        c, s = np.cos(angles[0]), np.sin(angles[0])
        return np.array([[c, -s], [s, c]])
    R = np.eye(3)
    for axis, a in zip((2, 0, 2), angles):       # z-x-z Euler angles
        c, s = np.cos(a), np.sin(a)
        i, j = [k for k in range(3) if k != axis]
        Q = np.eye(3)
        Q[i, i], Q[i, j], Q[j, i], Q[j, j] = c, -s, s, c
        R = Q @ R
    return R


def _ortho3d():
    return fe.orthotropic_C((140.0, 90.0, 60.0), (0.22, 0.18, 0.3), (25.0, 30.0, 40.0))


# ------------------------------------------------------ manufactured solution
OMEGA = np.array([[1.1, 0.7, 0.9], [0.6, 1.3, 0.8], [0.9, 0.5, 1.2]]) * np.pi
PHASE = np.array([[0.3, 0.1, 0.5], [0.2, 0.6, 0.4], [0.7, 0.2, 0.1]])


def _mms(d):
    """u_k(x) = Π_j sin(ω_kj x_j + φ_kj) with its gradient and Hessian (exact, by hand)."""
    w, p = OMEGA[:d, :d], PHASE[:d, :d]

    def parts(x):
        arg = x[..., None, :] * w + p                     # (..., k, j)
        return np.sin(arg), w * np.cos(arg), -w ** 2 * np.sin(arg)

    def u(x):
        return np.prod(parts(x)[0], axis=-1)

    def grad(x):
        s, ds, _ = parts(x)
        H = np.empty(x.shape[:-1] + (d, d))
        for j in range(d):
            H[..., :, j] = ds[..., j] * np.prod(np.delete(s, j, axis=-1), axis=-1)
        return H

    def hess(x):
        s, ds, dds = parts(x)
        out = np.empty(x.shape[:-1] + (d, d, d))
        for j in range(d):
            for l in range(d):
                rest = np.prod(np.delete(s, [j, l], axis=-1), axis=-1)
                out[..., :, j, l] = rest * (dds[..., j] if j == l else ds[..., j] * ds[..., l])
        return out
    return u, grad, hess


def _solve_mms(cell, n, C4, law):
    d = 2 if cell in ("tri3", "quad4") else 3
    mesh = fe.box_mesh([1.0] * d, [n] * d, cell)
    u, grad, hess = _mms(d)
    prob = ElasticityProblem(mesh, {0: law}, options=TIGHT)
    prob.add_body_force(lambda x: -np.einsum("ijkl,...kjl->...i", C4, hess(x)), order=3)
    bnd = np.unique(np.concatenate(list(mesh.node_sets.values())))
    prob.set_dirichlet(bnd, u)
    prob.solve()
    l2, en, _, _ = error_norms(prob, u, grad)
    return 1.0 / n, l2, en


@pytest.mark.parametrize("cell, ns", [("tri3", (8, 16, 32, 64)), ("quad4", (8, 16, 32, 64)),
                                      ("tet4", (4, 8, 16)), ("hex8", (4, 8, 16))])
def test_manufactured_solution_rates(cell, ns):
    """L2 error O(h²) and energy error O(h) for P1/Q1, anisotropic law, fitted slopes."""
    from mdfe.solvers.fe.materials import voigt_to_tensor
    d = 2 if cell in ("tri3", "quad4") else 3
    C = fe.rotate_voigt(_ortho3d(), _rotation(3, (0.4, 0.7, 0.2)))
    law = fe.plane_strain(C) if d == 2 else fe.anisotropic_3d(C)
    C4 = voigt_to_tensor(law.D, d)
    h, l2, en = np.array([_solve_mms(cell, n, C4, law) for n in ns]).T
    s_l2 = np.polyfit(np.log(h), np.log(l2), 1)[0]
    s_en = np.polyfit(np.log(h), np.log(en), 1)[0]
    print(f"{cell}: L2 {l2} slope {s_l2:.3f}; energy {en} slope {s_en:.3f}")
    assert abs(s_l2 - 2.0) < 0.1
    assert abs(s_en - 1.0) < 0.1


# ------------------------------------------------------------- uniform states
@pytest.mark.parametrize("cell", ["hex8", "tet4"])
def test_rotated_orthotropic_uniaxial_stress(cell):
    """Traction s on x faces of a rotated orthotropic block: ε = S σ exactly (1e-8)."""
    L = np.array([3.0, 2.0, 2.5])
    mesh = fe.box_mesh(L, [5, 4, 4], cell)
    C = fe.rotate_voigt(_ortho3d(), _rotation(3, (0.5, 0.8, 0.3)))
    prob = ElasticityProblem(mesh, {0: fe.anisotropic_3d(C)}, options=TIGHT)
    s = 0.7
    prob.add_traction("xmax", [s, 0, 0])
    prob.add_traction("xmin", [-s, 0, 0])
    eps = np.linalg.solve(C, [s, 0, 0, 0, 0, 0])                  # independent compliance
    E = np.array([[eps[0], eps[5] / 2, eps[4] / 2], [eps[5] / 2, eps[1], eps[3] / 2],
                  [eps[4] / 2, eps[3] / 2, eps[2]]])
    H = np.triu(2 * E) - np.diag(np.diag(E))  # ε + skew with H_yx = H_zx = H_zy = 0
    x = mesh.nodes
    o = np.flatnonzero(np.all(x == 0, axis=1))
    a = np.flatnonzero(np.all(x == [L[0], 0, 0], axis=1))
    b = np.flatnonzero(np.all(x == [0, L[1], 0], axis=1))
    prob.set_dirichlet(o, 0.0)
    prob.set_dirichlet(a, 0.0, components=[1, 2])
    prob.set_dirichlet(b, 0.0, components=[2])
    prob.solve()
    u = prob.gather()
    exact = x @ H.T
    assert np.abs(u - exact).max() / np.abs(exact).max() < 1e-8


def test_membrane_law_in_n_per_m_biaxial_traction():
    """Orthotropic membrane (N/m) under edge tractions: strain = C⁻¹ N, u affine."""
    C_nm = np.array([[350.0, 60.0, 0.0], [60.0, 300.0, 0.0], [0.0, 0.0, 140.0]])
    mesh = fe.box_mesh([20.0, 10.0], [8, 6], "tri3")
    prob = ElasticityProblem(mesh, {0: fe.membrane(C_nm, units="N/m")}, options=TIGHT)
    N = np.array([2.0, 1.0]) * fe.N_PER_M                          # N/m -> eV/Å²
    for side, k, sgn in [("xmax", 0, 1), ("xmin", 0, -1), ("ymax", 1, 1), ("ymin", 1, -1)]:
        t = np.zeros(2)
        t[k] = sgn * N[k]
        prob.add_traction(side, t)
    o = np.flatnonzero(np.all(mesh.nodes == 0, axis=1))
    a = np.flatnonzero(np.all(mesh.nodes == [20.0, 0.0], axis=1))
    prob.set_dirichlet(o, 0.0)
    prob.set_dirichlet(a, 0.0, components=[1])
    prob.solve()
    eps = np.linalg.solve(C_nm, [2.0, 1.0, 0.0])                    # both sides in N/m
    exact = mesh.nodes * eps[:2]
    assert np.abs(prob.gather() - exact).max() / np.abs(exact).max() < 1e-8


def test_bimaterial_eigenstrain_strip():
    """Graphene/h-BN-like strip, ends clamped in x, rollers in y: piecewise-linear u_x
    with the analytic common stress σ_xx = (ε_free-sum) / Σ(L_i / C11_i)."""
    L1, L2, H = 30.0, 20.0, 6.0
    mesh = fe.box_mesh([L1 + L2, H], [25, 3], "quad4")
    mesh.regions = (mesh.nodes[mesh.elements].mean(axis=1)[:, 0] > L1).astype(int)
    Ca = np.array([[20.0, 4.0, 0], [4.0, 20.0, 0], [0, 0, 8.0]])
    Cb = np.array([[16.0, 3.0, 0], [3.0, 16.0, 0], [0, 0, 6.5]])
    e0 = fe.misfit_eigenstrain(2.50, 2.46)[0]
    laws = {0: fe.membrane(Ca), 1: fe.membrane(Cb, eigenstrain=fe.misfit_eigenstrain(2.50, 2.46))}
    prob = ElasticityProblem(mesh, laws, options=TIGHT)
    prob.set_dirichlet("xmin", 0.0, components=[0])
    prob.set_dirichlet("xmax", 0.0, components=[0])
    prob.set_dirichlet(np.arange(mesh.n_nodes), 0.0, components=[1])
    prob.solve()
    # σ = C11_a ε_a = C11_b (ε_b − e0) − C12_b e0 ; L1 ε_a + L2 ε_b = 0
    A = np.array([[Ca[0, 0], -Cb[0, 0]], [L1, L2]])
    ea, eb = np.linalg.solve(A, [-(Cb[0, 0] + Cb[0, 1]) * e0, 0.0])
    x = mesh.nodes[:, 0]
    ux = np.where(x <= L1, ea * x, ea * L1 + eb * (x - L1))
    u = prob.gather()
    assert np.abs(u[:, 0] - ux).max() < 1e-8 * np.abs(ux).max()
    assert np.abs(u[:, 1]).max() == 0.0


def test_new_nodal_forces_reuse_operator_and_superpose():
    """Re-solve with new nodal forces: same operator object, linear superposition, and a
    zero residual at free dofs with reactions balancing the applied forces."""
    mesh = fe.box_mesh([10.0, 4.0], [20, 8], "quad4")
    prob = ElasticityProblem(mesh, {0: fe.plane_strain(fe.isotropic_C(10.0, 0.3))}, options=TIGHT)
    prob.set_dirichlet("xmin", 0.0)
    tip = mesh.node_sets["xmax"]
    f1 = np.tile([0.0, -0.01], (len(tip), 1))
    f2 = np.tile([0.02, 0.0], (len(tip), 1))
    u = []
    for f in (f1, f2, f1 + f2):
        prob.set_nodal_forces(tip, f)
        prob.solve()
        if not u:
            op = prob.K_bc
        assert prob.K_bc is op
        u.append(prob.gather())
    assert np.abs(u[0] + u[1] - u[2]).max() < 1e-9 * np.abs(u[2]).max()
    r = prob.nodal_values(prob.residual(), np.arange(mesh.n_nodes))
    free = np.setdiff1d(np.arange(mesh.n_nodes), mesh.node_sets["xmin"])
    assert np.abs(r[free]).max() < 1e-9 * np.abs(f1 + f2).max()
    assert np.allclose(r[mesh.node_sets["xmin"]].sum(axis=0), -(f1 + f2).sum(axis=0), rtol=1e-8)


def test_element_weights_scale_stiffness_in_series():
    """A bar whose right half has stiffness weight 0.5 stretches F L/(2 EA) + F L/(EA)."""
    L, H, E = 20.0, 2.0, 5.0
    mesh = fe.box_mesh([L, H], [20, 2], "quad4")
    C = np.diag([E, 1.0, 1.0])
    prob = ElasticityProblem(mesh, {0: fe.membrane(C)}, options=TIGHT)
    w = np.where(mesh.nodes[mesh.elements].mean(axis=1)[:, 0] > L / 2, 0.5, 1.0)
    prob.set_element_weights(w)
    prob.set_dirichlet("xmin", 0.0, components=[0])
    prob.set_dirichlet(np.arange(mesh.n_nodes), 0.0, components=[1])
    F = 0.3
    prob.add_traction("xmax", [F / H, 0.0])
    prob.solve()
    u = prob.nodal_values("u", mesh.node_sets["xmax"])[:, 0]
    expected = F * (L / 2) / (E * H) + F * (L / 2) / (0.5 * E * H)
    assert np.allclose(u, expected, rtol=1e-8)


def test_zero_weight_core_nodes_held_and_rest_solved():
    """Elements inside a core get weight 0: interior core nodes stay at zero and the
    problem stays solvable; the rest still satisfies equilibrium (zero free residual)."""
    mesh = fe.box_mesh([10.0, 10.0], [10, 10], "tri3")
    prob = ElasticityProblem(mesh, {0: fe.plane_strain(fe.isotropic_C(10.0, 0.25))}, options=TIGHT)
    c = mesh.nodes[mesh.elements].mean(axis=1)
    core = np.all(np.abs(c - 5.0) < 2.0, axis=1)
    prob.set_element_weights(np.where(core, 0.0, 1.0))
    prob.set_dirichlet("xmin", 0.0)
    prob.set_dirichlet("xmax", lambda x: np.c_[0.1 + 0 * x[:, 0], 0.02 * x[:, 1]])
    prob.solve()
    u = prob.gather()
    inner = np.flatnonzero(np.all(np.abs(mesh.nodes - 5.0) < 1.5, axis=1))
    assert inner.size and np.abs(u[inner]).max() == 0.0
    free = np.setdiff1d(np.arange(mesh.n_nodes), np.r_[mesh.node_sets["xmin"],
                                                        mesh.node_sets["xmax"], inner])
    r = prob.nodal_values(prob.residual(), free)
    assert np.abs(r).max() < 1e-8 * np.abs(prob.nodal_values(prob.residual(), mesh.node_sets["xmax"])).max()


def test_locate_interpolates_linear_field_exactly():
    """Shape functions from locate() reproduce a linear field at random points; points
    outside the mesh get -1."""
    mesh = fe.box_mesh([4.0, 3.0, 2.0], [4, 3, 2], "tet4")
    prob = ElasticityProblem(mesh, {0: fe.anisotropic_3d(fe.isotropic_C(1.0, 0.2))})
    rng = np.random.default_rng(3)
    p = rng.random((200, 3)) * [4.0, 3.0, 2.0]
    p[:5] += [10.0, 0.0, 0.0]
    elem, nodes, N = prob.locate(p)
    assert np.all(elem[:5] == -1) and np.all(elem[5:] >= 0)
    field = mesh.nodes @ np.array([1.0, -2.0, 0.5]) + 3.0
    got = np.einsum("ma,ma->m", N[5:], field[nodes[5:]])
    assert np.allclose(got, p[5:] @ np.array([1.0, -2.0, 0.5]) + 3.0, atol=1e-12)


def test_solver_options_from_database_and_argument():
    """Defaults CG+GAMG; the options database (command line) overrides them, the
    ``options`` argument overrides both, and the database is left as it was."""
    from mdfe.solvers.fe.petsc import PETSc
    mesh = fe.box_mesh([4.0, 2.0], [8, 4], "quad4")
    law = {0: fe.membrane(np.diag([5.0, 5.0, 2.0]))}

    def solved(**kw):
        p = ElasticityProblem(mesh, law, **kw)
        p.set_dirichlet("xmin", 0.0)
        p.add_traction("xmax", [0.1, 0.0])
        p.solve()
        return p.ksp.getType(), p.ksp.getPC().getType(), p.gather()
    t0, pc0, u0 = solved()
    assert (t0, pc0) == ("cg", "gamg")
    db = PETSc.Options()
    db["fe_ksp_type"] = "gmres"
    try:
        t1, pc1, u1 = solved()
        t2, pc2, u2 = solved(options={"ksp_type": "preonly", "pc_type": "lu"})
        assert db.getString("fe_ksp_type") == "gmres" and not db.hasName("fe_pc_type")
    finally:
        db.delValue("fe_ksp_type")
    assert (t1, pc1) == ("gmres", "gamg") and (t2, pc2) == ("preonly", "lu")
    assert np.abs(u2 - u0).max() < 1e-8 * np.abs(u2).max()


def test_output_fields_at_uniform_stress(tmp_path):
    """HDF5/XDMF output of a membrane at a uniform biaxial stress resultant: stress,
    strain, von Mises and material id equal the analytic values in every element."""
    import h5py
    from mdfe.solvers.fe.output import write_xdmf
    C = np.array([[20.0, 4.0, 0.0], [4.0, 18.0, 0.0], [0.0, 0.0, 7.0]])
    mesh = fe.box_mesh([6.0, 4.0], [6, 4], "tri3")
    prob = ElasticityProblem(mesh, {0: fe.membrane(C)}, options=TIGHT)
    N = np.array([0.3, -0.1, 0.0])
    eps = np.linalg.solve(C, N)
    prob.set_dirichlet(np.unique(mesh.boundary_facets()), lambda x: x * eps[:2])
    prob.solve()
    write_xdmf(prob, tmp_path / "out", time=1.5)
    with h5py.File(tmp_path / "out.h5") as f:
        assert np.allclose(f["cell/stress"][()], N, atol=1e-10)
        assert np.allclose(f["cell/strain"][()], eps, atol=1e-10)
        vm = np.sqrt(N[0] ** 2 - N[0] * N[1] + N[1] ** 2)
        assert np.allclose(f["cell/von_mises"][()], vm, atol=1e-10)
        assert np.allclose(f["cell/max_principal_stress"][()], 0.3, atol=1e-10)
        assert np.all(f["cell/material"][()] == 0)
        assert np.allclose(f["displacement"][()], mesh.nodes * eps[:2], atol=1e-10)
    xml = (tmp_path / "out.xdmf").read_text()
    assert 'TopologyType="Triangle"' in xml and 'out.h5:/cell/von_mises' in xml
