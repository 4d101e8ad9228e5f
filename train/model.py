"""A llama-architecture decoder in plain torch, laid out so that llama.cpp runs it unchanged.

RMSNorm, rotary position embeddings in llama.cpp's adjacent-pair layout (so the query and key
weights need no permutation when written to GGUF), SwiGLU feed-forward, a tied output head.
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 6144
    dim: int = 288
    n_layers: int = 6
    n_heads: int = 6
    ffn_dim: int = 768
    context: int = 2048
    norm_eps: float = 1e-5
    rope_theta: float = 10000.0

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim, context, theta):
    """cos and sin for each position and pair: pair i of a head rotates by position * theta^(-2i/d)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    angles = torch.outer(torch.arange(context, dtype=torch.float32), inv)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    """x: (batch, heads, time, head_dim); rotates adjacent pairs (x0, x1), (x2, x3), … as llama.cpp's LLAMA_ROPE_TYPE_NORM does."""
    even, odd = x[..., 0::2], x[..., 1::2]
    rotated_even = even * cos - odd * sin
    rotated_odd = even * sin + odd * cos
    return torch.stack((rotated_even, rotated_odd), dim=-1).flatten(-2)


def planned_attention(q, k, v, plan):
    """Attention of one sequence (q, k, v: heads x time x head_dim) computed only where a plan says it is
    needed: each entry is (rows, key ranges, mask of refused pairs), the entries' rows in order and
    contiguous. A packed sequence of one schema and many questions then costs the schema's square
    plus each question against the schema and its neighbours, instead of the whole sequence's square.
    Pieces are cut with split (whose gradient is one concatenation), not by indexing, whose gradient
    would be a full-size tensor of zeros per piece."""
    sizes = [rows.stop - rows.start for rows, _, _ in plan]
    starts = [rows.start for rows, _, _ in plan]
    heads = []
    for qh, kh, vh in zip(q.unbind(0), k.unbind(0), v.unbind(0)):
        q_parts, k_parts, v_parts = qh.split(sizes), kh.split(sizes), vh.split(sizes)
        outputs = []
        for (rows, keys, refused), qp in zip(plan, q_parts):
            pieces = [starts.index(r.start) for r in keys]
            kc = torch.cat([k_parts[i] for i in pieces]) if len(pieces) > 1 else k_parts[pieces[0]]
            vc = torch.cat([v_parts[i] for i in pieces]) if len(pieces) > 1 else v_parts[pieces[0]]
            scores = (qp @ kc.t()).masked_fill(refused, float('-inf'))
            outputs.append(F.softmax(scores, dim=-1) @ vc)
        heads.append(torch.cat(outputs))
    return torch.stack(heads)


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.n_heads = c.n_heads
        self.head_dim = c.dim // c.n_heads
        self.attn_norm = RMSNorm(c.dim, c.norm_eps)
        self.wq = nn.Linear(c.dim, c.dim, bias=False)
        self.wk = nn.Linear(c.dim, c.dim, bias=False)
        self.wv = nn.Linear(c.dim, c.dim, bias=False)
        self.wo = nn.Linear(c.dim, c.dim, bias=False)
        self.ffn_norm = RMSNorm(c.dim, c.norm_eps)
        self.w_gate = nn.Linear(c.dim, c.ffn_dim, bias=False)
        self.w_up = nn.Linear(c.dim, c.ffn_dim, bias=False)
        self.w_down = nn.Linear(c.ffn_dim, c.dim, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        h = self.attn_norm(x)
        q = self.wq(h).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        k = self.wk(h).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        v = self.wv(h).view(b, t, self.n_heads, self.head_dim).transpose(1, 2)
        q, k = apply_rope(q, cos, sin) * (1.0 / math.sqrt(self.head_dim)), apply_rope(k, cos, sin)
        if isinstance(mask, list):
            attn = planned_attention(q[0], k[0], v[0], mask).unsqueeze(0)
            x = x + self.wo(attn.transpose(1, 2).reshape(b, t, d))
            h = self.ffn_norm(x)
            return x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))
        # One 2-D product per head: Debian's torch runs batched products (bmm) without BLAS, at a
        # tenth of the speed; a matrix times a transposed view goes to OpenBLAS.
        heads = []
        for i in range(b):
            for j in range(self.n_heads):
                scores = (q[i, j] @ k[i, j].t()).masked_fill(mask[min(i, mask.shape[0] - 1), 0], float('-inf'))
                heads.append(F.softmax(scores, dim=-1) @ v[i, j])
        attn = torch.stack(heads).view(b, self.n_heads, t, self.head_dim)
        x = x + self.wo(attn.transpose(1, 2).reshape(b, t, d))
        h = self.ffn_norm(x)
        return x + self.w_down(F.silu(self.w_gate(h)) * self.w_up(h))


class Llama(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.config = c
        self.embed = nn.Embedding(c.vocab_size, c.dim)
        self.blocks = nn.ModuleList([Block(c) for _ in range(c.n_layers)])
        self.norm = RMSNorm(c.dim, c.norm_eps)
        cos, sin = rope_tables(c.dim // c.n_heads, c.context, c.rope_theta)
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        self.apply(self._init)
        # Residual projections start small, as in GPT-2: deep stacks train from the first step.
        for block in self.blocks:
            nn.init.normal_(block.wo.weight, std=0.02 / math.sqrt(2 * c.n_layers))
            nn.init.normal_(block.w_down.weight, std=0.02 / math.sqrt(2 * c.n_layers))

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)

    def forward(self, tokens, positions=None):
        """tokens: (batch, time). positions: (batch, time) restarting at 0 for each packed document, or None for 0..t-1."""
        b, t = tokens.shape
        if positions is None:
            positions = torch.arange(t).unsqueeze(0).expand(b, t)
        cos = self.cos[positions].unsqueeze(1)
        sin = self.sin[positions].unsqueeze(1)
        # Causal, and no attention across packed documents: a document starts where its position is 0.
        doc = torch.cumsum((positions == 0).int(), dim=1)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        allowed = causal.unsqueeze(0) & (doc.unsqueeze(2) == doc.unsqueeze(1))
        mask = ~allowed.unsqueeze(1)
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x, cos, sin, mask)
        return self.norm(x) @ self.embed.weight.t()

    @torch.no_grad()
    def greedy(self, prompt, max_new, eos):
        tokens = list(prompt)
        for _ in range(max_new):
            logits = self.forward(torch.tensor([tokens[-self.config.context:]]))
            nxt = int(logits[0, -1].argmax())
            tokens.append(nxt)
            if nxt == eos:
                break
        return tokens[len(prompt):]
