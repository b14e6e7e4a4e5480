"""``mdfe constants``: material constants of a LAMMPS potential (rank 0 prints)."""
NAME = "constants"
HELP = "lattice constant, elastic constants, edge energies and Griffith K of a potential"

KINDS = ("tersoff", "eam", "snap", "mtp")


def add_arguments(parser):
    parser.add_argument("--pair", choices=KINDS, default="tersoff",
                        help="potential kind (default tersoff)")
    parser.add_argument("--file", default=None,
                        help="potential file (tersoff default BNC.tersoff; snap: prefix)")
    parser.add_argument("--elements", nargs="+", default=None,
                        help="elements in LAMMPS type order (default from material)")
    parser.add_argument("--material", default="graphene",
                        help="graphene, hBN, or a chemical symbol with --structure")
    parser.add_argument("--structure", default=None, help="bulk: diamond, fcc, bcc, ...")
    parser.add_argument("--a-guess", type=float, default=None, help="bulk: start a (Å)")
    parser.add_argument("--thickness", type=float, default=3.35,
                        help="sheet thickness (Å) for K in MPa·√m (default 3.35)")


def _potential(args):
    from mdfe.potentials.lammps_potential import LammpsPotential
    sheets = {"graphene": ("C",), "hBN": ("B", "N")}
    elements = args.elements or sheets.get(args.material, (args.material,))
    if args.pair == "tersoff":
        return LammpsPotential.tersoff(elements, args.file or "BNC.tersoff")
    if args.file is None:
        raise ValueError(f"--file is required for --pair {args.pair}")
    if args.pair == "eam":
        return LammpsPotential.eam(args.file, elements)
    return getattr(LammpsPotential, args.pair)(args.file, elements)


def run(args) -> int:
    from mpi4py import MPI
    from mdfe.potentials.properties import summary
    if MPI.COMM_WORLD.Get_rank() != 0:
        return 0
    pot = _potential(args)
    if args.structure is None:
        out = summary.sheet_constants(pot, args.material, args.thickness)
    else:
        from ase.data import atomic_numbers, reference_states
        guess = args.a_guess or reference_states[atomic_numbers[args.material]].get("a")
        out = summary.bulk_constants(pot, args.material, args.structure, guess)
    print(f"potential: {pot.pair_style} {' '.join(pot.pair_coeff)}\n"
          + summary.format_constants(out), flush=True)
    return 0
