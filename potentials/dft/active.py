"""One round of active learning: MD with the current MTP, MaxVol grades, new DFT inputs.

    python -m mdfe.potentials.dft.active CONFIG.toml OUT.inputs.extxyz [--max-count N]

1. Candidates: Langevin MD (ASE, timestep 1 fs) with the potential trained from CONFIG
   (``<name>.mtp`` next to it) on strained sheets — the cells and strain recipe of
   :func:`~.structures.sheet_set` — at 300–2000 K; a snapshot every ``every`` steps.
   A trajectory stops early once its grade exceeds ``break_grade`` (MLIP's usual ~10:
   the potential is extrapolating badly and the MD is no longer physical).
2. Selection: extrapolation grade γ (MaxVol, :mod:`mdfe.potentials.mtp.grade`, per
   atomic neighbourhood, a configuration's grade is its largest) against all entries
   labelled so far in the config's data files — which must hold at least as many
   neighbourhoods as the potential has parameters; greedily take the highest-γ candidate
   with γ ≥ ``threshold``, add it to the active set, regrade, repeat — so the picks are
   diverse, not near-copies of one excursion.
3. The picks are written as an input set for ``mdfe label`` (info: ``config_type`` =
   ``<name>_al_md``, ``temperature`` K, ``grade``, ``strain``).

Units: Å, eV, K, fs.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import ase.io
import numpy as np
from ase import units
from ase.constraints import FixCom
from ase.md.langevin import Langevin

from .ship import known_entries, load_config
from .structures import sheet_set


def md_candidates(calc_factory, starts: list, temperatures: list[float], steps: int,
                  every: int, seed: int, grade=None, break_grade: float = 10.0) -> list:
    """Snapshots of Langevin MD from each start at each temperature (K).

    ``calc_factory()`` gives a fresh calculator per trajectory; ``grade(atoms) -> γ``
    (optional) stops a trajectory at its first snapshot with γ > ``break_grade``.
    """
    rng = np.random.default_rng(seed)
    out = []
    for start in starts:
        for temp in temperatures:
            at = start.copy()
            at.calc = calc_factory()
            masses = at.get_masses()[:, None]
            momenta = rng.normal(size=(len(at), 3)) * np.sqrt(masses * units.kB * temp)
            at.set_momenta(momenta - masses * momenta.sum(0) / masses.sum())
            at.set_constraint(FixCom())
            dyn = Langevin(at, 1.0 * units.fs, temperature_K=temp, friction=0.02,
                           fixcm=False, rng=rng)
            for _ in range(steps // every):
                dyn.run(every)
                snap = at.copy()
                snap.calc = None
                snap.set_constraint()
                snap.info.update(start.info, temperature=float(temp))
                snap.info.pop("rattle", None)
                if grade is not None:
                    snap.info["grade"] = g = grade(snap)
                    if g > break_grade:
                        break
                out.append(snap)
    return out


def select_diverse(grader_factory, training: list, candidates: list, threshold: float,
                   max_count: int) -> list[int]:
    """Greedy MaxVol selection: indices of at most ``max_count`` candidates, highest γ first,
    each graded against the training set plus the picks before it."""
    picked: list[int] = []
    while len(picked) < max_count:
        grader = grader_factory(training + [candidates[i] for i in picked])
        rest = [i for i in range(len(candidates)) if i not in picked]
        if not rest:
            break
        grades = [g.configuration for g in grader.grade([candidates[i] for i in rest])]
        best = int(np.argmax(grades))
        if grades[best] < threshold:
            break
        candidates[rest[best]].info["grade"] = float(grades[best])
        picked.append(rest[best])
    return picked


def write_selection(model, species: list[str], training: list, candidates: list,
                    threshold: float, max_count: int, output: Path,
                    config_type: str | None = None) -> list:
    """MaxVol-select (:func:`select_diverse`, per-atom grades of ``model``) at most
    ``max_count`` of ``candidates`` graded ≥ ``threshold`` against ``training``, tag them
    (``config_type`` and ``pick_index`` in info, when ``config_type`` is given; not
    ``source_index``, which ``mdfe label`` writes itself) and write them to ``output``
    (extxyz), ready to label. Returns the selected Atoms."""
    from mdfe.potentials.mtp.grade import ExtrapolationGrader
    picked = select_diverse(lambda tr: ExtrapolationGrader(model, species, tr, per="atom"),
                            training, candidates, threshold, max_count)
    sel = [candidates[i] for i in picked]
    if config_type is not None:
        for n, at in enumerate(sel):
            at.info.update(config_type=config_type, pick_index=n)
    ase.io.write(output, sel, format="extxyz")
    return sel


def main(argv: list[str] | None = None) -> int:
    import mdfe  # noqa: F401  (MPI library first)
    from mdfe.potentials.mtp.calculator import MTPCalculator
    from mdfe.potentials.mtp.grade import ExtrapolationGrader
    from mdfe.potentials.mtp.mtp_file import read_mtp

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("config", type=Path)
    p.add_argument("output", type=Path)
    p.add_argument("--max-count", type=int, default=12)
    p.add_argument("--threshold", type=float, default=2.0)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--every", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--starts", type=int, nargs=2, default=(10, 5), metavar=("N8", "N18"),
                   help="MD start cells: N8 eight-atom and N18 eighteen-atom")
    a = p.parse_args(argv)
    cfg = load_config(a.config)
    model = read_mtp(cfg["_dir"] / f"{cfg['name']}.mtp")
    species = cfg["species"]
    # graded against every entry labelled so far in the config's data files (the data
    # known now), not only the leading ones the potential was trained on
    training = known_entries(cfg)
    symbols = (species[0], species[-1])
    starts = [s for s in sheet_set(cfg["lattice_constant"], symbols, {"8": a.starts[0], "18": a.starts[1]},
                                   seed=1000 + a.seed, name=cfg["name"])]
    for s in starts:
        s.info["config_type"] = f"{cfg['name']}_al_md"
    rows, params = sum(len(a) for a in training), model.alpha_scalar_moments + \
        model.radial_funcs_count * model.radial_basis_size * model.species_count ** 2 + \
        model.species_count
    if rows < params:
        raise ValueError(f"{a.config}: the MaxVol active set needs at least {params} atomic "
                         f"neighbourhoods (the potential's parameters), the training data "
                         f"have {rows}; label more configurations or use a lower level")
    grader = ExtrapolationGrader(model, species, training, per="atom")
    cands = md_candidates(lambda: MTPCalculator(model, species), starts,
                          [300.0, 1000.0, 2000.0], a.steps, a.every, a.seed,
                          grade=lambda at: grader.grade([at])[0].configuration)
    print(f"{len(cands)} MD candidates; grades max {max(c.info['grade'] for c in cands):.2f}")
    sel = write_selection(model, species, training, cands, a.threshold, a.max_count, a.output)
    print(f"selected {len(sel)} (grades {[round(c.info['grade'], 2) for c in sel]}) "
          f"-> {a.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
