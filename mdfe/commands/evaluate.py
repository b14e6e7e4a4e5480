"""``mdfe evaluate POT DATA``: errors of a potential on a data set (per group)."""
from mdfe.potentials.mtp.calculator import MTPCalculator
from mdfe.potentials.mtp.configurations import read_configurations
from mdfe.potentials.mtp.metrics import error_table, predict, write_report

NAME = "evaluate"
HELP = "errors (MAE/RMSE per group: energy/atom, forces, stress) of an .mtp on a data set"


def add_arguments(parser):
    parser.add_argument("potential", help=".mtp file")
    parser.add_argument("data", help="configurations with reference data (.cfg, .json, extxyz)")
    parser.add_argument("--species", nargs="+", required=True, metavar="EL",
                        help="elements of the potential's types 0, 1, ...")
    parser.add_argument("--report", metavar="DIR", help="also write JSON + parity PNG here")


def run(args) -> int:
    images = read_configurations(args.data, args.species)
    rows = predict(MTPCalculator(args.potential, args.species), images)
    table = (write_report(rows, args.report, "evaluate") if args.report else error_table(rows))
    print(f"{'group':12s} {'N':>5s} {'E MAE meV/at':>13s} {'E RMSE':>8s} {'F MAE eV/Å':>11s}"
          f" {'F RMSE':>8s} {'S MAE GPa':>10s}")
    for g, t in table.items():
        e, f, s = t["energy_per_atom"], t["forces"], t["stress"]
        fm = f"{f['MAE']:11.4f} {f['RMSE']:8.4f}" if f["N"] else f"{'-':>11s} {'-':>8s}"
        sm = f"{s['MAE']:10.3f}" if s["N"] else f"{'-':>10s}"
        print(f"{g:12s} {e['N']:5d} {1000 * e['MAE']:13.3f} {1000 * e['RMSE']:8.3f} {fm} {sm}")
    return 0
