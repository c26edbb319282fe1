"""The ``taisp`` command line.

    taisp run [RAW] [options]     the main job (default input: the built-in synthetic scene)
    taisp info RAW [options]      print a RAW file's metadata
    taisp scene OUT.dng [options] write the built-in scene as a DNG (or a headerless .raw)
    taisp train [options]         task-aware training on the built-in segmentation task
    taisp evaluate [CKPT ...]     the task metric per mask mode, and the plain front-end baseline (TA-ISP and POS-ISP)
    taisp report [RAW ...]        quantization-error report: fixed point against the golden model
    taisp gen --out DIR           Verilog/C++ headers and table memories generated from the quantization config
                                  (--model posisp --checkpoint C: also the chain top posisp_chain.v in C's filter order)
    taisp vectors [RAW ...]       test vector set for FPGA bring-up (--check DIR verifies one, --replay DIR simulates it)
    taisp regress [RAW_DIR]       full-size regression over RAW files and the scene (Dask legs, resumable)
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from golden.cfa import BAYER_PATTERNS
from golden.frame_size import size_arg
from golden.taisp.checkpoint import CheckpointError
from golden.frontend import DEMOSAICS, FrontendError
from golden.raw import RawFormatError
from golden.taisp.rgfc import MASK_MODES
from golden.scene import EXPOSURES


_size = size_arg(2, 2, "size")


def _black(text: str) -> list[float]:
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"black level must be a number or four comma-separated numbers, got {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {v}")
    return v


def _bits(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = -1
    if not 8 <= v <= 16:
        raise argparse.ArgumentTypeError(f"bit depth must be an integer from 8 to 16, got {text!r}")
    return v


def _dtype(text: str) -> str:
    from golden.raw import SAMPLE_TYPES

    if text.lower() not in SAMPLE_TYPES:
        raise argparse.ArgumentTypeError(f"unknown sample type {text!r} (one of {', '.join(SAMPLE_TYPES)})")
    return text.lower()


#: The RAW options (``dest`` names), keyword arguments of ``golden.raw.read_raw``.
HEADERLESS_OPTIONS = ("width", "height", "bits", "cfa", "black", "white", "dtype")


def _add_headerless(p: argparse.ArgumentParser) -> None:
    """The one argument group for headerless RAW dumps, shared by every subcommand that reads RAW files
    (run, info, report, vectors)."""
    g = p.add_argument_group("headerless .raw dumps (fields missing here are taken from a MANIFEST.json beside the file)")
    g.add_argument("--width", type=_positive_int)
    g.add_argument("--height", type=_positive_int)
    g.add_argument("--bits", type=_bits, help="bit depth, 8..16")
    g.add_argument("--cfa", choices=BAYER_PATTERNS, type=str.upper)
    g.add_argument("--black", type=_black, help="black level in DN: one value, or four for the 2x2 cell row-major")
    g.add_argument("--white", type=float, help="white level in DN (default 2**bits-1)")
    g.add_argument("--dtype", type=_dtype, help="sample type: <u2 (default, little-endian 16-bit), >u2 or u1 (8-bit)")
    p.set_defaults(raw_options=True)


def _headerless(args: argparse.Namespace) -> dict:
    """The RAW options given (for subcommands with the group; ``taisp scene`` has a --bits of its own)."""
    if not getattr(args, "raw_options", False):
        return {}
    return {k: getattr(args, k) for k in HEADERLESS_OPTIONS if getattr(args, k, None) is not None}


class _Parser(argparse.ArgumentParser):
    """Usage errors are one line (``taisp report: error: argument --bits: ...``), exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="taisp", description="TA-ISP hardware reference: golden model, RAW front end and tools")
    sub = ap.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("run", help="the main job: RAW -> front end -> TA-ISP, with report and PNGs")
    r.add_argument("raw", nargs="?", help="RAW file (DNG, maker RAW, or headerless .raw); default: the built-in scene")
    _add_headerless(r)
    r.add_argument("--scene-size", type=_size, default=(1920, 1080), help="built-in scene size WxH (default 1920x1080)")
    r.add_argument("--scene-cfa", choices=BAYER_PATTERNS, type=str.upper, default="RGGB")
    r.add_argument("--exposure", choices=sorted(EXPOSURES), default="normal", help="built-in scene exposure")
    r.add_argument("--seed", type=int, default=0, help="seed of the scene, its noise, untrained weights and Gumbel noise")
    r.add_argument("--demosaic", choices=DEMOSAICS, default="bilinear")
    r.add_argument("--checkpoint", help="TA-ISP or whole-detector checkpoint (.pth); default: the shipped taisp_w1-4.pth")
    r.add_argument("--random-init", action="store_true", help="untrained weights (PyTorch default init under --seed)")
    r.add_argument("--trust-checkpoint", action="store_true", help="allow pickled Python objects in the checkpoint")
    r.add_argument("--weight-range", type=float, nargs=2, metavar=("W_MIN", "W_MAX"))
    r.add_argument("--mask-mode", choices=MASK_MODES, default="hard")
    r.add_argument("--out", default="out/run", help="output folder (default out/run)")
    r.add_argument("--model", choices=("taisp", "posisp"), default="taisp",
                   help="the ISP (default taisp); posisp: default checkpoint golden/posisp/checkpoints/posisp_frozen.pth")
    r.add_argument("--denoise-border", choices=("circular", "mirror"), default="circular",
                   help="POS-ISP denoise border: circular (published) or mirror (the streaming hardware)")

    i = sub.add_parser("info", help="print a RAW file's metadata as JSON")
    i.add_argument("raw")
    _add_headerless(i)

    s = sub.add_parser("scene", help="write the built-in synthetic scene as a RAW file (.dng, or headerless .raw)")
    s.add_argument("out")
    s.add_argument("--size", type=_size, default=(1920, 1080))
    s.add_argument("--cfa", choices=BAYER_PATTERNS, type=str.upper, default="RGGB")
    s.add_argument("--exposure", choices=sorted(EXPOSURES), default="normal")
    s.add_argument("--bits", type=int, default=12)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--no-noise", action="store_true")

    t = sub.add_parser("train", help="train TA-ISP jointly with a segmenter on the built-in task (task loss only)")
    t.add_argument("--weight-range", type=float, nargs=2, metavar=("W_MIN", "W_MAX"), help="default 1 4")
    t.add_argument("--baseline", action="store_true", help="also (or only) train the plain front-end baseline")
    t.add_argument("--steps", type=int, default=3000)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--train-samples", type=int, default=4000)
    t.add_argument("--val-samples", type=int, default=600)
    t.add_argument("--out", default="out/train", help="output folder (default out/train)")
    t.add_argument("--model", choices=("taisp", "posisp"), default="taisp", help="the ISP to train (default taisp)")
    pg = t.add_argument_group("POS-ISP (--model posisp; defaults are the published training rule)")
    pg.add_argument("--posisp-mode", choices=("frozen", "joint"), default="frozen",
                    help="frozen: the shipped front-end baseline segmenter is fixed (published); joint: trained too")
    pg.add_argument("--lr-params", type=float, default=1e-4, help="parameter agent learning rate (published 1e-4)")
    pg.add_argument("--lr-sequence", type=float, default=1e-5, help="sequence agent learning rate (published 1e-5)")
    pg.add_argument("--temp-half-life", type=float, default=3000.0,
                    help="steps per halving of the temperature above its floor 0.2 (published 3000)")
    pg.add_argument("--downstream-init", choices=("baseline", "scratch"), default="baseline",
                    help="joint mode: start the segmenter from the shipped baseline or from scratch")
    pg.add_argument("--name", help="file stem of the outputs (default posisp_<mode>)")

    e = sub.add_parser("evaluate", help="task mIoU of task checkpoints per mask mode (default: the shipped ones)")
    e.add_argument("checkpoints", nargs="*", help="*_task.pth files written by taisp train")
    e.add_argument("--seed", type=int, default=0, help="seed of the gumbel noise")
    e.add_argument("--json", help="also write the results as JSON here")

    q = sub.add_parser("report", help="quantization-error report of the fixed-point model against the golden model")
    q.add_argument("raw", nargs="*", help="RAW files (default: the built-in scene, normal and dark)")
    _add_headerless(q)
    q.add_argument("--checkpoint", action="append", help="checkpoint(s); default: both shipped ones")
    q.add_argument("--config", help="quantization config TOML (default fixedpoint/taisp/configs/default.toml)")
    q.add_argument("--demosaic", choices=DEMOSAICS, default="bilinear")
    q.add_argument("--out", default="out/report", help="output folder (default out/report)")
    q.add_argument("--model", choices=("taisp", "posisp"), default="taisp",
                   help="the ISP (default taisp); posisp: the fixed-point chain against the float model, filter by filter, "
                        "default config fixedpoint/posisp/configs/default.toml, both shipped checkpoints")
    q.add_argument("--crop", type=_positive_int, help="posisp: centre crop of every input (pixels; default whole frames)")

    g = sub.add_parser("gen", help="generate the Verilog header, C++ header and table memories from the quantization config")
    g.add_argument("--config", help="quantization config TOML (default fixedpoint/taisp/configs/default.toml)")
    g.add_argument("--out", default="build/gen", help="output folder (default build/gen)")
    g.add_argument("--checkpoint", help="weights baked into weights.hex (default: the shipped taisp_w1-4.pth); "
                   "posisp: the checkpoint whose filter order the chain follows (default posisp_frozen.pth)")
    g.add_argument("--model", choices=("taisp", "posisp"), default="taisp",
                   help="the ISP (default taisp); posisp: also writes posisp_chain.v, the filters in the checkpoint's order")
    g.add_argument("--order", help="posisp: the chain's filters, comma-separated (instead of a checkpoint's order)")
    g.add_argument("--frontend", action="store_true",
                   help="posisp: also posisp_camera.v, the camera top (Bayer RAW in: the shared front end isp_frontend "
                        "ahead of the chain, one AXI4-Lite map)")

    from .vectors import add_parser as add_vectors

    add_vectors(sub, _add_headerless, _size)
    from .wordlength import add_parser as add_wordlength

    add_wordlength(sub)
    from .regress import add_parser as add_regress

    add_regress(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if _headerless(args) and not getattr(args, "raw", None):
        opts = ", ".join(f"--{k}" for k in _headerless(args))
        parser.exit(2, f"taisp {args.cmd}: error: {opts}: options for a headerless RAW file, but no RAW file is given\n")
    try:
        if args.cmd == "run":
            from .run import RunOptions, run

            if args.model == "posisp":
                from .run_posisp import run_posisp

                run_posisp(RunOptions(
                    raw_path=args.raw, headerless=_headerless(args), scene_size=args.scene_size, scene_cfa=args.scene_cfa,
                    scene_exposure=args.exposure, seed=args.seed, demosaic=args.demosaic, checkpoint=args.checkpoint,
                    random_init=args.random_init, out_dir=args.out), denoise_border=args.denoise_border)
                return 0
            run(RunOptions(
                raw_path=args.raw, headerless=_headerless(args), scene_size=args.scene_size, scene_cfa=args.scene_cfa,
                scene_exposure=args.exposure, seed=args.seed, demosaic=args.demosaic, checkpoint=args.checkpoint,
                random_init=args.random_init, trust_checkpoint=args.trust_checkpoint,
                weight_range=tuple(args.weight_range) if args.weight_range else None,
                mask_mode=args.mask_mode, out_dir=args.out,
            ))
        elif args.cmd == "train":
            from .train import main_train

            return main_train(args)
        elif args.cmd == "evaluate":
            from .train import main_evaluate

            return main_evaluate(args)
        elif args.cmd == "report" and args.model == "posisp":
            from .report_posisp import main_report_posisp

            return main_report_posisp(args, _headerless(args))
        elif args.cmd == "report":
            from fixedpoint.config import load_config
            from fixedpoint.taisp.report import run_report
            from golden.taisp.checkpoint import load_checkpoint
            from golden.raw import read_raw
            from golden.scene import synthetic_raw

            from .train import CHECKPOINT_DIR

            raws = [read_raw(p, **_headerless(args)) for p in args.raw] or [synthetic_raw(exposure=e, seed=0) for e in ("normal", "dark")]
            cks = args.checkpoint or [str(CHECKPOINT_DIR / "taisp_w1-4.pth"), str(CHECKPOINT_DIR / "taisp_w5-9.pth")]
            data = run_report(raws, [load_checkpoint(c) for c in cks], load_config(args.config), args.out, args.demosaic)
            print(f"[taisp report] lowest share within +-1 LSB {100 * data['min_within_1lsb_8bit']:.4f}%, lowest region "
                  f"agreement {100 * data['min_region_agreement']:.4f}%; wrote report.md, report.json and PNGs to {args.out}/")
        elif args.cmd == "gen" and args.model == "posisp":
            from fixedpoint.posisp.chaingen import chain_order, write_chain
            from fixedpoint.posisp.schema import load_posisp_config

            order = chain_order(args.checkpoint, args.order)
            paths = write_chain(load_posisp_config(args.config), args.out, order, frontend=args.frontend)
            print(f"[taisp gen] chain {' -> '.join(order) or '(no filter)'}; wrote {', '.join(p.name for p in paths)} "
                  f"to {args.out}/")
        elif args.cmd == "gen":
            from fixedpoint.taisp.codegen import write_all
            from fixedpoint.config import load_config

            paths = write_all(load_config(args.config), args.out, args.checkpoint)
            print(f"[taisp gen] wrote {', '.join(p.name for p in paths)} to {args.out}/")
        elif args.cmd == "wordlength":
            from .wordlength import main_wordlength

            return main_wordlength(args)
        elif args.cmd == "regress":
            from .regress import main_regress

            return main_regress(args)
        elif args.cmd == "vectors":
            from .vectors import main_vectors

            return main_vectors(args, _headerless(args))
        elif args.cmd == "info":
            from golden.raw import read_raw

            img = read_raw(args.raw, **_headerless(args))
            meta = img.metadata()
            meta["dn_min"], meta["dn_max"], meta["dn_mean"] = int(img.mosaic.min()), int(img.mosaic.max()), float(img.mosaic.mean())
            print(json.dumps(meta, indent=2))
            for w in img.warnings:  # also in the JSON ("warnings")
                print(f"taisp info: warning: {img.source}: {w}", file=sys.stderr)
        elif args.cmd == "scene":
            from golden.scene import synthetic_raw

            w, h = args.size
            img = synthetic_raw(height=h, width=w, cfa=args.cfa, exposure=args.exposure, bits=args.bits,
                                seed=args.seed, noise=not args.no_noise)
            if args.out.lower().endswith(".dng"):
                from golden.dng import write_dng

                write_dng(args.out, img)
            else:
                img.mosaic.astype("<u2").tofile(args.out)
            print(f"wrote {args.out}: {w}x{h} {args.bits}-bit {args.cfa}, black {img.black[0]:.0f}, white {img.white:.0f}")
    except (RawFormatError, FrontendError, CheckpointError, ValueError, OSError) as exc:
        print(f"taisp {args.cmd}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
