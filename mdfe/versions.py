"""Installed versions of Python distributions, without importing them (no PETSc start-up)."""
from __future__ import annotations

import importlib.metadata


def installed_version(dist: str) -> str:
    """The installed version of distribution ``dist``, or "not installed"."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"
