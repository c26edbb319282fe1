"""POS-ISP: agents (names, shapes, 583,702 parameters), the model API, checkpoints (published and
ours, round trip, one-line errors), training (the published rule learns on a fixed batch), and the
shipped checkpoints reproducing their cards."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import torch

import golden.posisp as posisp
from golden.posisp import (CHECKPOINT_DIR, FILTER_NAMES, POSISP, PUBLISHED_SHAPES, CheckpointError, apply_filter,
                           load_posisp_checkpoint, save_posisp_checkpoint)
from golden.posisp.training import (PosispTrainConfig, brightness_penalty, load_baseline_segmenter, per_frame_loss,
                                    run_sequences, train_posisp, train_posisp_task)
from golden.task import EpochLoader, make_dataset
from golden.train import quantize8_ste

MIOU_TOL = 0.005  # as for TA-ISP's cards (float32 convolutions may flip tied pixels across CPUs)


def _model(seed: int = 0) -> POSISP:
    torch.manual_seed(seed)
    m = POSISP()
    m.eval()
    return m


def test_published_names_shapes_and_parameter_count():
    m = _model()
    sd = m.state_dict()
    assert list(sd) == list(PUBLISHED_SHAPES) or set(sd) == set(PUBLISHED_SHAPES)
    assert {k: tuple(v.shape) for k, v in sd.items()} == PUBLISHED_SHAPES
    assert sum(p.numel() for p in m.parameters()) == 583_702 == posisp.NUM_PARAMETERS
    assert sum(p.numel() for p in m.action_agent.parameters()) == 56_635
    assert sum(p.numel() for p in m.param_net.parameters()) == 527_067


@pytest.mark.parametrize("hw", [(48, 48), (70, 100), (30, 20), (129, 64)])
def test_parameter_agent_output(hw):
    m = _model()
    x = torch.rand(3, 3, *hw)
    p = m.predict_params(x)
    assert p.shape == (3, 27) and p.dtype == torch.float32
    assert bool((p > 0).all() and (p < 1).all())


def test_sequence_is_a_list_of_distinct_filter_names_and_forward_runs_it():
    for seed in range(6):
        m = _model(seed)
        seq = m.sequence()
        assert len(seq) == len(set(seq)) <= 10 and set(seq) <= set(FILTER_NAMES)
        x = torch.rand(2, 3, 24, 20) * 1.2
        with torch.no_grad():
            p = m.predict_params(x)
            ref = x
            for name in seq:
                ref = apply_filter(name, ref, p)
            torch.testing.assert_close(m(x), ref, rtol=0, atol=0)
    # image-independent: the same order for any input, and the temperature does not matter at inference
    assert m.action_agent.greedy() == m.action_agent.greedy()


def test_forcing_an_order_through_the_decoder_bias():
    """The greedy decoding honours 'each filter at most once' and stops at the end token."""
    m = _model()
    with torch.no_grad():
        m.action_agent.decoder.weight.zero_()
        m.action_agent.decoder.bias.copy_(torch.tensor([9.0, 8, 7, 6, 5, 4, 3, 2, 1, 0, 4.5]))
    m.train(False)
    assert m.sequence() == ["exposure", "gamma", "ccm", "sharpen", "denoise"]  # end (4.5) beats tone (4)
    with torch.no_grad():
        m.action_agent.decoder.bias[10] = -100.0
    m.train(False)
    assert m.sequence() == list(FILTER_NAMES)  # all ten, each once, then stop after 10 steps


def test_sampling_gives_log_probabilities_and_valid_orders():
    m = _model()
    seqs, logp = m.action_agent.sample(32, 2.5, torch.Generator().manual_seed(0))
    assert len(seqs) == 32 and logp.shape == (32,) and bool((logp <= 0).all()) and logp.requires_grad
    assert all(len(s) == len(set(s)) <= 10 for s in seqs) and len({tuple(s) for s in seqs}) > 1
    x = torch.rand(32, 3, 16, 16)
    y = run_sequences(m, x, m.predict_params(x), seqs)
    for i in (0, 7, 31):  # batched by order, then put back in place
        torch.testing.assert_close(y[i:i + 1], m.run_chain(x[i:i + 1], m.predict_params(x[i:i + 1]), order=seqs[i]))


def test_published_layout_loads_and_round_trips(tmp_path: Path):
    m = _model(3)
    p = tmp_path / "published.pth"
    torch.save({"iter": 1234, "agent_model": {k: v.clone() for k, v in m.state_dict().items()}}, p)
    m2 = load_posisp_checkpoint(p)
    assert m2.checkpoint_meta["iter"] == 1234
    x = torch.rand(2, 3, 40, 36)
    with torch.no_grad():
        torch.testing.assert_close(m2(x), m(x), rtol=0, atol=0)
    assert m2.sequence() == m.sequence()
    q = tmp_path / "ours.pth"
    save_posisp_checkpoint(m2, q, iteration=7, note="x")
    obj = torch.load(q, weights_only=True)
    assert set(obj) == {"iter", "agent_model", "posisp_meta"} and obj["iter"] == 7
    assert obj["posisp_meta"]["sequence"] == m.sequence()
    m3 = load_posisp_checkpoint(q, denoise_border="mirror")
    assert m3.denoise_border == "mirror"
    assert all(torch.equal(m3.state_dict()[k], m.state_dict()[k]) for k in PUBLISHED_SHAPES)


def _write(tmp_path: Path, name: str, obj) -> Path:
    p = tmp_path / name
    torch.save(obj, p)
    return p


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    sd = {k: v.clone() for k, v in _model().state_dict().items()}
    missing = dict(sd)
    del missing["param_net.fc1.bias"]
    extra = dict(sd, **{"param_net.fc9.weight": torch.zeros(3)})
    shape = dict(sd, **{"action_agent.decoder.weight": torch.zeros(10, 128)})
    nan = dict(sd)
    nan["param_net.enc1.0.weight"] = nan["param_net.enc1.0.weight"].clone()
    nan["param_net.enc1.0.weight"][0, 0, 0, 0] = float("nan")
    inf = dict(sd, **{"action_agent.step_embed.weight": torch.full((11, 16), float("inf"))})
    junk = tmp_path / "junk.pth"
    junk.write_bytes(b"this is not a checkpoint at all" * 10)
    return {
        "missing": (_write(tmp_path, "m.pth", {"iter": 1, "agent_model": missing}), "missing POS-ISP keys: param_net.fc1.bias"),
        "extra": (_write(tmp_path, "e.pth", {"iter": 1, "agent_model": extra}), "unexpected keys"),
        "shape": (_write(tmp_path, "s.pth", {"iter": 1, "agent_model": shape}), "has shape (10, 128), expected (11, 128)"),
        "nan": (_write(tmp_path, "n.pth", {"iter": 1, "agent_model": nan}), "NaN/Inf"),
        "inf": (_write(tmp_path, "i.pth", {"iter": 1, "agent_model": inf}), "176 NaN/Inf"),
        "junk": (junk, "not a PyTorch checkpoint"),
        "list": (_write(tmp_path, "l.pth", [1, 2, 3]), "must be a dict"),
        "other": (_write(tmp_path, "o.pth", {"weights": torch.zeros(2)}), "not a POS-ISP checkpoint"),
        "taisp": (Path(__file__).resolve().parents[2] / "golden/taisp/checkpoints/taisp_w1-4.pth", "not a POS-ISP checkpoint"),
        "none": (tmp_path / "does_not_exist.pth", "no such file"),
    }


@pytest.mark.parametrize("case", ["missing", "extra", "shape", "nan", "inf", "junk", "list", "other", "taisp", "none"])
def test_bad_checkpoints_give_one_line_errors(tmp_path: Path, case):
    path, msg = _bad_files(tmp_path)[case]
    with pytest.raises(CheckpointError) as ei:
        load_posisp_checkpoint(path)
    text = str(ei.value)
    assert msg in text and str(path) in text and "\n" not in text


@pytest.mark.skipif(os.environ.get("TAISP_FULL_MATRIX", "") in ("", "0"), reason="30 training steps: TAISP_FULL_MATRIX=1")
def test_training_lowers_the_loss_and_changes_the_order_probabilities():
    data = make_dataset(16, 32, seed=7)
    x, y = data.x, data.y
    m = _model(0)
    seg = load_baseline_segmenter()

    def loss() -> float:
        """-mean(r) on the fixed batch, averaged over orders drawn with fixed seeds at temperature 1."""
        tot = 0.0
        with torch.no_grad():
            for s in range(4):
                seqs, _ = m.action_agent.sample(16, 1.0, torch.Generator().manual_seed(s))
                out = run_sequences(m, x, m.predict_params(x), seqs)
                l_in = per_frame_loss(seg(quantize8_ste(x)), y).clamp(0, 1)
                l_out = per_frame_loss(seg(quantize8_ste(out)), y).clamp(0, 1)
                tot += float(-(l_in - l_out - brightness_penalty(out, PosispTrainConfig())).mean())
        return tot / 4

    before, probs_before = loss(), m.action_agent.step_probabilities().detach().clone()
    seg_before = {k: v.clone() for k, v in seg.state_dict().items()}
    # the published rule with larger learning rates and a constant temperature, so that 30 steps show it
    cfg = PosispTrainConfig(steps=30, lr_params=1e-3, lr_sequence=1e-2, temp_floor=1.0, temp_amp=0.0, log_every=100)
    hist = train_posisp(m, seg, EpochLoader(data, 16, 0), cfg, progress=None)  # one batch: the same 16 frames
    m.eval()
    after, probs_after = loss(), m.action_agent.step_probabilities().detach()
    assert len(hist.loss) == 30 and hist.temperature[0] == pytest.approx(1.0)
    assert after < 0.5 * before, (before, after)
    assert np.mean(hist.loss[-5:]) < np.mean(hist.loss[:5])
    n = min(len(probs_before), len(probs_after))
    assert float((probs_after[:n] - probs_before[:n]).abs().max()) > 1e-3
    # frozen mode: the segmenter is untouched
    assert all(torch.equal(v, seg_before[k]) for k, v in seg.state_dict().items())


def test_joint_mode_trains_the_segmenter_too():
    data = make_dataset(8, 32, seed=8)
    m, seg = _model(1), load_baseline_segmenter()
    before = {k: v.clone() for k, v in seg.state_dict().items()}
    train_posisp(m, seg, EpochLoader(data, 8, 0), PosispTrainConfig(steps=2, mode="joint"), progress=None)
    assert any(not torch.equal(v, before[k]) for k, v in seg.state_dict().items())


def test_train_posisp_task_writes_cards_and_evaluates(tmp_path: Path):
    from golden.taisp.training import TaskSettings, evaluate_checkpoints

    s = TaskSettings(image_size=32, train_samples=32, val_samples=16)
    card = train_posisp_task("frozen", steps=2, seed=0, out=tmp_path, settings=s)
    for f in ("posisp_frozen.pth", "posisp_frozen_task.pth", "posisp_frozen.md", "posisp_frozen.json",
              "posisp_frozen_curves.png"):
        assert (tmp_path / f).is_file(), f
    assert len(card["param_stats"]) == 27 and card["sequence"] == load_posisp_checkpoint(tmp_path / "posisp_frozen.pth").sequence()
    assert load_posisp_checkpoint(tmp_path / "posisp_frozen_task.pth").sequence() == card["sequence"]
    res = evaluate_checkpoints([tmp_path / "posisp_frozen_task.pth"])["posisp_frozen_task.pth"]
    assert res["posisp"]["all"] == pytest.approx(card["metrics"]["posisp"]["all"], abs=1e-12)
    assert "Learned order" in (tmp_path / "posisp_frozen.md").read_text()


SHIPPED = sorted(p.name[: -len("_task.pth")] for p in CHECKPOINT_DIR.glob("posisp_*_task.pth"))


def test_posisp_checkpoints_are_shipped():
    assert {"posisp_frozen", "posisp_joint"} <= set(SHIPPED)


@pytest.mark.parametrize("stem", SHIPPED if os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0") else SHIPPED[:1])
def test_shipped_checkpoints_reproduce_their_cards(stem):
    from golden.taisp.training import evaluate_checkpoints

    card = json.loads((CHECKPOINT_DIR / f"{stem}.json").read_text())
    m = load_posisp_checkpoint(CHECKPOINT_DIR / f"{stem}.pth")
    assert m.sequence() == card["sequence"]
    res = evaluate_checkpoints([CHECKPOINT_DIR / f"{stem}_task.pth"])[f"{stem}_task.pth"]
    for band, v in res["posisp"].items():
        assert v == pytest.approx(card["metrics"]["posisp"][band], abs=MIOU_TOL), (stem, band)
    assert np.isfinite([r["mapped_mean"] for r in card["param_stats"]]).all()


def _as_saved_on_gpu(src: Path, dst: Path) -> int:
    """Rewrite a torch zip checkpoint so that every storage records the location 'cuda:0', as a
    checkpoint saved from a GPU does (no GPU needed: the location is a string in data.pkl)."""
    import zipfile

    n = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.endswith("data.pkl"):
                n = data.count(b"X\x03\x00\x00\x00cpu")
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
            zout.writestr(info.filename, data)
    return n


def test_checkpoint_saved_on_a_gpu_loads_on_the_cpu(tmp_path: Path):
    m = _model(5)
    src = _write(tmp_path, "cpu.pth", {"iter": 9, "agent_model": {k: v.clone() for k, v in m.state_dict().items()}})
    gpu = tmp_path / "gpu.pth"
    assert _as_saved_on_gpu(src, gpu) >= 1
    if not torch.cuda.is_available():  # the rewritten file really records CUDA storages
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.load(gpu, weights_only=True)
    m2 = load_posisp_checkpoint(gpu)
    assert all(v.device.type == "cpu" and torch.equal(v, m.state_dict()[k]) for k, v in m2.state_dict().items())
