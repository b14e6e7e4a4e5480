"""``mdfe info``: the stack's versions and the MPI layout, printed once (rank 0)."""
from mdfe.info import format_report, stack_report
from mdfe.layout import plan_layout

NAME = "info"
HELP = "versions of MPI, PETSc, LAMMPS, ASE, numpy; pair_style mtp; the MPI layout"


def add_arguments(parser):
    parser.add_argument("--md-regions", type=int, default=1, metavar="K",
                        help="number of MD regions for the layout shown (default 1)")


def run(args) -> int:
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    report = stack_report() if comm.Get_rank() == 0 else None
    layout = plan_layout(comm.Get_size(), args.md_regions)
    if comm.Get_rank() == 0:
        print(format_report(report, layout.describe()), flush=True)
    return 0
