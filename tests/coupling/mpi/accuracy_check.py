"""Run under mpirun: coupled vs full-atomistic graphene (Tersoff, below fracture); JSON on
rank 0 (stdout, last line).

usage: accuracy_check.py crack|vacancy SIZE [SIZE ...] [--body W H] [--load L] [--tol T]
                         [--h-min H] [--layout shared|disjoint] [--behind B] [--dump]
                         [--no-reference] [--verbose]

crack: a zigzag crack from the left edge to the body centre, mode-I K-field at
    L·K_G (default L = 0.6) on the outer FE nodes (the fracture driver's checked inputs,
    :func:`mdfe.run.model.build_inputs`, with its slit FE mesh); the atomistic core is the box
    behind = ahead = round(SIZE·√3)·a, half_height = SIZE·√3·a around the tip (SIZE a
    whole number: whole lattice periods, so every core size sees the same lattice).
vacancy: a 4-atom vacancy cluster (an atom and its three neighbours) at the centre,
    biaxial strain L (default 0.02) on the outer FE nodes; square core of half-width
    SIZE·a·√3.
Reference: the whole body in LAMMPS (:func:`mdfe.coupling.accuracy.full_atomistic_reference`),
    atoms within 2 r_cut + 0.5 Å of the outer edges held at the same boundary field (plus
    the Cauchy–Born inner shift of its local F), relaxed to max |f| ≤ 1e-7 eV/Å.
e% = 100 ‖u − u_ref‖ / ‖u_ref − u_far‖ over atoms within half the core radius (the
    smaller half-size of the core box) of the tip / cluster; u_far = the K-field / the
    affine field. Per size: e%, exchanges, residual, MD area / body area, seconds.
--dump adds, per region atom (by ID), the reference site and the coupled, reference and
far-field displacements;
--no-reference skips the reference and e% and prints only those (rank/layout checks).
"""
import json
import sys
import time

import numpy as np

import mdfe  # noqa: F401
from mdfe.runtime import abort_on_error

RCUT_LAYER = 0.5      # Å added to 2 r_cut for the held outer layer of the reference


def option(name, default, n=1):
    if name not in sys.argv:
        return default
    i = sys.argv.index(name)
    vals = [float(v) for v in sys.argv[i + 1:i + 1 + n]]
    return vals if n > 1 else vals[0]


def log(comm, msg, t0):
    if comm.rank == 0 and "--verbose" in sys.argv:
        print(f"[{time.time() - t0:7.1f} s] {msg}", file=sys.stderr, flush=True)


def config(case, W, H, size, a, h_min, tol, layout):
    """A resolved `mdfe run` config for the crack model (output directory unused);
    ``--behind B`` makes the core reach B Å behind the tip (default as far as ahead)."""
    from mdfe.run.schema import check_run_config
    behind = option("--behind", round(size * np.sqrt(3)) * a)
    return check_run_config({
        "structure": {"material": "graphene", "crack_faces": "zigzag"},
        "potential": {"kind": "tersoff", "file": "BNC.tersoff"},
        "body": {"width": W, "height": H, "h_min": h_min, "h_max": 20.0},
        "crack": {"tip": [W / 2, H / 2]},
        "md": {"behind": behind, "ahead": round(size * np.sqrt(3)) * a,
               "half_height": size * np.sqrt(3) * a,
               "band_width": 6.0},
        "solver": {"tol": tol, "max_exchanges": 300},
        "layout": {"mode": layout},
        "output": {"directory": "unused", "progress": False}}, f"<{case} check>")


def body_crystal(pot, a, W, H, sites):
    """Graphene (zigzag along x) filling (0, W) × (0, H) whose lattice contains every
    point of ``sites`` (k, >= 2) Å (a region's atoms, to compare site by site)."""
    from scipy.spatial import cKDTree
    from mdfe.solvers.md.structures import sheet
    unit = sheet("graphene", pot, 1, 1, "zigzag", a=a)
    lx, ly = unit.cell[0, 0], unit.cell[1, 1]
    nx, ny = int(np.ceil(W / lx)) + 2, int(np.ceil(H / ly)) + 2
    sites = np.atleast_2d(np.asarray(sites, float))[:, :2]
    for basis in unit.positions[:, :2]:          # which basis atom sits on sites[0]?
        crystal = sheet("graphene", pot, nx, ny, "zigzag", a=a)
        crystal.positions[:, :2] += np.mod(sites[0] - basis, [lx, ly]) - [lx, ly]
        if cKDTree(crystal.positions[:, :2]).query(sites)[0].max() < 1e-6:
            break
    else:
        raise RuntimeError("no placement of the body lattice contains the region's sites")
    x = crystal.positions
    keep = (x[:, 0] > 0.05) & (x[:, 0] < W - 0.05) & (x[:, 1] > 0.05) & (x[:, 1] < H - 0.05)
    crystal = crystal[keep]
    crystal.pbc = (False, False, False)
    return crystal


def match_ids(X_body, X_region):
    """Body row of each region site (exact lattice coincidence, else an error)."""
    from scipy.spatial import cKDTree
    d, rows = cKDTree(X_body[:, :2]).query(X_region[:, :2])
    if d.max() > 1e-6:
        raise RuntimeError(f"region and body lattices differ by {d.max():.3g} Å")
    return rows


def field_and_gradient(field, X):
    """(u (n, 2) Å, F = 1 + ∇u (n, 2, 2)) of a field u(X) (callable (n, 2) -> (n, 2)) at
    points X (n, 2); ∇u by central differences (1e-4 Å)."""
    h = 1e-4
    u = field(X)
    F = np.repeat(np.eye(2)[None], len(X), axis=0)
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        F[:, :, j] += (field(X + e) - field(X - e)) / (2 * h)
    return u, F


def main():
    from mpi4py import MPI
    from mdfe.coupling import accuracy, build
    comm = MPI.COMM_WORLD
    t0 = time.time()
    case = sys.argv[1]
    if case not in ("crack", "vacancy"):
        raise SystemExit(f"case {case!r}: allowed crack, vacancy")
    skip = set()
    for name, n in (("--body", 2), ("--load", 1), ("--tol", 1), ("--h-min", 1), ("--layout", 1),
                    ("--behind", 1), ("--face-force", 1)):
        if name in sys.argv:
            i = sys.argv.index(name)
            skip.update(range(i, i + n + 1))
    sizes = [float(v) for i, v in enumerate(sys.argv[2:], 2)
             if i not in skip and not v.startswith("--")]
    W, H = option("--body", [90.0, 80.0], 2)
    tol = option("--tol", 1e-6)
    h_min = option("--h-min", 2.0)
    layout = sys.argv[sys.argv.index("--layout") + 1] if "--layout" in sys.argv else "shared"
    load = option("--load", 0.6 if case == "crack" else 0.02)
    run = CrackCase if case == "crack" else VacancyCase
    model = run(W, H, sizes[0], load, tol, h_min, layout, comm)
    log(comm, f"{case}: body {W} x {H} Å, {len(model.body)} atoms", t0)

    X = model.body.positions
    if "--no-reference" in sys.argv:            # rank/layout comparisons: coupled only
        return dump_only(model, sizes, comm, t0)
    # ---- full-atomistic reference of the whole body
    fixed = accuracy.outer_layer(X, 2 * model.pot.cutoff + RCUT_LAYER, lo=(0, 0), hi=(W, H))
    u_far, F = field_and_gradient(model.far_field, X[:, :2])
    u_start = u_far.copy()
    u_start[fixed] += model.law.shift.shift(F[fixed])[
        np.arange(fixed.sum()), model.body.get_array("sublattice")[fixed]]
    t1 = time.time()
    ref = accuracy.full_atomistic_reference(model.body, model.pot, u_start, fixed, comm=comm,
                                            ftol=1e-7, exclude=model.exclude)
    log(comm, f"reference relaxed: max |f| {ref.max_force:.1e} eV/Å, {ref.iterations} "
              f"iterations, {time.time() - t1:.1f} s", t0)
    results = []
    for size in sizes:
        t1 = time.time()
        res = model.coupled(size)
        if comm.rank == 0:
            rows = match_ids(X, res["X"])
            u, u_ref, u_K = res["u"][:, :2], ref.u[rows, :2], u_far[rows]
            sel = accuracy.within(res["X"], model.centre, 0.5 * res["radius"])
            out = {"size": size, "core_radius_A": res["radius"], "atoms_md": len(rows),
                   "selected": int(sel.sum()),
                   "e_percent": accuracy.error_percent(u, u_ref, u_K, sel),
                   "defect_field_A": float(np.linalg.norm(u_ref[sel] - u_K[sel])),
                   "md_area_fraction": res["area"] / (W * H),
                   "converged": bool(res["report"].converged), "exchanges": res["report"].exchanges,
                   "residual": res["report"].residuals[-1],
                   "md_iterations": res["report"].md_iterations,
                   "seconds": time.time() - t1}
            if "--dump" in sys.argv:
                out.update(ids=res["ids"].tolist(), X=res["X"].tolist(), u=res["u"].tolist(),
                           u_ref=ref.u[rows].tolist(), u_far=u_far[rows].tolist(),
                           selected_rows=np.flatnonzero(sel).tolist())
            results.append(out)
            log(comm, f"size {size}: e = {out['e_percent']:.2f} %, {out['exchanges']} "
                      f"exchanges, residual {out['residual']:.1e}", t0)
    if comm.rank == 0:
        print(json.dumps({"case": case, "body": [W, H], "load": load, "tol": tol,
                          "ranks": comm.size, "layout": layout, "atoms_full": len(X),
                          "reference_max_force": ref.max_force, "results": results,
                          "seconds": time.time() - t0}), flush=True)


def dump_only(model, sizes, comm, t0):
    """Coupled displacements (by atom ID) and reports, no reference; JSON on rank 0."""
    results = []
    for size in sizes:
        res = model.coupled(size)
        if comm.rank == 0:
            rep = res["report"]
            results.append({"size": size, "converged": bool(rep.converged),
                            "exchanges": rep.exchanges, "residual": rep.residuals[-1],
                            "ids": res["ids"].tolist(), "u": res["u"].tolist()})
    if comm.rank == 0:
        print(json.dumps({"ranks": comm.size, "results": results,
                          "seconds": time.time() - t0}), flush=True)


class _Case:
    """Common part: coupled solve of one core size and the output on world rank 0."""

    def gather(self, region, qs, rep, radius, area):
        """Coupled displacements of the region's atoms on world rank 0 (None elsewhere)."""
        comm = self.comm
        x = region.md.positions(region.ids) if region.md is not None else None
        root_md = comm.allreduce(comm.rank if region.md is not None and
                                 region.md.comm.rank == 0 else comm.size, op=_min())
        if comm.rank == root_md and root_md != 0:
            comm.send(x, dest=0, tag=11)
        if comm.rank == 0 and root_md != 0:
            x = comm.recv(source=root_md, tag=11)
        if region.md is not None:
            region.md.close()
        if comm.rank != 0:
            return None
        return {"X": region.X, "ids": region.ids, "u": x - region.X, "report": rep,
                "radius": radius, "area": area}


class CrackCase(_Case):
    """The fracture driver's coupled crack model (mdfe.run.model) at load·K_G."""

    def __init__(self, W, H, size, load, tol, h_min, layout, comm):
        from mdfe.potentials.lammps_potential import LammpsPotential
        from mdfe.run.model import build_inputs
        from mdfe.solvers.crack_field import crack_field
        from mdfe.solvers.md.setup import slit
        from mdfe.solvers.md.structures import relaxed_lattice_constant
        self.comm, self.W, self.H, self.load, self.tol = comm, W, H, load, tol
        self.h_min, self.layout = h_min, layout
        self.pot = LammpsPotential.tersoff()
        self.a = relaxed_lattice_constant(self.pot, "graphene")
        inp = build_inputs(config("crack", W, H, size, self.a, h_min, tol, layout), comm=comm)
        self.law, self.k = inp.law, load * inp.k_g
        self.centre = inp.tip
        self.body = body_crystal(self.pot, self.a, W, H, inp.atoms.positions)
        y_cut, x_tip, upper, lower = slit(self.body.positions, inp.tip[1], inp.tip[0])
        if abs(y_cut - inp.tip[1]) > 1e-9 or abs(x_tip - inp.tip[0]) > 1e-9:
            raise RuntimeError(f"body slit ({x_tip}, {y_cut}) differs from the model's "
                               f"tip {inp.tip}")
        self.exclude = (upper, lower)
        field = crack_field(inp.law.C, tip=tuple(inp.tip))
        self.far_field = lambda P: field.displacements(P, self.k)

    def coupled(self, size):
        from mdfe.coupling import build
        from mdfe.coupling.quasistatic import QuasiStaticCoupling
        from mdfe.layout import plan_layout, split_world
        from mdfe.run.kfield import outer_nodes
        from mdfe.run.model import build_inputs, unit_displacements
        cfg = config("crack", self.W, self.H, size, self.a, self.h_min, self.tol, self.layout)
        inp = build_inputs(cfg, comm=self.comm)          # the driver's checked crack model
        groups = split_world(self.comm, plan_layout(self.comm.size, 1, mode=self.layout))
        fe = (build.fe_problem(inp.mesh, inp.law, groups.fe,
                               options={"ksp_rtol": 1e-10, "ksp_atol": 1e-14})
              if groups.fe is not None else None)
        offsets = None if "--no-face-relaxation" in sys.argv else inp.face_offsets
        region = build.coupled_region(inp.geometry, groups.md[0], inp.atoms, inp.roles,
                                      inp.potential, inp.mesh, inp.law, offsets=offsets)
        if region.md is not None:
            region.md.exclude_pairs(*inp.slit_ids)
        qs = QuasiStaticCoupling(self.comm, fe, [region], tol=self.tol, max_exchanges=300,
                                 verbose="--verbose" in sys.argv)
        if fe is not None and "--face-force" in sys.argv:
            face_force(fe, inp, region, option("--face-force", 0.0))
        lam = self.k / inp.k_g
        ids = outer_nodes(inp.mesh)
        if fe is not None:
            qs.set_displacements(lam * unit_displacements(inp, qs.owned))
        qs.set_dirichlet(ids, lam * unit_displacements(inp, ids))
        qs.residual(core_from_fe=True)
        rep = qs.solve()
        area = outline_area(inp.geometry.outer)
        radius = min(cfg["md"]["ahead"], cfg["md"]["half_height"])
        return self.gather(region, qs, rep, radius, area)


class VacancyCase(_Case):
    """A 4-atom vacancy cluster at the body centre under biaxial strain ``load``."""

    def __init__(self, W, H, size, load, tol, h_min, layout, comm):
        from mdfe.potentials.lammps_potential import LammpsPotential
        from mdfe.potentials.properties.unit_cells import hexagonal_primitive
        from mdfe.solvers.md.structures import relaxed_lattice_constant
        from mdfe.coupling import build
        self.comm, self.W, self.H, self.tol, self.h_min = comm, W, H, tol, h_min
        self.layout = layout
        self.pot = LammpsPotential.tersoff()
        self.a = a = relaxed_lattice_constant(self.pot, "graphene")
        self.law = build.continuum_law(self.pot, hexagonal_primitive("graphene", a), comm=comm)
        body = body_crystal(self.pot, a, W, H, (W / 2 + 0.3, H / 2 + 0.2))
        X = body.positions
        i0 = int(np.argmin(np.linalg.norm(X[:, :2] - [W / 2, H / 2], axis=1)))
        near = np.linalg.norm(X[:, :2] - X[i0, :2], axis=1) < 1.1 * a / np.sqrt(3)
        self.body = body[~near]
        self.centre = X[i0, :2].copy()
        self.exclude = None
        Hs = load * np.eye(2)
        self.Hs = Hs
        self.far_field = lambda P: P @ Hs.T

    def coupled(self, size):
        from mdfe.coupling import build
        from mdfe.coupling.geometry import OUTSIDE, Outline, RegionGeometry, check_regions
        from mdfe.coupling.quasistatic import QuasiStaticCoupling
        from mdfe.run.kfield import outer_nodes
        from mdfe.solvers.fe import graded_mesh
        from mdfe.layout import plan_layout, split_world
        comm, W, H = self.comm, self.W, self.H
        half = size * np.sqrt(3) * self.a
        c = self.centre
        geom = RegionGeometry(Outline.box(c - half, c + half), band_width=6.0,
                              pad_width=2 * self.pot.cutoff + 0.5,
                              blend_width=6.0 - 1.5 * self.h_min, name="vacancy")
        check_regions([geom], self.pot.cutoff, lambda P: (P[:, 0] > 0) & (P[:, 0] < W)
                      & (P[:, 1] > 0) & (P[:, 1] < H))
        o = geom.outer
        box = (o.lo[0] - o.radius, o.lo[1] - o.radius, o.hi[0] + o.radius, o.hi[1] + o.radius)
        mesh = graded_mesh(W, H, h_min=self.h_min, h_max=20.0, md_regions=[box], comm=comm)
        role = geom.roles(self.body.positions[:, :2])
        keep = np.flatnonzero(role != OUTSIDE)
        lay = plan_layout(comm.size, 1, mode=self.layout)
        groups = split_world(comm, lay)
        fe = (build.fe_problem(mesh, self.law, groups.fe,
                               options={"ksp_rtol": 1e-10, "ksp_atol": 1e-14})
              if groups.fe is not None else None)
        region = build.coupled_region(geom, groups.md[0], self.body[keep], role[keep], self.pot,
                                      mesh, self.law)
        qs = QuasiStaticCoupling(comm, fe, [region], tol=self.tol, max_exchanges=300,
                                 verbose="--verbose" in sys.argv)
        bnd = outer_nodes(mesh)
        qs.set_dirichlet(bnd, mesh.nodes[bnd] @ self.Hs.T)
        qs.set_displacements(mesh.nodes[qs.owned] @ self.Hs.T)
        qs.residual(core_from_fe=True)
        rep = qs.solve()
        area = outline_area(o)
        return self.gather(region, qs, rep, half, area)


def face_force(fe, inp, region, force):
    """Experiment (--face-force F, eV/Å): a force F along +x on each FE crack face, on its
    first segment behind the MD region where the blend weight is 1 — the reaction of the
    atomistic faces' edge stress that the FE faces (stress-free) do not carry on to the
    crack mouth (docs/coupling.md §7)."""
    X, w = inp.mesh.nodes, region.weights_all
    for name in ("crack0_a", "crack0_b"):
        face = inp.mesh.node_sets[name]
        face = face[np.argsort(X[face, 0])]
        outside = face[(w[face] >= 1.0) & (inp.geometry.distance(X[face]) > 0)
                       & (X[face, 0] < inp.tip[0])]
        n1 = outside[-1]
        n0 = face[np.flatnonzero(face == n1)[0] - 1]
        length = np.linalg.norm(X[n1] - X[n0])
        fe.add_traction(np.array([[n0, n1]]), np.array([force / length, 0.0]))


def outline_area(outline):
    """Area (Å²) of a 2D rounded box."""
    lx, ly = np.asarray(outline.hi) - np.asarray(outline.lo)
    r = outline.radius
    return float(lx * ly + 2 * r * (lx + ly) + np.pi * r * r)


def _min():
    from mpi4py import MPI
    return MPI.MIN


with abort_on_error():
    main()
