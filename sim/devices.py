"""FPGA device capacities (public datasheet figures) for resource reports.

AMD 7-series and Zynq-7000: DS180 (7 Series FPGAs Data Sheet: Overview, table 2 and 3) and DS190
(Zynq-7000 SoC Data Sheet: Overview, table 1); Zynq UltraScale+ / Kria K26: DS891 (Zynq UltraScale+
MPSoC Data Sheet: Overview) and DS987 (Kria K26 SOM Data Sheet). Lattice ECP5: FPGA-DS-02012
(ECP5 and ECP5-5G Family Data Sheet, table 1.1). Block RAM is counted in 36 Kb blocks for AMD
(one RAMB36 = two RAMB18) and in 18 Kb EBR blocks for ECP5; DSP is DSP48E1 (7-series), DSP48E2
(UltraScale+) or MULT18X18D (ECP5).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    """Capacity of one device: ``luts`` (LUT6 for AMD, LUT4 for ECP5), ``flip_flops``, ``dsp``
    (DSP slices / 18x18 multipliers), ``bram`` (block RAMs in ``bram_kind`` units), ``uram``
    (UltraRAM blocks, 0 where none); ``family`` is the Yosys ``synth_xilinx -family`` (or
    ``ecp5``), ``part`` the full part name."""

    name: str
    part: str
    family: str
    luts: int
    flip_flops: int
    dsp: int
    bram: int
    bram_kind: str = "RAMB36"
    uram: int = 0
    note: str = ""


DEVICES: dict[str, Device] = {d.name: d for d in (
    Device("xc7z010", "Zynq-7010 (XC7Z010)", "xc7", 17_600, 35_200, 80, 60, note="DS190"),
    Device("xc7z020", "Zynq-7020 (XC7Z020)", "xc7", 53_200, 106_400, 220, 140, note="DS190"),
    Device("xc7z030", "Zynq-7030 (XC7Z030)", "xc7", 78_600, 157_200, 400, 265, note="DS190"),
    Device("xc7a35t", "Artix-7 35T (XC7A35T)", "xc7", 20_800, 41_600, 90, 50, note="DS180"),
    Device("xc7a100t", "Artix-7 100T (XC7A100T)", "xc7", 63_400, 126_800, 240, 135, note="DS180"),
    Device("xc7a200t", "Artix-7 200T (XC7A200T)", "xc7", 134_600, 269_200, 740, 365, note="DS180"),
    Device("xczu5ev", "Zynq UltraScale+ ZU5EV / Kria K26 (XCK26)", "xcup", 117_120, 234_240, 1_248, 144, uram=64,
           note="DS891, DS987"),
    Device("lfe5u-25f", "ECP5 LFE5U-25F", "ecp5", 24_288, 24_288, 28, 56, "EBR18", note="FPGA-DS-02012"),
    Device("lfe5u-45f", "ECP5 LFE5U-45F", "ecp5", 43_848, 43_848, 72, 108, "EBR18", note="FPGA-DS-02012"),
    Device("lfe5u-85f", "ECP5 LFE5U-85F / LFE5UM-85F", "ecp5", 83_640, 83_640, 156, 208, "EBR18",
           note="FPGA-DS-02012"),
)}
DEVICES["k26"] = DEVICES["xczu5ev"]


def device(name: str) -> Device:
    """The device called ``name`` (case-insensitive); ``ValueError`` (one line) naming the known ones."""
    d = DEVICES.get(name.lower())
    if d is None:
        raise ValueError(f"unknown device {name!r} (one of {', '.join(sorted(DEVICES))})")
    return d


def utilisation(summary: dict, dev: Device) -> list[dict]:
    """Rows ``{resource, used, available, percent, fits}`` of a synthesis summary (``sim.synth``
    or ``sim.pnr`` keys ``luts_total`` (else ``luts``), ``flip_flops``, ``dsp``, ``bram36`` /
    ``bram18`` / ``ebr``, ``uram``) against ``dev``. LUTs count logic, LUT-RAM and shift
    registers; block RAM: RAMB36 equivalents (RAMB18 count half) for AMD."""
    if dev.bram_kind == "RAMB36":
        bram = summary.get("bram36", 0) + summary.get("bram18", 0) / 2
    else:
        bram = summary.get("ebr", 0)
    rows = [("LUT", summary.get("luts_total", summary.get("luts", 0)), dev.luts), ("FF", summary.get("flip_flops", 0), dev.flip_flops),
            ("DSP", summary.get("dsp", 0), dev.dsp), (f"BRAM ({dev.bram_kind})", bram, dev.bram)]
    if dev.uram:
        rows.append(("URAM", summary.get("uram", 0), dev.uram))
    return [{"resource": r, "used": u, "available": a, "percent": round(100.0 * u / a, 1) if a else None,
             "fits": u <= a} for r, u, a in rows]


def format_table(rows: list[dict], dev: Device) -> str:
    """A plain-text table of :func:`utilisation` rows."""
    lines = [f"{dev.part} ({dev.name})", f"{'resource':<16}{'used':>10}{'available':>11}{'%':>8}  fits"]
    for r in rows:
        used = f"{r['used']:g}" if isinstance(r["used"], float) else f"{r['used']:,}"
        lines.append(f"{r['resource']:<16}{used:>10}{r['available']:>11,}{r['percent']:>8.1f}  {'yes' if r['fits'] else 'NO'}")
    return "\n".join(lines)


__all__ = ["DEVICES", "Device", "device", "format_table", "utilisation"]
