"""Frame sizes written as ``WxH`` (``1920x1080``): the one parser every command and script uses."""
from __future__ import annotations

import argparse
from collections.abc import Callable


def parse_size(text: str, min_width: int = 1, min_height: int = 1, what: str = "size") -> tuple[int, int]:
    """``"1920x1080"`` -> ``(1920, 1080)`` (width, height in pixels); ValueError naming ``what``
    for anything else or a size below ``min_width`` x ``min_height``."""
    try:
        w, h = (int(v) for v in str(text).lower().split("x"))
    except ValueError:
        raise ValueError(f"{what} must look like 1920x1080, got {text!r}") from None
    if w < min_width or h < min_height:
        raise ValueError(f"{what} must be at least {min_width}x{min_height}, got {text!r}")
    return w, h


def size_arg(min_width: int = 1, min_height: int = 1, what: str = "size",
             allow: tuple[str, ...] = ()) -> Callable[[str], tuple[int, int] | None]:
    """An argparse ``type=`` for ``WxH``; the words in ``allow`` (e.g. ``"full"``) give None."""
    def parse(text: str) -> tuple[int, int] | None:
        if text.lower() in allow:
            return None
        try:
            return parse_size(text, min_width, min_height, what)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
    parse.__name__ = what  # argparse names the type in its messages
    return parse
