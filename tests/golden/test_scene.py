"""The built-in synthetic scene: deterministic, all four patterns, exposures, noise."""
from __future__ import annotations

import numpy as np
import pytest

from golden.cfa import BAYER_PATTERNS, cell_colours
from golden.frontend import frontend
from golden.scene import EXPOSURES, SENSOR_RESPONSE, mosaic, scene_rgb, synthetic_raw


def test_deterministic_and_seeded():
    a = synthetic_raw(96, 160, seed=3)
    b = synthetic_raw(96, 160, seed=3)
    c = synthetic_raw(96, 160, seed=4)
    assert np.array_equal(a.mosaic, b.mosaic)
    assert not np.array_equal(a.mosaic, c.mosaic)
    assert np.array_equal(scene_rgb(64, 96, seed=1), scene_rgb(64, 96, seed=1))


@pytest.mark.parametrize("cfa", BAYER_PATTERNS)
def test_noise_free_mosaic_samples_the_right_colour(cfa):
    rgb = scene_rgb(40, 60, seed=0)
    img = synthetic_raw(40, 60, cfa=cfa, noise=False, bits=16, black=0, exposure=1.0)
    cell = cell_colours(cfa)
    resp = np.asarray(SENSOR_RESPONSE)
    for dy in range(2):
        for dx in range(2):
            c = cell[dy, dx]
            expect = np.round(rgb[c, dy::2, dx::2] * resp[c] * 65535)
            assert np.array_equal(img.mosaic[dy::2, dx::2], expect.astype(np.uint16))
    assert img.cfa == cfa
    assert np.array_equal(mosaic(rgb, cfa)[0::2, 0::2], rgb[cell[0, 0], 0::2, 0::2])


def test_scene_content():
    rgb = scene_rgb(540, 960, seed=0)
    assert rgb.shape == (3, 540, 960) and rgb.min() >= 0 and rgb.max() <= 1
    # fine detail: the zone plate reaches high frequencies (large pixel-to-pixel differences)
    assert np.abs(np.diff(rgb[1], axis=1)).max() > 0.5
    # the chart's white patch (sRGB 243) and a saturated red ramp end are present
    assert np.isclose(rgb, ((243 / 255 + 0.055) / 1.055) ** 2.4, atol=1e-9).any()
    assert (rgb[0] > 0.99).any() and (rgb[2] > 0.99).any()


def test_exposure_and_noise():
    means = {e: float(frontend(synthetic_raw(108, 192, exposure=e, seed=1), "bin2").mean()) for e in EXPOSURES}
    assert means["dark"] < means["normal"] < means["bright"]
    assert means["normal"] / means["dark"] == pytest.approx(EXPOSURES["normal"] / EXPOSURES["dark"], rel=0.1)
    bright = synthetic_raw(108, 192, exposure="bright", seed=1)
    assert (bright.mosaic == bright.white).mean() > 0.05  # over-exposed: highlights clip
    clean = synthetic_raw(108, 192, noise=False, seed=1)
    noisy = synthetic_raw(108, 192, noise=True, seed=1)
    diff = noisy.mosaic.astype(float) - clean.mosaic
    assert 2 < diff.std() < 40 and abs(diff.mean()) < 2


def test_metadata_and_errors():
    img = synthetic_raw(32, 48, bits=10, black=16)
    assert img.white == 1023 and img.black == (16.0,) * 4 and img.bits == 10
    assert img.wb_gains == pytest.approx((2.0, 1.0, 1 / 0.65))
    with pytest.raises(ValueError, match="unknown exposure"):
        synthetic_raw(8, 8, exposure="blinding")
    with pytest.raises(ValueError, match="unsupported CFA pattern"):
        synthetic_raw(8, 8, cfa="XTRANS")
    with pytest.raises(ValueError, match="bits must be"):
        synthetic_raw(8, 8, bits=20)
