"""Read and write MLIP-2/3 ``.mtp`` potential files (:class:`MTPModel`).

Written by mdfe itself (motep's reader stays an independent check in the tests). Floats
are written with 17 significant digits, so read → write → read is exact. Accepted
layouts: MLIP's (``min_dist``/``max_dist``/``radial_basis_size``/``radial_funcs_count``
after ``radial_basis_type``) and the newer grouped ``min``/``max``/``size`` keys.
Every inconsistency raises :class:`MTPFormatError` naming the file and line.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mdfe.potentials.mtp.model import MTPModel


class MTPFormatError(ValueError):
    """A malformed or inconsistent ``.mtp`` file; the message names file and line."""


_ALIASES = {"min": "min_dist", "max": "max_dist", "size": "radial_basis_size"}
_INT_KEYS = {"species_count", "radial_basis_size", "radial_funcs_count", "alpha_moments_count",
             "alpha_index_basic_count", "alpha_index_times_count", "alpha_scalar_moments"}
_FLOAT_KEYS = {"scaling", "min_dist", "max_dist"}
_STR_KEYS = {"version", "potential_name", "potential_tag", "radial_basis_type"}
_LIST_KEYS = {"alpha_index_basic", "alpha_index_times", "alpha_moment_mapping",
              "species_coeffs", "moment_coeffs"}
_REQUIRED = ("species_count", "radial_basis_type", "min_dist", "max_dist",
             "radial_basis_size", "radial_funcs_count", "alpha_moments_count",
             "alpha_index_basic", "alpha_index_times", "alpha_moment_mapping")


def _numbers(text: str, kind, where: str) -> np.ndarray:
    """Parse '{1, 2, 3}' (flat) into a numpy array of ``kind``."""
    body = text.strip()
    if not (body.startswith("{") and body.endswith("}")):
        raise MTPFormatError(f"{where}: expected a list in braces {{...}}, got {text.strip()!r}")
    body = body[1:-1].replace("{", " ").replace("}", " ").replace(",", " ").split()
    try:
        arr = np.array([kind(x) for x in body], dtype=kind)
    except ValueError as exc:
        raise MTPFormatError(f"{where}: not a number: {exc}") from None
    if kind is float and not np.all(np.isfinite(arr)):
        raise MTPFormatError(f"{where}: NaN or infinite value")
    return arr


def _rows(text: str, where: str) -> np.ndarray:
    """Parse '{{0, 1, 2, 3}, {...}}' into an (n, 4) int array."""
    flat = _numbers(text, int, where)
    if flat.size % 4:
        raise MTPFormatError(f"{where}: expected rows of 4 integers, got {flat.size} numbers")
    return flat.reshape(-1, 4)


def read_mtp(path: str | os.PathLike) -> MTPModel:
    """Read an MLIP ``.mtp`` file (trained, or an untrained template)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise MTPFormatError(f"{path}: cannot read: {exc}") from None
    if not lines or lines[0].strip() != "MTP":
        raise MTPFormatError(f"{path}:1: first line must be 'MTP'")
    vals: dict = {}
    where: dict = {}
    extra: dict = {}
    radial = None
    n = 1
    while n < len(lines):
        line, loc = lines[n].strip(), f"{path}:{n + 1}"
        n += 1
        if not line:
            continue
        if line == "radial_coeffs":
            for key in ("species_count", "radial_funcs_count", "radial_basis_size"):
                if key not in vals:
                    raise MTPFormatError(f"{loc}: radial_coeffs before {key}")
            s, f, b = vals["species_count"], vals["radial_funcs_count"], vals["radial_basis_size"]
            radial = np.empty((s, s, f, b))
            for i in range(s):
                for j in range(s):
                    if n >= len(lines):
                        raise MTPFormatError(f"{path}:{n}: file ends inside radial_coeffs "
                                             f"(expected block '{i}-{j}')")
                    if lines[n].strip() != f"{i}-{j}":
                        raise MTPFormatError(f"{path}:{n + 1}: expected radial_coeffs block "
                                             f"'{i}-{j}', got {lines[n].strip()!r}")
                    n += 1
                    for mu in range(f):
                        if n >= len(lines):
                            raise MTPFormatError(f"{path}:{n}: file ends inside radial_coeffs "
                                                 f"block {i}-{j} (function {mu} of {f})")
                        row = _numbers(lines[n], float, f"{path}:{n + 1}")
                        if row.size != b:
                            raise MTPFormatError(f"{path}:{n + 1}: radial_coeffs row has "
                                                 f"{row.size} values, radial_basis_size is {b}")
                        radial[i, j, mu] = row
                        n += 1
            if n < len(lines) and lines[n].strip().replace("-", "", 1).isdigit():
                raise MTPFormatError(f"{path}:{n + 1}: radial_coeffs block "
                                     f"{lines[n].strip()!r} beyond species_count = {s} "
                                     f"({s * s} blocks expected)")
            where["radial_coeffs"] = loc
            continue
        if "=" not in line:
            raise MTPFormatError(f"{loc}: expected 'key = value', got {line!r}")
        key, value = (x.strip() for x in line.split("=", 1))
        key = _ALIASES.get(key, key)
        where[key] = loc
        try:
            if key in _INT_KEYS:
                vals[key] = int(value)
            elif key in _FLOAT_KEYS:
                vals[key] = float(value)
                if not np.isfinite(vals[key]):
                    raise MTPFormatError(f"{loc}: {key} is {value}")
            elif key in _STR_KEYS:
                vals[key] = value
            elif key in ("alpha_index_basic", "alpha_index_times"):
                vals[key] = _rows(value, loc)
            elif key == "alpha_moment_mapping":
                vals[key] = _numbers(value, int, loc)
            elif key in ("species_coeffs", "moment_coeffs"):
                vals[key] = _numbers(value, float, loc)
            else:
                extra[key] = value
        except ValueError as exc:
            if isinstance(exc, MTPFormatError):
                raise
            raise MTPFormatError(f"{loc}: bad value for {key}: {value!r}") from None
    for key in _REQUIRED:
        if key not in vals:
            raise MTPFormatError(f"{path}: missing field '{key}' (file ends at line {len(lines)})")
    model = MTPModel(
        species_count=vals["species_count"], min_dist=vals["min_dist"],
        max_dist=vals["max_dist"], radial_basis_size=vals["radial_basis_size"],
        radial_funcs_count=vals["radial_funcs_count"],
        alpha_moments_count=vals["alpha_moments_count"],
        alpha_index_basic=vals["alpha_index_basic"], alpha_index_times=vals["alpha_index_times"],
        alpha_moment_mapping=vals["alpha_moment_mapping"], radial_coeffs=radial,
        species_coeffs=vals.get("species_coeffs"), moment_coeffs=vals.get("moment_coeffs"),
        scaling=vals.get("scaling", 1.0), version=vals.get("version", "1.1.0"),
        potential_name=vals.get("potential_name", "MTP1m"),
        potential_tag=vals.get("potential_tag", ""),
        radial_basis_type=vals["radial_basis_type"], extra=extra)
    _check(model, vals, where, path)
    return model


def _check(m: MTPModel, vals: dict, where: dict, path: Path) -> None:
    """Cross-check counts, shapes and index ranges; raise MTPFormatError on the first error."""
    def fail(key: str, msg: str):
        raise MTPFormatError(f"{where.get(key, path)}: {key}: {msg}")

    if m.radial_basis_type != "RBChebyshev":
        fail("radial_basis_type", f"{m.radial_basis_type!r} not supported (only RBChebyshev)")
    if not 0.0 <= m.min_dist < m.max_dist:
        fail("max_dist", f"need 0 <= min_dist < max_dist, got {m.min_dist}, {m.max_dist}")
    for key, arr in (("alpha_index_basic", m.alpha_index_basic),
                     ("alpha_index_times", m.alpha_index_times)):
        if f"{key}_count" in vals and vals[f"{key}_count"] != len(arr):
            fail(key, f"{len(arr)} rows, but {key}_count = {vals[f'{key}_count']}")
    if "alpha_scalar_moments" in vals and vals["alpha_scalar_moments"] != m.alpha_scalar_moments:
        fail("alpha_moment_mapping", f"{m.alpha_scalar_moments} entries, but "
             f"alpha_scalar_moments = {vals['alpha_scalar_moments']}")
    basic = m.alpha_index_basic
    if len(basic) and (basic[:, 0].max() >= m.radial_funcs_count or basic.min() < 0):
        fail("alpha_index_basic", f"mu must be in [0, radial_funcs_count={m.radial_funcs_count})"
             " and exponents >= 0")
    times = m.alpha_index_times
    if len(times):
        if times[:, [0, 1, 3]].max() >= m.alpha_moments_count or times.min() < 0:
            fail("alpha_index_times", f"indices must be in [0, alpha_moments_count="
                 f"{m.alpha_moments_count})")
        if np.any(times[:, 3] < len(basic)) or np.any(np.maximum(times[:, 0], times[:, 1])
                                                      >= times[:, 3]):
            fail("alpha_index_times", "each row i, j, mult, k needs i, j < k and k past the "
                 "basic moments (tables in dependency order)")
    mp = m.alpha_moment_mapping
    if len(mp) and (mp.max() >= m.alpha_moments_count or mp.min() < 0):
        fail("alpha_moment_mapping", f"indices must be in [0, {m.alpha_moments_count})")
    if m.species_coeffs is not None and len(m.species_coeffs) != m.species_count:
        fail("species_coeffs", f"{len(m.species_coeffs)} values, species_count = "
             f"{m.species_count}")
    if m.moment_coeffs is not None and len(m.moment_coeffs) != m.alpha_scalar_moments:
        fail("moment_coeffs", f"{len(m.moment_coeffs)} values, alpha_scalar_moments = "
             f"{m.alpha_scalar_moments}")


def _fmt(x: float) -> str:
    return repr(float(x))


def _fmt_list(values) -> str:
    return "{" + ", ".join(_fmt(v) for v in values) + "}"


def _fmt_rows(rows: np.ndarray) -> str:
    return "{" + ", ".join("{" + ", ".join(str(int(v)) for v in r) + "}" for r in rows) + "}"


def write_mtp(path: str | os.PathLike, model: MTPModel) -> None:
    """Write ``model`` in MLIP's layout (readable by MLIP, motep and mdfe)."""
    m = model
    out = ["MTP", f"version = {m.version}", f"potential_name = {m.potential_name}",
           f"scaling = {_fmt(m.scaling)}", f"species_count = {m.species_count}",
           f"potential_tag = {m.potential_tag}", f"radial_basis_type = {m.radial_basis_type}",
           f"\tmin_dist = {_fmt(m.min_dist)}", f"\tmax_dist = {_fmt(m.max_dist)}",
           f"\tradial_basis_size = {m.radial_basis_size}",
           f"\tradial_funcs_count = {m.radial_funcs_count}"]
    if m.radial_coeffs is not None:
        out.append("\tradial_coeffs")
        for i in range(m.species_count):
            for j in range(m.species_count):
                out.append(f"\t\t{i}-{j}")
                out += [f"\t\t\t{_fmt_list(r)}" for r in m.radial_coeffs[i, j]]
    out += [f"alpha_moments_count = {m.alpha_moments_count}",
            f"alpha_index_basic_count = {len(m.alpha_index_basic)}",
            f"alpha_index_basic = {_fmt_rows(m.alpha_index_basic)}",
            f"alpha_index_times_count = {len(m.alpha_index_times)}",
            f"alpha_index_times = {_fmt_rows(m.alpha_index_times)}",
            f"alpha_scalar_moments = {m.alpha_scalar_moments}",
            "alpha_moment_mapping = {" + ", ".join(str(int(v)) for v in m.alpha_moment_mapping)
            + "}"]
    if m.species_coeffs is not None:
        out.append(f"species_coeffs = {_fmt_list(m.species_coeffs)}")
    if m.moment_coeffs is not None:
        out.append(f"moment_coeffs = {_fmt_list(m.moment_coeffs)}")
    out += [f"{k} = {v}" for k, v in m.extra.items()]
    Path(path).write_text("\n".join(out) + "\n", encoding="utf-8")
