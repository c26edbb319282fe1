"""Project-wide pytest options (this file sits at the root so that they exist for every test
path): ``--waves`` records waveforms of the cocotb simulations (the same as ``TAISP_WAVES=1``)."""
import os


def pytest_addoption(parser):
    parser.addoption("--waves", action="store_true", default=False,
                     help="record waveforms (FST) of the cocotb simulations; the paths are printed")


def pytest_configure(config):
    if config.getoption("--waves"):
        os.environ["TAISP_WAVES"] = "1"
