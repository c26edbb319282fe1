"""The two POS-ISP agents (design note section 4), with the published parameter names and shapes.

* :class:`SequenceAgent` (``action_agent.*``): image-independent; a bidirectional GRU with a
  FiLM of the step index picks the filters one token at a time (tokens 0..9 the filters,
  10 = end, 11 = start), each filter at most once.
* :class:`ParamAgent` (``param_net.*``): 64x64 area average, five stride-2 convolutions, global
  average and max, an MLP to 27 raw parameters in (0, 1).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .filters import FILTER_NAMES, NUM_PARAMS

NUM_FILTERS = len(FILTER_NAMES)  # 10
END_TOKEN = NUM_FILTERS  # 10
START_TOKEN = NUM_FILTERS + 1  # 11
MAX_STEPS = NUM_FILTERS  # 10
POOL_SIZE = 64


class SequenceAgent(nn.Module):
    """Chooses the filter order; ``greedy()`` is inference (argmax), ``sample()`` is training."""

    def __init__(self, embed: int = 64, hidden: int = 64, step_dim: int = 16) -> None:
        super().__init__()
        self.hidden = hidden
        self.gru = nn.GRU(embed, hidden, batch_first=True, bidirectional=True)
        self.decoder = nn.Linear(2 * hidden, NUM_FILTERS + 1)
        self.token_embed = nn.Embedding(NUM_FILTERS + 2, embed)
        self.step_embed = nn.Embedding(NUM_FILTERS + 1, step_dim)
        self.step2film = nn.Sequential(nn.Linear(step_dim, 4 * hidden), nn.Tanh())

    def step_logits(self, prev: torch.Tensor, step: int, state: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        """One step for a batch: previous tokens (B,) -> unmasked logits (B, 11) and the new GRU state."""
        e = self.token_embed(prev).unsqueeze(1)  # (B, 1, 64)
        out, state = self.gru(e, state)
        h = out[:, 0]  # (B, 128): both directions
        film = self.step2film(self.step_embed.weight[step])  # (256,)
        g, b = film[: 2 * self.hidden], film[2 * self.hidden:]
        h = h * (1.0 + g) + b
        return self.decoder(h), state

    def _run(self, batch: int, temperature: float | None, generator: torch.Generator | None):
        dev = self.decoder.weight.device
        prev = torch.full((batch,), START_TOKEN, dtype=torch.long, device=dev)
        used = torch.zeros(batch, NUM_FILTERS + 1, dtype=torch.bool, device=dev)
        done = torch.zeros(batch, dtype=torch.bool, device=dev)
        state = None
        tokens, logps, probs = [], [], []
        for s in range(MAX_STEPS):
            logits, state = self.step_logits(prev, s, state)
            logits = logits.masked_fill(used, float("-inf"))
            if temperature is None:
                tok = logits.argmax(dim=1)
                lp = torch.log_softmax(logits, dim=1)
            else:
                lp = torch.log_softmax(logits / temperature, dim=1)
                tok = torch.multinomial(lp.exp().detach(), 1, generator=generator)[:, 0]
            probs.append(torch.softmax(logits, dim=1))
            tok = torch.where(done, torch.full_like(tok, END_TOKEN), tok)
            logps.append(torch.where(done, torch.zeros_like(tok, dtype=lp.dtype), lp.gather(1, tok[:, None])[:, 0]))
            tokens.append(tok)
            done = done | (tok == END_TOKEN)
            used = used | (F.one_hot(tok, NUM_FILTERS + 1).bool() & (tok != END_TOKEN)[:, None])
            prev = tok
            if bool(done.all()):
                break
        return torch.stack(tokens, 1), torch.stack(logps, 1).sum(1), torch.stack(probs, 1)

    def greedy(self) -> list[int]:
        """The inference order: filter indices, argmax at every step, until the end token or 10 steps."""
        with torch.no_grad():
            toks, _, _ = self._run(1, None, None)
        return [int(t) for t in toks[0] if int(t) != END_TOKEN]

    def step_probabilities(self) -> torch.Tensor:
        """(steps, 11) softmax probabilities along the greedy path (temperature 1; a diagnostic)."""
        _, _, probs = self._run(1, None, None)
        return probs[0]

    def sample(self, batch: int, temperature: float, generator: torch.Generator | None = None
               ) -> tuple[list[list[int]], torch.Tensor]:
        """``batch`` sequences sampled at ``temperature``; returns the filter lists and the sum of the
        chosen tokens' log-probabilities (B,), the end token included, differentiable."""
        toks, logp, _ = self._run(batch, float(temperature), generator)
        seqs = []
        for row in toks.tolist():
            seq = []
            for t in row:
                if t == END_TOKEN:
                    break
                seq.append(t)
            seqs.append(seq)
        return seqs, logp


class ParamAgent(nn.Module):
    """Image -> (N, 27) raw parameters in (0, 1)."""

    def __init__(self) -> None:
        super().__init__()
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
        self.enc1 = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), act(), nn.Conv2d(32, 64, 3, 2, 1), act(),
                                  nn.Conv2d(64, 128, 3, 2, 1), act())
        self.enc2 = nn.Sequential(nn.Conv2d(128, 128, 3, 2, 1), act())
        self.enc3 = nn.Sequential(nn.Conv2d(128, 128, 3, 2, 1), act())
        self.fc1 = nn.Linear(256, 256)
        self.fc2 = nn.Linear(256, 128)
        self.decoder = nn.Sequential(nn.Linear(128, 256), nn.LeakyReLU(0.2), nn.Linear(256, NUM_PARAMS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = F.adaptive_avg_pool2d(x, POOL_SIZE)
        z = self.enc3(self.enc2(self.enc1(z)))
        z = torch.cat([z.mean(dim=(2, 3)), z.amax(dim=(2, 3))], dim=1)
        z = self.fc2(F.relu(self.fc1(z)))
        return (torch.tanh(self.decoder(z)) + 1.0) / 2.0


#: The published parameter names and shapes under ``agent_model`` (583,702 parameters).
PUBLISHED_SHAPES: dict[str, tuple[int, ...]] = {}
for _d in ("", "_reverse"):
    PUBLISHED_SHAPES.update({
        f"action_agent.gru.weight_ih_l0{_d}": (192, 64), f"action_agent.gru.weight_hh_l0{_d}": (192, 64),
        f"action_agent.gru.bias_ih_l0{_d}": (192,), f"action_agent.gru.bias_hh_l0{_d}": (192,),
    })
PUBLISHED_SHAPES.update({
    "action_agent.decoder.weight": (11, 128), "action_agent.decoder.bias": (11,),
    "action_agent.token_embed.weight": (12, 64), "action_agent.step_embed.weight": (11, 16),
    "action_agent.step2film.0.weight": (256, 16), "action_agent.step2film.0.bias": (256,),
})
for _k, _s in (("enc1.0", (32, 3, 3, 3)), ("enc1.2", (64, 32, 3, 3)), ("enc1.4", (128, 64, 3, 3)),
               ("enc2.0", (128, 128, 3, 3)), ("enc3.0", (128, 128, 3, 3)), ("fc1", (256, 256)),
               ("fc2", (128, 256)), ("decoder.0", (256, 128)), ("decoder.2", (27, 256))):
    PUBLISHED_SHAPES[f"param_net.{_k}.weight"] = _s
    PUBLISHED_SHAPES[f"param_net.{_k}.bias"] = (_s[0],)
del _d, _k, _s

NUM_PARAMETERS: int = sum(math.prod(s) for s in PUBLISHED_SHAPES.values())
assert NUM_PARAMETERS == 583_702, NUM_PARAMETERS

__all__ = ["END_TOKEN", "MAX_STEPS", "NUM_FILTERS", "NUM_PARAMETERS", "PUBLISHED_SHAPES", "ParamAgent",
           "START_TOKEN", "SequenceAgent"]
