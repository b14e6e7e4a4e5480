"""``mdfe convert IN OUT``: configurations between MLIP .cfg, mlearn JSON and ASE formats."""
from mdfe.potentials.mtp.configurations import read_configurations, write_configurations

NAME = "convert"
HELP = "convert configurations: .cfg <-> extxyz (or any ASE format; mlearn .json in)"


def add_arguments(parser):
    parser.add_argument("input", help="input file (.cfg, mlearn .json, extxyz, ...)")
    parser.add_argument("output", help="output file (.cfg or an ASE format by suffix)")
    parser.add_argument("--species", nargs="+", metavar="EL",
                        help="elements of .cfg types 0, 1, ... (e.g. --species Mo S)")


def run(args) -> int:
    images = read_configurations(args.input, args.species)
    write_configurations(args.output, images, args.species)
    print(f"{args.input} -> {args.output}: {len(images)} configurations")
    return 0
