"""Full-size regression of the TA-ISP block (``taisp regress``): RAW files and the built-in
scene, both configs, both tops, three simulation flows, several stall patterns; each leg a Dask
task, resumable, with a JSON and Markdown summary.

    from sim.taisp.regress import plan, run_regress
    legs = plan(raw_files, quick=False)
    summary = run_regress(legs, "out/regress")            # a local Dask cluster; scheduler=... for one

The plan:

* **Inputs**: every RAW file at full frame size (the block's limit :data:`MAX_SIZE` crops a wider
  frame, centred, to the largest even width it takes) and the built-in scene (rendered at
  :data:`SCENE_SIZE`). Inputs of one size make one vector set (a sequence: the statistics carry
  over, the camera's front-end registers change between files), so each size is one set.
* **Sets**: per (input size, config ``default``/``compact``, top ``core``/``camera``), written by
  :func:`sim.taisp.vectors.write_vector_set` / ``write_camera_vector_set`` with ``taps=False``
  (the fused fixed-point model: expected output and parameters; no per-stage taps); plus per (config, top) a crop set (:data:`CROP`) of
  every input for Icarus.
* **Legs**: per full-size set, Verilator (the fast cocotb path, :mod:`sim.taisp.fastpath`) under
  each stall pattern of :data:`FULL_STALLS` and the C simulation of the HLS C++ (:mod:`sim.taisp.csim`,
  no stalls: a C call takes a frame); per crop set, Icarus (the fast cocotb path) under one
  pattern of :data:`ICARUS_STALLS`, taken in turn over the (config, top) pairs. Every output beat
  is compared, bit-exact, and the parameters between frames.
* **Resumable**: a leg's result is ``<out>/legs/<leg>.json``, a set is complete when
  ``<out>/sets/<set>/.complete`` exists; a second run does only what is missing (``redo`` redoes
  failed legs). The summary (``summary.json``, ``summary.md``) covers every leg of the plan.

``quick``: the CI-sized variant: crops of :data:`QUICK_CROP` instead of full frames, one RAW file
and the scene, Verilator and C simulation without stalls, Icarus on :data:`QUICK_ICARUS_CROP`.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import time
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..vector_inputs import MAX_SIZE

REPO = Path(__file__).resolve().parents[2]
DEFAULT_RAW_DIR = REPO.parent / "shared" / "data" / "raw"
CONFIGS = ("default", "compact")
TOPS = ("core", "camera")
#: Stall patterns: name -> (input gap probability, output not-ready probability) per cycle.
STALLS: dict[str, tuple[float, float]] = {"none": (0.0, 0.0), "both20": (0.2, 0.2), "bp50": (0.0, 0.5)}
#: Verilator legs (full size) use these patterns. (Verilator without stalls on every full-size set
#: as well doubles the Verilator time: ``full_stalls=STALLS``.)
FULL_STALLS = ("both20",)
#: Icarus legs (crops): one leg per (config, top), the patterns taken in turn, so that the plan's
#: four Icarus legs cover all three. Icarus runs the whole core at about 7 pixels and 150 idle
#: clocks a second on this project's machines (2 cores), so a crop leg of six inputs at
#: :data:`CROP` takes about 12 minutes; a leg per pattern and (config, top) took hours.
ICARUS_STALLS = ("both20", "bp50", "none")
#: The built-in scene's size (pixels) in the full regression.
SCENE_SIZE = (1920, 1080)
#: Icarus crop (pixels; of the front end's output for core sets, of the Bayer mosaic for camera sets).
CROP = (32, 16)
#: ``quick``: the crop of the Verilator and C-simulation legs, and the Icarus legs' crop.
QUICK_CROP = (64, 32)
QUICK_ICARUS_CROP = (16, 8)
RAW_SUFFIXES = (".raw", ".dng", ".bin", ".nef", ".cr2", ".arw")


@dataclass(frozen=True)
class SetSpec:
    """One vector set to write: its inputs (RAW paths; ``"scene"`` for the built-in scene),
    size (the set's frames; the Bayer size for camera sets), config and top."""

    name: str
    inputs: tuple[str, ...]
    size: tuple[int, int]
    config: str
    top: str
    frames_per_input: int = 1


@dataclass(frozen=True)
class Leg:
    """One simulation of one set: ``simulator`` (verilator, icarus: the fast cocotb path;
    csim: the HLS C++) under stall pattern ``stall``."""

    name: str
    set: SetSpec
    simulator: str
    stall: str


@dataclass
class LegResult:
    name: str
    set: str
    config: str
    top: str
    simulator: str
    stall: str
    size: list[int]
    frames: int
    passed: bool
    beats_checked: int
    mismatches: int
    seconds: float
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def pixels_per_second(self) -> float:
        return self.beats_checked / self.seconds if self.seconds > 0 else 0.0


# ------------------------------------------------------------------------------------ plan
def raw_files(folder: str | os.PathLike) -> list[Path]:
    """The RAW files of a folder (by suffix, sorted)."""
    d = Path(folder)
    if not d.is_dir():
        raise FileNotFoundError(f"{d}: no such folder (give a folder of RAW files)")
    return sorted(p for p in d.iterdir() if p.suffix.lower() in RAW_SUFFIXES)


def _even_limit(n: int) -> int:
    return min(n, MAX_SIZE - (MAX_SIZE % 2))


def raw_size(path: Path) -> tuple[int, int]:
    """The Bayer size of a RAW file (width, height), cropped to what the block takes (even):
    from the ``MANIFEST.json`` beside it where that lists the file, else read."""
    man = path.parent / "MANIFEST.json"
    if man.is_file():
        try:
            for f in json.loads(man.read_text()).get("files", []):
                if f.get("file") == path.name and "width" in f and "height" in f:
                    return _even_limit(int(f["width"])), _even_limit(int(f["height"]))
        except (ValueError, TypeError, AttributeError):
            pass
    from golden.raw import read_raw

    h, w = read_raw(path).mosaic.shape
    return _even_limit(w), _even_limit(h)


def plan(raws: Sequence[str | os.PathLike], *, quick: bool = False, scene: bool = True,
         configs: Sequence[str] = CONFIGS, tops: Sequence[str] = TOPS,
         simulators: Sequence[str] = ("verilator", "csim", "icarus"), frames_per_input: int = 1,
         full_stalls: Sequence[str] = FULL_STALLS) -> list[Leg]:
    """The legs of a regression over ``raws`` (and the built-in scene); ``full_stalls``: the
    stall patterns (names of :data:`STALLS`) of the full-size Verilator legs."""
    inputs: list[tuple[str, tuple[int, int]]] = []
    if quick:
        inputs = [(str(Path(r).resolve()), QUICK_CROP) for r in list(raws)[:1]]
        if scene:
            inputs.append(("scene", QUICK_CROP))
    else:
        inputs = [(str(Path(r).resolve()), raw_size(Path(r))) for r in raws]
        if scene:
            inputs.append(("scene", SCENE_SIZE))
    if not inputs:
        raise ValueError("nothing to regress: no RAW files and no scene")
    by_size: dict[tuple[int, int], list[str]] = {}
    for name, size in inputs:
        by_size.setdefault(size, []).append(name)
    legs: list[Leg] = []
    crop = QUICK_ICARUS_CROP if quick else CROP
    turn = 0  # the Icarus legs' stall pattern, in turn
    for cfg in configs:
        for top in tops:
            if "verilator" in simulators or "csim" in simulators:
                for (w, h), names in sorted(by_size.items()):
                    s = SetSpec(f"{cfg}-{top}-{w}x{h}", tuple(names), (w, h), cfg, top, frames_per_input)
                    if "verilator" in simulators:
                        for st in (("none",) if quick else full_stalls):
                            legs.append(Leg(f"{s.name}-verilator-{st}", s, "verilator", st))
                    if "csim" in simulators:
                        legs.append(Leg(f"{s.name}-csim", s, "csim", "none"))
            if "icarus" in simulators:
                names = tuple(n for n, _ in inputs)
                s = SetSpec(f"{cfg}-{top}-crop{crop[0]}x{crop[1]}", names, crop, cfg, top, frames_per_input)
                st = ICARUS_STALLS[turn % len(ICARUS_STALLS)]
                turn += 1
                legs.append(Leg(f"{s.name}-icarus-{st}", s, "icarus", st))
    return legs


# ------------------------------------------------------------------------------------ sets
def config_path(name: str) -> Path:
    from fixedpoint.taisp import CONFIG_DIR

    p = CONFIG_DIR / f"{name}.toml"
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such config (configs: {', '.join(CONFIGS)})")
    return p


def write_set(spec: SetSpec, out: Path) -> Path:
    """Write a set (unless complete) into ``out``; returns its folder."""
    d = out / spec.name
    if (d / ".complete").exists():
        return d
    from fixedpoint.config import load_config
    from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
    from golden.taisp.checkpoint import load_checkpoint

    from ..vector_inputs import raw_bayer_frames, raw_frames, scene_bayer_frames, scene_frames
    from .vectors import write_camera_vector_set, write_vector_set

    cfg = load_config(config_path(spec.config))
    isp = load_checkpoint(DEFAULT_CHECKPOINT)
    n = spec.frames_per_input
    if d.exists():
        shutil.rmtree(d)
    desc = f"taisp regress: {', '.join(Path(i).name for i in spec.inputs)}; {spec.config} config, top {spec.top}"
    if spec.top == "camera":
        frames = [f for i in spec.inputs
                  for f in (scene_bayer_frames(n, cfg, spec.size) if i == "scene" else raw_bayer_frames(i, n, cfg, spec.size))]
        write_camera_vector_set(d, frames, isp, cfg, checkpoint=DEFAULT_CHECKPOINT, description=desc, taps=False)
    else:
        xs = [f for i in spec.inputs
              for f in (scene_frames(n, cfg, spec.size) if i == "scene" else raw_frames(i, n, cfg, spec.size))]
        write_vector_set(d, xs, isp, cfg, checkpoint=DEFAULT_CHECKPOINT, description=desc, taps=False)
    (d / ".complete").write_text("complete\n")
    return d


# ------------------------------------------------------------------------------------ legs
def run_leg(leg: Leg, set_dir: Path, out: Path) -> dict[str, Any]:
    """Run one leg on its (written) set; writes and returns its result (a dict of
    :class:`LegResult`). A failure is a result (``passed`` False, ``error`` the reason)."""
    m = json.loads((set_dir / "manifest.json").read_text())
    f = m["frames"]
    base = dict(name=leg.name, set=leg.set.name, config=leg.set.config, top=leg.set.top, simulator=leg.simulator,
                stall=leg.stall, size=[int(f["width"]), int(f["height"])], frames=int(f["count"]))
    nbeats = int(f["count"]) * int(f["width"]) * int(f["height"])
    t0 = time.perf_counter()
    try:
        if leg.simulator == "csim":
            from .csim import run_csim

            from .vector_replay import replay_max_w, set_width

            max_w = replay_max_w(set_width(set_dir))  # the C++ line buffers (TAISP_MAX_W) hold the set's width
            if leg.set.top == "camera":  # build first: the camera's run times its build otherwise
                from .camera_csim import build as build_camera

                build_camera(set_dir / "gen", max_w)
            t0 = time.perf_counter()
            r = run_csim(set_dir, taps=False, max_w=max_w)
            secs = sum(r.frame_seconds) or (time.perf_counter() - t0)
            res = LegResult(**base, passed=r.passed, beats_checked=nbeats if r.passed else 0,
                            mismatches=0 if r.passed else 1, seconds=secs, error=None if r.passed else r.summary(),
                            detail={"checked": r.checked, "wall_seconds": time.perf_counter() - t0})
        else:
            from .fastpath import run_fast

            si, so = STALLS[leg.stall]
            r = run_fast(set_dir, leg.simulator, stall_in=si, stall_out=so, seed=zlib.crc32(leg.name.encode()),
                         expect_fail=True)
            res = LegResult(**base, passed=r.passed, beats_checked=r.beats_checked, mismatches=r.mismatches,
                            seconds=r.sim_seconds, error=None if r.passed else f"first mismatch {r.first_mismatch}",
                            detail={"cycles": r.cycles, "param_words": r.param_words, "wall_seconds": r.wall_seconds})
    except Exception as exc:  # noqa: BLE001 - a failing leg is reported, the others go on
        msg = str(exc).strip().splitlines()
        res = LegResult(**base, passed=False, beats_checked=0, mismatches=0, seconds=time.perf_counter() - t0,
                        error=f"{type(exc).__name__}: {msg[0] if msg else ''}"[:400])
    d = {**asdict(res), "pixels_per_second": res.pixels_per_second}
    (out / "legs").mkdir(parents=True, exist_ok=True)
    (out / "legs" / f"{leg.name}.json").write_text(json.dumps(d, indent=1))
    return d


def _set_task(spec: SetSpec, out: str) -> str:
    return str(write_set(spec, Path(out) / "sets"))


def _leg_task(leg: Leg, set_dir: str, out: str) -> dict[str, Any]:
    return run_leg(leg, Path(set_dir), Path(out))


def run_regress(legs: Sequence[Leg], out: str | os.PathLike, *, scheduler: str | None = None, workers: int | None = None,
                redo: bool = False, progress: bool = True, command: str = "", run: bool = True) -> dict[str, Any]:
    """Run the legs not yet done (each a Dask task after its set's task) and write the summary.
    ``scheduler``: a Dask scheduler address; default a local cluster of ``workers`` processes
    (default: the CPU count). ``run`` False: only summarise the legs done so far (the summary
    then says how many of the plan's legs it covers)."""
    from distributed import Client, LocalCluster, as_completed

    o = Path(out).resolve()
    (o / "legs").mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    done: dict[str, dict] = {}
    todo: list[Leg] = []
    for leg in legs:
        p = o / "legs" / f"{leg.name}.json"
        if p.is_file():
            r = json.loads(p.read_text())
            if r["passed"] or not redo:
                done[leg.name] = r
                continue
        todo.append(leg)
    cluster = None
    if todo and run:
        if scheduler:
            client = Client(scheduler)
        else:
            n = workers or os.cpu_count() or 1
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                                   memory_limit=0)
            client = Client(cluster)
        try:
            # legs of sets already written go first (as plain paths: they can start at once);
            # then the other sets, each leg after its set
            ready = {lg.set.name for lg in todo if (o / "sets" / lg.set.name / ".complete").exists()}
            set_futs: dict[str, Any] = {n: str(o / "sets" / n) for n in ready}
            futs = [client.submit(_leg_task, lg, set_futs[lg.set.name], str(o), key=f"leg-{lg.name}", pure=False)
                    for lg in todo if lg.set.name in ready]
            for lg in todo:
                if lg.set.name not in set_futs:
                    set_futs[lg.set.name] = client.submit(_set_task, lg.set, str(o), key=f"set-{lg.set.name}", pure=False)
                if lg.set.name not in ready:
                    futs.append(client.submit(_leg_task, lg, set_futs[lg.set.name], str(o), key=f"leg-{lg.name}",
                                              pure=False, priority=1))
            bar = None
            if progress:
                from tqdm import tqdm

                bar = tqdm(total=len(futs), desc="taisp regress", unit="leg")
            for fut in as_completed(futs):
                try:
                    r = fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. a set that could not be written
                    name = fut.key.removeprefix("leg-")
                    leg = next(lg for lg in todo if lg.name == name)
                    r = {"name": name, "set": leg.set.name, "config": leg.set.config, "top": leg.set.top,
                         "simulator": leg.simulator, "stall": leg.stall, "size": list(leg.set.size), "frames": 0,
                         "passed": False, "beats_checked": 0, "mismatches": 0, "seconds": 0.0,
                         "error": f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:400],
                         "detail": {}, "pixels_per_second": 0.0}
                    (o / "legs" / f"{name}.json").write_text(json.dumps(r, indent=1))
                done[r["name"]] = r
                if bar is not None:
                    bar.set_postfix_str(f"{r['name']}: {'PASS' if r['passed'] else 'FAIL'}")
                    bar.update()
            if bar is not None:
                bar.close()
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    results = [done[leg.name] for leg in legs if leg.name in done]
    return write_summary(results, o, time.perf_counter() - t0, command, planned=len(legs))


# ------------------------------------------------------------------------------------ summary
def summarise(results: Sequence[dict[str, Any]], wall_seconds: float, command: str = "",
              planned: int | None = None) -> dict[str, Any]:
    """Totals and per-simulator rates of leg results (``planned``: the plan's leg count)."""
    per_sim: dict[str, dict[str, float]] = {}
    for r in results:
        s = per_sim.setdefault(r["simulator"], {"legs": 0, "beats_checked": 0, "seconds": 0.0})
        s["legs"] += 1
        s["beats_checked"] += r["beats_checked"]
        s["seconds"] += r["seconds"]
    for s in per_sim.values():
        s["pixels_per_second"] = s["beats_checked"] / s["seconds"] if s["seconds"] else 0.0
    return {"command": command, "host": platform.node(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "wall_seconds": wall_seconds, "legs": len(results),
            "planned_legs": len(results) if planned is None else planned,
            "sum_leg_seconds": sum(r.get("detail", {}).get("wall_seconds", r["seconds"]) for r in results),
            "passed": sum(1 for r in results if r["passed"]), "failed": sum(1 for r in results if not r["passed"]),
            "beats_checked": sum(r["beats_checked"] for r in results),
            "mismatches": sum(r["mismatches"] for r in results), "per_simulator": per_sim, "results": list(results)}


def markdown(summary: dict[str, Any]) -> str:
    s = summary
    status = "PASS" if s["failed"] == 0 else "FAIL"
    if s.get("planned_legs", s["legs"]) > s["legs"]:
        status += f" (partial: {s['legs']} of {s['planned_legs']} planned legs done)"
    lines = [f"# taisp regress: {status}", "",
             f"Command: `{s['command']}`  ", f"{s['date']} on {s['host']} ({s['cpus']} CPUs); wall time "
             f"{s['wall_seconds']:.0f} s (this run; resumed legs count their own earlier seconds below)", "",
             f"**{s['legs']} legs, {s['passed']} passed, {s['failed']} failed; {s['beats_checked']:,} output beats "
             f"checked, {s['mismatches']} mismatches.**", "",
             "| simulator | legs | beats checked | seconds | pixels/s |", "|---|---:|---:|---:|---:|"]
    for name, p in sorted(s["per_simulator"].items()):
        lines.append(f"| {name} | {p['legs']} | {p['beats_checked']:,} | {p['seconds']:.1f} | {p['pixels_per_second']:,.0f} |")
    lines += ["", "| leg | config | top | size | frames | simulator | stalls | beats checked | mismatches | seconds | "
              "pixels/s | result |", "|---|---|---|---|---:|---|---|---:|---:|---:|---:|---|"]
    for r in s["results"]:
        res = "PASS" if r["passed"] else f"FAIL: {r['error']}"
        lines.append(f"| {r['name']} | {r['config']} | {r['top']} | {r['size'][0]}x{r['size'][1]} | {r['frames']} | "
                     f"{r['simulator']} | {r['stall']} | {r['beats_checked']:,} | {r['mismatches']} | {r['seconds']:.1f} | "
                     f"{r['pixels_per_second']:,.0f} | {res} |")
    return "\n".join(lines) + "\n"


def write_summary(results: Sequence[dict[str, Any]], out: Path, wall_seconds: float, command: str = "",
                  planned: int | None = None) -> dict[str, Any]:
    s = summarise(results, wall_seconds, command, planned)
    (out / "summary.json").write_text(json.dumps(s, indent=1))
    (out / "summary.md").write_text(markdown(s))
    return s


__all__ = ["CONFIGS", "CROP", "ICARUS_STALLS", "Leg", "LegResult", "QUICK_CROP", "QUICK_ICARUS_CROP", "STALLS", "SetSpec", "TOPS", "markdown", "plan",
           "raw_files", "run_leg", "run_regress", "summarise", "write_set", "write_summary"]
