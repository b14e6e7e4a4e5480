"""K_IC of a case from the coupled model and from the fully atomistic body, side by side.

:func:`compare_kic` runs the case's coupled model (:class:`mdfe.run.driver.Run`) and its
fully atomistic reference (:class:`mdfe.run.atomistic.AtomisticCrack`, same body, same
potential) with the same search for the first bond rupture at the tip
(:func:`first_rupture`): a coarse K ramp until the tip advances, then a fine ramp from
the last intact coarse load up to that load. Below rupture the 0 K crack is elastic and
its equilibrium does not depend on the path, so the fine ramp restarts from the K-field
at the last intact coarse load (and fails loudly if that load now breaks: path
dependence); K_IC is known to within the fine step (≤ 0.005 K_G asks the issue).
Both are reported with the Griffith K_G = sqrt(2 γ E') of the same potential and the
lattice-trapping ratios K_IC/K_G.

Command line (``mpirun -n N python -m mdfe.run.kic case.toml out.json [--coarse 0.02
--fine 0.005 --k-max 2.0 --skip-coupled]``): writes the result as JSON from rank 0.
Units: K in K_G, eV/Å^{3/2} and MPa·√m (thickness ``output.thickness``), times in s.
"""
from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np


def first_rupture(ramp, k_start: float, coarse: float, fine: float, k_max: float) -> dict:
    """K_IC (units of K_G) from ``ramp(k_start, k_step, steps) -> K at the first tip
    advance or None``: coarse steps from ``k_start`` up to ``k_max``, then fine steps
    from the last intact coarse load. Returns {"K_IC_over_KG", "resolution_over_KG",
    "passes": [(k_start, k_step, steps, result)]}; K_IC None if nothing broke by k_max.
    ValueError if the tip already advanced at ``k_start`` (no bracket: lower it)."""
    if not 0 < fine <= coarse:
        raise ValueError(f"need 0 < fine ({fine}) <= coarse ({coarse})")
    passes = []
    steps = int(np.floor((k_max - k_start) / coarse + 1e-9)) + 1
    k1 = ramp(k_start, coarse, steps)
    passes.append((k_start, coarse, steps, k1))
    if k1 is None:
        return {"K_IC_over_KG": None, "resolution_over_KG": None, "passes": passes}
    if k1 <= k_start + 1e-12:
        raise ValueError(f"the tip advanced at the first load K = {k_start} K_G: no intact "
                         "state below K_IC; start the ramp lower")
    n_fine = int(round(coarse / fine))
    start = k1 - coarse                      # the last intact coarse load, intact again?
    k2 = ramp(start, fine, n_fine + 1) if n_fine > 1 else k1
    passes.append((start, fine, n_fine + 1, k2))
    if k2 is not None and k2 <= start + 1e-12:
        raise RuntimeError(f"path dependence: K = {start} K_G was intact on the coarse ramp "
                           "but broke when loaded directly; the 0 K crack is not elastic "
                           "below K_IC here (tighten solver.tol or use relax = 'cg')")
    return {"K_IC_over_KG": k1 if k2 is None else k2, "resolution_over_KG": fine,
            "passes": passes}


def _coupled_ramp(cfg: dict, source: str, workdir: Path, comm):
    """A ramp function running the coupled model (a fresh Run per call, own directory)."""
    from mdfe.run.driver import Run
    calls = []

    def ramp(k_start, k_step, steps):
        c = copy.deepcopy(cfg)
        c["loading"].update(k_start=k_start, k_step=k_step, steps=steps, stop_at_rupture=True)
        c["output"].update(directory=str(workdir / f"coupled_{len(calls)}"), overwrite=True,
                           progress=False, plots=False)
        run = Run(c, source, comm=comm)
        run.setup()
        t = time.time()
        summary = run.go()
        calls.append({"seconds": time.time() - t, "steps": summary["steps_done"],
                      "stopped": summary["stopped"]})
        if summary["stopped"].startswith("load step"):
            raise RuntimeError(f"coupled run did not converge: {summary['stopped']}")
        return summary["K_IC_over_KG"]
    return ramp, calls


def _atomistic_ramp(model):
    """A ramp function on one AtomisticCrack (its LAMMPS instance is reused)."""
    calls = []

    def ramp(k_start, k_step, steps):
        t = time.time()
        res = model.ramp(k_start, k_step, steps, stop_at_rupture=True)
        calls.append({"seconds": time.time() - t, "steps": len(res["rows"]),
                      "md_iterations": sum(r["md_iterations"] for r in res["rows"])})
        return res["K_IC_over_KG"]
    return ramp, calls


def md_area_fraction(inp) -> float:
    """Area of the MD region (core + band + pad outline) over the body's area."""
    o = inp.geometry.outer
    w, h = np.subtract(o.hi, o.lo)
    r = o.radius
    area = w * h + 2 * r * (w + h) + np.pi * r * r
    return float(area / (inp.cfg["body"]["width"] * inp.cfg["body"]["height"]))


def compare_kic(cfg: dict, source: str, workdir, coarse: float = 0.02, fine: float = 0.005,
                k_max: float = 2.0, coupled: bool = True, comm=None) -> dict:
    """Run both searches (see module docstring) for the resolved case ``cfg``; the
    ramp starts at ``loading.k_start``. Collective on ``comm``; same dict on every rank."""
    from mpi4py import MPI

    from mdfe.potentials.properties.edges import k_to_mpa_sqrt_m
    from mdfe.run.atomistic import AtomisticCrack
    from mdfe.run.model import build_inputs
    comm = MPI.COMM_WORLD if comm is None else comm
    workdir = Path(workdir)
    inp = build_inputs(cfg, source, comm)
    t_mpa = cfg["output"]["thickness"]
    k0 = cfg["loading"]["k_start"]
    out = {"case": source, "potential": f"{inp.potential.pair_style} "
                                       f"{inp.potential.pair_coeff[0]}",
           "material": cfg["structure"]["material"], "crack_faces": cfg["structure"]["crack_faces"],
           "body_A": [cfg["body"]["width"], cfg["body"]["height"]],
           "lattice_constant_A": inp.a, "E_prime_eV_per_A2": inp.e_prime,
           "gamma_eV_per_A": inp.gamma, "K_G_eV_A1.5": inp.k_g,
           "K_G_MPa_sqrt_m": k_to_mpa_sqrt_m(inp.k_g, t_mpa), "thickness_A": t_mpa,
           "md_area_fraction": md_area_fraction(inp), "coupled_atoms": len(inp.atoms),
           "fe_nodes": int(inp.mesh.n_nodes), "ranks": comm.Get_size(),
           "search": {"k_start": k0, "coarse": coarse, "fine": fine, "k_max": k_max}}
    model = AtomisticCrack(inp, comm)
    out["atomistic_atoms"] = model.n_atoms
    ramp, calls = _atomistic_ramp(model)
    t = time.time()
    out["atomistic"] = first_rupture(ramp, k0, coarse, fine, k_max)
    out["atomistic"].update(seconds=time.time() - t, calls=calls)
    model.close()
    if coupled:
        ramp, calls = _coupled_ramp(cfg, source, workdir, comm)
        t = time.time()
        out["coupled"] = first_rupture(ramp, k0, coarse, fine, k_max)
        out["coupled"].update(seconds=time.time() - t, calls=calls)
    for key in ("atomistic", "coupled"):
        k = out.get(key, {}).get("K_IC_over_KG")
        if key in out:
            out[key]["K_IC_eV_A1.5"] = None if k is None else k * inp.k_g
            out[key]["K_IC_MPa_sqrt_m"] = None if k is None else k_to_mpa_sqrt_m(k * inp.k_g, t_mpa)
    ka = out["atomistic"]["K_IC_over_KG"]
    kc = out.get("coupled", {}).get("K_IC_over_KG")
    out["coupled_vs_atomistic_rel"] = None if ka is None or kc is None else (kc - ka) / ka
    return out


def main(argv=None) -> None:
    from mdfe.run.schema import load_run_config
    p = argparse.ArgumentParser(prog="python -m mdfe.run.kic", description=__doc__.split("\n")[0])
    p.add_argument("case")
    p.add_argument("out")
    p.add_argument("--coarse", type=float, default=0.02)
    p.add_argument("--fine", type=float, default=0.005)
    p.add_argument("--k-max", type=float, default=2.0)
    p.add_argument("--skip-coupled", action="store_true")
    a = p.parse_args(argv)
    from mpi4py import MPI

    from mdfe.runtime import abort_on_error
    with abort_on_error():          # an error on one rank ends the job, not a hang
        cfg = load_run_config(a.case)
        res = compare_kic(cfg, a.case,
                          Path(a.out).resolve().parent / (Path(a.out).stem + "_runs"),
                          a.coarse, a.fine, a.k_max, coupled=not a.skip_coupled)
    if MPI.COMM_WORLD.Get_rank() == 0:
        Path(a.out).write_text(json.dumps(res, indent=1))
        print(json.dumps({k: res[k] for k in ("K_G_eV_A1.5", "coupled_vs_atomistic_rel")}
                         | {k: res[k]["K_IC_over_KG"] for k in ("atomistic", "coupled")
                            if k in res}))


if __name__ == "__main__":     # python -m imports mdfe (and its MPI library) first
    main()
