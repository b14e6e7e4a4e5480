"""Small cases for the run tests (test helper): cracked graphene (Tersoff, ~300 atoms; the
bad-input catalogue edits it) and a cracked Morse triangular sheet (a Bravais lattice:
no Cauchy–Born inner shift to relax per element, so a coupled step costs a few seconds;
the MPI and restart tests run it)."""
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
    return _apply(cfg, changes)


def _apply(cfg: dict, changes: dict) -> dict:
    """``changes`` maps 'section.key' to a new value (None deletes the key)."""
    for dotted, value in changes.items():
        section, key = dotted.split(".")
        if value is None:
            cfg[section].pop(key, None)
        else:
            cfg.setdefault(section, {})[key] = value
    return cfg


def fast_case(**changes) -> dict:
    """The small case on the Morse triangular sheet of examples/triangular_kic.toml."""
    cfg = small_case()
    cfg["structure"]["material"] = "triangular"
    cfg["potential"] = {"kind": "morse", "D": 0.5, "alpha": 2.0, "r0": 2.5, "cutoff": 4.6}
    cfg["md"].update(band_width=6.0, blend_width=2.5, ahead=12.0)   # ahead > 2 r_cut
    cfg["body"].update(width=100.0, height=90.0)    # room for the J annulus around the pad
    cfg["crack"]["tip"] = [45.0, 45.0]
    return _apply(cfg, changes)


def write_case(folder: Path, text: str | None = None, fast: bool = False, **changes) -> Path:
    """Write case.toml into ``folder`` (``text`` verbatim, else the small case; ``fast``:
    the Morse sheet)."""
    path = Path(folder) / "case.toml"
    cfg = (fast_case if fast else small_case)(**changes)
    path.write_text(text if text is not None else dumps_toml(cfg))
    return path
