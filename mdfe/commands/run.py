"""``mdfe run case.toml`` (also under ``mpirun -n N``): a coupled fracture run."""
NAME = "run"
HELP = "run a coupled FE-MD fracture case (K-field or strain loading) from a TOML file"


def add_arguments(parser):
    parser.add_argument("case", nargs="?", help="the case file (TOML)")
    parser.add_argument("--restart", metavar="DIR", default=None,
                        help="continue the run in DIR from its last checkpoint")


def run(args) -> int:
    import sys
    from mdfe.config import ConfigError
    from mdfe.run.driver import run_case
    if (args.case is None) == (args.restart is None):
        print("mdfe run: give a case file or --restart DIR (not both)", file=sys.stderr)
        return 2
    try:
        summary = run_case(args.case, restart=args.restart)
    except ConfigError as exc:
        print(f"mdfe run: {exc}", file=sys.stderr)
        return 2
    from mpi4py import MPI
    if MPI.COMM_WORLD.Get_rank() == 0:
        k = summary["K_IC_over_KG"]
        print(f"K_G = {summary['K_G_eV_A1.5']:.4f} eV/Å^1.5 = {summary['K_G_MPa_sqrt_m']:.3f} "
              f"MPa·√m (t = {summary['thickness_A']} Å); K_IC/K_G = "
              f"{'no rupture' if k is None else f'{k:.4f}'}; {summary['stopped']}", flush=True)
    return 0
