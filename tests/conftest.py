"""Shared fixtures: where the real RAW data lives (../shared/data/raw beside the checkout)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_RAW = REPO.parent / "shared" / "data" / "raw"


@pytest.fixture(scope="session")
def shared_raw_dir() -> Path:
    """The folder of real RAW files; the tests need it (CI puts ../shared beside the checkout)."""
    assert (SHARED_RAW / "MANIFEST.json").is_file(), f"real RAW data not found at {SHARED_RAW} (expected ../shared beside the checkout)"
    return SHARED_RAW


@pytest.fixture(scope="session")
def raw_manifest(shared_raw_dir: Path) -> list[dict]:
    return json.loads((shared_raw_dir / "MANIFEST.json").read_text())["files"]
