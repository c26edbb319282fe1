"""Variants of POS-ISP's default quantization config used by the regressions (built from
``configs/default.toml``, every other entry staying the default's)."""
from __future__ import annotations

import tomllib

from ..config import QuantConfig
from . import DEFAULT_CONFIG
from .schema import POSISP_SCHEMA, check_structure

ROUNDINGS = ("TRN", "TRN_ZERO", "RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV")
OVERFLOWS = ("SAT", "SAT_ZERO", "SAT_SYM", "WRAP")
#: stages whose entries get every mode (the pixel path, the constants and the driver's registers)
MODE_STAGES = ("const", "chain", "exposure", "ccm", "sharpen", "denoise", "tone", "contrast", "saturation", "wnb", "wb")


def every_mode_config() -> QuantConfig:
    """A config using every rounding and overflow mode: the entries of :data:`MODE_STAGES` cycle
    through the seven roundings and the four overflow modes, ``chain.x`` keeps only 8 integer
    bits (u28.20, so exposure and gamma overflow), and the tables change kind, size and rounding
    (``den_recip`` a LUT, ``contrast``/``contrast_g`` 256 segments truncating, ``gamma`` 16 per
    octave with convergent rounding, ``denoise`` rounding toward minus infinity)."""
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    data["name"] = "every_mode"
    i = 0
    for stage in MODE_STAGES:
        for name, e in data[stage].items():
            e = {"fmt": e} if isinstance(e, str) else dict(e)
            if stage == "chain" and name == "out":
                e.update(rounding="RND_INF", overflow="SAT")
            else:
                e.update(rounding=ROUNDINGS[i % len(ROUNDINGS)], overflow=OVERFLOWS[i % len(OVERFLOWS)])
                i += 1
            data[stage][name] = e
    data["chain"]["x"]["fmt"] = "u28.20"
    data["chain"]["x"]["overflow"] = "WRAP"
    data["frame_tables"]["gamma"].update(in_fmt="u28.20", out_fmt="u28.20", size=16, rounding="RND_CONV")
    data["frame_tables"]["contrast"].update(size=256, rounding="TRN")
    data["tables"]["contrast_g"].update(size=256, rounding="TRN")
    data["frame_tables"]["denoise"].update(rounding="RND_MIN_INF")
    data["tables"]["den_recip"].update(kind="lut", size=64, rounding="RND_ZERO")
    data["tables"]["sat_recip"].update(size=16, rounding="TRN_ZERO")
    cfg = QuantConfig(data, "every_mode variant of " + str(DEFAULT_CONFIG), POSISP_SCHEMA)
    check_structure(cfg)
    return cfg


__all__ = ["MODE_STAGES", "OVERFLOWS", "ROUNDINGS", "every_mode_config"]
