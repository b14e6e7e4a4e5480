"""MPI layout planning (pure) and communicator splitting under mpirun."""
from pathlib import Path

import pytest

from mdfe.layout import LayoutError, plan_layout

HERE = Path(__file__).parent


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [1, 2])
def test_shared_layout_puts_every_group_on_every_rank(n, k):
    lay = plan_layout(n, k, mode="shared")
    assert lay.fe_ranks == tuple(range(n))
    assert lay.md_ranks == tuple(tuple(range(n)) for _ in range(k))
    assert lay.shared
    assert all(lay.groups_of(r) == ["fe"] + [f"md{i}" for i in range(k)] for r in range(n))


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("k", [1, 2])
def test_auto_below_four_ranks_is_shared(n, k):
    assert plan_layout(n, k).shared


@pytest.mark.parametrize("n,k", [(2, 1), (3, 1), (3, 2), (4, 1), (4, 2)])
def test_disjoint_layout_partitions_the_world(n, k):
    lay = plan_layout(n, k, mode="disjoint")
    groups = [lay.fe_ranks, *lay.md_ranks]
    assert not lay.shared
    assert sorted(r for g in groups for r in g) == list(range(n))  # each rank exactly once
    assert all(len(g) >= 1 for g in groups)
    assert len(lay.md_ranks) == k


def test_auto_from_four_ranks_is_disjoint_and_follows_work():
    lay = plan_layout(4, 1, fe_dofs=10, md_atoms=[10_000])
    assert not lay.shared
    assert (len(lay.fe_ranks), len(lay.md_ranks[0])) == (1, 3)  # MD carries the work
    lay = plan_layout(4, 1, fe_dofs=10_000_000, md_atoms=[10])
    assert (len(lay.fe_ranks), len(lay.md_ranks[0])) == (3, 1)
    lay = plan_layout(4, 2)
    assert [len(lay.fe_ranks), *map(len, lay.md_ranks)] == [2, 1, 1]


def test_explicit_counts():
    lay = plan_layout(4, 2, fe_ranks=1, md_ranks=[2, 1])
    assert lay.fe_ranks == (0,) and lay.md_ranks == ((1, 2), (3,))


@pytest.mark.parametrize("kwargs,message", [
    (dict(n=4, k=2, fe_ranks=0, md_ranks=[2, 2]), "layout.fe_ranks = 0"),
    (dict(n=4, k=2, fe_ranks=1, md_ranks=[3, 0]), "layout.md_ranks[1] = 0"),
    (dict(n=4, k=2, fe_ranks=1, md_ranks=[1, 1]), "must sum to the number of ranks"),
    (dict(n=4, k=2, fe_ranks=2, md_ranks=[2]), "layout.md_ranks has 1 entries"),
    (dict(n=4, k=1, fe_ranks=2), "give both"),
    (dict(n=2, k=2, mode="disjoint"), "needs at least 3 ranks"),
    (dict(n=3, k=1, mode="diagonal"), "allowed values are auto, shared, disjoint"),
    (dict(n=4, k=1, mode="shared", fe_ranks=2, md_ranks=[2]), "takes no rank counts"),
    (dict(n=2, k=0), "at least one MD region"),
])
def test_impossible_layouts_are_rejected_with_the_key(kwargs, message):
    n, k = kwargs.pop("n"), kwargs.pop("k")
    with pytest.raises(LayoutError) as err:
        plan_layout(n, k, **kwargs)
    assert message in str(err.value)


@pytest.mark.mpi
@pytest.mark.parametrize("n,k,mode", [(1, 1, "shared"), (2, 1, "shared"), (2, 1, "disjoint"),
                                      (3, 2, "disjoint"), (3, 2, "shared"),
                                      (4, 2, "disjoint"), (4, 1, "auto")])
def test_split_world_gives_each_rank_its_groups(run_mpi, n, k, mode):
    out = run_mpi(n, [HERE / "mpi_split_world.py", str(k), mode], timeout=60).stdout
    lay = plan_layout(n, k, mode=mode)
    seen = sorted(line for line in out.splitlines() if line.startswith("rank"))
    expected = []
    for r in range(n):
        groups = [(name, len(lay.fe_ranks) if name == "fe" else len(lay.md_ranks[int(name[2:])]))
                  for name in lay.groups_of(r)]
        expected.append(f"rank {r}: " + " ".join(f"{g}={s}" for g, s in groups))
    assert seen == sorted(expected)
