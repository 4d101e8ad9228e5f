"""LoRA on a llama GGUF: the base read back from its file, low-rank adapters on its matrices, and
the adapter written as llama.cpp reads one (general.type `adapter`, adapter.type `lora`,
adapter.lora.alpha, `<weight>.lora_a` of shape [rank, in] and `<weight>.lora_b` of [out, rank] in
torch's layout), or merged into the weights (W + alpha / rank * B A) as a whole model file.
"""
import math

import torch
import torch.nn as nn

from gguf import F32, FLOAT32, STRING, llama_tensors, read_gguf, write_gguf
from model import Config, Llama

# The matrices an adapter may change, as train/model.py names them in a block.
TARGETS = ('wq', 'wk', 'wv', 'wo', 'w_gate', 'w_up', 'w_down')


def load_base(path):
    """The llama model in a GGUF file (our own writer's layout), as a torch model, and its metadata."""
    kv, tensors = read_gguf(path)
    config = Config(
        vocab_size=len(kv['tokenizer.ggml.tokens']),
        dim=kv['llama.embedding_length'],
        n_layers=kv['llama.block_count'],
        n_heads=kv['llama.attention.head_count'],
        ffn_dim=kv['llama.feed_forward_length'],
        context=kv['llama.context_length'],
        norm_eps=kv['llama.attention.layer_norm_rms_epsilon'],
        rope_theta=kv['llama.rope.freq_base'],
    )
    model = Llama(config)
    names = {gguf_name: torch_name for gguf_name, torch_name in llama_tensors(_Names(), config.n_layers)}
    state = {names[name]: torch.from_numpy(array.copy()) for name, array in tensors.items()}
    model.load_state_dict(state)
    return model, kv


class LoRALinear(nn.Module):
    """A frozen linear layer plus alpha / rank * B A, B starting at zero so that training starts from the base."""

    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        self.a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, rank))
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale


def attach(model, rank, alpha, targets=TARGETS):
    """Freezes the model and puts an adapter on each target matrix of every block; returns the adapters by torch weight name."""
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    adapters = {}
    for i, block in enumerate(model.blocks):
        for name in targets:
            lora = LoRALinear(getattr(block, name), rank, alpha)
            setattr(block, name, lora)
            adapters[f'blocks.{i}.{name}.weight'] = lora
    return adapters


class _Names(dict):
    """A state dict stand-in whose every value is its own key: llama_tensors then lists GGUF name → torch name."""

    def __missing__(self, key):
        return key


def _gguf_names(model):
    """torch weight name → GGUF tensor name, as the base file names them."""
    return {torch_name: gguf_name for gguf_name, torch_name in llama_tensors(_Names(), len(model.blocks))}


def write_adapter(path, model, adapters, alpha, name):
    names = _gguf_names(model)
    kv = [
        ('general.architecture', STRING, 'llama'),
        ('general.type', STRING, 'adapter'),
        ('general.name', STRING, name),
        ('adapter.type', STRING, 'lora'),
        ('adapter.lora.alpha', FLOAT32, float(alpha)),
    ]
    tensors = []
    for torch_name, lora in adapters.items():
        for suffix, weight in (('lora_a', lora.a), ('lora_b', lora.b)):
            array = weight.detach().float().numpy().astype('<f4')
            tensors.append((f'{names[torch_name]}.{suffix}', list(reversed(array.shape)), F32, array.tobytes()))
    return write_gguf(path, kv, tensors)


def merged_state(model, adapters):
    """The base weights with each adapter folded in, keyed as train/model.py's Llama names them."""
    state = {}
    for key, value in model.state_dict().items():
        if '.base.' in key or key.endswith('.a') or key.endswith('.b'):
            continue
        state[key] = value
    for torch_name, lora in adapters.items():
        state[torch_name] = lora.base.weight.detach() + lora.scale * (lora.b.detach() @ lora.a.detach())
    return state
