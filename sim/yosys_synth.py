"""The old name of :mod:`sim.synth` (``python -m sim.yosys_synth`` still works): same functions, same command."""
from sim.synth import *  # noqa: F401,F403
from sim.synth import main, parse_stat, run, summarize  # noqa: F401

if __name__ == "__main__":
    raise SystemExit(main())
