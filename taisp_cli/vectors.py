"""``taisp vectors``: write, check or replay a test vector set for FPGA bring-up.

    taisp vectors [RAW ...] --frames 3 --crop 64x48 --out out/vectors    # write (default: the built-in scene)
    taisp vectors RAW --top core ...      # RAW input: --top camera (Bayer samples in) is the default
    taisp vectors --check out/vectors                                      # hashes and schema
    taisp vectors --replay out/vectors --stall 20                          # plain Verilog testbench, Icarus
    taisp vectors --model posisp [RAW ...] --crop 128x96 --out out/vec_posisp  # a generated POS-ISP chain
    taisp vectors --model posisp --top camera RAW ... --crop 128x96 ...   # its camera top: Bayer samples in

Inputs: each RAW file gives ``--frames`` frames (the still repeated); with no RAW file the
built-in scene gives ``--frames`` frames at cycling exposures. The inputs are concatenated into
one sequence (sim/vector_inputs.py); the format is in sim/taisp/vectors.py and sim/README.md.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from golden.cfa import BAYER_PATTERNS
from golden.frame_size import size_arg
from golden.frontend import DEMOSAICS


#: ``WxH`` or ``full`` (no crop); at least 2 pixels wide and 1 line high.
crop_arg = size_arg(2, 1, "crop", allow=("full",))


def add_parser(sub, add_headerless, size_type) -> None:
    """The ``vectors`` subcommand's arguments."""
    v = sub.add_parser("vectors", help="test vector set for FPGA bring-up: write it, --check it, or --replay it")
    v.add_argument("raw", nargs="*", help="RAW files (default: the built-in scene); each gives --frames frames")
    add_headerless(v)
    v.add_argument("--frames", type=int, default=3,
                   help="frames per input (default 3): a RAW still repeated; the scene at exposures normal, dark, bright, ...")
    v.add_argument("--crop", type=crop_arg, default=(64, 48),
                   help="centred crop WxH (default 64x48), or 'full': of the Bayer mosaic for --top camera (at even "
                        "offsets; bin2 then gives W/2 x H/2), of the fixed-point front end's output for --top core")
    v.add_argument("--demosaic", choices=DEMOSAICS, default="bilinear")
    v.add_argument("--top", choices=("camera", "core"), default=None,
                   help="the block the set drives: camera (taisp_camera: Bayer samples in, front-end registers; "
                        "the default for RAW input) or core (taisp_core: frontend.x RGB in; the default for the "
                        "built-in scene, whose --top camera set is its synthetic Bayer mosaic at the crop size); "
                        "posisp: core (the default) is the chain (frontend.x RGB in), camera its camera top "
                        "posisp_camera (Bayer samples in, front-end registers)")
    v.add_argument("--model", choices=("taisp", "posisp"), default="taisp",
                   help="the ISP (default taisp); posisp: a chain generated in the checkpoint's order, frontend.x RGB "
                        "in, previous mode (frame k's parameters from frame k-1's thumbnail)")
    v.add_argument("--order", help="posisp: the chain's filters, comma-separated (instead of the checkpoint's order)")
    v.add_argument("--thumb", action="store_true", help="posisp --replay: read the thumbnail window back after each frame")
    v.add_argument("--config", help="quantization config TOML (default fixedpoint/taisp/configs/default.toml; "
                                    "posisp: fixedpoint/posisp/configs/default.toml)")
    v.add_argument("--checkpoint", help="TA-ISP checkpoint (default: the shipped taisp_w1-4.pth); posisp: "
                                        "golden/posisp/checkpoints/posisp_frozen.pth")
    v.add_argument("--weight-range", type=float, nargs=2, metavar=("W_MIN", "W_MAX"))
    v.add_argument("--scene-size", type=size_type, help="built-in scene render size WxH (default: the crop)")
    v.add_argument("--scene-cfa", choices=BAYER_PATTERNS, type=str.upper, default="RGGB")
    v.add_argument("--seed", type=int, default=0, help="seed of the built-in scene (frame k uses seed + k)")
    v.add_argument("--out", default="out/vectors", help="output folder (default out/vectors)")
    v.add_argument("--check", metavar="DIR", help="verify a vector set's schema and file hashes, write nothing")
    v.add_argument("--replay", metavar="DIR", help="replay a vector set with the plain Verilog testbench under Icarus")
    v.add_argument("--stall", type=int, default=0, metavar="PERCENT", help="with --replay: random stalls on both streams")
    v.add_argument("--simulator", choices=("icarus", "verilator"), default="icarus", help="with --replay (default icarus)")


def main_vectors(args: argparse.Namespace, headerless: dict) -> int:
    """Run ``taisp vectors``; errors print one line and return 2."""
    from sim.taisp.vectors import VectorSetError, check_vector_set

    if getattr(args, "model", "taisp") == "posisp":
        try:
            return _main_posisp(args, headerless)
        except VectorSetError as exc:
            print(f"taisp vectors: error: {exc}", file=sys.stderr)
            return 2
    try:
        if args.check:
            m = check_vector_set(args.check)
            f = m["frames"]
            top = m.get("top", "core")
            bayer = f" from {f['bayer']['width']}x{f['bayer']['height']} Bayer" if "bayer" in f else ""
            print(f"[taisp vectors] {args.check}: OK: schema {m['schema_version']}, top {top}, {f['count']} frame(s) of "
                  f"{f['width']}x{f['height']}{bayer}, {len(m['files'])} files verified (SHA-256), written by taisp "
                  f"{m['tool'].get('version', '?')}")
            return 0
        if args.replay:
            from sim.taisp.vector_replay import run_plain_tb

            check_vector_set(args.replay)
            res = run_plain_tb(args.replay, stall_in=args.stall, stall_out=args.stall, simulator=args.simulator)
            print(res.log if not res.passed else res.result_line)
            print(f"[taisp vectors] log: {res.log_path}")
            return 0 if res.passed else 1
        return _write(args, headerless)
    except VectorSetError as exc:
        print(f"taisp vectors: error: {exc}", file=sys.stderr)
        return 2


def _warn_max_w(width: int) -> None:
    """One line on stderr when the frames are wider than the line buffers of taisp_core as configured
    by default (its MAX_W parameter): such a set needs a block built with a larger MAX_W."""
    from sim.taisp.vector_replay import block_max_w

    max_w = block_max_w()
    if width > max_w:
        print(f"taisp vectors: warning: frames {width} pixels wide exceed the block's default MAX_W {max_w}: "
              f"build taisp_core with MAX_W >= {width} to run this set (--replay does)", file=sys.stderr)


def _write(args: argparse.Namespace, headerless: dict) -> int:
    from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
    from fixedpoint.config import load_config
    from golden.taisp.checkpoint import load_checkpoint
    from sim.vector_inputs import check_size
    from sim.taisp.vectors import write_camera_vector_set, write_vector_set

    if args.frames < 1:
        raise ValueError(f"--frames must be at least 1, got {args.frames}")
    top = args.top or ("camera" if args.raw else "core")
    if args.crop is not None:
        if top == "camera" and args.demosaic == "bin2":
            check_size(args.crop[0] // 2, args.crop[1] // 2, where="--crop (bin2 output)")
        else:
            check_size(*args.crop, where="--crop")
    cfg = load_config(args.config)
    ck = Path(args.checkpoint) if args.checkpoint else DEFAULT_CHECKPOINT
    isp = load_checkpoint(ck, weight_range=tuple(args.weight_range) if args.weight_range else None)
    what = ", ".join(Path(p).name for p in args.raw) if args.raw else "the built-in scene"
    desc = f"{what}, {args.frames} frame(s) each, top {top}"
    if top == "camera":
        m = write_camera_vector_set(args.out, _bayer_frames(args, cfg, headerless), isp, cfg, checkpoint=ck,
                                    description=desc)
    else:
        m = write_vector_set(args.out, _rgb_frames(args, cfg, headerless), isp, cfg, checkpoint=ck, description=desc)
    f = m["frames"]
    _warn_max_w(f.get("bayer", f)["width"])
    bayer = f" (Bayer {f['bayer']['width']}x{f['bayer']['height']} in)" if "bayer" in f else ""
    print(f"[taisp vectors] wrote a {top} set: {f['count']} frame(s) of {f['width']}x{f['height']}{bayer} from {what} "
          f"({len(m['files'])} files and manifest.json) to {args.out}/; check with: taisp vectors --check {args.out}")
    return 0


def _bayer_frames(args: argparse.Namespace, cfg, headerless: dict) -> list:
    """A camera set's Bayer frames: each RAW file's (``--frames`` copies, ``--crop`` the Bayer
    size) or the built-in scene's synthetic mosaic at ``--crop``."""
    from sim.vector_inputs import raw_bayer_frames, scene_bayer_frames

    if args.raw:
        return [f for p in args.raw for f in raw_bayer_frames(p, args.frames, cfg, args.crop, args.demosaic, headerless)]
    if args.crop is None:
        raise ValueError("--top camera with the built-in scene needs a --crop WxH (the Bayer size)")
    return scene_bayer_frames(args.frames, cfg, args.crop, args.demosaic, args.scene_cfa, args.seed)


def _rgb_frames(args: argparse.Namespace, cfg, headerless: dict) -> list:
    """A core or chain set's frames: the fixed-point front end's output of each RAW file or the scene."""
    from sim.vector_inputs import raw_frames, scene_frames

    if args.raw:
        return [f for p in args.raw for f in raw_frames(p, args.frames, cfg, args.crop, args.demosaic, headerless)]
    return scene_frames(args.frames, cfg, args.crop, args.demosaic, args.scene_cfa, args.seed, args.scene_size)


def _main_posisp(args: argparse.Namespace, headerless: dict) -> int:
    """``taisp vectors --model posisp``: write, check or replay a POS-ISP chain set."""
    from sim.posisp.vectors import check_posisp_vector_set

    if args.check or args.replay:
        d = args.check or args.replay
        m = check_posisp_vector_set(d)
        f = m["frames"]
        bayer = f" from {f['bayer']['width']}x{f['bayer']['height']} Bayer (camera)" if "bayer" in f else ""
        print(f"[taisp vectors] {d}: OK: POS-ISP set, chain {' -> '.join(m['order']) or '(no filter)'}, {f['count']} "
              f"frame(s) of {f['width']}x{f['height']}{bayer}, {len(m['files'])} files verified (SHA-256)")
        if args.check:
            return 0
        from sim.posisp.vector_replay import run_posisp_plain_tb

        res = run_posisp_plain_tb(d, stall_in=args.stall, stall_out=args.stall, thumb=args.thumb, simulator=args.simulator)
        print(res.log if not res.passed else res.result_line)
        print(f"[taisp vectors] log: {res.log_path} ({res.seconds:.1f} s)")
        return 0 if res.passed else 1
    from fixedpoint.posisp.chaingen import chain_order
    from fixedpoint.posisp.schema import load_posisp_config
    from golden.posisp import DEFAULT_CHECKPOINT, load_posisp_checkpoint
    from sim.posisp.vectors import write_posisp_camera_vector_set, write_posisp_vector_set

    if args.frames < 1:
        raise ValueError(f"--frames must be at least 1, got {args.frames}")
    cfg = load_posisp_config(args.config)
    ck = Path(args.checkpoint) if args.checkpoint else DEFAULT_CHECKPOINT
    isp = load_posisp_checkpoint(ck)
    order = chain_order(ck, args.order)
    what = ", ".join(Path(p).name for p in args.raw) if args.raw else "the built-in scene"
    desc = f"{what}, {args.frames} frame(s) each"
    if args.top == "camera":
        m = write_posisp_camera_vector_set(args.out, _bayer_frames(args, cfg, headerless), isp, cfg, order=order,
                                           checkpoint=ck, description=desc + ", camera")
    else:
        m = write_posisp_vector_set(args.out, _rgb_frames(args, cfg, headerless), isp, cfg, order=order, checkpoint=ck,
                                    description=desc)
    f = m["frames"]
    bayer = f" (Bayer {f['bayer']['width']}x{f['bayer']['height']} in, posisp_camera)" if "bayer" in f else ""
    print(f"[taisp vectors] wrote a POS-ISP set: chain {' -> '.join(order) or '(no filter)'}, {f['count']} frame(s) of "
          f"{f['width']}x{f['height']}{bayer} from {what} ({len(m['files'])} files and manifest.json) to {args.out}/; "
          f"replay with: taisp vectors --model posisp --replay {args.out}")
    return 0
