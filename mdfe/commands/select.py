"""``mdfe select POT TRAIN CANDIDATES``: MaxVol extrapolation grades, and the candidates
above a threshold written for DFT labelling (artificial atoms skipped)."""
import numpy as np

from mdfe.potentials.mtp.configurations import read_configurations, write_configurations
from mdfe.potentials.mtp.grade import ARTIFICIAL_ARRAY, ExtrapolationGrader, select_configurations
from mdfe.potentials.mtp.mtp_file import read_mtp

NAME = "select"
HELP = "extrapolation grade (MaxVol) of trajectory frames; write those above a threshold"


def add_arguments(parser):
    parser.add_argument("potential", help="trained .mtp")
    parser.add_argument("training", help="the potential's training set (defines the active set)")
    parser.add_argument("candidates", help="configurations to grade (e.g. an MD trajectory)")
    parser.add_argument("--species", nargs="+", required=True, metavar="EL")
    parser.add_argument("--threshold", type=float, default=2.0, help="select grade >= this")
    parser.add_argument("--max", type=int, default=None, help="at most this many, highest first")
    parser.add_argument("--output", "-o", default="selected.cfg")
    parser.add_argument("--mask-array", default=ARTIFICIAL_ARRAY,
                        help="per-atom boolean array in the candidates flagging artificial "
                             f"atoms (default '{ARTIFICIAL_ARRAY}')")


def run(args) -> int:
    frames = read_configurations(args.candidates, args.species)
    masks = [np.asarray(a.arrays.get(args.mask_array, np.zeros(len(a))), dtype=bool)
             for a in frames]
    grader = ExtrapolationGrader(read_mtp(args.potential), args.species,
                                 read_configurations(args.training, args.species))
    grades = grader.grade(frames, masks)
    chosen = select_configurations(grades, args.threshold, args.max)
    for i, g in enumerate(grades):
        frames[i].info["MV_grade"] = g.configuration
        print(f"{i:6d} {g.configuration:10.3f}{'  selected' if i in chosen else ''}")
    write_configurations(args.output, [frames[i] for i in chosen], args.species)
    print(f"{len(chosen)} of {len(frames)} configurations with grade >= {args.threshold} "
          f"-> {args.output}")
    return 0
