"""``mdfe smoke``: PETSc (2D Poisson, KSP) on the FE group and LAMMPS (Tersoff graphene
NVE) on an MD group in one MPI job — the stack works together."""
import json

from mdfe.layout import MODES
from mdfe.smoke import run_smoke

NAME = "smoke"
HELP = "PETSc solve on the FE group and LAMMPS MD on an MD group, in one MPI job"


def add_arguments(parser):
    parser.add_argument("--mode", choices=MODES, default="auto",
                        help="layout of the groups (default: auto)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args) -> int:
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    result = run_smoke(comm, args.mode)
    if comm.Get_rank() == 0:
        if args.json:
            print(json.dumps({"poisson": result.poisson, "md": result.md}), flush=True)
        else:
            p, m = result.poisson, result.md
            print(result.layout)
            print(f"FE  Poisson 64x64: |u| = {p['norm']:.12e}, u(centre) = {p['centre']:.12e}, "
                  f"{p['iterations']} CG iterations")
            print(f"MD  Tersoff graphene, {m['atoms']} atoms, 200 NVE steps: "
                  f"PE = {m['pe']:.10f} eV, KE = {m['ke']:.10f} eV", flush=True)
    return 0
