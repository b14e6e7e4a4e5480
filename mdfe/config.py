"""Run configuration: a TOML file checked against a schema before anything starts.

A schema is a nested dict: section name → dict of :class:`Key`, or a nested section.
:func:`load_config` reads the file, rejects unknown keys, wrong types and bad values with a
:class:`ConfigError` that names the file and the dotted key, fills in defaults, and returns
plain nested dicts. Every rank reads and validates the file itself (the file is small), so
every rank fails the same way on a bad config and nothing starts.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from mdfe.layout import MODES


class ConfigError(ValueError):
    """A bad run configuration; the message names the file and the key."""


_REQUIRED = object()


@dataclass(frozen=True)
class Key:
    """One configuration key.

    types: accepted Python types (bool is never accepted as int or float).
    default: value when absent; omit for a required key.
    check: predicate on the value; ``allowed`` describes what it accepts.
    """

    types: tuple
    default: Any = _REQUIRED
    check: Callable[[Any], bool] | None = None
    allowed: str = ""
    help: str = ""
    item_types: tuple | None = field(default=None)


def _type_ok(value, types) -> bool:
    if isinstance(value, bool):
        return bool in types
    if int in types and float in types and isinstance(value, int):
        return True
    return isinstance(value, types)


def _type_names(types) -> str:
    return " or ".join({bool: "boolean", int: "integer", float: "number", str: "string",
                        list: "array", dict: "table"}.get(t, t.__name__) for t in types)


def _validate(data: dict, schema: dict, where: str, source: str) -> dict:
    out = {}
    for name in data:
        if name not in schema:
            allowed = ", ".join(sorted(schema)) or "(none)"
            raise ConfigError(f"{source}: unknown key '{where}{name}'; "
                              f"allowed here: {allowed}")
    for name, spec in schema.items():
        dotted = f"{where}{name}"
        if isinstance(spec, dict):
            sub = data.get(name, {})
            if not isinstance(sub, dict):
                raise ConfigError(f"{source}: '{dotted}' must be a table [{dotted}]")
            out[name] = _validate(sub, spec, f"{dotted}.", source)
            continue
        if name not in data:
            if spec.default is _REQUIRED:
                raise ConfigError(f"{source}: missing required key '{dotted}' ({spec.help})")
            out[name] = spec.default
            continue
        value = data[name]
        if not _type_ok(value, spec.types):
            raise ConfigError(f"{source}: '{dotted}' = {value!r}: expected "
                              f"{_type_names(spec.types)}")
        if spec.item_types and isinstance(value, list):
            bad = [v for v in value if not _type_ok(v, spec.item_types)]
            if bad:
                raise ConfigError(f"{source}: '{dotted}' = {value!r}: every entry must be "
                                  f"{_type_names(spec.item_types)}, got {bad[0]!r}")
        if spec.check is not None and not spec.check(value):
            raise ConfigError(f"{source}: '{dotted}' = {value!r}: allowed: {spec.allowed}")
        out[name] = value
    return out


def validate(data: dict, schema: dict, source: str = "<config>") -> dict:
    """Check ``data`` against ``schema``; return it with defaults filled in."""
    return _validate(data, schema, "", source)


def load_config(path: str | Path, schema: dict) -> dict:
    """Read the TOML file ``path`` and validate it against ``schema``."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return validate(data, schema, str(path))


#: The ``[layout]`` section shared by every run that couples FE and MD groups.
LAYOUT_SCHEMA = {
    "mode": Key((str,), "auto", lambda v: v in MODES, ", ".join(MODES),
                help="how FE and MD groups share MPI ranks"),
    "fe_ranks": Key((int,), 0, lambda v: v >= 0, "0 (automatic) or a whole number ≥ 1",
                    help="ranks of the FE group in a disjoint layout"),
    "md_ranks": Key((list,), [], lambda v: all(x >= 1 for x in v),
                    "[] (automatic) or one whole number ≥ 1 per MD region",
                    help="ranks of each MD group in a disjoint layout", item_types=(int,)),
}


def layout_from_config(section: dict, world_size: int, n_md: int, *, fe_dofs=None,
                       md_atoms=None):
    """The :class:`~mdfe.layout.Layout` that a validated ``[layout]`` section asks for."""
    from mdfe.layout import plan_layout

    explicit = section["fe_ranks"] > 0 or section["md_ranks"]
    return plan_layout(world_size, n_md, mode=section["mode"],
                       fe_ranks=section["fe_ranks"] if explicit else None,
                       md_ranks=section["md_ranks"] if explicit else None,
                       fe_dofs=fe_dofs, md_atoms=md_atoms)
