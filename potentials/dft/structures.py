"""Input configurations of mdfe's DFT data sets (Å; strains dimensionless).

Honeycomb sheets lie in the xy plane with a zigzag direction along x and an armchair
direction along y, and ``vacuum`` Å of cell height along z. Cells: the 2-atom primitive
cell, the 8-atom rectangular cell (2 a × √3 a) and the 18-atom 3×3 primitive supercell.
A configuration is the cell deformed by F = I + ε (ε a symmetric in-plane strain; atoms
move affinely) and then rattled by Gaussian displacements of standard deviation
``rattle`` Å. ``info`` records ``config_type``, ``strain`` (εxx εyy εxy) and ``rattle``.
"""
from __future__ import annotations

import numpy as np
from ase import Atoms

SQRT3 = np.sqrt(3.0)


def honeycomb(a: float, symbols: tuple[str, str], cell: str, vacuum: float) -> Atoms:
    """A flat honeycomb sheet at lattice constant ``a`` (Å): cell '2', '8' or '18' atoms."""
    s1, s2 = symbols
    if cell == "2":
        lat = np.array([[a, 0, 0], [a / 2, a * SQRT3 / 2, 0], [0, 0, vacuum]])
        frac = [[0, 0, 0.5], [1 / 3, 1 / 3, 0.5]]
        base = Atoms([s1, s2], scaled_positions=frac, cell=lat, pbc=True)
        return base
    if cell == "8":
        d = a / SQRT3  # bond length
        lat = np.array([[a, 0, 0], [0, a * SQRT3, 0], [0, 0, vacuum]])
        pos = [[0, 0, 0], [0, d, 0], [a / 2, a * SQRT3 / 2, 0],
               [a / 2, a * SQRT3 / 2 + d, 0]]
        rect = Atoms([s1, s2, s1, s2], positions=np.array(pos) + [0, d / 2, vacuum / 2],
                     cell=lat, pbc=True)
        return rect.repeat((2, 1, 1))
    if cell == "18":
        return honeycomb(a, symbols, "2", vacuum).repeat((3, 3, 1))
    raise ValueError(f"cell '{cell}': allowed '2', '8', '18'")


def deformed(atoms: Atoms, exx: float, eyy: float, exy: float) -> Atoms:
    """``atoms`` under the in-plane strain (εxx, εyy, εxy): F = I + ε, affine positions."""
    F = np.eye(3)
    F[0, 0] += exx
    F[1, 1] += eyy
    F[0, 1] = F[1, 0] = exy
    out = atoms.copy()
    out.set_cell(atoms.cell.array @ F.T, scale_atoms=True)
    out.info["strain"] = np.array([exx, eyy, exy])
    return out


def rattled(atoms: Atoms, sigma: float, rng: np.random.Generator) -> Atoms:
    """``atoms`` with Gaussian displacements of standard deviation ``sigma`` Å."""
    out = atoms.copy()
    out.positions += rng.normal(0.0, sigma, out.positions.shape)
    out.info["rattle"] = sigma
    return out


def _strain(kind: str, rng: np.random.Generator) -> tuple[float, float, float]:
    """A random in-plane strain of one kind, spanning compression to beyond fracture."""
    if kind == "uniaxial_x":
        return rng.uniform(-0.05, 0.25), rng.uniform(-0.05, 0.02), 0.0
    if kind == "uniaxial_y":
        return rng.uniform(-0.05, 0.02), rng.uniform(-0.05, 0.25), 0.0
    if kind == "biaxial":
        e = rng.uniform(-0.05, 0.20)
        return e, e, 0.0
    if kind == "shear":
        return 0.0, 0.0, rng.uniform(-0.20, 0.20)
    if kind == "mixed":
        return rng.uniform(-0.05, 0.18), rng.uniform(-0.05, 0.18), rng.uniform(-0.12, 0.12)
    raise ValueError(kind)


KINDS = ("uniaxial_x", "uniaxial_y", "biaxial", "shear", "mixed")


def sheet_set(a: float, symbols: tuple[str, str], counts: dict[str, int], seed: int,
              vacuum: float = 14.0, name: str = "sheet",
              order: tuple[str, ...] = ("8", "2", "18")) -> list[Atoms]:
    """A strained + rattled sheet set: ``counts`` maps cell ('2', '8', '18') to a count.

    The 2-atom cells start with systematic scans (biaxial ±3 % in 1 % steps for the
    lattice constant; ±1 % uniaxial and shear for elastic constants), unrattled; the rest
    cycle through :data:`KINDS` with random strains and rattles of 0.02–0.1 Å. Output
    order (the labelling order): the scans, then the random cells by ``order`` — 8-atom
    first: a rattled 2-atom cell needs the full 12×12 k-grid without symmetry and costs
    about as much as an 8-atom cell while giving 4× fewer forces. The random draws are
    made in ``counts`` order, so ``order`` does not change the configurations.
    """
    rng = np.random.default_rng(seed)
    scans_out, random_out = [], {}
    for cell, count in counts.items():
        base = honeycomb(a, symbols, cell, vacuum)
        made = []
        if cell == "2":
            scans = [(e, e, 0.0) for e in np.arange(-0.03, 0.0301, 0.01)]
            scans += [(e, 0.0, 0.0) for e in (-0.01, 0.01)] + \
                     [(0.0, e, 0.0) for e in (-0.01, 0.01)] + [(0.0, 0.0, 0.01)]
            for st in scans[:count]:
                at = deformed(base, *st)
                at.info.update(config_type=f"{name}_scan", rattle=0.0)
                scans_out.append(at)
        while len(made) + (len(scans_out) if cell == "2" else 0) < count:
            kind = KINDS[(len(made) + (len(scans_out) if cell == "2" else 0)) % len(KINDS)]
            at = rattled(deformed(base, *_strain(kind, rng)), rng.uniform(0.02, 0.1), rng)
            at.info["config_type"] = f"{name}_{kind}"
            made.append(at)
        random_out[cell] = made
    return scans_out + [at for cell in order for at in random_out.get(cell, [])]


def high_strain_set(a: float, symbols: tuple[str, str], name: str, count: int, seed: int,
                    strain: tuple[float, float] = (0.25, 0.38),
                    vacuum: float = 14.0) -> list[Atoms]:
    """8-atom cells stretched past the sheet sets' 25 % (the far side of the ideal-strength
    peak): ε uniform in ``strain`` alternately along x (zigzag; config_type
    ``{name}_uniaxial_x``) and y (armchair; ``{name}_uniaxial_y``), the lateral strain
    uniform in −8 … 0 %, rattled by 0.02–0.05 Å."""
    rng = np.random.default_rng(seed)
    base = honeycomb(a, symbols, "8", vacuum)
    out = []
    for n in range(count):
        along, lateral = rng.uniform(*strain), rng.uniform(-0.08, 0.0)
        exx, eyy = (along, lateral) if n % 2 == 0 else (lateral, along)
        at = rattled(deformed(base, exx, eyy, 0.0), rng.uniform(0.02, 0.05), rng)
        at.info["config_type"] = f"{name}_uniaxial_{'xy'[n % 2]}"
        out.append(at)
    return out


def _rectangular(a: float, symbols: tuple[str, str], vacuum: float) -> Atoms:
    """The 4-atom rectangular cell a × √3 a (zigzag along x)."""
    base = honeycomb(a, symbols, "8", vacuum)[:4]
    base.set_cell([a, a * SQRT3, vacuum], scale_atoms=False)
    return base


def zigzag_ribbon(a: float, symbols: tuple[str, str], rows: int, periods: int,
                  vacuum: float = 12.0, sheet_vacuum: float = 14.0) -> Atoms:
    """Bare zigzag-edged ribbon along x: ``rows`` rectangular cells wide (4·rows·periods
    atoms), ``vacuum`` Å across y. Spin-polarised, edge atoms start at +1/−1 μB
    (antiferromagnetic across the ribbon, the PBE ground state for graphene)."""
    base = _rectangular(a, symbols, sheet_vacuum)
    base.positions[:, 1] -= a / SQRT3  # cell boundary across the bonds parallel to y,
    base.wrap()                        # so each edge atom loses one bond (not two)
    rib = base.repeat((periods, rows, 1))
    cell = rib.cell.array.copy()
    cell[1, 1] += vacuum
    rib.set_cell(cell, scale_atoms=False)
    y = rib.positions[:, 1]
    mag = np.zeros(len(rib))
    mag[np.isclose(y, y.min(), atol=0.1)] = 1.0
    mag[np.isclose(y, y.max(), atol=0.1)] = -1.0
    rib.set_initial_magnetic_moments(mag)
    rib.info.update(config_type="zigzag_ribbon", spin=True)
    return rib


def armchair_ribbon(a: float, symbols: tuple[str, str], cols: int, periods: int,
                    vacuum: float = 12.0, sheet_vacuum: float = 14.0) -> Atoms:
    """Bare armchair-edged ribbon along y: ``cols`` rectangular cells wide, ``vacuum`` Å
    across x; spin-unpolarised (armchair edges are non-magnetic in PBE)."""
    rib = _rectangular(a, symbols, sheet_vacuum).repeat((cols, periods, 1))
    cell = rib.cell.array.copy()
    cell[0, 0] += vacuum
    rib.set_cell(cell, scale_atoms=False)
    rib.info.update(config_type="armchair_ribbon", spin=False)
    return rib


def close_contact_set(a: float, symbols: tuple[str, str], name: str, count: int,
                      seed: int, vacuum: float = 14.0) -> list[Atoms]:
    """The short range no sheet set reaches: ``count`` 8-atom cells in which atom 0 is
    pushed towards a partner to a pair distance of 0.75–1.3 Å, then 4 unrattled 2-atom
    cells under biaxial compression −10 … −25 % (bond 0.75–0.90 × the equilibrium one).

    Partners cycle through the bonded neighbour in-plane, the bonded neighbour with atom 0
    lifted 0.3–0.6 Å out of the plane before the push (which scales the lift by
    d/|r|: ~0.15–0.5 Å at the end), and a second neighbour (the contact of two crack
    faces; the bonded atom between them comes closer still, down to ~0.7 Å). The other
    atoms are rattled by 0.03 Å. A potential trained without such
    pairs extrapolates below its shortest training distance and can have no repulsion
    there (``info['pair_distance']`` holds the contact, Å).
    """
    rng = np.random.default_rng(seed)
    base = honeycomb(a, symbols, "8", vacuum)
    vec = base.get_distances(0, range(1, len(base)), mic=True, vector=True)
    order = np.argsort(np.linalg.norm(vec, axis=1))
    partners = {"bond": order[0] + 1, "lifted": order[0] + 1, "second": order[3] + 1}
    kinds = tuple(partners)
    out = []
    for n in range(count):
        kind = kinds[n % len(kinds)]
        lift = (lambda g: g.uniform(0.3, 0.6)) if kind == "lifted" else (lambda g: 0.0)
        out.append(_pushed(base, 0, partners[kind], rng, f"{name}_close_{kind}",
                           lambda g: g.uniform(0.75, 1.3), lift))
    for e in (-0.10, -0.15, -0.20, -0.25):
        at = deformed(honeycomb(a, symbols, "2", vacuum), e, e, 0.0)
        at.info.update(config_type=f"{name}_close_compressed", rattle=0.0,
                       pair_distance=a / SQRT3 * (1 + e))
        out.append(at)
    return out


def _pushed(base: Atoms, mover: int, partner: int, rng, config_type: str, d_of,
            lift_of=lambda g: 0.0) -> Atoms:
    """``base`` rattled by 0.03 Å except atom ``mover``, which is lifted ``lift_of(rng)`` Å
    out of the plane and then moved along the line to ``partner`` to the pair distance
    ``d = d_of(rng)`` Å (drawn in this order after the rattle: the stored sets' seeds)."""
    at = rattled(base, 0.03, rng)
    at.positions[mover] = base.positions[mover]
    at.positions[mover, 2] += lift_of(rng)
    d = d_of(rng)
    r = at.get_distance(mover, partner, mic=True, vector=True)
    at.positions[mover] += r * (1.0 - d / np.linalg.norm(r))
    at.info.update(config_type=config_type, strain=np.zeros(3), pair_distance=d)
    return at


def second_neighbour_set(a: float, symbols: tuple[str, str], name: str, distances,
                         seed: int, vacuum: float = 14.0) -> list[Atoms]:
    """8-atom cells with one atom pushed in the plane onto a second neighbour (the contact
    of two crack faces) to each pair distance of ``distances`` (Å), for each sublattice in
    turn (h-BN: B onto B, then N onto N): the part of the short range that
    :func:`close_contact_set` samples at random distances only (h-BN's drew 1.13–1.25 Å,
    and BN_L16b has a hole on the B–B path below 0.9 Å)."""
    rng = np.random.default_rng(seed)
    base = honeycomb(a, symbols, "8", vacuum)
    out = []
    for mover in (0, 1):
        vec = base.get_distances(mover, range(len(base)), mic=True, vector=True)
        dist = np.linalg.norm(vec, axis=1)
        dist[mover] = np.inf
        partner = int(np.argsort(dist, kind="stable")[3])    # 3 first, then 6 second
        out += [_pushed(base, mover, partner, rng, f"{name}_close_second",
                        lambda g, d=d: d) for d in distances]
    return out


def edge_set(a: float, symbols: tuple[str, str], count: int, seed: int) -> list[Atoms]:
    """``count`` bare ribbons, zigzag and armchair in turn (2 × 2 and 1-wide × 2 periods,
    16 atoms), the first two relaxed-geometry references unstrained and unrattled, the rest
    strained along the ribbon by −3 … +20 % and rattled by 0.02–0.1 Å."""
    rng = np.random.default_rng(seed)
    out = []
    for n in range(count):
        make = zigzag_ribbon if n % 2 == 0 else armchair_ribbon
        rib = make(a, symbols, 2, 2 if make is zigzag_ribbon else 1)
        axis = 0 if make is zigzag_ribbon else 1  # strain along the ribbon
        e = rng.uniform(-0.03, 0.20) if n >= 2 else 0.0
        st = [0.0, 0.0, 0.0]
        st[axis] = e
        rib = deformed(rib, *st)
        rib = rattled(rib, rng.uniform(0.02, 0.1), rng) if n >= 2 else rib
        rib.info.setdefault("rattle", 0.0)
        out.append(rib)
    return out


def zigzag_interface_set(a: float, count: int, seed: int, rows: int = 4,
                         vacuum: float = 14.0, cross_bonds: int = 2) -> list[Atoms]:
    """Lateral graphene|h-BN stripes with zigzag interfaces along x: a rectangular cell
    ``rows`` cells across y (4·rows atoms), the lower half carbon and the upper half h-BN,
    so the periodic cell holds one C–B and one C–N interface. ``a`` is the common lattice
    constant (Å; between graphene's and h-BN's). ``cross_bonds``: bonds from each
    interface atom into the other material — 1, the cut across the bonds parallel to y
    (the zigzag interface of the literature, as at a zigzag edge), or 2, the cut across the
    zigzag bonds of one chain (Klein-type: each interface atom keeps one bond in its own
    material; the first set labelled, ``cbn_zigzag_interface``). The first cell unstrained
    and unrattled, the rest strained (the sheet-set kinds, their range capped at 12 %) and
    rattled by 0.02–0.08 Å. Spin-polarised, the carbon interface rows starting at ±1 μB.
    config_type ``cbn_zigzag_interface`` (2 cross bonds) or ``cbn_zigzag1_interface`` (1)."""
    if cross_bonds not in (1, 2):
        raise ValueError(f"cross_bonds = {cross_bonds!r}: allowed 1 or 2")
    rng = np.random.default_rng(seed)
    base = _rectangular(a, ("B", "N"), vacuum).repeat((1, rows, 1))
    by_y = np.argsort(base.positions[:, 1])  # one atom per zigzag row
    # sorted rows are joined alternately by parallel-to-y bonds (b apart; rows 0-1) and
    # zigzag bonds (b/2 apart; rows 1-2): the half from row 0 ends on zigzag cuts (2 cross
    # bonds per interface atom), the half from row 1 on parallel-to-y cuts (1)
    first = 2 - cross_bonds
    carbon = by_y[first:first + len(base) // 2]
    base.symbols[carbon] = "C"
    mag = np.zeros(len(base))
    mag[carbon[0]], mag[carbon[-1]] = 1.0, -1.0  # the carbon rows at the two interfaces
    base.set_initial_magnetic_moments(mag)
    kind = "cbn_zigzag_interface" if cross_bonds == 2 else "cbn_zigzag1_interface"
    out = []
    for n in range(count):
        if n == 0:
            at = deformed(base, 0.0, 0.0, 0.0)
            at.info["rattle"] = 0.0
        else:
            strain = np.clip(_strain(KINDS[n % len(KINDS)], rng), -0.05, 0.12)
            at = rattled(deformed(base, *strain), rng.uniform(0.02, 0.08), rng)
        at.info.update(config_type=kind, spin=True)
        out.append(at)
    return out


def corrugated(atoms: Atoms, amplitude: float, phase: float = 0.0) -> Atoms:
    """``atoms`` (a sheet in the xy plane) bent by z += A cos(2π y / L_y + phase), L_y the
    cell's y period (Å): one cylindrical wave across y, its curvature A (2π/L_y)² at the
    crests (1/Å). ``info["corrugation"]`` = A (Å), ``info["phase"]`` (rad)."""
    out = atoms.copy()
    k = 2.0 * np.pi / atoms.cell[1, 1]
    out.positions[:, 2] += amplitude * np.cos(k * out.positions[:, 1] + phase)
    out.info.update(corrugation=amplitude, phase=phase, rattle=0.0,
                    strain=np.zeros(3))
    return out


def bent_set(a_sheets: dict[str, float], a_stripe: float, amplitudes=(0.4, 0.8),
             rows: int = 4, vacuum: float = 14.0) -> list[Atoms]:
    """The bending probe: the 16-atom rectangular cells (a × 4√3 a, ``rows`` = 4) of
    graphene and h-BN at their own lattice constant (``a_sheets`` {"graphene": Å, "hBN":
    Å}), flat and :func:`corrugated` by each of ``amplitudes`` (Å; with L_y = 17.1 Å the
    curvature at the crests is 0.054 / 0.108 1/Å), config_type ``graphene_bent`` /
    ``hbn_bent``; and the C|BN stripe with the literature interface
    (:func:`zigzag_interface_set`, ``cross_bonds`` 1) at ``a_stripe``, corrugated by each
    amplitude with a crest at the C–B interface and (phase π/2) on the slope across it,
    config_type ``cbn_zigzag1_bent`` (spin-polarised as the stripes). Unstrained,
    unrattled: E(A) − E(0) is the bending energy."""
    out = []
    for name, material, symbols in (("graphene", "graphene", ("C", "C")),
                                    ("hbn", "hBN", ("B", "N"))):
        base = _rectangular(a_sheets[material], symbols, vacuum).repeat((1, rows, 1))
        for amp in (0.0,) + tuple(amplitudes):
            at = corrugated(base, amp)
            at.info["config_type"] = f"{name}_bent"
            out.append(at)
    stripe = zigzag_interface_set(a_stripe, 1, seed=0, rows=rows, vacuum=vacuum,
                                  cross_bonds=1)[0]
    k = 2.0 * np.pi / stripe.cell[1, 1]
    y_cb = stripe.positions[stripe.get_chemical_symbols().index("B"), 1]   # first B row
    for phase in (-k * y_cb, -k * y_cb + np.pi / 2):
        for amp in amplitudes:
            at = corrugated(stripe, amp, float(np.mod(phase, 2 * np.pi)))
            at.info.update(config_type="cbn_zigzag1_bent", spin=True)
            out.append(at)
    return out


def face_contact_set(a: float, symbols: tuple[str, str], gaps_aligned, gaps_shifted,
                     seed: int, rattle: float = 0.02) -> list[Atoms]:
    """Two bare zigzag faces facing each other across a slit of width ``gap`` Å (the
    distance between the faces' outermost rows), as a 2 × 2 zigzag ribbon (16 atoms) whose
    periodic image across y is the other face: ``gaps_aligned`` with the faces in lattice
    registry (each edge atom facing one of the other face: the broken bond, 1.42 Å in
    graphene, is the bulk), ``gaps_shifted`` with the other face slid by a/2 along x (a tilted cell vector;
    edge atoms facing the gaps). Atoms rattled by ``rattle`` Å; spin-polarised, edges starting at ±1 μB.
    The slit of a crack closing or opening: the many-body contact of whole faces, which
    one-atom short-range scans do not probe."""
    rng = np.random.default_rng(seed)
    bond = a / SQRT3
    out = []
    for shift, gaps in ((0.0, gaps_aligned), (a / 2, gaps_shifted)):
        for gap in gaps:
            rib = zigzag_ribbon(a, symbols, 2, 2, vacuum=gap - bond)
            cell = rib.cell.array.copy()
            cell[1, 0] = shift            # the image across y (the other face) slid along x
            rib.set_cell(cell, scale_atoms=False)
            rib = rattled(rib, rattle, rng)
            rib.info.update(config_type=f"{rib.info['config_type']}_contact", gap=float(gap),
                            face_shift=float(shift), strain=np.zeros(3))
            out.append(rib)
    return out
