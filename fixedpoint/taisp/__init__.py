"""TA-ISP in fixed point: the model (stages ``glc``, ``hsa``, ``rgfc`` and the per-frame
parameter engine ``params``), its quantization configs (``configs/``), register map, code
generation for the RTL and the HLS C++, the quantization report and the word-length sweep.

Shared pieces (``ap_fixed`` arithmetic, function tables, the config loader, the front end)
live one level up in :mod:`fixedpoint`.
"""
from __future__ import annotations

from pathlib import Path

#: The folder of TA-ISP's quantization configs.
CONFIG_DIR: Path = Path(__file__).resolve().parent / "configs"
#: The default quantization config.
DEFAULT_CONFIG: Path = CONFIG_DIR / "default.toml"
