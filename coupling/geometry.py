"""Geometry of an MD region in the FE reference frame: outline, layers, blending weight.

An :class:`Outline` is an axis-aligned box ``[lo, hi]`` rounded by ``radius`` (Å): with
``radius = 0`` a box, with ``lo == hi`` a disc (2D) or sphere (3D). Its signed distance
``d(X)`` (Å, negative inside) defines the layers of a :class:`RegionGeometry`
(docs/coupling.md, section 1)::

    damping band  -damping_width < d <= 0      (part of the core; dynamics only)
    core          d <= 0
    band          0 < d <= band_width          (atoms prescribed by the FE, forces used)
    pad           band_width < d <= band_width + pad_width   (prescribed, forces unused)

:func:`blend_weight` is the FE node weight w(d): 0 up to the inner edge of the band, rising
smoothly (3t² − 2t³) to 1 at ``blend_width``. :func:`check_regions` validates a set of
regions against the body and the potential's cutoff before anything is built.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

import numpy as np

#: Integer role codes of atoms (per-atom arrays use these).
CORE, BAND, PAD, OUTSIDE = 0, 1, 2, 3
ROLE_NAMES = {CORE: "core", BAND: "band", PAD: "pad", OUTSIDE: "outside"}


class GeometryError(ValueError):
    """Invalid region geometry; the message names the key and what is allowed."""


@dataclasses.dataclass(frozen=True)
class Outline:
    """Rounded axis-aligned box: points within ``radius`` of the box [lo, hi] (Å)."""

    lo: tuple[float, ...]
    hi: tuple[float, ...]
    radius: float = 0.0

    def __post_init__(self):
        lo, hi = np.asarray(self.lo, float), np.asarray(self.hi, float)
        if lo.shape != hi.shape or lo.ndim != 1 or lo.size not in (2, 3):
            raise GeometryError(f"outline: lo {self.lo} and hi {self.hi} must both have 2 or 3 "
                                "coordinates")
        if np.any(hi < lo) or not np.all(np.isfinite(np.r_[lo, hi])):
            raise GeometryError(f"outline: need finite lo <= hi per axis, got lo={self.lo}, "
                                f"hi={self.hi}")
        if not self.radius >= 0.0:
            raise GeometryError(f"outline: radius must be >= 0 Å, got {self.radius}")
        if self.radius == 0.0 and np.any(hi == lo):
            raise GeometryError("outline: a box needs hi > lo on every axis (or give a radius)")

    @classmethod
    def box(cls, lo, hi) -> "Outline":
        return cls(tuple(map(float, lo)), tuple(map(float, hi)), 0.0)

    @classmethod
    def disc(cls, center, radius: float) -> "Outline":
        """A disc (2D) or sphere (3D) of ``radius`` Å about ``center``."""
        c = tuple(map(float, center))
        return cls(c, c, float(radius))

    @property
    def dim(self) -> int:
        return len(self.lo)

    def distance(self, X: np.ndarray) -> np.ndarray:
        """Signed distance (m,) in Å of points X (m, dim): < 0 inside, > 0 outside."""
        X = np.atleast_2d(np.asarray(X, float))[:, :self.dim]
        q = np.maximum(np.asarray(self.lo) - X, X - np.asarray(self.hi))
        outside = np.linalg.norm(np.maximum(q, 0.0), axis=1)
        return outside + np.minimum(q.max(axis=1), 0.0) - self.radius

    def gap(self, other: "Outline") -> float:
        """Distance (Å) between the two rounded boxes; <= 0 when they overlap."""
        sep = np.maximum(0.0, np.maximum(np.asarray(other.lo) - np.asarray(self.hi),
                                         np.asarray(self.lo) - np.asarray(other.hi)))
        return float(np.linalg.norm(sep)) - self.radius - other.radius

    def grown(self, by: float) -> "Outline":
        """The outline offset outwards by ``by`` Å (the set d(X) <= by)."""
        return Outline(self.lo, self.hi, self.radius + by)

    def boundary_points(self, spacing: float) -> np.ndarray:
        """Points (m, dim) on the outline, at most ``spacing`` Å apart along it (2D), or on
        a grid over the faces and rounded parts (3D); used to test containment in a body."""
        lo, hi, r, d = np.asarray(self.lo), np.asarray(self.hi), self.radius, self.dim
        n = np.maximum(2, np.ceil((hi - lo + 2 * r) / spacing).astype(int) + 1)
        axes = [np.linspace(lo[k] - r, hi[k] + r, n[k]) for k in range(d)]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, d)
        # project every grid point radially onto the zero level set of the distance
        center = np.clip(grid, lo, hi)
        v = grid - center
        norm = np.linalg.norm(v, axis=1)
        on_box = norm == 0.0
        v[on_box] = 0.0
        pts = np.where(on_box[:, None], grid, center + v * (r / np.where(on_box, 1, norm))[:, None])
        keep = np.abs(self.distance(pts)) <= 1e-9 * max(1.0, float(np.abs(pts).max()))
        return pts[keep]


def blend_weight(d: np.ndarray, blend_width: float) -> np.ndarray:
    """FE weight w(d) in [0, 1] at signed distances d (Å): 0 for d <= 0, smoothstep
    3t² − 2t³ of t = d / blend_width, 1 for d >= blend_width."""
    t = np.clip(np.asarray(d, float) / blend_width, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


@dataclasses.dataclass(frozen=True)
class RegionGeometry:
    """One MD region: outline of its core plus layer widths (Å).

    band_width: handshake band (atoms prescribed by the FE, forces used), >= r_cut.
    pad_width: pad beyond the band (prescribed, forces discarded), >= 2 r_cut.
    blend_width: width over which the FE node weight rises from 0 to 1, in (0, band_width];
        default band_width / 2.
    damping_width: Langevin band inside the core for dynamics (0: none).
    """

    core: Outline
    band_width: float
    pad_width: float
    blend_width: float | None = None
    damping_width: float = 0.0
    name: str = "region"

    def __post_init__(self):
        for key in ("band_width", "pad_width"):
            v = getattr(self, key)
            if not (np.isfinite(v) and v > 0):
                raise GeometryError(f"{self.name}.{key} must be a positive length in Å, got {v}")
        if self.blend_width is None:
            object.__setattr__(self, "blend_width", 0.5 * self.band_width)
        if not 0.0 < self.blend_width <= self.band_width:
            raise GeometryError(f"{self.name}.blend_width must be in (0, band_width="
                                f"{self.band_width}] Å, got {self.blend_width}")
        if not self.damping_width >= 0.0:
            raise GeometryError(f"{self.name}.damping_width must be >= 0 Å, got "
                                f"{self.damping_width}")

    @property
    def dim(self) -> int:
        return self.core.dim

    @property
    def outer(self) -> Outline:
        """Outline of everything the MD region holds (core, band and pad)."""
        return self.core.grown(self.band_width + self.pad_width)

    def distance(self, X: np.ndarray) -> np.ndarray:
        """Signed distance (m,) from the core outline, Å."""
        return self.core.distance(X)

    def roles(self, X: np.ndarray) -> np.ndarray:
        """Role code (m,) of reference sites X (m, >= dim): CORE, BAND, PAD or OUTSIDE."""
        d = self.distance(X)
        role = np.full(d.shape, OUTSIDE, dtype=np.int8)
        role[d <= self.band_width + self.pad_width] = PAD
        role[d <= self.band_width] = BAND
        role[d <= 0.0] = CORE
        return role

    def weight(self, X: np.ndarray) -> np.ndarray:
        """FE blending weight w (m,) at points X: 0 in the core, 1 beyond blend_width."""
        return blend_weight(self.distance(X), self.blend_width)

    def damping_fraction(self, X: np.ndarray) -> np.ndarray:
        """Langevin damping ramp (m,) in [0, 1]: 0 inside the undamped core, rising to 1 at
        the core outline across damping_width; 0 everywhere when damping_width == 0."""
        if self.damping_width == 0.0:
            return np.zeros(len(np.atleast_2d(X)))
        d = self.distance(X)
        return np.where(d <= 0.0, blend_weight(d + self.damping_width, self.damping_width), 0.0)


def check_regions(regions: Sequence[RegionGeometry], cutoff: float,
                  inside_body: Callable[[np.ndarray], np.ndarray], spacing: float = 1.0) -> None:
    """Validate regions before any solve; raise GeometryError naming the key.

    cutoff: the potential's largest interaction distance r_cut, Å.
    inside_body: maps points (m, dim) to a bool mask (m,), True inside the FE body (e.g.
        ``lambda X: fe.locate(X)[0] >= 0``).
    spacing: Å between the outline points tested against the body.
    """
    if not (np.isfinite(cutoff) and cutoff > 0):
        raise GeometryError(f"cutoff must be a positive length in Å, got {cutoff}")
    names = [r.name for r in regions]
    if len(set(names)) != len(names):
        raise GeometryError(f"region names must be unique, got {names}")
    for r in regions:
        if r.band_width < cutoff:
            raise GeometryError(f"{r.name}.band_width = {r.band_width} Å is narrower than the "
                                f"potential's cutoff {cutoff} Å; it must be >= r_cut")
        if r.pad_width < 2.0 * cutoff:
            raise GeometryError(f"{r.name}.pad_width = {r.pad_width} Å is thinner than 2 r_cut "
                                f"= {2 * cutoff} Å (many-body forces reach neighbours of "
                                "neighbours); it must be >= 2 r_cut")
        pts = r.outer.boundary_points(spacing)
        inside = np.asarray(inside_body(pts), bool)
        if not inside.all():
            bad = pts[np.flatnonzero(~inside)[0]]
            raise GeometryError(f"{r.name}: the region (core + band + pad) reaches outside the "
                                f"body, e.g. at {np.round(bad, 3).tolist()} Å; move or shrink it")
    check_disjoint(regions)


def check_disjoint(regions: Sequence[RegionGeometry]) -> None:
    """GeometryError unless the regions (pads included) are pairwise disjoint and of one
    dimension."""
    for i, a in enumerate(regions):
        for b in regions[i + 1:]:
            if a.dim != b.dim:
                raise GeometryError(f"{a.name} and {b.name} have different dimensions")
            if a.outer.gap(b.outer) <= 0.0:
                raise GeometryError(f"regions {a.name} and {b.name} overlap (pads included, gap "
                                    f"{a.outer.gap(b.outer):.3f} Å); they must be disjoint")
