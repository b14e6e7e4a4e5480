"""The markdown of a ship report (the dict of :func:`mdfe.potentials.dft.ship.write_report`):
the error table (all entries and per config_type), one section per sheet material (its
sheet constants, strain paths, fracture checks, published values) and the C|BN interface
section when the data hold interface entries, the bending section when they hold corrugated
cells."""
from __future__ import annotations

import numpy as np


def markdown(name: str, report: dict) -> str:
    """The whole report as markdown text."""
    lines = [f"# {name}: training report", "",
             f"{report['n_train']} training / {report['n_test']} test configurations; "
             f"{report['iterations']} BFGS iterations ({report['stopped_by']}), "
             f"{report['wall_time_s']:.0f} s.", "",
             *([f"**{report['note']}**", ""] if report.get("note") else []),
             *_error_lines(report["errors"])]
    parts = report["materials"] if "materials" in report else {report["material"]: report}
    for material, part in parts.items():
        lines += _material_lines(material, part)
    if report.get("interface"):
        lines += _interface_lines(report["interface"])
    if report.get("bending"):
        lines += _bending_lines(report["bending"])
    return "\n".join(lines) + "\n"


def _error_lines(errors: dict) -> list[str]:
    """One table: train and test over all entries, then the test errors per config_type."""
    lines = ["| set | E MAE meV/atom | E RMSE meV/atom | F MAE eV/Å | F RMSE eV/Å |",
             "|---|---|---|---|---|"]
    rows = [(part, errors[part]["all"]) for part in ("train", "test")]
    rows += [(f"test: {group}", t) for group, t in errors["test"].items()
             if group not in ("all", "")]
    for label, t in rows:
        if t["energy_per_atom"]["MAE"] is None:
            continue
        f = (f"{t['forces']['MAE']:.3f} | {t['forces']['RMSE']:.3f}"
             if t["forces"]["MAE"] is not None else "– | –")
        lines.append(f"| {label} | {1e3 * t['energy_per_atom']['MAE']:.2f} | "
                     f"{1e3 * t['energy_per_atom']['RMSE']:.2f} | {f} |")
    return lines


def _material_lines(material: str, part: dict) -> list[str]:
    """One sheet material's section (``part``: :func:`.ship.material_report`)."""
    lines = ["", f"## {material}", "",
             "| quantity | DFT (same set-up) | potential | deviation |", "|---|---|---|---|"]
    d, p = part["sheet"]["dft"], part["sheet"]["potential"]
    if p["a"] is None:
        lines.append(f"| a (Å) | {d['a']:.4f} | none | {p['a_error']} |")
    else:
        lines.append(f"| a (Å) | {d['a']:.4f} | {p['a']:.4f} | "
                     f"{100 * (p['a'] / d['a'] - 1):+.2f} % |")
    for kind in ("relaxed", "clamped"):
        for key in ("C11", "C22", "C12", "C66"):
            lines.append(f"| {key} {kind} (N/m) | {d[kind][key]:.1f} | {p[kind][key]:.1f} | "
                         f"{100 * (p[kind][key] / d[kind][key] - 1):+.1f} % |")
    lines += ["", "Local minima of the energy along affine strain paths, ε = −10 … +30 % "
              "(one, at ε ≈ 0, expected):"]
    for path, res in part["strain_paths"].items():
        lines.append(f"- {path}: {res['local_minima_at']}")
    if part.get("fracture"):
        lines += _fracture_markdown(part["fracture"])
    if part.get("published"):
        lines += ["", f"Published PBE: {part['published']}"]
    return lines


def _interface_lines(section: dict) -> list[str]:
    """The interface section (:func:`.interface_props.interface_report`)."""
    from .interface_props import BOND_RANGE, MAX_SPREAD, REPEATS
    lines = ["", "## C|BN interface", "",
             "Labelled interface entries, DFT vs potential on the same geometry:", "",
             "| config_id | set | strain (xx, yy, xy) | rattle (Å) | E DFT (eV/atom) | "
             "E potential (eV/atom) | ΔE (meV/atom) | F MAE (eV/Å) |", "|---" * 8 + "|"]
    for r in section["entries"]:
        lines.append(f"| {r['config_id']} | {r['set']} | "
                     f"{', '.join(f'{x:+.3f}' for x in r['strain'])} | {r['rattle']:.3f} | "
                     f"{r['energy_per_atom_dft']:.4f} | {r['energy_per_atom_potential']:.4f} | "
                     f"{1e3 * (r['energy_per_atom_potential'] - r['energy_per_atom_dft']):+.2f} "
                     f"| {r['force_MAE']:.3f} |")
    st = section["stability"]
    lines += ["", f"Stripe stability (LAMMPS): the unstrained stripe ({REPEATS} cells along x, "
              f"{st['n_atoms']} atoms, a = {st['a']:.4f} Å), atoms rattled by "
              f"{st['rattle_A']} Å, relaxed by CG at fixed cell. Pass: every interface "
              f"bond within {BOND_RANGE[0]}–{BOND_RANGE[1]} Å and max z − min z ≤ "
              f"{MAX_SPREAD} Å.",
              "",
              "| bond | count | min (Å) | mean (Å) | max (Å) |", "|---|---|---|---|---|"]
    for kind, b in st["bonds"].items():
        lines.append(f"| {kind} | {b['n']} | {b['min_A']:.3f} | {b['mean_A']:.3f} | "
                     f"{b['max_A']:.3f} |")
    lines += ["", f"Largest displacement from the ideal stripe {st['max_displacement_A']:.3f} Å, "
              f"z spread {st['z_spread_A']:.3f} Å: "
              f"{'passed' if st['passed'] else '**not passed**'}."]
    return lines


def _bending_lines(rows: list[dict]) -> list[str]:
    """The bending section (:func:`.bending_props.bending_table`)."""
    lines = ["", "## Bending", "",
             "Corrugated cells z = A cos(2πy/L_y + φ) (atoms moved in z only) against the flat "
             "cell: E(A) − E(flat), DFT vs potential on the same geometry:", "",
             "| config_id | config_type | A (Å) | φ (rad) | curvature (1/Å) | DFT (meV/atom) | "
             "potential (meV/atom) | potential / DFT |", "|---" * 8 + "|"]
    for r in rows:
        lines.append(f"| {r['config_id']} | {r['config_type']} | {r['amplitude_A']:.2f} | "
                     f"{r['phase']:.2f} | {r['curvature_per_A']:.3f} | "
                     f"{r['energy_dft_meV_per_atom']:.2f} | "
                     f"{r['energy_potential_meV_per_atom']:.2f} | {r['ratio']:.2f} |")
    return lines


def _fracture_markdown(fr: dict) -> list[str]:
    """Report lines of :func:`fracture_report`."""
    lmp, pub = fr["lammps"], fr["published"]
    lines = ["", f"### Fracture ({fr['material']})", "",
             "Edge energies γ (eV/Å). Unrelaxed: the labelled unstrained ribbons (narrow, "
             "as cut at a0) vs the 2-atom sheet, DFT and potential on the same geometries. "
             "Relaxed: a wide ribbon (10 cells) relaxed flat in LAMMPS (pair_style mtp)."
             + (" h-BN zigzag: the mean of the B and N edges." if fr["material"] == "hBN"
                else ""), ""]
    if "edges_missing" in fr:
        lines += [f"No DFT reference ribbons in the training data: {fr['edges_missing']}.", ""]
    d, p = fr.get("edges_dft"), fr.get("edges_potential")
    lines += ["| edge | DFT unrelaxed | potential unrelaxed | deviation | potential relaxed "
              "(LAMMPS) | published PBE relaxed |", "|---|---|---|---|---|---|"]
    for k in ("zigzag", "armchair"):
        ref = (f"{d[k]:.3f} | {p[k]:.3f} | {100 * (p[k] / d[k] - 1):+.1f} %" if d
               else "– | – | –")
        g = lmp[f"gamma_{k}_relaxed"]
        lines.append(f"| {k} | {ref} | {g:.3f}{' (not > 0: no K_G)' if g <= 0 else ''} | "
                     f"{pub[f'gamma_{k}_relaxed']:.2f} |")
    lines += ["", f"LAMMPS: a = {lmp['a']:.4f} Å, E' = {lmp['E_prime_N_per_m']:.1f} N/m; "
              + ", ".join(f"K_G({k} faces) = {lmp[f'K_G_{k}']:.3f} eV/Å^1.5 = "
                          f"{lmp[f'K_G_{k}_MPa_sqrt_m']:.2f} MPa·√m (t = 3.35 Å)"
                          for k in ("zigzag", "armchair") if f"K_G_{k}" in lmp), "",
              "Ideal strength, uniaxial stress (4-atom cell, transverse stress and atoms "
              "relaxed):", "",
              "| pulled along | strength (N/m) | strain at strength | published PBE | "
              "energy minima at ε > 0 |", "|---|---|---|---|---|"]
    for k, r in fr["uniaxial_stress"].items():
        lines.append(f"| {k} | {r['strength_N_per_m']:.1f} | {r['strain_at_strength']:.2f} | "
                     f"{pub[f'strength_{k}_N_per_m']:.1f} N/m at {pub[f'strain_c_{k}']:.3f} | "
                     f"{r['energy_minima_at']} |")
    if "short_range" in fr:
        lines += _short_range_markdown(fr)
    if "slit" in fr:
        lines += _slit_markdown(fr["slit"])
    if "source" in pub:
        lines += ["", f"Published PBE (fracture): {pub['source']}."]
    return lines


def _slit_markdown(slit: dict) -> list[str]:
    """Report lines of :func:`slit_report`."""
    from mdfe.potentials.properties.slit import MAX_FACE_BOND, MIN_GAP
    lines = ["", "Unloaded slit (LAMMPS, mdfe.potentials.properties.slit): a periodic sheet "
             "cut over half its length, the faces as cut (one bond b apart, no interaction "
             "across), relaxed by CG to 1e-3 eV/Å. Pass: closest pair across the slit and "
             f"any pair ≥ {MIN_GAP} b (faces not fused), longest bond in the faces' first "
             f"two rows ≤ {MAX_FACE_BOND} b:", "",
             "| faces | atoms | b (Å) | closest pair across (Å) | /b | closest pair any (Å) "
             "| longest face bond (Å) | /b | rows | passed |", "|---" * 10 + "|"]
    for faces, r in slit.items():
        lines.append(f"| {faces} | {r['n_atoms']} | {r['bond_A']:.3f} | "
                     f"{r['closest_cross_pair_A']:.3f} ({'–'.join(r['closest_cross_pair'])}) "
                     f"| {r['gap_over_bond']:.2f} | {r['closest_pair_A']:.3f} | "
                     f"{r['longest_face_bond_A']:.3f} | {r['face_bond_over_bond']:.2f} | "
                     f"{'–'.join(map(str, r['longest_face_bond_rows']))} | "
                     f"{'yes' if r['passed'] else '**no**'} |")
    return lines


def _short_range_markdown(fr: dict) -> list[str]:
    """Report lines of the close-contact scans and the close-contact DFT entries."""
    sr = fr["short_range"]
    shown = (1.4, 1.2, 1.0, 0.8, 0.7, 0.6, 0.5, 0.4)
    lines = ["", "Short range (LAMMPS): one atom of a flat sheet pushed onto a neighbour, "
             "energy above the sheet (eV) at pair distance d (Å); physical = above the "
             "sheet and rising as d falls over 1.4 … 0.6 Å (the second-neighbour path "
             "below 0.9 Å, past the common neighbour; mdfe.potentials.properties."
             "short_range):", "",
             "| path | " + " | ".join(f"{x:.1f}" for x in shown)
             + " | physical | lowest below 0.6 Å |", "|---" * (len(shown) + 3) + "|"]
    for kind, r in sr.items():
        e = dict(zip(np.round(r["distance"], 3), r["energy"]))
        pair = f" ({r['pair']})" if "pair" in r else ""
        lines.append(f"| {kind}{pair} | " + " | ".join(f"{e[x]:.1f}" for x in shown)
                     + f" | {'yes' if r['physical'] else 'no'} | {r['min_below_0.6']:.1f} |")
    if fr.get("close_contact"):
        lines += ["", "Close-contact DFT entries (energy above the sheet, eV: E − N ε_sheet, "
                  "each with its own ε_sheet):", "",
                  "| config_type | d (Å) | DFT | potential | deviation |", "|---|---|---|---|---|"]
        for r in sorted(fr["close_contact"], key=lambda r: (r["config_type"],
                                                            r["pair_distance"])):
            lines.append(f"| {r['config_type']} | {r['pair_distance']:.3f} | "
                         f"{r['excess']:.2f} | {r['excess_potential']:.2f} | "
                         f"{100 * (r['excess_potential'] / r['excess'] - 1):+.1f} % |")
    return lines
