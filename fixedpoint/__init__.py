"""The bit-accurate fixed-point TA-ISP (the hardware specification; see fixedpoint/README.md).

- :mod:`fixedpoint.arith`: formats, ap_fixed rounding/overflow modes, Numba kernels, tables;
- :mod:`fixedpoint.config`: the quantization configuration (``configs/default.toml``);
- stages :mod:`fixedpoint.frontend`, :mod:`fixedpoint.glc`, :mod:`fixedpoint.hsa`,
  :mod:`fixedpoint.rgfc` and the parameter engine :mod:`fixedpoint.params`;
- :mod:`fixedpoint.model`: :class:`~fixedpoint.model.FixedTAISP`; :mod:`fixedpoint.report`:
  the quantization-error report; :mod:`fixedpoint.sweep`: the word-length sweep.
"""
