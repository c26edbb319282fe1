"""RAW ingestion: the real files in ../shared/data/raw, DNG round trips in all four patterns, bad input."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile
import torch

from golden.cfa import BAYER_PATTERNS, CFAError, pattern_from_colour_indices
from golden.dng import write_dng
from golden.frontend import DEMOSAICS, FrontendError, frontend, frontend_torch
from golden.taisp.model import TAISP
from golden.raw import RawFormatError, RawImage, read_headerless, read_raw
from golden.scene import synthetic_raw

MANIFEST_FILES = [
    "blackmagic_pocket4k_12bit_rggb.dng",
    "colorchecker_1920x1080_12bit_bggr.raw",
    "darkframe_1920x1080_12bit_bggr.raw",
    "rose_768x512_14bit_rggb.raw",
    "chart_1920x1080_10bit_rggb.raw",
]


def test_manifest_lists_the_files_we_test(raw_manifest):
    assert sorted(e["file"] for e in raw_manifest) == sorted(MANIFEST_FILES)


def _entry(raw_manifest, name):
    return next(e for e in raw_manifest if e["file"] == name)


@pytest.mark.parametrize("name", MANIFEST_FILES)
def test_real_file_reads_with_manifest_metadata(shared_raw_dir, raw_manifest, name):
    e = _entry(raw_manifest, name)
    img = read_raw(shared_raw_dir / name)
    assert (img.width, img.height) == (e["width"], e["height"])
    assert img.cfa == e["cfa"]
    assert img.black == (float(e["black"]),) * 4
    assert img.white == float(e["white"])
    assert img.mosaic.dtype == np.uint16
    if e["reader"] == "numpy":
        raw = np.fromfile(shared_raw_dir / name, dtype=e["dtype"]).reshape(e["height"], e["width"])
        assert np.array_equal(img.mosaic, raw)
        assert img.bits == e["bits"]
    else:
        assert img.camera and "Blackmagic" in img.camera
        assert img.wb_gains is not None and img.wb_gains[1] == 1.0
    if "wb_gains_rggb" in e:
        g = e["wb_gains_rggb"]
        assert img.wb_gains == pytest.approx((g[0] / g[1], 1.0, g[3] / g[1]))


@pytest.mark.parametrize("name", MANIFEST_FILES)
@pytest.mark.parametrize("demosaic", DEMOSAICS)
def test_real_file_through_front_end_and_model(shared_raw_dir, raw_manifest, name, demosaic):
    e = _entry(raw_manifest, name)
    img = read_raw(shared_raw_dir / name)
    x = frontend_torch(img, demosaic)
    scale = 2 if demosaic == "bin2" else 1
    assert tuple(x.shape) == (1, 3, e["height"] // scale, e["width"] // scale)
    assert x.min() >= 0 and x.max() <= 1
    torch.manual_seed(0)
    with torch.no_grad():
        y, taps = TAISP().eval()(x, mask_mode="hard", taps=True)
    assert torch.isfinite(y).all() and y.min() >= 1e-6 and y.max() <= 1
    assert torch.isfinite(taps["w"]).all()
    mean = float(x.mean())
    if name.startswith("darkframe"):
        assert mean < 0.01  # lens capped: black level 3 of 4095 subtracted, a few hot pixels
    if name.startswith("chart"):
        # the manifest says about 12% clipped: the sensor saturates at 1020 DN, just under white (1023)
        clipped = float((img.mosaic >= 1000).mean())
        assert 0.10 < clipped < 0.15
        assert float(x.max()) == pytest.approx(1020 / 1023)


def test_darkframe_hot_pixels_survive_black_subtraction(shared_raw_dir):
    img = read_raw(shared_raw_dir / "darkframe_1920x1080_12bit_bggr.raw")
    assert int(img.mosaic.max()) == 2816  # the manifest's hottest pixel
    from golden.frontend import normalize

    v = normalize(img, np.float64)
    assert v.max() == pytest.approx((2816 - 3) / (4095 - 3))


@pytest.mark.parametrize("cfa", BAYER_PATTERNS)
def test_dng_round_trip_bit_exact(tmp_path: Path, cfa: str):
    src = synthetic_raw(height=48, width=64, cfa=cfa, bits=14, black=0, seed=5)
    src.black = (510.0, 512.0, 514.0, 516.0)  # distinct per CFA position
    src.white = 15000.0
    path = write_dng(tmp_path / f"scene_{cfa}.dng", src)
    back = read_raw(path)
    assert back.cfa == cfa
    assert np.array_equal(back.mosaic, src.mosaic) and back.mosaic.dtype == np.uint16
    assert back.black == src.black
    assert back.white == 15000.0
    assert back.camera is not None and "synthetic" in back.camera
    assert back.wb_gains == pytest.approx(src.wb_gains, rel=1e-5)
    # and the front end agrees with the in-memory image
    assert np.array_equal(frontend(back, "bin2"), frontend(src, "bin2"))


def test_headerless_explicit_arguments(tmp_path: Path):
    mosaic = (np.arange(6 * 8, dtype=np.uint16) * 37 % 1024).reshape(6, 8)
    p = tmp_path / "frame.bin"
    mosaic.astype("<u2").tofile(p)
    img = read_headerless(p, width=8, height=6, cfa="grbg", bits=10, black=[1, 2, 3, 4], white=1000)
    assert img.cfa == "GRBG" and img.black == (1.0, 2.0, 3.0, 4.0) and np.array_equal(img.mosaic, mosaic)
    assert img.black_map()[:2, :2].tolist() == [[1, 2], [3, 4]]
    big = tmp_path / "frame_be.raw"
    mosaic.astype(">u2").tofile(big)
    assert np.array_equal(read_raw(big, width=8, height=6, cfa="RGGB", bits=10, dtype=">u2").mosaic, mosaic)
    small = tmp_path / "frame8.raw"
    (mosaic % 256).astype("u1").tofile(small)
    assert read_raw(small, width=8, height=6, cfa="RGGB", bits=8, dtype="u1").white == 255


# ----- bad input: clear errors naming the file -----

def test_truncated_headerless(tmp_path: Path, shared_raw_dir):
    src = (shared_raw_dir / "rose_768x512_14bit_rggb.raw").read_bytes()
    p = tmp_path / "rose_cut.raw"
    p.write_bytes(src[:-1000])
    with pytest.raises(RawFormatError, match=r"rose_cut\.raw: truncated: 785432 bytes, but 768x512 samples of 2 byte\(s\) need 786432"):
        read_raw(p, width=768, height=512, cfa="RGGB", bits=14, black=600, white=15520)


def test_size_mismatch_headerless(tmp_path: Path):
    p = tmp_path / "long.raw"
    np.zeros(100 * 60 + 7, dtype="<u2").tofile(p)
    with pytest.raises(RawFormatError, match=r"long\.raw: size mismatch: 12014 bytes"):
        read_raw(p, width=100, height=60, cfa="RGGB", bits=12)


def test_headerless_without_geometry(tmp_path: Path):
    p = tmp_path / "mystery.raw"
    np.zeros(16, dtype="<u2").tofile(p)
    with pytest.raises(RawFormatError, match=r"mystery\.raw: a headerless RAW dump needs width, height, cfa, bits"):
        read_raw(p)


def test_values_beyond_bit_depth(tmp_path: Path, shared_raw_dir):
    # the 14-bit rose read as 12-bit: its values do not fit
    with pytest.raises(RawFormatError, match=r"rose_768x512_14bit_rggb\.raw: values up to \d+ exceed the declared 12-bit depth"):
        read_headerless(shared_raw_dir / "rose_768x512_14bit_rggb.raw", 768, 512, "RGGB", 12, black=600, white=4095)
    with pytest.raises(RawFormatError, match="bit depth 17"):
        read_headerless(shared_raw_dir / "rose_768x512_14bit_rggb.raw", 768, 512, "RGGB", 17)


def test_bad_levels(tmp_path: Path):
    p = tmp_path / "f.raw"
    np.zeros((4, 4), dtype="<u2").tofile(p)
    with pytest.raises(RawFormatError, match="white level 5000.0 is outside 1..4095 for 12-bit data"):
        read_raw(p, width=4, height=4, cfa="RGGB", bits=12, white=5000)
    with pytest.raises(RawFormatError, match="black level 4095.0 is not below the white level 1000"):
        read_raw(p, width=4, height=4, cfa="RGGB", bits=12, black=4095, white=1000)
    with pytest.raises(RawFormatError, match="one value or four"):
        read_raw(p, width=4, height=4, cfa="RGGB", bits=12, black=[1, 2, 3])


def test_non_bayer_cfa_names_are_refused(tmp_path: Path):
    p = tmp_path / "f.raw"
    np.zeros((6, 6), dtype="<u2").tofile(p)
    for cfa in ("XTRANS", "RGBW", "CYGM"):
        with pytest.raises(RawFormatError, match=rf"f\.raw: unsupported CFA pattern '{cfa}'"):
            read_raw(p, width=6, height=6, cfa=cfa, bits=12)
    with pytest.raises(CFAError, match="6x6, not 2x2"):
        pattern_from_colour_indices(np.zeros((6, 6), dtype=int), "RGBG")
    with pytest.raises(CFAError, match="not a Bayer pattern"):
        pattern_from_colour_indices(np.array([[0, 1], [1, 1]]), "RGBG")


def _identity_matrix():
    return tuple(v for i in range(3) for j in range(3) for v in (int(i == j), 1))


def test_xtrans_dng_is_refused(tmp_path: Path):
    xtrans = (1, 1, 0, 1, 1, 2, 1, 1, 2, 1, 1, 0, 2, 0, 1, 0, 2, 1, 1, 1, 2, 1, 1, 0, 1, 1, 0, 1, 1, 2, 0, 2, 1, 2, 0, 1)
    tags = [(33421, "H", 2, (6, 6), True), (33422, "B", 36, xtrans, True), (50706, "B", 4, (1, 4, 0, 0), True),
            (50708, "s", 0, "X-Trans test", True), (50714, "I", 1, 64, True), (50717, "I", 1, 4095, True),
            (50721, "2i", 9, _identity_matrix(), True)]
    p = tmp_path / "xtrans.dng"
    tifffile.imwrite(p, np.full((60, 96), 500, np.uint16), photometric=32803, subfiletype=0, extratags=tags, metadata=None)
    with pytest.raises(RawFormatError, match=r"xtrans\.dng: unsupported CFA: X-Trans colour filter array"):
        read_raw(p)


def test_linear_dng_is_refused(tmp_path: Path):
    tags = [(50706, "B", 4, (1, 4, 0, 0), True), (50708, "s", 0, "linear", True), (50721, "2i", 9, _identity_matrix(), True)]
    p = tmp_path / "linear.dng"
    tifffile.imwrite(p, np.full((32, 48, 3), 100, np.uint16), photometric=34892, subfiletype=0, extratags=tags, metadata=None)
    with pytest.raises(RawFormatError, match=r"linear\.dng: not a colour-filter-array mosaic"):
        read_raw(p)


def test_truncated_and_garbage_dng(tmp_path: Path):
    good = write_dng(tmp_path / "good.dng", synthetic_raw(height=64, width=96, seed=2))
    data = good.read_bytes()
    for name, blob, what in (("half.dng", data[: len(data) // 2], "unreadable or truncated RAW file"),
                             ("header_only.dng", data[:100], "unreadable or truncated RAW file"),
                             ("text.dng", b"not a raw file\n" * 20, "not a RAW file LibRaw can read")):
        p = tmp_path / name
        p.write_bytes(blob)
        with pytest.raises(RawFormatError, match=name.replace(".", r"\.") + ": " + what):
            read_raw(p)
    with pytest.raises(RawFormatError, match="no such file"):
        read_raw(tmp_path / "absent.dng")
    with pytest.raises(RawFormatError, match="absent.raw: no such file"):  # headerless: not a geometry complaint
        read_raw(tmp_path / "absent.raw", width=16, height=8, cfa="RGGB", bits=12)
    with pytest.raises(RawFormatError, match="absent.raw: no such file"):
        read_raw(tmp_path / "absent.raw")
    with pytest.raises(RawFormatError, match="apply only to headerless dumps"):
        read_raw(good, cfa="RGGB")


def test_odd_size_for_bin2(tmp_path: Path):
    mosaic = np.full((7, 10), 100, np.uint16)
    p = tmp_path / "odd.raw"
    mosaic.tofile(p)
    img = read_raw(p, width=10, height=7, cfa="RGGB", bits=12)
    with pytest.raises(FrontendError, match=r"odd\.raw: bin2 demosaic needs an even width and height, got 10x7"):
        frontend(img, "bin2")
    assert frontend(img, "bilinear").shape == (3, 7, 10)  # bilinear handles odd sizes
    with pytest.raises(FrontendError, match="unknown demosaic 'ahd'"):
        frontend(img, "ahd")


def test_rawimage_validation_messages():
    with pytest.raises(RawFormatError, match="2-D array"):
        from golden.raw import validate

        validate(RawImage(mosaic=np.zeros((2, 2, 3), np.uint16), cfa="RGGB", black=(0, 0, 0, 0), white=255, bits=8, source="x"))


# ----- impossible metadata that the front end does not need: dropped with a warning -----

def _img(wb) -> RawImage:
    return RawImage(mosaic=np.zeros((4, 4), np.uint16), cfa="RGGB", black=(0, 0, 0, 0), white=255, bits=8,
                    source="x.raw", wb_gains=wb)


@pytest.mark.parametrize("wb, problem", [
    ((-1.0, 1.0, 1.6), "impossible"), ((2.0, 0.0, 1.5), "impossible"), ((float("nan"), 1.0, 1.5), "not finite"),
    ((2.0, float("inf"), 1.5), "not finite"), ((1.0, 2.0), "not three numbers"),
])
def test_impossible_wb_gains_become_none_with_a_warning(wb, problem):
    from golden.raw import validate

    img = validate(_img(wb))
    assert img.wb_gains is None
    assert len(img.warnings) == 1 and problem in img.warnings[0] and "ignored" in img.warnings[0]
    meta = img.metadata()
    assert meta["wb_gains_rgb"] is None and meta["warnings"] == img.warnings
    validate(img)  # validating again adds nothing
    assert len(img.warnings) == 1


def test_valid_and_unrecorded_wb_gains():
    from golden.raw import validate

    img = validate(_img((2.0, 2.0, 3.0)))
    assert img.wb_gains == pytest.approx((1.0, 1.0, 1.5)) and img.warnings == []
    img = validate(_img((0.0, 0.0, 0.0)))  # LibRaw: not recorded
    assert img.wb_gains is None and img.warnings == [] and img.metadata()["warnings"] == []


def test_manifest_with_negative_wb_gain(tmp_path: Path):
    import json

    (tmp_path / "f.raw").write_bytes(np.full((4, 6), 100, "<u2").tobytes())
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"files": [
        {"file": "f.raw", "width": 6, "height": 4, "cfa": "RGGB", "bits": 10, "black": 0, "white": 1023,
         "wb_gains_rggb": [2.0, 1.0, 1.0, -1.5]}]}))
    img = read_raw(tmp_path / "f.raw")
    assert img.wb_gains is None and "impossible" in img.warnings[0]


class _RawpyWithWB:
    """A real rawpy file whose ``camera_whitebalance`` says what a Canon CRW can report."""

    def __init__(self, rp, wb):
        self._rp, self.camera_whitebalance = rp, wb

    def __getattr__(self, name):
        return getattr(self._rp, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._rp.__exit__(*exc)


def test_rawpy_negative_wb_gain_is_flagged_in_taisp_info(tmp_path: Path, monkeypatch, capsys):
    import json

    import rawpy

    from taisp_cli.main import main

    path = write_dng(tmp_path / "crw_like.dng", synthetic_raw(height=32, width=48, bits=12, seed=1))
    real_imread = rawpy.imread
    monkeypatch.setattr(rawpy, "imread", lambda p: _RawpyWithWB(real_imread(p), [-1.0, 1.0, 1.7, 0.0]))
    img = read_raw(path)
    assert img.wb_gains is None and len(img.warnings) == 1 and "-1.0" in img.warnings[0]
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr()
    meta = json.loads(out.out)
    assert meta["wb_gains_rgb"] is None and meta["warnings"] == img.warnings
    assert out.err.startswith("taisp info: warning: ") and "white-balance gains" in out.err
    assert len(out.err.strip().splitlines()) == 1
