"""FE fields as HDF5 + XDMF (ParaView), and scalar time series, written from rank 0.

There is no parallel HDF5 in mdfe's stack: fields are gathered to rank 0 (PETSc scatter)
and written there with h5py; one ``.h5`` + one ``.xdmf`` per snapshot, no file per rank.

Fields: ``displacement`` (nodes, Å); per element (averaged over its quadrature points):
``strain`` (Voigt, engineering shear), ``stress`` (Voigt; eV/Å³ for 3D and plane strain,
eV/Å² for membranes, see materials), ``von_mises`` (3D formula; in-plane plane-stress
formula in 2D), ``max_principal_stress``, ``material`` (region id) and ``weight``.
"""
from __future__ import annotations

import os

import numpy as np

from mdfe.solvers.fe import assembly as asm

_XDMF_TOPO = {"tri3": "Triangle", "quad4": "Quadrilateral", "tet4": "Tetrahedron",
              "hex8": "Hexahedron"}


def element_fields(problem, u_nodes: np.ndarray) -> dict[str, np.ndarray]:
    """Element fields of all elements from nodal displacements u_nodes (n_nodes, d)."""
    mesh, d = problem.mesh, problem.dim
    strain, stress = [], []
    for sl in asm.blocks(mesh.n_elems, mesh.cell):
        el = np.arange(mesh.n_elems)[sl]
        g = problem.geometry(el)
        D, e0, thick, _ = problem.element_laws(el)
        eps = asm.element_strain(g, u_nodes[mesh.elements[el]].reshape(len(el), -1)).mean(axis=1)
        sig = np.einsum("evw,ew->ev", D, eps - e0) * (problem.weights[el] / thick)[:, None]
        strain.append(eps)
        stress.append(sig)
    strain, stress = np.vstack(strain), np.vstack(stress)
    if d == 3:
        s = stress
        vm = np.sqrt(0.5 * ((s[:, 0] - s[:, 1]) ** 2 + (s[:, 1] - s[:, 2]) ** 2
                            + (s[:, 2] - s[:, 0]) ** 2) + 3 * (s[:, 3:] ** 2).sum(axis=1))
        full = np.stack([[s[:, 0], s[:, 5], s[:, 4]], [s[:, 5], s[:, 1], s[:, 3]],
                         [s[:, 4], s[:, 3], s[:, 2]]]).transpose(2, 0, 1)
    else:
        s = stress
        vm = np.sqrt(s[:, 0] ** 2 - s[:, 0] * s[:, 1] + s[:, 1] ** 2 + 3 * s[:, 2] ** 2)
        full = np.stack([[s[:, 0], s[:, 2]], [s[:, 2], s[:, 1]]]).transpose(2, 0, 1)
    return {"strain": strain, "stress": stress, "von_mises": vm,
            "max_principal_stress": np.linalg.eigvalsh(full)[:, -1],
            "material": mesh.regions.astype(np.int32), "weight": problem.weights}


def write_xdmf(problem, path: str | os.PathLike, u=None, time: float | None = None) -> None:
    """Write ``<path>.h5`` and ``<path>.xdmf`` (path without suffix) from rank 0.

    u: displacement Vec (default problem.u). Collective (the gather); rank 0 writes.
    """
    import h5py
    u_nodes = problem.gather(problem.u if u is None else u)
    if problem.comm.Get_rank() != 0:
        return
    mesh = problem.mesh
    stem = os.fspath(path)
    h5name = os.path.basename(stem) + ".h5"
    fields = element_fields(problem, u_nodes)
    with h5py.File(stem + ".h5", "w") as f:
        f["geometry"] = mesh.nodes
        f["topology"] = mesh.elements.astype(np.int64)
        f["displacement"] = u_nodes
        for k, v in fields.items():
            f[f"cell/{k}"] = v
        if time is not None:
            f.attrs["time"] = time
    nn, ne, d = mesh.n_nodes, mesh.n_elems, mesh.dim

    def item(dset, shape, dtype="Float", prec=8):
        dims = " ".join(map(str, shape))
        return (f'<DataItem Dimensions="{dims}" NumberType="{dtype}" Precision="{prec}" '
                f'Format="HDF">{h5name}:/{dset}</DataItem>')

    def attr(name, center, dset, shape):
        kind = "Scalar" if len(shape) == 1 else "Vector" if shape[1] in (2, 3) and name == "displacement" else "Matrix"
        dtype, prec = ("Int", 4) if name == "material" else ("Float", 8)
        return (f'<Attribute Name="{name}" AttributeType="{kind}" Center="{center}">'
                f'{item(dset, shape, dtype, prec)}</Attribute>')
    attrs = [attr("displacement", "Node", "displacement", (nn, d))]
    attrs += [attr(k, "Cell", f"cell/{k}", v.shape) for k, v in fields.items()]
    t = f'<Time Value="{time}"/>' if time is not None else ""
    xml = f"""<?xml version="1.0"?>
<Xdmf Version="3.0">
 <Domain>
  <Grid Name="mdfe" GridType="Uniform">{t}
   <Topology TopologyType="{_XDMF_TOPO[mesh.cell]}" NumberOfElements="{ne}">
    {item("topology", mesh.elements.shape, "Int", 8)}
   </Topology>
   <Geometry GeometryType="{'XYZ' if d == 3 else 'XY'}">
    {item("geometry", mesh.nodes.shape)}
   </Geometry>
   {chr(10).join('   ' + a for a in attrs)}
  </Grid>
 </Domain>
</Xdmf>
"""
    with open(stem + ".xdmf", "w") as fh:
        fh.write(xml)


class SeriesWriter:
    """Append rows of named scalars (energy, reaction forces, ...) to ``<path>.h5`` on
    rank 0, one dataset per name, growing along axis 0."""

    def __init__(self, path: str | os.PathLike, comm):
        self.path = os.fspath(path) + ".h5"
        self.rank = comm.Get_rank()
        if self.rank == 0:
            import h5py
            h5py.File(self.path, "w").close()

    def append(self, **values: float) -> None:
        if self.rank != 0:
            return
        import h5py
        with h5py.File(self.path, "a") as f:
            for k, v in values.items():
                v = np.atleast_1d(np.asarray(v, float))
                if k not in f:
                    f.create_dataset(k, shape=(0,) + v.shape, maxshape=(None,) + v.shape,
                                     dtype="f8")
                ds = f[k]
                ds.resize(len(ds) + 1, axis=0)
                ds[-1] = v
