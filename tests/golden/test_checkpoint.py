"""Checkpoint loading: bare, mmdetection-style, YOLOX-style, DataParallel; every bad file gives a clear error."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pytest
import torch

from golden.taisp.checkpoint import CheckpointError, load_checkpoint, load_isp_state_dict, save_checkpoint
from golden.taisp.model import PUBLISHED_SHAPES, TAISP


@pytest.fixture()
def model() -> TAISP:
    torch.manual_seed(42)
    return TAISP(weight_range=(1, 4)).eval()


@pytest.fixture()
def x() -> torch.Tensor:
    return torch.rand(1, 3, 24, 32, generator=torch.Generator().manual_seed(3)) * 0.5


def _outputs(m: TAISP, x: torch.Tensor) -> list[torch.Tensor]:
    with torch.no_grad():
        return [m(x, mask_mode="hard"), m(x, mask_mode="expected"),
                m(x, mask_mode="gumbel", generator=torch.Generator().manual_seed(1))]


def _detector_state(isp: TAISP, prefix: str) -> "OrderedDict[str, torch.Tensor]":
    """A whole detector's state dict: other modules' weights around the ISP's."""
    sd: "OrderedDict[str, torch.Tensor]" = OrderedDict()
    sd["backbone.stem.conv.weight"] = torch.randn(32, 3, 3, 3)
    sd["backbone.stem.bn.running_mean"] = torch.zeros(32)
    sd["backbone.stem.bn.num_batches_tracked"] = torch.tensor(7)
    for k, v in isp.state_dict().items():
        sd[prefix + k] = v.clone()
    sd["neck.lateral.0.weight"] = torch.randn(64, 32, 1, 1)
    sd["bbox_head.cls.weight"] = torch.randn(20, 64, 1, 1)
    return sd


def test_bare_state_dict_round_trip(tmp_path: Path, model: TAISP, x: torch.Tensor):
    p = tmp_path / "bare.pth"
    torch.save(model.state_dict(), p)
    loaded = load_checkpoint(p, weight_range=(1, 4))
    assert loaded.checkpoint_info.prefix == "" and loaded.checkpoint_info.container == "bare"
    for a, b in zip(_outputs(model, x), _outputs(loaded, x)):
        assert torch.equal(a, b)


def test_save_checkpoint_keeps_weight_range(tmp_path: Path, model: TAISP, x: torch.Tensor):
    p = tmp_path / "isp.pth"
    save_checkpoint(model, p, note="test")
    loaded = load_checkpoint(p)
    assert loaded.weight_range == (1.0, 4.0)
    assert loaded.checkpoint_info.meta["note"] == "test"
    for a, b in zip(_outputs(model, x), _outputs(loaded, x)):
        assert torch.equal(a, b)
    # an explicit argument wins over the stored meta
    assert load_checkpoint(p, weight_range=(5, 9)).weight_range == (5.0, 9.0)


def test_mmdetection_checkpoint_loads_identically(tmp_path: Path, model: TAISP, x: torch.Tensor):
    ckpt = {
        "meta": {"mmdet_version": "2.28.2", "CLASSES": ("car", "person", "bicycle"), "epoch": 12, "iter": 3000,
                 "hook_msgs": {"last_ckpt": "work_dirs/epoch_12.pth"}},
        "state_dict": _detector_state(model, "backbone.TAISP."),
        "optimizer": {"state": {}, "param_groups": [{"lr": 0.02, "momentum": 0.9, "params": [0, 1, 2]}]},
    }
    p = tmp_path / "mmdet_epoch_12.pth"
    torch.save(ckpt, p)
    loaded = load_checkpoint(p, weight_range=(1, 4))
    assert loaded.checkpoint_info.container == "state_dict"
    assert loaded.checkpoint_info.prefix == "backbone.TAISP."
    for a, b in zip(_outputs(model, x), _outputs(loaded, x)):
        assert torch.equal(a, b)


def test_yolox_checkpoint_loads_identically(tmp_path: Path, model: TAISP, x: torch.Tensor):
    ckpt = {
        "start_epoch": 300,
        "model": _detector_state(model, "backbone.TAISP."),
        "optimizer": {"state": {}, "param_groups": [{"lr": 0.01, "params": [0]}]},
        "amp": None,
    }
    p = tmp_path / "yolox_best_ckpt.pth"
    torch.save(ckpt, p)
    loaded = load_checkpoint(p, weight_range=(1, 4))
    assert loaded.checkpoint_info.container == "model"
    for a, b in zip(_outputs(model, x), _outputs(loaded, x)):
        assert torch.equal(a, b)


def test_any_prefix_is_found(tmp_path: Path, model: TAISP, x: torch.Tensor):
    p = tmp_path / "dp.pth"
    torch.save(_detector_state(model, "module.isp."), p)
    loaded = load_checkpoint(p, weight_range=(1, 4))
    assert loaded.checkpoint_info.prefix == "module.isp."
    assert torch.equal(_outputs(model, x)[0], _outputs(loaded, x)[0])


def test_loaded_tensors_are_float32_copies(tmp_path: Path, model: TAISP):
    p = tmp_path / "half.pth"
    torch.save({k: v.half() for k, v in model.state_dict().items()}, p)
    sd, _ = load_isp_state_dict(p)
    assert all(v.dtype == torch.float32 for v in sd.values())


def _save(tmp_path: Path, obj, name="bad.pth") -> Path:
    p = tmp_path / name
    torch.save(obj, p)
    return p


def test_missing_key(tmp_path: Path, model: TAISP):
    sd = _detector_state(model, "backbone.TAISP.")
    del sd["backbone.TAISP.mask_head.bias"]
    p = _save(tmp_path, {"state_dict": sd})
    with pytest.raises(CheckpointError, match=r"bad\.pth: missing TA-ISP keys under prefix 'backbone\.TAISP\.': mask_head\.bias"):
        load_checkpoint(p)


def test_extra_key(tmp_path: Path, model: TAISP):
    sd = _detector_state(model, "backbone.TAISP.")
    sd["backbone.TAISP.extra_gain"] = torch.ones(3)
    with pytest.raises(CheckpointError, match=r"unexpected keys under prefix 'backbone\.TAISP\.': backbone\.TAISP\.extra_gain"):
        load_checkpoint(_save(tmp_path, {"state_dict": sd}))
    bare = dict(model.state_dict())
    bare["attn.scale"] = torch.ones(1)
    with pytest.raises(CheckpointError, match=r"unexpected keys under prefix '': attn\.scale"):
        load_checkpoint(_save(tmp_path, bare, "bare_extra.pth"))


def test_wrong_shape(tmp_path: Path, model: TAISP):
    sd = dict(model.state_dict())
    sd["mask_head.weight"] = torch.zeros(8, 3, 3, 3)
    with pytest.raises(CheckpointError, match=r"mask_head\.weight has shape \(8, 3, 3, 3\), expected \(16, 3, 3, 3\)"):
        load_checkpoint(_save(tmp_path, sd))


@pytest.mark.parametrize("value, name", [(float("nan"), "NaN"), (float("inf"), "Inf"), (float("-inf"), "-Inf")])
def test_nan_inf_weights(tmp_path: Path, model: TAISP, value: float, name: str):
    sd = {k: v.clone() for k, v in model.state_dict().items()}
    sd["weight_mlp.2.weight"][3, 7] = value
    with pytest.raises(CheckpointError, match=r"weight_mlp\.2\.weight holds 1 NaN/Inf value"):
        load_checkpoint(_save(tmp_path, {"model": sd}))


def test_not_a_checkpoint(tmp_path: Path):
    text = tmp_path / "notes.pth"
    text.write_text("this is not a checkpoint\n")
    with pytest.raises(CheckpointError, match=r"notes\.pth: not a PyTorch checkpoint"):
        load_checkpoint(text)
    png = tmp_path / "image.pth"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(CheckpointError, match=r"image\.pth: not a PyTorch checkpoint"):
        load_checkpoint(png)
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "missing.pth")


def test_truncated_checkpoint(tmp_path: Path, model: TAISP):
    p = _save(tmp_path, model.state_dict(), "full.pth")
    cut = tmp_path / "cut.pth"
    cut.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    with pytest.raises(CheckpointError, match=r"cut\.pth: not a PyTorch checkpoint or truncated"):
        load_checkpoint(cut)


def test_no_isp_and_ambiguous_isp(tmp_path: Path, model: TAISP):
    with pytest.raises(CheckpointError, match="no TA-ISP parameters found"):
        load_checkpoint(_save(tmp_path, {"state_dict": {"backbone.conv.weight": torch.zeros(1)}}))
    with pytest.raises(CheckpointError, match="must be a dict"):
        load_checkpoint(_save(tmp_path, [1, 2, 3], "list.pth"))
    two = _detector_state(model, "a.TAISP.")
    two.update(_detector_state(model, "b.TAISP."))
    p = _save(tmp_path, {"state_dict": two}, "two.pth")
    with pytest.raises(CheckpointError, match=r"several TA-ISP parameter sets .*'a\.TAISP\.', 'b\.TAISP\.'"):
        load_checkpoint(p)
    assert load_checkpoint(p, prefix="b.TAISP.").checkpoint_info.prefix == "b.TAISP."


class Config:
    """An arbitrary Python object, as some training frameworks store in checkpoints."""

    lr = 0.1


def test_pickled_objects_need_trust(tmp_path: Path, model: TAISP, x: torch.Tensor):
    p = _save(tmp_path, {"state_dict": model.state_dict(), "cfg": Config()}, "pickled.pth")
    with pytest.raises(CheckpointError, match="trusted=True"):
        load_checkpoint(p)
    assert torch.equal(_outputs(load_checkpoint(p, weight_range=(1, 4), trusted=True), x)[0], _outputs(model, x)[0])


def test_published_shapes_table_matches_model():
    assert {k: tuple(v.shape) for k, v in TAISP().state_dict().items()} == PUBLISHED_SHAPES
