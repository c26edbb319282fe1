"""Hardware cost model of the TA-ISP block (hls/rtl/taisp/) for a quantization config, on an AMD
7-series target (what ``sim.synth`` measures) and as an ASIC proxy.

Structure, read off the RTL (one pixel per clock, everything parallel):

* multipliers, per pixel: GLC ``x * alpha`` and ``x * x`` (3 each); HSA channel mean ``sum * 1/3``,
  the 3x3 and 5x5 branches (2 maps x 9 and x 25 products), ``A`` (2), ``xg * A`` (3, shared by
  ``xs`` and ``xm``); RGFC mask head (16 regions x 27 products of ``xm``), ``log2 * inv_w`` (3),
  ``y * 255`` (3); the PWL interpolation of every table instance (``dy * r``: sigmoid x2,
  log2 x3, exp2 x3); the parameter engine (one MAC, its three tables, a divider);
* DSP48E1 per product: Yosys ``mul2dsp`` with signed-only 25x18 multipliers: an unsigned
  operand takes one more bit; an operand wider than 25 (18) splits into 24- (17-) bit chunks,
  ``ceil`` tiles per side; products with a result under 9 bits or an operand under 2 go to LUTs;
* LUTs: adder trees (each sum of N terms of width w: N * w in the fabric, half of it where every
  product fits one DSP48E1, whose post-adders take part of the sum: fitted, see
  docs/issues/ISSUE15_NOTE.md), requantizers, clamps,
  argmax, table index and interpolation logic, LUT-mapped products (a * b), partial-product sums
  of multi-DSP products, LUT-RAM of small tables; then one calibration scale factor
  against Yosys on stored calibration runs (``cost_calibration.json``);
* flip-flops: pipeline registers, windows, delay lines, the frame sums, the conv weights
  register file; calibrated the same way;
* block RAM: line buffers (HSA: 4 rows of the pooled pair + 2 rows of xg; RGFC: 2 rows of xm + 1
  row of xs), the tables (``size + 1`` entries per instance), the weight image (shadow and active):
  RAMB18 count by the best aspect ratio (16K x 1 .. 512 x 36), memories of <= 64 words in LUT-RAM;
* ASIC proxy: sum of multiplier operand-bit products, register bits, memory bits.

The cost the search minimises (:func:`score`) is in Zynq-7020 capacity-normalised LUT
equivalents: LUT + FF * (53,200/106,400) + DSP * (53,200/220) + RAMB18 * (53,200/280).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from ..config import QuantConfig

CALIBRATION_FILE = Path(__file__).with_name("cost_calibration.json")
ZYNQ7020 = {"luts": 53200, "flip_flops": 106400, "dsp48e1": 220, "bram18": 280}
CNT_W = 24
#: Share of an adder tree over single-DSP products left in the fabric (the rest goes into the
#: DSP48E1 post-adders): 0.5, from the Yosys run of compact.toml (11,572 LUTs against 4,364
#: predicted with none left and 18,454 with all).
SINGLE_DSP_ADD_SHARE = 0.5
TL = 3  # isp_table latency


def _w(cfg, k):
    return cfg[k].fmt.width


def _f(cfg, k):
    return cfg[k].fmt.frac


def dsp_tiles(a: int, b: int) -> int:
    """DSP48E1s for a signed a x b product (operand widths including the sign), 0 if LUT-mapped."""
    if min(a, b) < 2 or a + b < 9:
        return 0
    best = math.inf
    for x, y in ((a, b), (b, a)):
        na = 1 if x <= 25 else 1 + math.ceil((x - 25) / 24)
        nb = 1 if y <= 18 else 1 + math.ceil((y - 18) / 17)
        best = min(best, na * nb)
    return int(best)


def _table(cfg, name):
    t = cfg.table(name)
    n = len(t.entries)
    in_w, out_w = t.in_fmt.width, t.out_fmt.width
    if t.segmentation == "uniform":
        r_bits = max(0, in_w - max(1, (n - 1).bit_length() - 1))
    else:
        r_bits = in_w
    return n, in_w, out_w, r_bits


def products(cfg: QuantConfig) -> list[tuple[str, int, int, int]]:
    """(name, signed width a, signed width b, count) of every pixel-path multiplier."""
    W = lambda k: _w(cfg, k)  # noqa: E731
    u = lambda k: W(k) + 1  # noqa: E731  (unsigned operand, signed-only DSP)
    third_bits = max(2, int(round((2 ** _f(cfg, "hsa.third")) / 3)).bit_length() + 1)
    p = [("glc x*alpha", u("frontend.x"), u("glc.alpha"), 3), ("glc x*x", u("frontend.x"), u("frontend.x"), 3),
         ("hsa mean*1/3", W("glc.xg") + 3, third_bits, 1),
         ("hsa 3x3 branch", W("hsa.wb3"), u("hsa.pool"), 18), ("hsa 5x5 branch", W("hsa.wb5"), u("hsa.pool"), 50),
         ("hsa A", u("hsa.gate"), u("hsa.m"), 2), ("hsa xg*A", u("glc.xg"), u("hsa.A"), 3),
         ("rgfc mask head", W("rgfc.wm"), u("hsa.xm"), 16 * 27),
         ("rgfc log2*inv_w", W("rgfc.log2"), u("rgfc.inv_w"), 3), ("rgfc y*255", u("rgfc.y"), 9, 3)]
    for name, count in (("sigmoid", 2), ("log2", 3), ("exp2", 3)):
        n, in_w, out_w, r_bits = _table(cfg, name)
        p.append((f"table {name} interp", out_w + 2, r_bits + 1, count))
    return p


def _mem_bram18(depth: int, width: int) -> int:
    """RAMB18 equivalents of a depth x width memory (best aspect ratio)."""
    if depth <= 64:
        return 0
    best = math.inf
    for d, w in ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36)):
        best = min(best, math.ceil(depth / d) * math.ceil(width / w))
    return int(best)


def memories(cfg: QuantConfig, max_w: int) -> list[tuple[str, int, int, int]]:
    """(name, depth, width, instances) of every memory."""
    W = lambda k: _w(cfg, k)  # noqa: E731
    from .regmap import weight_word_width
    from .regmap import weight_layout

    nw = sum(int(math.prod(s.shape)) if hasattr(s, "shape") else 0 for s in weight_layout())
    m = [("hsa line buffer (pooled)", max_w, 4 * 2 * W("hsa.pool"), 1), ("hsa line buffer (xg)", max_w, 2 * 3 * W("glc.xg"), 1),
         ("rgfc line buffer (xm)", max_w, 2 * 3 * W("hsa.xm"), 1), ("rgfc line buffer (xs)", max_w, 3 * W("hsa.xs"), 1),
         ("weights shadow+active", nw or 3297, weight_word_width(cfg), 2)]
    for name, count in (("sigmoid", 3), ("log2", 3), ("exp2", 3), ("softplus", 1), ("reciprocal", 1)):
        n, _, out_w, _ = _table(cfg, name)
        m.append((f"table {name}", n, out_w, count))
    return m


def structural(cfg: QuantConfig, max_w: int = 2048) -> dict:
    """The uncalibrated counts: DSP, LUT and FF structure terms, RAMB18, ASIC proxy."""
    W = lambda k: _w(cfg, k)  # noqa: E731
    dsp = 0
    lut = 0.0
    mult_bits = 0
    per = {}
    for name, a, b, n in products(cfg):
        t = dsp_tiles(a, b)
        dsp += t * n
        per[name] = t * n
        mult_bits += a * b * n
        if t == 0:
            lut += a * b * n * 0.6
        elif t > 1:
            lut += (t - 1) * (a + b) * n
    # params engine: one MAC (weight word x widest MLP operand), three tables' interpolation, w = ... * sigmoid
    from .regmap import weight_word_width

    wgt = weight_word_width(cfg)
    mac_b = max(W("glc.mean"), W("glc.h1"), W("hsa.d"), W("rgfc.p"), W("rgfc.h3")) + 1
    pdsp = dsp_tiles(wgt, mac_b) + sum(dsp_tiles(_table(cfg, t)[2] + 2, _table(cfg, t)[3] + 1)
                                       for t in ("softplus", "sigmoid", "reciprocal")) \
        + dsp_tiles(W("rgfc.wrange") + 1, W("hsa.m") + 1)
    dsp += pdsp
    per["parameter engine"] = pdsp
    # adder trees
    c3w = W("hsa.pool") + W("hsa.wb3") + 1 + math.ceil(math.log2(19)) + 1
    c5w = W("hsa.pool") + W("hsa.wb5") + 1 + math.ceil(math.log2(51)) + 1
    cvw = W("hsa.xm") + W("rgfc.wm") + 1 + math.ceil(math.log2(28)) + 1
    # a sum of single-DSP products is partly taken by the DSP48E1 post-adders (Yosys xilinx_dsp
    # packs P = A*B + C): SINGLE_DSP_ADD_SHARE of its adders stay in the fabric (fitted on the
    # compact run); products split over several DSPs (or in LUTs) are summed in the fabric
    def tree(n_terms, width, a, b):
        return n_terms * width * (SINGLE_DSP_ADD_SHARE if dsp_tiles(a, b) == 1 else 1.0)
    lut += (tree(18, c3w, W("hsa.wb3"), W("hsa.pool") + 1) + tree(50, c5w, W("hsa.wb5"), W("hsa.pool") + 1)
            + tree(16 * 27, cvw, W("rgfc.wm"), W("hsa.xm") + 1))
    lut += 3 * (W("glc.xg") + 2)  # channel sum
    # requantizers (about their input width each) and clamps
    lgw = W("rgfc.logits")
    rq = (3 * (W("frontend.x") + W("glc.alpha")) + 2 * (W("glc.xg") + W("hsa.third")) + 2 * c5w + 2 * W("hsa.acc")
          + (W("hsa.gate") + W("hsa.m")) + 6 * (W("glc.xg") + W("hsa.A")) + 16 * (cvw + W("rgfc.acc"))
          + 3 * (W("rgfc.log2") + W("rgfc.inv_w")) + 3 * (W("rgfc.y") + 10))
    lut += rq
    lut += 2 * (3 * W("glc.xg") + 3 * W("hsa.xs") + 3 * W("hsa.xm") + 3 * W("rgfc.y") + W("hsa.A"))  # clamps
    lut += 15 * (2 * (lgw + 1) + 4)  # argmax
    for name, count in (("sigmoid", 2), ("log2", 3), ("exp2", 3)):
        n, in_w, out_w, r_bits = _table(cfg, name)
        seg = in_w * max(1, in_w.bit_length()) if cfg.table(name).segmentation == "pow2" else in_w
        lut += count * (seg + 3 * (out_w + 2 + r_bits))
    # sums: x, x^2, xg, logits
    sums = 3 * (W("frontend.x") + CNT_W) + 3 * (2 * W("frontend.x") + CNT_W) + 3 * (W("glc.xg") + CNT_W) + 16 * (lgw + CNT_W)
    lut += sums
    # memories: BRAM, and LUT-RAM for the small ones
    bram18 = 0
    mem_bits = 0
    for name, depth, width, n in memories(cfg, max_w):
        b = _mem_bram18(depth, width)
        bram18 += b * n
        mem_bits += depth * width * n
        if b == 0:
            lut += n * width * math.ceil(depth / 64) / 2
    # flip-flops
    conv_n = 16 * 28 + 20 + 52
    ff = (conv_n * wgt
          + 25 * 2 * W("hsa.pool") + 3 * W("glc.xg") * (2 + TL + 3) + 2 * c5w + 2 * W("hsa.z") + 2 * W("hsa.m") * TL
          + W("hsa.A") + 3 * W("hsa.xs") + 3 * W("hsa.xm")
          + 9 * 3 * W("hsa.xm") + 3 * W("hsa.xs") * 2 + 16 * cvw + 16 * lgw
          + 3 * (W("rgfc.log2") + W("rgfc.e") + W("rgfc.y")) * TL + 3 * 8
          + sums + 3 * (W("frontend.x") * 2 + W("glc.xg")))
    for name, count in (("sigmoid", 2), ("log2", 3), ("exp2", 3)):
        n, in_w, out_w, r_bits = _table(cfg, name)
        ff += count * (2 * in_w + 3 * out_w + 12)
    return {"dsp48e1": int(dsp), "lut_struct": lut, "ff_struct": float(ff), "bram18": int(bram18),
            "bram_bits": int(bram18) * 18 * 1024, "memory_bits": int(mem_bits), "mult_bit_products": int(mult_bits),
            "dsp_by_unit": per}


def load_calibration(path: Path = CALIBRATION_FILE) -> dict:
    if path.is_file():
        return json.loads(path.read_text())
    return {"lut": [1.0, 0.0], "ff": [1.0, 0.0], "dsp_offset": 0, "points": []}


def estimate(cfg: QuantConfig, max_w: int = 2048, calibration: dict | None = None) -> dict:
    """Predicted DSP48E1, LUT, FF, RAMB18 (and bits), ASIC proxy, and the search's score."""
    cal = calibration if calibration is not None else load_calibration()
    s = structural(cfg, max_w)
    lut = cal["lut"][0] * s["lut_struct"] + cal["lut"][1]
    ff = cal["ff"][0] * s["ff_struct"] + cal["ff"][1]
    dsp = s["dsp48e1"] + cal.get("dsp_offset", 0)
    res = {"dsp48e1": int(dsp), "luts": int(round(lut)), "flip_flops": int(round(ff)), "bram18": s["bram18"],
           "bram_bits": s["bram_bits"], "memory_bits": s["memory_bits"],
           "asic_proxy": {"mult_bit_products": s["mult_bit_products"], "register_bits": int(round(ff)),
                          "memory_bits": s["memory_bits"]},
           "dsp_by_unit": s["dsp_by_unit"], "max_w": max_w}
    res["score"] = score(res)
    return res


def score(r: dict) -> float:
    """Zynq-7020 capacity-normalised LUT equivalents (see the module docstring)."""
    z = ZYNQ7020
    return (r["luts"] + r["flip_flops"] * z["luts"] / z["flip_flops"] + r["dsp48e1"] * z["luts"] / z["dsp48e1"]
            + r["bram18"] * z["luts"] / z["bram18"])


def _cfg_of(p: dict) -> QuantConfig:
    return QuantConfig(p["config_data"], p["config"])


def calibrate(points: list[dict]) -> dict:
    """Fit LUT and FF scale factors by least squares and the DSP offset (mean residual) on
    calibration points ``{"config": name, "config_data": TOML data, "max_w": n, "synth":
    sim.synth summary}``."""
    import numpy as np

    rows = []
    for p in points:
        s = structural(_cfg_of(p), p["max_w"])
        rows.append((s, p["synth"]))
    out = {"points": points}
    for key, sk in (("lut", "luts"), ("ff", "flip_flops")):
        x = np.array([s[f"{key}_struct"] for s, _ in rows])
        y = np.array([syn[sk] for _, syn in rows], dtype=float)
        # one scale factor per resource (least squares through the origin): with few Yosys runs a
        # fitted offset would absorb the error the comparison is meant to show
        a, b = float((x * y).sum() / (x * x).sum()), 0.0
        out[key] = [a, b]
    out["dsp_offset"] = int(round(float(np.mean([syn["dsp48e1"] - s["dsp48e1"] for s, syn in rows]))))
    return out


def compare(points: list[dict], calibration: dict | None = None) -> list[dict]:
    """Predicted against synthesized for each calibration point, with relative errors."""
    out = []
    for p in points:
        e = estimate(_cfg_of(p), p["max_w"], calibration)
        syn = p["synth"]
        syn_b18 = 2 * syn.get("bram36", 0) + syn.get("bram18", 0)
        row = {"config": p["config"], "max_w": p["max_w"]}
        for k, pk, sv in (("dsp48e1", "dsp48e1", syn["dsp48e1"]), ("luts", "luts", syn["luts"]),
                          ("flip_flops", "flip_flops", syn["flip_flops"]), ("bram18", "bram18", syn_b18)):
            row[k] = {"predicted": e[pk], "synthesized": sv, "error": (e[pk] - sv) / sv if sv else 0.0}
        out.append(row)
    return out


__all__ = ["dsp_tiles", "products", "memories", "structural", "estimate", "score", "calibrate", "compare",
           "load_calibration", "ZYNQ7020", "CALIBRATION_FILE"]


def main(argv=None) -> int:
    """``python -m fixedpoint.taisp.cost --calibrate NAME=CONFIG:SYNTH_DIR ...``: store the Yosys runs
    (``sim.synth`` summaries) and the fitted calibration in cost_calibration.json, print
    predicted against synthesized; ``--config C [--max-width N]``: the estimate of one config."""
    import argparse
    import tomllib

    ap = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    ap.add_argument("--calibrate", nargs="+", metavar="NAME=CONFIG:SYNTH_DIR")
    ap.add_argument("--config")
    ap.add_argument("--max-width", type=int, default=2048)
    a = ap.parse_args(argv)
    if a.calibrate:
        points = []
        for spec in a.calibrate:
            name, rest = spec.split("=", 1)
            cfg_path, synth_dir = rest.rsplit(":", 1)
            syn = json.loads((Path(synth_dir) / "summary.json").read_text())
            syn = {k: v for k, v in syn.items() if k != "cells"}
            points.append({"config": name, "config_data": tomllib.loads(Path(cfg_path).read_text()),
                           "max_w": syn["max_width"], "synth": syn})
        cal = calibrate(points)
        cal["comparison"] = compare(points, cal)
        CALIBRATION_FILE.write_text(json.dumps(cal, indent=1) + "\n")
        print(json.dumps(cal["comparison"], indent=1))
    if a.config:
        from ..config import load_config

        print(json.dumps(estimate(load_config(a.config), a.max_width), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
