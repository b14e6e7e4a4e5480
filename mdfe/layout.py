"""MPI layout: the FE group and k MD groups mapped onto MPI_COMM_WORLD.

Two ways to place the groups:

- **disjoint**: every rank belongs to exactly one group; groups run at the same time (needed
  for dynamics and for several MD regions side by side);
- **shared**: every group spans all ranks and the groups run in turn. A quasi-static FE ⇄ MD
  iteration is sequential by nature, so this keeps no rank idle; it is the default below 4
  ranks and gives the same results as disjoint groups.

Rank counts are explicit (``fe_ranks = 2``, ``md_ranks = [1, 1]``) or chosen from work
estimates (atoms per MD region, FE degrees of freedom) by largest remainder, every group
getting at least one rank. :func:`plan_layout` is pure (no MPI); :func:`split_world` builds
the communicators.
"""
from __future__ import annotations

from dataclasses import dataclass

MODES = ("auto", "shared", "disjoint")
#: Below this many ranks, ``mode = "auto"`` shares ranks between groups.
AUTO_DISJOINT_MIN_RANKS = 4
#: Relative cost of one atom vs one FE dof per coupled step (a first estimate: an MD
#: relaxation step with a many-body potential costs ~10-100 µs/atom, an FE dof in a
#: preconditioned CG solve ~1 µs). Only used for the automatic split.
ATOM_COST_PER_DOF = 30.0


class LayoutError(ValueError):
    """An impossible or inconsistent layout request; the message names the key."""


@dataclass(frozen=True)
class Layout:
    """Which world ranks belong to which group.

    fe_ranks: world ranks of the FE group, ascending.
    md_ranks: one tuple of world ranks per MD group, ascending.
    """

    world_size: int
    fe_ranks: tuple[int, ...]
    md_ranks: tuple[tuple[int, ...], ...]

    @property
    def shared(self) -> bool:
        """True when some rank belongs to more than one group (groups run in turn)."""
        n = len(self.fe_ranks) + sum(len(r) for r in self.md_ranks)
        return n > self.world_size

    def groups_of(self, rank: int) -> list[str]:
        """Names of the groups that world rank ``rank`` belongs to ('fe', 'md0', ...)."""
        names = ["fe"] if rank in self.fe_ranks else []
        names += [f"md{i}" for i, r in enumerate(self.md_ranks) if rank in r]
        return names

    def describe(self) -> str:
        """One human-readable line per group."""
        kind = "shared (groups run in turn)" if self.shared else "disjoint (groups run concurrently)"
        lines = [f"MPI layout: {self.world_size} rank(s), {kind}",
                 f"  fe : ranks {_ranges(self.fe_ranks)}"]
        lines += [f"  md{i}: ranks {_ranges(r)}" for i, r in enumerate(self.md_ranks)]
        return "\n".join(lines)


def _ranges(ranks: tuple[int, ...]) -> str:
    return f"{ranks[0]}-{ranks[-1]}" if len(ranks) > 1 else str(ranks[0])


def _split_by_work(n_ranks: int, work: list[float]) -> list[int]:
    """Split n_ranks over groups in proportion to work, each group ≥ 1 (largest remainder)."""
    k = len(work)
    total = sum(work)
    if total <= 0:
        work, total = [1.0] * k, float(k)
    counts = [1] * k
    spare = n_ranks - k
    ideal = [spare * w / total for w in work]
    counts = [c + int(i) for c, i in zip(counts, ideal)]
    order = sorted(range(k), key=lambda g: ideal[g] - int(ideal[g]), reverse=True)
    for g in order[: n_ranks - sum(counts)]:
        counts[g] += 1
    return counts


def plan_layout(world_size: int, n_md: int, *, mode: str = "auto",
                fe_ranks: int | None = None, md_ranks: list[int] | None = None,
                fe_dofs: int | None = None, md_atoms: list[int] | None = None) -> Layout:
    """Choose the layout of 1 FE group and ``n_md`` MD groups on ``world_size`` ranks.

    mode: 'auto' (disjoint from 4 ranks on or when counts are given, else shared),
        'shared' or 'disjoint'.
    fe_ranks, md_ranks: explicit rank counts for disjoint groups; they must be ≥ 1 and sum
        to world_size (give both or neither).
    fe_dofs, md_atoms: work estimates for the automatic disjoint split.
    Raises LayoutError naming the offending key.
    """
    if world_size < 1:
        raise LayoutError(f"world size must be ≥ 1, got {world_size}")
    if n_md < 1:
        raise LayoutError(f"a coupled run needs at least one MD region, got {n_md}")
    if mode not in MODES:
        raise LayoutError(f"layout.mode = {mode!r}: allowed values are {', '.join(MODES)}")
    explicit = fe_ranks is not None or md_ranks is not None
    if explicit:
        counts = _check_counts(world_size, n_md, fe_ranks, md_ranks)
        if mode == "shared":
            raise LayoutError("layout.mode = 'shared' takes no rank counts "
                              "(layout.fe_ranks / layout.md_ranks): every group uses all ranks")
    if mode == "auto":
        mode = "disjoint" if explicit or (world_size >= AUTO_DISJOINT_MIN_RANKS
                                          and world_size >= n_md + 1) else "shared"
    everyone = tuple(range(world_size))
    if mode == "shared":
        return Layout(world_size, everyone, tuple(everyone for _ in range(n_md)))
    if world_size < n_md + 1:
        raise LayoutError(
            f"layout.mode = 'disjoint' needs at least {n_md + 1} ranks (1 FE group + {n_md} MD "
            f"group(s)), but the job has {world_size}; use mode = 'shared' or more ranks")
    if not explicit:
        fe_w = float(fe_dofs) if fe_dofs else 1.0
        md_w = [float(a) * ATOM_COST_PER_DOF for a in md_atoms] if md_atoms else [fe_w] * n_md
        if len(md_w) != n_md:
            raise LayoutError(f"md_atoms has {len(md_w)} entries for {n_md} MD region(s)")
        counts = _split_by_work(world_size, [fe_w, *md_w])
    starts = [sum(counts[:g]) for g in range(len(counts))]
    groups = [tuple(range(s, s + c)) for s, c in zip(starts, counts)]
    return Layout(world_size, groups[0], tuple(groups[1:]))


def _check_counts(world_size: int, n_md: int, fe_ranks, md_ranks) -> list[int]:
    if fe_ranks is None or md_ranks is None:
        raise LayoutError("give both layout.fe_ranks and layout.md_ranks, or neither")
    if isinstance(md_ranks, int):
        md_ranks = [md_ranks]
    if len(md_ranks) != n_md:
        raise LayoutError(f"layout.md_ranks has {len(md_ranks)} entries, but there are "
                          f"{n_md} MD region(s): give one rank count per region")
    counts = [fe_ranks, *md_ranks]
    for name, c in zip(["layout.fe_ranks"] + [f"layout.md_ranks[{i}]" for i in range(n_md)],
                       counts):
        if not isinstance(c, int) or isinstance(c, bool) or c < 1:
            raise LayoutError(f"{name} = {c!r}: every group needs a whole number ≥ 1 of ranks")
    if sum(counts) != world_size:
        raise LayoutError(f"layout.fe_ranks + layout.md_ranks = {sum(counts)} rank(s), but the "
                          f"job has {world_size}: the counts must sum to the number of ranks")
    return counts


@dataclass
class GroupComms:
    """Communicators of this rank: ``fe`` and ``md[i]`` are None where it is not a member."""

    layout: Layout
    fe: object | None
    md: list


def split_world(comm, layout: Layout) -> GroupComms:
    """Build the group communicators of ``layout`` from ``comm`` (collective on comm).

    Shared layouts give every group a duplicate of comm (own context, same ranks);
    disjoint layouts split comm by group.
    """
    if comm.Get_size() != layout.world_size:
        raise LayoutError(f"layout planned for {layout.world_size} ranks, "
                          f"communicator has {comm.Get_size()}")
    if layout.shared:
        return GroupComms(layout, comm.Dup(), [comm.Dup() for _ in layout.md_ranks])
    rank = comm.Get_rank()
    members = [layout.fe_ranks, *layout.md_ranks]
    color = next(g for g, ranks in enumerate(members) if rank in ranks)
    sub = comm.Split(color, rank)
    comms = [sub if g == color else None for g in range(len(members))]
    return GroupComms(layout, comms[0], comms[1:])
