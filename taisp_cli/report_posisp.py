"""``taisp report --model posisp``: argument handling only; the report is
:func:`fixedpoint.posisp.report.run_report`."""
from __future__ import annotations

import argparse


def main_report_posisp(args: argparse.Namespace, headerless: dict) -> int:
    from fixedpoint.frontend import frontend
    from fixedpoint.posisp.accuracy import centre_crop
    from fixedpoint.posisp.report import run_report
    from fixedpoint.posisp.schema import load_posisp_config
    from golden.posisp import CHECKPOINT_DIR, load_posisp_checkpoint
    from golden.raw import read_raw
    from golden.scene import synthetic_raw

    cfg = load_posisp_config(args.config)
    raws = [(p, read_raw(p, **headerless)) for p in args.raw] or [
        (f"scene:{e}", synthetic_raw(exposure=e, seed=0)) for e in ("normal", "dark")]
    inputs = [(name, centre_crop(frontend(raw, cfg, args.demosaic), args.crop)) for name, raw in raws]
    cks = args.checkpoint or [str(CHECKPOINT_DIR / f"posisp_{n}.pth") for n in ("frozen", "joint")]
    isps = [(c.rsplit("/", 1)[-1], load_posisp_checkpoint(c, denoise_border="mirror")) for c in cks]
    data = run_report(inputs, isps, cfg, args.out)
    print(f"[taisp report --model posisp] lowest share within +-1 LSB {100 * data['min_within_1lsb_8bit']:.4f}%, "
          f"max {data['max_abs_lsb_8bit']:.0f} LSB; wrote report.md, report.json and PNGs to {args.out}/")
    return 0
