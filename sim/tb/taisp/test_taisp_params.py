"""taisp_params (the per-frame parameter engine) against fixedpoint/taisp/params.py, bit for bit.

alpha, gate, w and inv_w of the RTL are compared with the Python model for
  * the statistics of real frames (golden.scene synthetic RAW through the fixed front end, and
    random raw frontend.x frames) run through FixedTAISP(...).frame(x, 'same');
  * random statistics (plausible sums and sums over the whole raw ranges, negative logit sums,
    n from 1 to 2^24 - 1) against glc_params / hsa_gate / rgfc_params;
  * use_defaults against default_params (and custom def_alpha / def_gate0);
  * other weight sets written through the weight RAM's write port (the w5-9 checkpoint and an
    untrained weight set with a spread mask head and weight MLP).
The values the engine still holds at done (mean, var, d, p and the two MLPs' z) are compared
too: the outputs alone hide, e.g., a 1-LSB error of p. It also checks that the outputs only
change with done, that start is ignored (and the
statistics are latched) while busy, and that rst stops a computation. The cycle count from
start to done is logged and bounded (MAX_CYCLES, MAX_DEFAULT_CYCLES).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, with_timeout
from cocotb.utils import get_sim_time

REPO = Path(__file__).resolve().parents[3]
from golden.taisp import CHECKPOINT_DIR as CKPT  # noqa: E402
from golden.taisp.weight_sets import spread_isp  # noqa: E402
CLK_NS = 10
#: bound on the cycles from the start edge to done: a frame's parameters, and the defaults
MAX_CYCLES = 8000
MAX_DEFAULT_CYCLES = 200
NCH, NREG = 3, 16


def _pack(values, width: int) -> int:
    mask = (1 << width) - 1
    return sum((int(v) & mask) << (i * width) for i, v in enumerate(values))


def _unpack(bus: int, width: int, count: int) -> list[int]:
    mask = (1 << width) - 1
    return [(bus >> (i * width)) & mask for i in range(count)]


class TB:
    """Clock, reset, weight writes and one engine run with its outputs and cycle count."""

    def __init__(self, dut):
        from fixedpoint.config import load_config

        self.dut = dut
        self.cfg = load_config()
        self.gen = Path(os.environ["TAISP_GEN_DIR"])
        c = self.cfg
        self.wid = {k: c[e].fmt.width for k, e in (
            ("sum", "glc.sum"), ("sumsq", "glc.sumsq"), ("dsum", "hsa.dsum"), ("lsum", "rgfc.lsum"),
            ("alpha", "glc.alpha"), ("gate", "hsa.gate"), ("w", "rgfc.w"), ("inv_w", "rgfc.inv_w"))}
        from fixedpoint.taisp.regmap import weight_word_width

        self.wgt_w = weight_word_width(c)
        self.last = None  # outputs after the last done
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        for name in ("rst", "start", "use_defaults", "we", "waddr", "wdata", "n_pix", "x_sum", "x_sumsq",
                     "xg_sum", "logit_sum", "def_alpha", "def_gate0"):
            getattr(dut, name).value = 0

    async def reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 3)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)
        assert int(self.dut.busy.value) == 0, "busy after reset"
        self.last = None

    async def write_weights(self, words) -> None:
        """Program a flat weight image through the RAM's write port."""
        dut, mask = self.dut, (1 << self.wgt_w) - 1
        await RisingEdge(dut.clk)
        dut.we.value = 1
        for a, v in enumerate(words):
            dut.waddr.value = a
            dut.wdata.value = int(v) & mask
            await RisingEdge(dut.clk)
        dut.we.value = 0

    def _drive(self, st, use_defaults: bool, def_alpha, def_gate0) -> None:
        dut, wd = self.dut, self.wid
        dut.n_pix.value = int(st.n)
        dut.x_sum.value = _pack(st.x_sum, wd["sum"])
        dut.x_sumsq.value = _pack(st.x_sumsq, wd["sumsq"])
        dut.xg_sum.value = _pack(st.xg_sum, wd["dsum"])
        dut.logit_sum.value = _pack(st.logit_sum, wd["lsum"])
        dut.def_alpha.value = _pack(def_alpha, wd["alpha"])
        dut.def_gate0.value = int(def_gate0) & ((1 << wd["gate"]) - 1)
        dut.use_defaults.value = int(use_defaults)

    def _outputs(self) -> dict[str, list[int]]:
        dut, wd = self.dut, self.wid
        return {"alpha": _unpack(int(dut.alpha.value), wd["alpha"], NCH),
                "gate": _unpack(int(dut.gate.value), wd["gate"], 2),
                "w": _unpack(int(dut.w.value), wd["w"], NREG),
                "inv_w": _unpack(int(dut.inv_w.value), wd["inv_w"], NREG)}

    def _internals(self) -> dict[str, list[int]]:
        """What the engine still holds at done: the vector registers s = [mean, var] (0..5),
        d (6..8) and p (9..24), signed; the z of both MLPs (table inputs)."""
        e = self.dut.dut
        vr = [e.vr[k].value.to_signed() for k in range(3 * NCH + NREG)]
        return {"s": vr[:2 * NCH], "d": vr[2 * NCH:3 * NCH], "p": vr[3 * NCH:],
                "zg": [int(e.zg[k].value) for k in range(NCH)], "zr": [int(e.zr[k].value) for k in range(NREG)]}

    async def run(self, st, use_defaults: bool = False, def_alpha=(0, 0, 0), def_gate0: int = 0,
                  disturb=None) -> tuple[dict[str, list[int]], int]:
        """One computation: (outputs, cycles from the start edge to done).

        ``disturb``: other statistics driven (with a start pulse) while busy; they must be ignored.
        """
        dut = self.dut
        st = st if st is not None else _Stats()
        await RisingEdge(dut.clk)
        self._drive(st, use_defaults, def_alpha, def_gate0)
        dut.start.value = 1
        await RisingEdge(dut.clk)  # start sampled here
        t0 = get_sim_time(unit="ns")
        dut.start.value = 0
        limit = MAX_DEFAULT_CYCLES if use_defaults else MAX_CYCLES
        if not use_defaults:
            await ClockCycles(dut.clk, 40)
            assert int(dut.busy.value) == 1, "not busy during a computation"
            if self.last is not None:
                assert self._outputs() == self.last, "outputs changed before done"
            if disturb is not None:
                self._drive(disturb, False, (1, 2, 3), 5)
                dut.start.value = 1
                await RisingEdge(dut.clk)
                dut.start.value = 0
        await with_timeout(RisingEdge(dut.done), limit * CLK_NS, "ns")
        cycles = round((get_sim_time(unit="ns") - t0) / CLK_NS)
        await ReadOnly()
        out = self._outputs()
        self.last = dict(out)
        if not use_defaults:
            out.update(self._internals())
        await RisingEdge(dut.clk)
        await ReadOnly()
        assert int(dut.done.value) == 0, "done is not a one-cycle pulse"
        assert int(dut.busy.value) == 0, "busy after done"
        return out, cycles


def _masked(values, width: int) -> list[int]:
    return [int(v) & ((1 << width) - 1) for v in np.asarray(values).reshape(-1)]


def _model(st, fw, cfg) -> dict[str, np.ndarray]:
    """params.py on a frame's statistics, keyed like FrameResult.params."""
    from fixedpoint.taisp import params
    from fixedpoint.common import RunContext

    run = RunContext()
    a = params.glc_params(np.asarray(st.x_sum, dtype=np.int64), np.asarray(st.x_sumsq, dtype=np.int64), st.n, fw, cfg, run)
    g = params.hsa_gate(np.asarray(st.xg_sum, dtype=np.int64), st.n, fw, cfg, run)
    r = params.rgfc_params(np.asarray(st.logit_sum, dtype=np.int64), st.n, fw, cfg, run)
    return {**{f"glc.{k}": v for k, v in a.items()}, **{f"hsa.{k}": v for k, v in g.items()},
            **{f"rgfc.{k}": v for k, v in r.items()}}


def _expect_params(cfg, prm) -> dict[str, list[int]]:
    """Outputs and the internal values the engine still holds at done (mean, var, d, p, z)."""
    from fixedpoint.common import rq

    out = _expect(cfg, prm["glc.alpha"], prm["hsa.gate"], prm["rgfc.w"], prm["rgfc.inv_w"])
    var_m = rq(np.asarray(prm["glc.var"]), cfg["glc.var"].fmt.frac, cfg["glc.mean"], "glc.mean")
    out["s"] = [int(v) for v in np.concatenate([prm["glc.mean"], var_m])]
    out["d"] = [int(v) for v in prm["hsa.d"]]
    out["p"] = [int(v) for v in prm["rgfc.p"]]
    out["zg"] = _masked(prm["glc.z"], cfg["glc.z"].fmt.width)
    out["zr"] = _masked(prm["rgfc.z"], cfg["rgfc.z"].fmt.width)
    return out


def _expect_from_stats(st, fw, cfg) -> dict[str, list[int]]:
    return _expect_params(cfg, _model(st, fw, cfg))


def _expect(cfg, alpha, gate, w, inv_w) -> dict[str, list[int]]:
    return {"alpha": _masked(alpha, cfg["glc.alpha"].fmt.width), "gate": _masked(gate, cfg["hsa.gate"].fmt.width),
            "w": _masked(w, cfg["rgfc.w"].fmt.width), "inv_w": _masked(inv_w, cfg["rgfc.inv_w"].fmt.width)}


def _check(got, want, what: str) -> None:
    for k in ("alpha", "gate", "w", "inv_w", "s", "d", "p", "zg", "zr"):
        if k in want:
            assert got[k] == want[k], f"{what}: {k}: RTL {got[k]} != model {want[k]}"


def _frames(cfg, rng):
    """Raw frontend.x frames: synthetic RAW scenes through the fixed front end, and random ones."""
    from fixedpoint.frontend import frontend
    from golden.scene import synthetic_raw

    one = 1 << cfg["frontend.x"].fmt.frac
    yield "scene normal 24x32", frontend(synthetic_raw(24, 32, exposure="normal", seed=1), cfg, "bilinear")
    yield "scene dark 20x28 GRBG", frontend(synthetic_raw(20, 28, cfa="GRBG", exposure="dark", seed=2), cfg, "bilinear")
    yield "scene bright 16x24 bin2", frontend(synthetic_raw(32, 48, exposure="bright", seed=3), cfg, "bin2")
    yield "random x 12x16", rng.integers(0, one + 1, size=(3, 12, 16), dtype=np.int64)


def _random_stats(cfg, rng, wild: bool):
    """Random frame statistics: plausible (means in range) or anywhere in the raw formats."""
    from fixedpoint.taisp.model import FrameStats

    if rng.random() < 0.3:
        n = int(rng.choice([1, 2, 3, (1 << 24) - 1, 1920 * 1080]))
    else:
        n = int(np.exp(rng.uniform(0, np.log((1 << 24) - 1))))
    n = min(max(n, 1), (1 << 24) - 1)

    def raw(key):
        f = cfg[key].fmt
        return int(rng.integers(f.min_raw, f.max_raw, endpoint=True))

    if wild:
        return FrameStats(n, [raw("glc.sum") for _ in range(NCH)], [raw("glc.sumsq") for _ in range(NCH)],
                          [raw("hsa.dsum") for _ in range(NCH)], [raw("rgfc.lsum") for _ in range(NREG)])
    fxg, fl = cfg["hsa.dsum"].fmt.frac, cfg["rgfc.lsum"].fmt.frac
    fsum, fsq = cfg["glc.sum"].fmt.frac, cfg["glc.sumsq"].fmt.frac
    m = rng.uniform(0, 1, NCH) ** 2
    ex2 = m * m + (m - m * m) * rng.uniform(0, 1, NCH)
    x_sum = [int(round(n * v * 2.0 ** fsum)) for v in m]
    x_sumsq = [int(round(n * v * 2.0 ** fsq)) for v in ex2]
    xg_sum = [int(round(n * v * 2.0 ** fxg)) for v in rng.uniform(0, 1, NCH) ** 2]
    logit_sum = [int(round(n * v * 2.0 ** fl)) for v in rng.uniform(-12, 12, NREG)]
    return FrameStats(n, x_sum, x_sumsq, xg_sum, logit_sum)


def _weights(name: str, cfg):
    from fixedpoint.taisp.params import quantize_weights
    from golden.taisp.checkpoint import load_checkpoint

    isp = spread_isp(1) if name == "untrained" else load_checkpoint(CKPT / f"taisp_{name}.pth")
    return isp, quantize_weights(isp, cfg)


async def _frames_and_stats(tb, name: str, isp, fw, n_frames: int, n_random: int, seed: int, cycles: list) -> None:
    from fixedpoint.taisp.model import FixedTAISP

    cfg = tb.cfg
    rng = np.random.default_rng(seed)
    model = FixedTAISP(isp, cfg)
    for k, (what, x) in enumerate(_frames(cfg, rng)):
        if k >= n_frames:
            break
        res = model.frame(x, "same")
        want = _expect_params(cfg, res.params)
        assert want == _expect_from_stats(res.stats, fw, cfg)  # the frame's params are the engine's
        got, cyc = await tb.run(res.stats)
        _check(got, want, f"{name}: {what}")
        cycles.append(cyc)
        tb.dut._log.info("%s: %s: %d cycles, alpha %s gate %s w %s", name, what, cyc, got["alpha"], got["gate"],
                         got["w"][:4])
    for k in range(n_random):
        st = _random_stats(cfg, rng, wild=k % 2 == 1)
        got, cyc = await tb.run(st)
        _check(got, _expect_from_stats(st, fw, cfg), f"{name}: random statistics {k} (n={st.n})")
        cycles.append(cyc)


async def _defaults(tb, fw, name: str) -> int:
    from fixedpoint.common import one
    from fixedpoint.taisp.params import default_params

    cfg = tb.cfg
    d = default_params(fw, cfg)
    got, cyc = await tb.run(None, use_defaults=True, def_alpha=d["alpha"], def_gate0=int(d["gate"][0]))
    _check(got, _expect(cfg, d["alpha"], d["gate"], d["w"], d["inv_w"]), f"{name}: defaults")
    ga = cfg["hsa.gate"].fmt
    alpha = [1234, 0, (1 << cfg["glc.alpha"].fmt.width) - 1]
    g0 = 12345
    got, cyc2 = await tb.run(None, use_defaults=True, def_alpha=alpha, def_gate0=g0)
    _check(got, _expect(cfg, alpha, [g0, one(ga) - g0], d["w"], d["inv_w"]), f"{name}: custom defaults")
    tb.dut._log.info("%s: defaults: %d cycles, w %d inv_w %d", name, cyc, got["w"][0], got["inv_w"][0])
    return max(cyc, cyc2)


class _Stats:
    """Statistics stand-in for a use_defaults run (the sums are don't-cares)."""

    n, x_sum, x_sumsq, xg_sum, logit_sum = 1, [0] * NCH, [0] * NCH, [0] * NCH, [0] * NREG


@cocotb.test(timeout_time=50, timeout_unit="ms")
async def run_shipped_weights(dut):
    """The weight set baked into weights.hex (w1-4): real frames, random statistics, defaults."""
    from fixedpoint.taisp.regmap import weight_words

    tb = TB(dut)
    await tb.reset()
    isp, fw = _weights("w1-4", tb.cfg)
    lines = [ln.strip() for ln in (tb.gen / "weights.hex").read_text().splitlines()]
    hexwords = [int(ln, 16) for ln in lines if ln and not ln.startswith("//")]
    assert hexwords == _masked(weight_words(fw), tb.wgt_w), "weights.hex is not the w1-4 checkpoint"
    cycles: list[int] = []
    dcyc = await _defaults(tb, fw, "w1-4")  # what the top level does after reset
    await _frames_and_stats(tb, "w1-4", isp, fw, n_frames=4, n_random=10, seed=11, cycles=cycles)
    dut._log.info("w1-4: cycles start->done: frame parameters %d..%d, defaults %d", min(cycles), max(cycles), dcyc)
    assert max(cycles) < MAX_CYCLES and dcyc < MAX_DEFAULT_CYCLES


@cocotb.test(timeout_time=50, timeout_unit="ms")
async def run_other_weights(dut):
    """Weight sets written through the RAM port: the w5-9 checkpoint and untrained spread weights."""
    from fixedpoint.taisp.regmap import weight_words

    tb = TB(dut)
    await tb.reset()
    for k, name in enumerate(("w5-9", "untrained")):
        isp, fw = _weights(name, tb.cfg)
        await tb.write_weights(weight_words(fw))
        cycles: list[int] = []
        await _frames_and_stats(tb, name, isp, fw, n_frames=2, n_random=4, seed=20 + k, cycles=cycles)
        dcyc = await _defaults(tb, fw, name)
        dut._log.info("%s: cycles start->done: frame parameters %d..%d, defaults %d", name, min(cycles), max(cycles), dcyc)


@cocotb.test(timeout_time=50, timeout_unit="ms")
async def run_busy_and_reset(dut):
    """start and new statistics while busy are ignored; rst stops a computation; edge statistics."""
    from fixedpoint.taisp.model import FrameStats
    from fixedpoint.taisp.regmap import weight_words

    tb = TB(dut)
    await tb.reset()
    isp, fw = _weights("w1-4", tb.cfg)
    await tb.write_weights(weight_words(fw))  # the RAM keeps what an earlier test wrote
    cfg = tb.cfg
    rng = np.random.default_rng(5)
    a, b = _random_stats(cfg, rng, wild=False), _random_stats(cfg, rng, wild=True)
    got, _ = await tb.run(a, disturb=b)
    _check(got, _expect_from_stats(a, fw, cfg), "statistics changed while busy")
    # reset in the middle of a computation: idle at once, no done; then a normal run
    await RisingEdge(dut.clk)
    tb._drive(b, False, (0, 0, 0), 0)
    dut.start.value = 1
    await RisingEdge(dut.clk)
    dut.start.value = 0
    await ClockCycles(dut.clk, 500)
    assert int(dut.busy.value) == 1
    dut.rst.value = 1
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    await RisingEdge(dut.clk)
    assert int(dut.busy.value) == 0, "busy after rst"
    for _ in range(50):
        await RisingEdge(dut.clk)
        assert int(dut.done.value) == 0, "done after rst"
    tb.last = None
    got, _ = await tb.run(b)
    _check(got, _expect_from_stats(b, fw, cfg), "after a reset mid-computation")
    # extremes: zero sums, full-scale sums, the most negative logit sums, n = 1 and 2^24 - 1
    f = {k: cfg[k].fmt for k in ("glc.sum", "glc.sumsq", "hsa.dsum", "rgfc.lsum")}
    for n in (1, (1 << 24) - 1):
        for st in (FrameStats(n, [0] * NCH, [0] * NCH, [0] * NCH, [0] * NREG),
                   FrameStats(n, [f["glc.sum"].max_raw] * NCH, [f["glc.sumsq"].max_raw] * NCH,
                              [f["hsa.dsum"].max_raw] * NCH,
                              [f["rgfc.lsum"].min_raw, f["rgfc.lsum"].max_raw] * (NREG // 2)),
                   FrameStats(n, [n << cfg["glc.sum"].fmt.frac] * NCH, [0] * NCH, [n] * NCH,
                              [-n, -n - 1, -(n // 2), n // 2, n, -1, 1, 0] * 2)):
            got, _ = await tb.run(st)
            _check(got, _expect_from_stats(st, fw, cfg), f"edge statistics (n={n})")


@pytest.mark.parametrize("simulator", ["icarus", "verilator"] if os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
                         else ["verilator"])
def test_taisp_params(simulator):
    from sim.runner import generated_dir, rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    gen = generated_dir()
    here = os.path.dirname(__file__)
    run_cocotb(simulator, "taisp_params_tb", "sim.tb.taisp.test_taisp_params",
               sources=rtl_sources("taisp_params", "isp_div", "isp_rq", "isp_table")
               + [os.path.join(here, "taisp_params_tb.v")],
               parameters={"MEM_DIR": f'"{gen}"'}, gen=gen, build_name="taisp_params_tb", public_depth=2)
