"""POS-ISP's simulation-side tools (hardware cost table: :mod:`sim.posisp.cost`)."""
