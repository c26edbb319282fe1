"""Project-wide pytest options (this file sits at the root so that they exist for every test
path): ``--waves`` records waveforms of the cocotb simulations (the same as ``TAISP_WAVES=1``).

Scheduling: the default run spreads whole files over the cores (``--dist loadfile``, in the order
collected, ``--no-loadscope-reorder``). The files that take longest (simulator builds and runs,
training) are collected first, so that both cores stay busy to the end instead of one core
finishing a long simulator file alone after the short files are done."""
import os


def pytest_addoption(parser):
    parser.addoption("--waves", action="store_true", default=False,
                     help="record waveforms (FST) of the cocotb simulations; the paths are printed")


def pytest_configure(config):
    if config.getoption("--waves"):
        os.environ["TAISP_WAVES"] = "1"


#: Test files collected first, longest first (by the per-test durations of a fresh-clone default run,
#: ``PYTEST_ADDOPTS=--durations=80 .ci/run``; a scheduling hint only: a file missing here runs after these).
FIRST = (
    "tests/sim/test_vectors.py",
    "sim/tb/taisp/test_taisp_core.py",
    "sim/tb/posisp/test_posisp_chain.py",
    "tests/golden/test_posisp_model.py",
    "tests/sim/test_fastpath.py",
    "sim/tb/posisp/test_posisp_window_filters.py",
    "sim/tb/posisp/test_posisp_filters.py",
    "tests/sim/test_posisp_vectors.py",
    "tests/sim/test_posisp_chaingen.py",
    "tests/sim/test_regress.py",
    "tests/sim/test_formal.py",
    "tests/sim/test_vectors_wide.py",
    "sim/tb/taisp/test_taisp_camera.py",
    "sim/tb/posisp/test_posisp_camera.py",
    "tests/hls/test_hls_csim.py",
    "tests/hls/test_camera_csim.py",
    "tests/fixedpoint/test_arith_oracle_apfixed.py",
)


def pytest_collection_modifyitems(session, config, items):
    """Put the long files of :data:`FIRST` first (in that order), the rest after them as collected."""
    rank = {f: i for i, f in enumerate(FIRST)}
    root = config.rootpath

    def key(item) -> int:
        try:
            rel = item.path.relative_to(root).as_posix()
        except ValueError:
            return len(FIRST)
        return rank.get(rel, len(FIRST))

    items.sort(key=key)  # stable: the order within a file and among the rest is kept
