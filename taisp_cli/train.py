"""``taisp train`` and ``taisp evaluate``: command-line faces of :mod:`golden.taisp.training`."""
from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from golden.taisp import CHECKPOINT_DIR
from golden.taisp.training import TaskSettings, build_data, evaluate_checkpoints, format_eval, train_task


def main_train(args) -> int:
    settings = TaskSettings(train_samples=args.train_samples, val_samples=args.val_samples)
    out = Path(args.out)
    cmd = "taisp " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv and sys.argv[0].endswith("taisp") else None
    data = build_data(settings)
    if getattr(args, "model", "taisp") == "posisp":
        from golden.posisp.training import PosispTrainConfig, train_posisp_task

        cmd = (f"taisp train --model posisp --posisp-mode {args.posisp_mode} --steps {args.steps} --seed {args.seed} "
               f"--train-samples {args.train_samples} --val-samples {args.val_samples} --lr-params {args.lr_params:g} "
               f"--lr-sequence {args.lr_sequence:g} --temp-half-life {args.temp_half_life:g} "
               f"--downstream-init {args.downstream_init} --out {shlex.quote(str(args.out))}"
               + (f" --name {shlex.quote(args.name)}" if args.name else ""))

        cfg = PosispTrainConfig(steps=args.steps, seed=args.seed, mode=args.posisp_mode, lr_params=args.lr_params,
                                lr_sequence=args.lr_sequence, temp_half_life=args.temp_half_life,
                                downstream_init=args.downstream_init)
        train_posisp_task(args.posisp_mode, args.steps, args.seed, out, settings, command=cmd, data=data, cfg=cfg,
                          name=args.name)
        return 0
    ranges: list[tuple[float, float] | None] = [tuple(args.weight_range)] if args.weight_range else []
    if args.baseline:
        ranges.append(None)
    if not ranges:
        ranges = [(1.0, 4.0)]
    for wr in ranges:
        train_task(wr, args.steps, args.seed, out, settings, command=cmd, data=data)
    return 0


def main_evaluate(args) -> int:
    from golden.posisp import CHECKPOINT_DIR as POSISP_CHECKPOINT_DIR

    paths = args.checkpoints or (sorted(str(p) for p in CHECKPOINT_DIR.glob("*_task.pth"))
                                 + sorted(str(p) for p in POSISP_CHECKPOINT_DIR.glob("*_task.pth")))
    if not paths:
        raise ValueError(f"no task checkpoints given and none found in {CHECKPOINT_DIR}")
    results = evaluate_checkpoints(paths, args.seed)
    print(format_eval(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0
