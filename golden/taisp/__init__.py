"""TA-ISP (CVPR 2026) in float: the model (stages ``glc``, ``hsa``, ``rgfc``), its checkpoint
loader and the shipped checkpoints (``checkpoints/``).

Shared pieces (RAW reading, front end, built-in scene and task, training loop) live one level
up in :mod:`golden`.
"""
from __future__ import annotations

from pathlib import Path

#: The folder of the shipped TA-ISP checkpoints (each with its card ``.md``/``.json``).
CHECKPOINT_DIR: Path = Path(__file__).resolve().parent / "checkpoints"
#: The checkpoint every command uses unless told otherwise (weight range [1, 4]).
DEFAULT_CHECKPOINT: Path = CHECKPOINT_DIR / "taisp_w1-4.pth"


def shipped_checkpoint(name: str) -> Path:
    """Path of a shipped checkpoint by stem (``"taisp_w5-9"``) or file name."""
    p = CHECKPOINT_DIR / (name if name.endswith(".pth") else f"{name}.pth")
    if not p.is_file():
        have = ", ".join(sorted(q.stem for q in CHECKPOINT_DIR.glob("*.pth")))
        raise FileNotFoundError(f"no shipped checkpoint {name!r} in {CHECKPOINT_DIR} (have: {have})")
    return p
