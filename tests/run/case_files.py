"""A small cracked-graphene case (Tersoff, ~300 atoms) for the run tests (test helper)."""
from __future__ import annotations

from pathlib import Path

import mdfe  # noqa: F401
from mdfe.run.schema import dumps_toml


def small_case(**changes) -> dict:
    """The case as nested dicts; ``changes`` maps 'section.key' to a new value (None
    deletes the key)."""
    cfg = {
        "structure": {"material": "graphene", "crack_faces": "zigzag"},
        "potential": {"kind": "tersoff", "file": "BNC.tersoff"},
        "body": {"width": 80.0, "height": 70.0, "h_min": 2.0, "h_max": 12.0},
        "crack": {"tip": [40.0, 35.0]},
        "md": {"behind": 5.0, "ahead": 7.0, "half_height": 5.0, "band_width": 5.5},
        "loading": {"mode": "k_field", "k_start": 0.5, "k_step": 0.05, "steps": 2},
        "solver": {"tol": 1e-3},
        "output": {"directory": "out", "progress": False},
    }
    for dotted, value in changes.items():
        section, key = dotted.split(".")
        if value is None:
            cfg[section].pop(key, None)
        else:
            cfg.setdefault(section, {})[key] = value
    return cfg


def write_case(folder: Path, text: str | None = None, **changes) -> Path:
    """Write case.toml into ``folder`` (``text`` verbatim, else the small case)."""
    path = Path(folder) / "case.toml"
    path.write_text(text if text is not None else dumps_toml(small_case(**changes)))
    return path
