"""Run under mpirun: static, hyperelastic and dynamic solves on a graded gmsh mesh.

Usage: graded_solve.py MESH.msh OUT.npz XDMF_STEM. Rank 0 saves the gathered fields by
global node id; every rank checks nodal_values/locate against the gathered field.
"""
import sys

import numpy as np

import mdfe  # noqa: F401  (loads the MPI library first)
from mpi4py import MPI

from mdfe.solvers import fe
from mdfe.solvers.fe.dynamics import ExplicitDynamics
from mdfe.solvers.fe.gmsh_mesh import graded_mesh
from mdfe.solvers.fe.hyperelastic import HyperelasticProblem
from mdfe.solvers.fe.hyperelastic_laws import NeoHookean
from mdfe.solvers.fe.io import read_mesh
from mdfe.solvers.fe.output import write_xdmf
from mdfe.solvers.fe.problem import ElasticityProblem

mesh_path, out_path, stem = sys.argv[1:4]
comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
mesh = read_mesh(mesh_path)
small = graded_mesh(50.0, 30.0, h_min=3.0, h_max=10.0, md_regions=[(20, 10, 30, 20)], comm=comm)
sig = (small.n_nodes, float(small.nodes.sum()))          # meshed on rank 0, broadcast
assert all(other == sig for other in comm.allgather(sig))
tight = {"ksp_rtol": 1e-12, "ksp_atol": 1e-30}
C_bulk = np.array([[350.0, 60.0, 0.0], [60.0, 350.0, 0.0], [0.0, 0.0, 145.0]])
laws = {"bulk": fe.membrane(C_bulk, units="N/m", density=0.76),
        "md0": fe.membrane(0.8 * C_bulk, units="N/m", density=0.76,
                           eigenstrain=fe.misfit_eigenstrain(2.50, 2.46))}
prob = ElasticityProblem(mesh, laws, comm=comm, options=tight)
prob.set_dirichlet("xmin", 0.0)
prob.set_dirichlet("xmax", lambda x: np.c_[0.02 * x[:, 0], 0.01 * np.sin(x[:, 1] / 20.0)])
prob.add_traction("ymax", [0.0, 0.01])
ids = np.arange(mesh.n_nodes)[rank::size]                 # each rank adds a share
f_all = 1e-3 * np.c_[np.cos(mesh.nodes[:, 0] / 13.0), np.sin(mesh.nodes[:, 1] / 7.0)]
prob.set_nodal_forces(ids, f_all[ids])
prob.solve()
u = prob.gather(everywhere=True)

rng = np.random.default_rng(rank)
ask = rng.choice(mesh.n_nodes, 40)
assert np.abs(prob.nodal_values("u", ask) - u[ask]).max() == 0.0
pts = mesh.nodes.min(axis=0) + rng.random((30, 2)) * np.ptp(mesh.nodes, axis=0)
elem, nodes, shape = prob.locate(pts)
inside = elem >= 0
assert inside.sum() > 10
free = np.setdiff1d(np.arange(mesh.n_nodes), np.r_[mesh.node_sets["xmin"], mesh.node_sets["xmax"]])
res = prob.nodal_values(prob.residual(), free)
scale = np.abs(prob.nodal_values(prob.internal_force(), np.arange(mesh.n_nodes))).max()
assert np.abs(res).max() < 1e-9 * scale, (np.abs(res).max(), scale)
write_xdmf(prob, stem)

hyp = HyperelasticProblem(mesh, {"bulk": NeoHookean(9.0, 2.5, 2), "md0": NeoHookean(7.0, 2.0, 2)},
                          comm=comm, options=tight)
hyp.set_dirichlet("xmin", 0.0)
hyp.set_dirichlet("xmax", lambda x: np.c_[0.05 * x[:, 0], 0 * x[:, 0]])
hyp.solve()
u_hyp = hyp.gather()

dyn_prob = ElasticityProblem(mesh, {"bulk": laws["bulk"], "md0": fe.membrane(0.8 * C_bulk, units="N/m", density=0.76)},
                             comm=comm)
dyn_prob.set_dirichlet("xmin", 0.0)
dyn = ExplicitDynamics(dyn_prob, dt=1.0, damping={"md0": 0.1})
dyn.dt = 0.9 * dyn.stable_dt()
dyn.set_state(u=0.5 * u * (mesh.nodes[:, :1] < 100.0))
dyn.step(100)
u_dyn = dyn_prob.gather(dyn.u)

if rank == 0:
    np.savez(out_path, nodes=mesh.nodes, u=u, u_hyp=u_hyp, u_dyn=u_dyn, iterations=prob.iterations,
             n_local=len(prob.layout.local_elements))
