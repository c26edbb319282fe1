"""POS-ISP in fixed point: the ten streaming filters (``filters``), the per-frame driver
(``driver``: 27 raw parameters -> register values and table contents), the 64x64 thumbnail
accumulator and the chain model with its statistics modes (``model``), the quantization config
(``schema``, ``configs/``), the register map (``regmap``) and the generated headers
(``codegen``). The integer datapath of every filter is specified in ``fixedpoint/README.md``
(section "POS-ISP").

Shared pieces (``ap_fixed`` arithmetic, function tables, the config loader, the front end)
live one level up in :mod:`fixedpoint`.
"""
from __future__ import annotations

from pathlib import Path

#: The folder of POS-ISP's quantization configs.
CONFIG_DIR: Path = Path(__file__).resolve().parent / "configs"
#: The default quantization config.
DEFAULT_CONFIG: Path = CONFIG_DIR / "default.toml"
