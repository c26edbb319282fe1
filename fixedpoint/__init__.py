"""The bit-accurate fixed-point TA-ISP (the hardware specification; see fixedpoint/README.md).

- :mod:`fixedpoint.arith`: formats, ap_fixed rounding/overflow modes, Numba kernels, tables;
- :mod:`fixedpoint.config`: the quantization configuration (``configs/default.toml``);
- stages :mod:`fixedpoint.frontend`, :mod:`fixedpoint.taisp.glc`, :mod:`fixedpoint.taisp.hsa`,
  :mod:`fixedpoint.taisp.rgfc` and the parameter engine :mod:`fixedpoint.taisp.params`;
- :mod:`fixedpoint.taisp.model`: :class:`~fixedpoint.taisp.model.FixedTAISP`; :mod:`fixedpoint.taisp.report`:
  the quantization-error report; :mod:`fixedpoint.taisp.sweep`: the word-length sweep.
"""
