"""Set-up pieces of the dynamic coupling that need neither LAMMPS nor PETSc: crystal
densities and the FE element weights (0 inside an MD region, 1 outside) with their check."""
import numpy as np
import pytest

from mdfe.coupling.dynamics import element_weights, lattice_density
from mdfe.coupling.geometry import GeometryError, Outline, RegionGeometry
from mdfe.potentials.properties.unit_cells import bulk_primitive, hexagonal_primitive
from mdfe.solvers.fe.mesh import box_mesh

AMU_C, AMU_CU = 12.011, 63.546


def test_lattice_density_bulk_and_sheet():
    a = 3.615
    # fcc: 4 atoms per cubic cell a³ (the primitive cell holds one atom in a³/4)
    assert lattice_density(bulk_primitive("Cu", "fcc", a)) == pytest.approx(4 * AMU_CU / a**3,
                                                                            rel=1e-4)
    # graphene: 2 atoms per hexagonal cell of area (√3/2) a²
    g = 2.46
    assert lattice_density(hexagonal_primitive("graphene", g)) == pytest.approx(
        2 * AMU_C / (np.sqrt(3) / 2 * g**2), rel=1e-4)


def _slab(lo, hi, h=2.0):
    mesh = box_mesh((20 * h, h), (20, 1), "quad4")
    geom = RegionGeometry(Outline.box((lo * h, -1e3), (hi * h, 1e3)), band_width=h,
                          pad_width=2 * h)
    return mesh, geom


def test_element_weights_zero_inside_the_region():
    mesh, geom = _slab(6, 14)                      # region outer edge at x = 3h, 17h
    w = element_weights(mesh, [geom])
    xc = mesh.nodes[mesh.elements].mean(axis=1)[:, 0] / 2.0
    assert np.array_equal(w == 0.0, (xc > 3) & (xc < 17))
    assert set(np.unique(w)) == {0.0, 1.0}


def test_region_edge_inside_an_element_is_refused():
    mesh, geom = _slab(6.4, 13.6)                  # outer edge at x = 3.4h: cuts an element
    with pytest.raises(GeometryError, match="must end on element faces"):
        element_weights(mesh, [geom])


def test_temperature_needs_friction():
    from mdfe.coupling.dynamics import DynamicCoupling
    with pytest.raises(ValueError, match="needs a Langevin friction"):
        DynamicCoupling(None, None, [], 0.004, 1.0, temperature=10.0)
    with pytest.raises(ValueError, match="gamma_core must be >= 0"):
        DynamicCoupling(None, None, [], 0.004, 1.0, gamma_core=-1.0)
