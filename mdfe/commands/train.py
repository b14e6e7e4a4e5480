"""``mdfe train DATA``: fit an MTP (mdfe's trainer, or MLIP's ``mlp`` with --engine mlip)."""
import json
from pathlib import Path

from mdfe.potentials.mtp.calculator import species_numbers
from mdfe.potentials.mtp.configurations import read_configurations
from mdfe.potentials.mtp.crossval import cross_validate, split
from mdfe.potentials.mtp.model import untrained
from mdfe.potentials.mtp.mtp_file import read_mtp, write_mtp
from mdfe.potentials.mtp.trainer import TrainSettings, train

NAME = "train"
HELP = "train an MTP on DFT data (LLS + BFGS, checkpointed, MPI-parallel; or --engine mlip)"


def add_arguments(parser):
    parser.add_argument("data", help="training configurations (.cfg, mlearn .json, extxyz)")
    parser.add_argument("--species", nargs="+", required=True, metavar="EL")
    parser.add_argument("--output", "-o", default="trained.mtp")
    parser.add_argument("--init", help="start potential .mtp (default: untrained template)")
    parser.add_argument("--level", type=int, default=16)
    parser.add_argument("--min-dist", type=float, default=2.0, help="Å")
    parser.add_argument("--max-dist", type=float, default=5.0, help="cut-off, Å")
    parser.add_argument("--energy-weight", type=float, default=1.0)
    parser.add_argument("--forces-weight", type=float, default=0.01)
    parser.add_argument("--stress-weight", type=float, default=0.001)
    parser.add_argument("--max-iter", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", help="resumable checkpoint .mtp (resumes if present)")
    parser.add_argument("--cv", metavar="JSON", help="candidates for k-fold cross-validation, "
                        "e.g. '[{\"level\": 10}, {\"level\": 16, \"max_dist\": 5.5}]'")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--engine", choices=("mdfe", "mlip"), default="mdfe")


def run(args) -> int:
    from mpi4py import MPI

    rank = MPI.COMM_WORLD.rank
    species = species_numbers(args.species)
    images = read_configurations(args.data, args.species)
    settings = TrainSettings(energy_weight=args.energy_weight, forces_weight=args.forces_weight,
                             stress_weight=args.stress_weight, max_iter=args.max_iter,
                             seed=args.seed)
    model_args = dict(level=args.level, min_dist=args.min_dist, max_dist=args.max_dist)
    if args.cv:
        ranked = cross_validate(images, json.loads(args.cv), species, folds=args.folds,
                                base=settings, seed=args.seed)
        best, settings = split(ranked[0]["candidate"], settings)
        model_args.update(best)
        if rank == 0:
            print(json.dumps({"cross_validation": ranked}, indent=1))
    model = (read_mtp(args.init) if args.init
             else untrained(species_count=len(species), **model_args))
    if args.engine == "mlip":
        from mdfe.potentials.mtp.mlip_program import train_with_mlp
        trained = train_with_mlp(model, images, species, settings,
                                 Path(args.output).with_suffix(".mlip"), MPI.COMM_WORLD.size)
    else:
        result = train(model, images, species=species, settings=settings,
                       checkpoint=args.checkpoint)
        trained = result.model
        if rank == 0:
            print(f"{result.iterations} BFGS iterations, loss {result.loss_history[-1:]} "
                  f"({result.stopped_by}, {result.wall_time:.1f} s)")
    if rank == 0:
        write_mtp(args.output, trained)
        print(f"wrote {args.output}")
    return 0
