"""Shared helpers for the fixed-point tests: Hypothesis strategies and the
ap_fixed oracle driver (C++ generated here, compiled with g++ into a temp dir).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

ORACLE_DIR = Path(__file__).parent / "oracle"


def ap_types_dir() -> Path | None:
    """Folder of the ap_types headers shipped inside the hls4ml wheel, if installed."""
    spec = importlib.util.find_spec("hls4ml")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        cand = Path(root) / "templates" / "vivado" / "ap_types"
        if (cand / "ap_fixed.h").is_file():
            return cand
    return None


@dataclass
class _Record:
    fn: int
    a: np.ndarray
    b: np.ndarray
    k: int
    x: np.ndarray


@dataclass
class ApOracle:
    """Collects (instantiation, inputs) records, builds one program, runs it once."""

    functions: list[str] = field(default_factory=list)
    records: list[_Record] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    compile_s: float = 0.0
    run_s: float = 0.0

    def add(self, instantiation: str, a=None, b=None, k: int = 0, x=None) -> int:
        """Queue one record; returns its position in the results list."""
        if instantiation not in self.index:
            self.index[instantiation] = len(self.functions)
            self.functions.append(instantiation)
        e = np.zeros(0, dtype=np.int64)
        self.records.append(
            _Record(
                self.index[instantiation],
                e if a is None else np.ascontiguousarray(a, dtype=np.int64).ravel(),
                e if b is None else np.ascontiguousarray(b, dtype=np.int64).ravel(),
                k,
                np.zeros(0) if x is None else np.ascontiguousarray(x, dtype=np.float64).ravel(),
            )
        )
        return len(self.records) - 1

    def build_and_run(self, workdir: Path, ap_dir: Path, parts: int = 2) -> list[np.ndarray]:
        workdir.mkdir(parents=True, exist_ok=True)
        parts = max(1, min(parts, len(self.functions)))
        chunks = [self.functions[i::parts] for i in range(parts)]
        # the record's function index must follow the part-major order
        order = {fn: i for i, fn in enumerate(f for chunk in chunks for f in chunk)}
        for p, chunk in enumerate(chunks):
            body = ",\n  ".join(f"&{fn}" for fn in chunk)
            (workdir / f"part_{p}.cpp").write_text(
                '#include "ap_oracle.h"\n'
                f"extern const oracle_fn oracle_part_{p}[] = {{\n  {body}\n}};\n"
            )
        hdr = "".join(f"extern const oracle_fn oracle_part_{p}[];\n" for p in range(parts))
        hdr += "#define ORACLE_TABLES " + ", ".join(f"oracle_part_{p}" for p in range(parts)) + "\n"
        hdr += "#define ORACLE_TABLE_SIZES " + ", ".join(str(len(c)) for c in chunks) + "\n"
        (workdir / "oracle_parts.h").write_text(hdr)
        cxx = shutil.which("g++")
        flags = ["-std=c++14", "-O0", "-DNDEBUG", "-w", f"-I{ap_dir}", f"-I{ORACLE_DIR}",
                 f"-I{workdir}"]
        t0 = time.perf_counter()
        srcs = [workdir / f"part_{p}.cpp" for p in range(parts)] + [ORACLE_DIR / "ap_oracle_main.cpp"]
        procs = []
        for i, src in enumerate(srcs):
            obj = workdir / f"obj_{i}.o"
            procs.append((subprocess.Popen([cxx, *flags, "-c", str(src), "-o", str(obj)],
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE), obj))
        objs = []
        for proc, obj in procs:
            _, err = proc.communicate()
            if proc.returncode != 0:
                raise RuntimeError(f"g++ failed:\n{err.decode()[-4000:]}")
            objs.append(str(obj))
        exe = workdir / "ap_oracle"
        subprocess.run([cxx, *objs, "-o", str(exe)], check=True, capture_output=True)
        self.compile_s = time.perf_counter() - t0

        inp, outp = workdir / "records.in", workdir / "results.out"
        with open(inp, "wb") as fh:
            for rec in self.records:
                fn = order[self.functions[rec.fn]]
                fh.write(np.array([fn, rec.a.size, rec.b.size, rec.k, rec.x.size],
                                  dtype=np.int64).tobytes())
                fh.write(rec.a.tobytes())
                fh.write(rec.b.tobytes())
                fh.write(rec.x.tobytes())
        t0 = time.perf_counter()
        subprocess.run([str(exe), str(inp), str(outp)], check=True, capture_output=True)
        self.run_s = time.perf_counter() - t0
        data = np.fromfile(outp, dtype=np.int64)
        results, pos = [], 0
        for _ in self.records:
            n = int(data[pos])
            results.append(data[pos + 1 : pos + 1 + n].copy())
            pos += 1 + n
        if pos != data.size:
            raise RuntimeError("oracle output has trailing data")
        return results


@pytest.fixture(scope="session")
def ap_dir() -> Path:
    d = ap_types_dir()
    if d is None:
        pytest.fail("hls4ml (which ships the ap_fixed headers) is not installed: run ./scripts/setup.sh")
    if shutil.which("g++") is None:
        pytest.fail("g++ is not installed: run ./scripts/setup.sh")
    return d


@pytest.fixture(scope="session")
def make_ap_oracle():
    """Factory of :class:`ApOracle` collectors (classes cannot be imported from
    a conftest under ``--import-mode=importlib``)."""
    return ApOracle


@pytest.fixture(scope="session")
def oracle_parts() -> int:
    """Translation units compiled in parallel."""
    return max(1, min(4, os.cpu_count() or 1))
