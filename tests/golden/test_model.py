"""The float TA-ISP: published layout, taps against an independent NumPy recomputation, mask modes."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from golden.taisp.model import PUBLISHED_SHAPES, TAP_NAMES, TAISP, detector_input
from golden.taisp.rgfc import modulate, modulate_hard, region_index, region_masks


def _model(seed: int = 0, **kw) -> TAISP:
    torch.manual_seed(seed)
    m = TAISP(**kw)
    # Spread the weights beyond the default init so every branch matters in the checks below.
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(3.0)
    return m.eval()


def _input(b: int = 2, h: int = 13, w: int = 17, seed: int = 1, dtype=torch.float32) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(b, 3, h, w, generator=g, dtype=torch.float64) ** 2 * 0.6).to(dtype)


def test_parameter_count_is_3297():
    assert TAISP().num_parameters() == 3297


def test_state_dict_keys_and_shapes_are_published():
    sd = TAISP().state_dict()
    assert list(sd.keys()) == list(PUBLISHED_SHAPES.keys())
    for k, shape in PUBLISHED_SHAPES.items():
        assert tuple(sd[k].shape) == shape, k
    assert sum(math.prod(s) for s in PUBLISHED_SHAPES.values()) == 3297


def test_constructor_defaults_are_published():
    m = TAISP()
    assert m.weight_range == (1.0, 3.0) and m.num_masks == 16 and m.tau == 0.1 and m.mask_mode == "gumbel"
    m = TAISP(weight_range=(5, 9), tau=0.5, num_masks=8)
    assert m.weight_range == (5.0, 9.0) and m.tau == 0.5 and m.mask_head.out_channels == 8


# ----- independent NumPy implementation, written from the design note's definitions -----

def _np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().double().numpy()


def _conv2d_zero_pad(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x (C, H, W), w (O, C, k, k), b (O,): 'same' cross-correlation with zero padding, by explicit sums."""
    c, h, wd = x.shape
    o, _, k, _ = w.shape
    r = k // 2
    xp = np.zeros((c, h + 2 * r, wd + 2 * r))
    xp[:, r:r + h, r:r + wd] = x
    out = np.zeros((o, h, wd)) + b[:, None, None]
    for oc in range(o):
        for ic in range(c):
            for dy in range(k):
                for dx in range(k):
                    out[oc] += w[oc, ic, dy, dx] * xp[ic, dy:dy + h, dx:dx + wd]
    return out


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softplus(z):
    return np.logaddexp(0.0, z)


def _softmax(z, axis):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def reference_numpy(m: TAISP, x: torch.Tensor) -> list[dict[str, np.ndarray]]:
    """Every tap of one batch, from the definitions in the design note, in float64 NumPy."""
    sd = {k: _np(v) for k, v in m.state_dict().items()}
    w_min, w_max = m.weight_range
    res = []
    for img in _np(x):
        mu = img.reshape(3, -1).mean(axis=1)
        var = ((img.reshape(3, -1) - mu[:, None]) ** 2).mean(axis=1)
        s = np.concatenate([mu, var])
        hdn = np.maximum(sd["gain_mlp.0.weight"] @ s + sd["gain_mlp.0.bias"], 0.0)
        alpha = _softplus(sd["gain_mlp.2.weight"] @ hdn + sd["gain_mlp.2.bias"]) + 1.0
        xg = np.clip(alpha[:, None, None] * img, 1e-6, 1.0)
        pooled = np.stack([xg.mean(axis=0), xg.max(axis=0)])
        m3 = _sigmoid(_conv2d_zero_pad(pooled, sd["attn.branch_convs.0.weight"], sd["attn.branch_convs.0.bias"]))
        m5 = _sigmoid(_conv2d_zero_pad(pooled, sd["attn.branch_convs.1.weight"], sd["attn.branch_convs.1.bias"]))
        d = xg.reshape(3, -1).mean(axis=1)
        gate = _softmax(sd["attn.gate_proj.weight"][:, :, 0, 0] @ d + sd["attn.gate_proj.bias"], axis=0)
        a = np.clip(gate[0] * m3 + gate[1] * m5, 0.0, 1.0)
        xs = np.clip(xg * a, 1e-6, 1.0)
        logits = _conv2d_zero_pad(xs, sd["mask_head.weight"], sd["mask_head.bias"])
        index = np.argmax(logits, axis=0)  # first maximal index
        p = logits.reshape(logits.shape[0], -1).mean(axis=1)
        h2 = np.maximum(sd["weight_mlp.0.weight"] @ p + sd["weight_mlp.0.bias"], 0.0)
        w = w_min + (w_max - w_min) * _sigmoid(sd["weight_mlp.2.weight"] @ h2 + sd["weight_mlp.2.bias"])
        y = np.clip(xs[None] ** (1.0 / w)[:, None, None, None], 1e-6, 1.0)  # (K, 3, H, W)
        out_hard = np.take_along_axis(y, index[None, None].repeat(3, axis=1), axis=0)[0]
        out_expected = (_softmax(logits, axis=0)[:, None] * y).sum(axis=0)
        res.append(dict(stats=s, alpha=alpha, xg=xg, pooled=pooled, m3=m3[0], m5=m5[0], d=d, gate=gate, A=a[0],
                        xs=xs, logits=logits, index=index, p=p, w=w, out_hard=out_hard, out_expected=out_expected))
    return res


@pytest.mark.parametrize("dtype, tol", [(torch.float64, 1e-11), (torch.float32, 2e-5)])
def test_taps_match_independent_numpy(dtype, tol):
    m = _model(seed=3, weight_range=(1.0, 4.0)).to(dtype)
    x = _input(dtype=dtype)
    with torch.no_grad():
        out, taps = m(x, mask_mode="hard", taps=True)
        out_exp = m(x, mask_mode="expected")
    assert tuple(taps) == TAP_NAMES
    ref = reference_numpy(m, x)
    for b, r in enumerate(ref):
        for name in ("stats", "alpha", "xg", "pooled", "d", "gate", "xs", "logits", "p", "w"):
            np.testing.assert_allclose(_np(taps[name][b]), r[name], rtol=0, atol=tol * 10, err_msg=name)
        for name in ("m3", "m5", "A"):
            np.testing.assert_allclose(_np(taps[name][b, 0]), r[name], rtol=0, atol=tol * 10, err_msg=name)
        if dtype == torch.float64:  # float32 logits may legitimately flip near-ties
            np.testing.assert_array_equal(taps["index"][b].numpy(), r["index"])
            np.testing.assert_allclose(_np(out[b]), r["out_hard"], rtol=0, atol=tol * 10)
        else:
            agree = (taps["index"][b].numpy() == r["index"]).mean()
            assert agree > 0.99
        np.testing.assert_allclose(_np(out_exp[b]), r["out_expected"], rtol=0, atol=tol * 10)
    # The taps were not trivial: gains above 1, both branches used, more than one region chosen.
    assert (taps["alpha"] > 1).all() and taps["gate"].min() > 0.01 and taps["index"].unique().numel() > 1


def test_hard_output_is_one_power_per_pixel_and_masks_one_hot():
    m = _model(seed=5)
    x = _input(h=20, w=24)
    with torch.no_grad():
        out, taps = m(x, mask_mode="hard", taps=True)
    masks = taps["masks"]
    assert set(masks.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(masks.sum(dim=1), torch.ones_like(masks[:, 0]))
    assert torch.equal(masks.argmax(dim=1), taps["index"])
    # the fast path equals the general weighted sum bit for bit
    assert torch.equal(out, modulate(taps["xs"], masks, taps["w"]))
    assert torch.equal(out, modulate_hard(taps["xs"], taps["index"], taps["w"]))


def test_argmax_ties_go_to_lowest_index():
    logits = torch.zeros(1, 16, 2, 3)
    logits[0, 5] = 1.0
    logits[0, 9] = 1.0  # tie between 5 and 9
    logits[0, 2, 1, 2] = 1.0  # a three-way tie at one pixel: 2, 5, 9
    idx = region_index(logits)
    assert idx[0, 1, 2].item() == 2
    assert (idx[0].flatten()[:5] == 5).all()
    hard = region_masks(logits, "hard", 0.1)
    assert hard[0, 5, 0, 0] == 1 and hard[0, 9, 0, 0] == 0
    assert region_index(torch.zeros(1, 16, 4, 4)).eq(0).all()


def test_soft_approaches_hard_as_tau_goes_to_zero():
    """|soft - hard| per pixel is bounded by (K-1) exp(-gap/tau), gap = top-1 minus top-2 logit."""
    m = _model(seed=7)
    x = _input(b=1, h=24, w=24)
    with torch.no_grad():
        _, taps = m(x, mask_mode="hard", taps=True)
        logits = taps["logits"].double()
        hard = region_masks(logits, "hard", 1.0)
        top2 = logits.topk(2, dim=1).values
        gap = top2[:, 0] - top2[:, 1]
        k = logits.shape[1]
        prev = math.inf
        outs = []
        for tau in (1.0, 0.1, 0.01, 1e-3, 1e-4):
            soft = region_masks(logits, "soft", tau)
            err = (soft - hard).abs().amax(dim=1)
            bound = torch.clamp((k - 1) * torch.exp(-gap / tau), max=1.0)
            assert (err <= bound + 1e-12).all(), tau
            assert err.mean().item() < prev
            prev = err.mean().item()
            outs.append((m(x, mask_mode="soft", tau=tau) - m(x, mask_mode="hard")).abs().mean().item())
    # at tau = 1e-4 every pixel whose top-two gap exceeds 1e-2 is hard to within 15 exp(-100)
    clear = gap > 1e-2
    assert clear.float().mean() > 0.9
    assert err[clear].max().item() < 1e-12
    assert all(a > b for a, b in zip(outs, outs[1:])) and outs[-1] < 1e-2 * outs[0]


def test_expected_is_mean_of_many_gumbel_runs():
    """At tau = 1e-3 a Gumbel-softmax sample is (nearly) the one-hot Gumbel-max choice, whose mean is softmax(L).

    Statistical bound (Hoeffding, samples in [0,1], N runs, union over all n values, failure
    probability 1e-6): |mean - p| <= sqrt(ln(2 n / 1e-6) / (2 N)). Plus K * tau for the
    residual softness of the samples at temperature tau.
    """
    torch.manual_seed(0)
    logits = torch.randn(1, 16, 6, 6, dtype=torch.float64) * 1.5
    n_runs, tau = 3000, 1e-3
    gen = torch.Generator().manual_seed(123)
    acc = torch.zeros_like(logits)
    for _ in range(n_runs):
        acc += region_masks(logits, "gumbel", tau, generator=gen)
    mean = acc / n_runs
    expected = region_masks(logits, "expected", tau)
    n = logits.numel()
    bound = math.sqrt(math.log(2 * n / 1e-6) / (2 * n_runs)) + 16 * tau
    err = (mean - expected).abs()
    assert err.max().item() < bound
    # and on average far inside it: the standard error is sqrt(p(1-p)/N) <= 0.0092
    assert err.mean().item() < 0.01


def test_gumbel_is_seedable_and_samples_like_torch():
    m = _model(seed=2)
    x = _input(b=1)
    with torch.no_grad():
        a = m(x, generator=torch.Generator().manual_seed(11))
        b = m(x, generator=torch.Generator().manual_seed(11))
        c = m(x, generator=torch.Generator().manual_seed(12))
        assert torch.equal(a, b) and not torch.equal(a, c)
        # with the global generator it draws exactly what torch's gumbel_softmax draws (the published code)
        logits = torch.randn(2, 16, 5, 7)
        torch.manual_seed(99)
        ours = region_masks(logits, "gumbel", 0.1)
        torch.manual_seed(99)
        theirs = F.gumbel_softmax(logits, tau=0.1, hard=False, dim=1)
        assert torch.equal(ours, theirs)


def test_modes_and_default_mode():
    m = _model(seed=4)
    x = _input(b=1)
    with torch.no_grad():
        torch.manual_seed(5)
        default = m(x)
        torch.manual_seed(5)
        gumbel = m(x, mask_mode="gumbel")
        assert torch.equal(default, gumbel)
        for mode in ("expected", "soft", "hard"):
            y = m(x, mask_mode=mode)
            assert y.shape == x.shape and torch.isfinite(y).all() and y.min() >= 1e-6 - 1e-12 and y.max() <= 1.0
        masks = region_masks(torch.randn(1, 16, 3, 3), "expected", 0.1)
        torch.testing.assert_close(masks.sum(dim=1), torch.ones(1, 3, 3))


def test_gradients_flow_to_every_parameter():
    m = _model(seed=6).train()
    x = _input(b=1, h=12, w=12)
    m(x, mask_mode="gumbel", generator=torch.Generator().manual_seed(0)).mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_detector_input():
    out = torch.tensor([0.0, 0.5, 1.0, 2.0])
    torch.testing.assert_close(detector_input(out), torch.tensor([1e-6 * 255, 127.5, 255.0, 255.0]))
    assert detector_input(out, round_to_int=True).tolist() == [0.0, 128.0, 255.0, 255.0]


@pytest.mark.parametrize("bad, match", [
    (torch.rand(3, 8, 8), r"\(B, 3, H, W\)"),
    (torch.rand(1, 4, 8, 8), r"\(B, 3, H, W\)"),
    (torch.randint(0, 255, (1, 3, 8, 8)), "floating-point"),
])
def test_bad_input_is_refused(bad, match):
    with pytest.raises(ValueError, match=match):
        TAISP()(bad)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="mask mode"):
        TAISP()(torch.rand(1, 3, 4, 4), mask_mode="sharp")
    with pytest.raises(ValueError, match="tau"):
        TAISP()(torch.rand(1, 3, 4, 4), tau=0.0)
    with pytest.raises(ValueError, match="weight_range"):
        TAISP(weight_range=(3, 1))
    with pytest.raises(ValueError, match="mask mode"):
        TAISP(mask_mode="x")
