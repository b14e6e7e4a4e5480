"""Region geometry: signed distance, layers, blending weight, and the input checks."""
import numpy as np
import pytest

from mdfe.coupling.geometry import (BAND, CORE, OUTSIDE, PAD, GeometryError, Outline,
                                    RegionGeometry, blend_weight, check_regions)


def inside_box(lo, hi):
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    return lambda X: np.all((X >= lo - 1e-12) & (X <= hi + 1e-12), axis=1)


def test_box_signed_distance_matches_brute_force():
    """d(X) of a rounded box equals the distance to a dense sampling of its boundary."""
    o = Outline((0.0, 0.0), (4.0, 2.0), radius=1.0)
    t = np.linspace(0, 2 * np.pi, 20001)
    # boundary of the rounded box: four quarter circles joined by straight segments
    arcs = []
    for c in [(4, 2), (0, 2), (0, 0), (4, 0)]:
        arcs.append(np.column_stack([c[0] + np.cos(t), c[1] + np.sin(t)]))
    ring = np.vstack(arcs)
    ring = ring[np.abs(o.distance(ring)) < 1e-12]
    segs = [np.column_stack([np.linspace(0, 4, 4001), np.full(4001, 3.0)]),
            np.column_stack([np.linspace(0, 4, 4001), np.full(4001, -1.0)]),
            np.column_stack([np.full(2001, -1.0), np.linspace(0, 2, 2001)]),
            np.column_stack([np.full(2001, 5.0), np.linspace(0, 2, 2001)])]
    boundary = np.vstack([ring] + segs)
    rng = np.random.default_rng(1)
    X = rng.uniform([-3, -3], [7, 5], size=(300, 2))
    brute = np.min(np.linalg.norm(X[:, None] - boundary[None], axis=2), axis=1)
    d = o.distance(X)
    inside = d < 0
    assert np.allclose(np.abs(d), brute, atol=2e-3)
    # inside points are exactly those within 1 Å of the inner box
    q = np.linalg.norm(np.maximum(0, np.maximum(-X, X - [4, 2])), axis=1)
    assert np.array_equal(inside, q < 1.0)


def test_disc_and_gap():
    a = Outline.disc((0.0, 0.0), 2.0)
    b = Outline.disc((5.0, 0.0), 1.0)
    assert a.distance(np.array([[3.0, 4.0]]))[0] == pytest.approx(3.0)
    assert a.gap(b) == pytest.approx(2.0)
    box = Outline.box((4.0, -1.0), (6.0, 1.0))
    assert a.gap(box) == pytest.approx(2.0)
    assert a.grown(2.5).gap(b) < 0


def test_layers_and_weight():
    r = RegionGeometry(Outline.box((-5, -5), (5, 5)), band_width=4.0, pad_width=6.0,
                       blend_width=2.0)
    X = np.array([[0, 0], [6, 0], [8.5, 0], [12, 0], [20, 0]], float)
    assert r.roles(X).tolist() == [CORE, BAND, BAND, PAD, OUTSIDE]
    w = r.weight(X)
    assert w[0] == 0.0 and w[2] == 1.0 and w[4] == 1.0
    assert w[1] == pytest.approx(0.5)                      # d = 1 = blend_width / 2
    d = np.linspace(-1, 3, 401)
    wd = blend_weight(d, 2.0)
    assert np.all(np.diff(wd) >= 0) and wd.min() == 0 and wd.max() == 1
    # C1: the slope vanishes at both ends of the ramp
    assert (blend_weight(1e-6, 2.0) / 1e-6) < 1e-5
    assert (1 - blend_weight(2 - 1e-6, 2.0)) / 1e-6 < 1e-5


def test_damping_ramp():
    r = RegionGeometry(Outline.box((-5, -5), (5, 5)), 4.0, 6.0, damping_width=2.0)
    g = r.damping_fraction(np.array([[0, 0], [-4, 0], [-5, 0], [-3, 0], [6, 0]], float))
    assert g.tolist() == pytest.approx([0.0, 0.5, 1.0, 0.0, 0.0])


@pytest.mark.parametrize("kwargs, key", [
    (dict(band_width=0.0, pad_width=5.0), "band_width"),
    (dict(band_width=2.0, pad_width=-1.0), "pad_width"),
    (dict(band_width=2.0, pad_width=5.0, blend_width=3.0), "blend_width"),
    (dict(band_width=2.0, pad_width=5.0, damping_width=-1.0), "damping_width"),
])
def test_bad_widths_name_the_key(kwargs, key):
    with pytest.raises(GeometryError, match=key):
        RegionGeometry(Outline.box((0, 0), (1, 1)), **kwargs)


def test_bad_outline():
    with pytest.raises(GeometryError, match="lo <= hi"):
        Outline.box((1, 0), (0, 1))
    with pytest.raises(GeometryError, match="radius"):
        Outline((0, 0), (1, 1), -1.0)


def test_check_regions_errors():
    body = inside_box((0, 0), (100, 100))
    core = Outline.box((40, 40), (60, 60))
    ok = RegionGeometry(core, band_width=3.0, pad_width=6.0, name="tip")
    check_regions([ok], cutoff=3.0, inside_body=body)
    with pytest.raises(GeometryError, match=r"tip\.band_width .* cutoff"):
        check_regions([RegionGeometry(core, 2.0, 6.0, name="tip")], 3.0, body)
    with pytest.raises(GeometryError, match=r"tip\.pad_width .* 2 r_cut"):
        check_regions([RegionGeometry(core, 3.0, 5.0, name="tip")], 3.0, body)
    with pytest.raises(GeometryError, match="outside the body"):
        near_edge = RegionGeometry(Outline.box((2, 40), (20, 60)), 3.0, 6.0, name="edge")
        check_regions([near_edge], 3.0, body)
    other = RegionGeometry(Outline.disc((78, 50), 4.0), 3.0, 6.0, name="other")
    with pytest.raises(GeometryError, match="tip and other overlap"):
        check_regions([ok, other], 3.0, body)
    far = RegionGeometry(Outline.disc((85, 50), 4.0), 3.0, 6.0, name="far")
    check_regions([ok, far], 3.0, body)
    with pytest.raises(GeometryError, match="unique"):
        check_regions([ok, ok], 3.0, body)


def test_boundary_points_lie_on_outline():
    for o in (Outline.box((0, 0, 0), (3, 2, 1)), Outline.disc((1, 1), 3.0),
              Outline((0, 0), (5, 1), 2.0)):
        p = o.boundary_points(0.5)
        assert len(p) > 8
        assert np.abs(o.distance(p)).max() < 1e-9
