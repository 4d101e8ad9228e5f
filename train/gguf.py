"""A GGUF v3 writer of its own: the llama architecture, a SentencePiece vocabulary, F16/F32 tensors.

What llama.cpp needs from such a file: dimensions written innermost first (a torch weight of shape
[out, in] is ne = [in, out], and its bytes are already in that order), tensor data aligned to
`general.alignment`, offsets relative to the start of the data section, norms as F32, and the
output head left out when it is the embedding (llama.cpp then ties them).
"""
import struct

import numpy as np

ALIGNMENT = 32

UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, FLOAT64 = range(13)
F32, F16 = 0, 1

# SentencePiece piece kinds as llama.cpp's token types: normal, unknown, control, byte.
TOKEN_NORMAL, TOKEN_UNKNOWN, TOKEN_CONTROL, TOKEN_BYTE = 1, 2, 3, 6


def _string(text):
    data = text.encode('utf-8')
    return struct.pack('<Q', len(data)) + data


def _value(kind, value):
    if kind == UINT32:
        return struct.pack('<I', value)
    if kind == INT32:
        return struct.pack('<i', value)
    if kind == FLOAT32:
        return struct.pack('<f', value)
    if kind == BOOL:
        return struct.pack('<?', value)
    if kind == STRING:
        return _string(value)
    raise ValueError(f'unsupported GGUF value type {kind}')


def _array(kind, values):
    head = struct.pack('<IQ', kind, len(values))
    if kind == STRING:
        return head + b''.join(_string(v) for v in values)
    if kind == FLOAT32:
        return head + np.asarray(values, dtype='<f4').tobytes()
    if kind == INT32:
        return head + np.asarray(values, dtype='<i4').tobytes()
    raise ValueError(f'unsupported GGUF array type {kind}')


def llama_tensors(state, n_layers):
    """GGUF names for the torch model's weights (train/model.py), in llama.cpp's order."""
    names = [('token_embd.weight', 'embed.weight')]
    for i in range(n_layers):
        p = f'blocks.{i}.'
        names += [
            (f'blk.{i}.attn_norm.weight', p + 'attn_norm.weight'),
            (f'blk.{i}.attn_q.weight', p + 'wq.weight'),
            (f'blk.{i}.attn_k.weight', p + 'wk.weight'),
            (f'blk.{i}.attn_v.weight', p + 'wv.weight'),
            (f'blk.{i}.attn_output.weight', p + 'wo.weight'),
            (f'blk.{i}.ffn_norm.weight', p + 'ffn_norm.weight'),
            (f'blk.{i}.ffn_gate.weight', p + 'w_gate.weight'),
            (f'blk.{i}.ffn_up.weight', p + 'w_up.weight'),
            (f'blk.{i}.ffn_down.weight', p + 'w_down.weight'),
        ]
    names.append(('output_norm.weight', 'norm.weight'))
    return [(gguf_name, state[torch_name]) for gguf_name, torch_name in names]


def write_llama_gguf(path, config, state, vocab, name, extra=None):
    """config: train/model.py Config; state: the model's state_dict; vocab: {'pieces', 'scores', 'types', 'bos', 'eos', 'unk'}."""
    head_dim = config.dim // config.n_heads
    kv = [
        ('general.architecture', STRING, 'llama'),
        ('general.name', STRING, name),
        ('general.alignment', UINT32, ALIGNMENT),
        ('general.file_type', UINT32, 1),
        ('llama.vocab_size', UINT32, config.vocab_size),
        ('llama.context_length', UINT32, config.context),
        ('llama.embedding_length', UINT32, config.dim),
        ('llama.block_count', UINT32, config.n_layers),
        ('llama.feed_forward_length', UINT32, config.ffn_dim),
        ('llama.attention.head_count', UINT32, config.n_heads),
        ('llama.attention.head_count_kv', UINT32, config.n_heads),
        ('llama.attention.layer_norm_rms_epsilon', FLOAT32, config.norm_eps),
        ('llama.rope.dimension_count', UINT32, head_dim),
        ('llama.rope.freq_base', FLOAT32, config.rope_theta),
        ('tokenizer.ggml.model', STRING, 'llama'),
        ('tokenizer.ggml.tokens', (ARRAY, STRING), vocab['pieces']),
        ('tokenizer.ggml.scores', (ARRAY, FLOAT32), vocab['scores']),
        ('tokenizer.ggml.token_type', (ARRAY, INT32), vocab['types']),
        ('tokenizer.ggml.bos_token_id', UINT32, vocab['bos']),
        ('tokenizer.ggml.eos_token_id', UINT32, vocab['eos']),
        ('tokenizer.ggml.unknown_token_id', UINT32, vocab['unk']),
        ('tokenizer.ggml.add_bos_token', BOOL, True),
        ('tokenizer.ggml.add_eos_token', BOOL, False),
    ] + list(extra or [])
    tensors = []
    for gguf_name, tensor in (llama_tensors(state, config.n_layers) if state is not None else []):
        array = tensor.detach().float().cpu().numpy()
        # Norms stay F32 (llama.cpp multiplies by them in F32); matrices are F16, half the size.
        data = array.astype('<f4') if array.ndim == 1 else array.astype('<f2')
        tensors.append((gguf_name, list(reversed(array.shape)), F32 if array.ndim == 1 else F16, data.tobytes()))
    return write_gguf(path, kv, tensors)


def write_gguf(path, kv, tensors):
    """kv: (key, type or (ARRAY, type), value); tensors: (name, dims innermost first, F32 or F16, bytes)."""
    out = bytearray()
    out += b'GGUF' + struct.pack('<IQQ', 3, len(tensors), len(kv))
    for key, kind, value in kv:
        out += _string(key)
        if isinstance(kind, tuple):
            out += struct.pack('<I', ARRAY) + _array(kind[1], value)
        else:
            out += struct.pack('<I', kind) + _value(kind, value)
    offset = 0
    offsets = []
    for gguf_name, dims, kind, data in tensors:
        offsets.append(offset)
        out += _string(gguf_name) + struct.pack('<I', len(dims)) + b''.join(struct.pack('<Q', d) for d in dims)
        out += struct.pack('<IQ', kind, offset)
        offset += len(data)
        offset += -offset % ALIGNMENT
    out += b'\0' * (-len(out) % ALIGNMENT)
    for (gguf_name, dims, kind, data), at in zip(tensors, offsets):
        out += data
        out += b'\0' * (-len(data) % ALIGNMENT)
    with open(path, 'wb') as f:
        f.write(out)
    return len(out)


def fp16_rounded(state):
    """The weights as the F16 file holds them, for a torch model that must match llama.cpp token for token."""
    return {k: (v.half().float() if v.ndim > 1 else v) for k, v in state.items()}


_SCALARS = {UINT8: '<B', INT8: '<b', UINT16: '<H', INT16: '<h', UINT32: '<I', INT32: '<i', FLOAT32: '<f', BOOL: '<?', UINT64: '<Q', INT64: '<q', FLOAT64: '<d'}


def read_gguf(path):
    """A GGUF file's metadata and its F32/F16 tensors, each as a float32 array in torch's layout (outermost first)."""
    data = open(path, 'rb').read()
    if data[:4] != b'GGUF':
        raise ValueError(f'{path} is not a GGUF file')
    at = 4
    version, n_tensors, n_kv = struct.unpack_from('<IQQ', data, at)
    at += 20

    def string():
        nonlocal at
        (length,) = struct.unpack_from('<Q', data, at)
        at += 8 + length
        return data[at - length:at].decode('utf-8')

    def value(kind):
        nonlocal at
        if kind == STRING:
            return string()
        if kind == ARRAY:
            item, count = struct.unpack_from('<IQ', data, at)
            at += 12
            return [value(item) for _ in range(count)]
        fmt = _SCALARS[kind]
        (v,) = struct.unpack_from(fmt, data, at)
        at += struct.calcsize(fmt)
        return v

    kv = {}
    for _ in range(n_kv):
        key = string()
        (kind,) = struct.unpack_from('<I', data, at)
        at += 4
        kv[key] = value(kind)
    infos = []
    for _ in range(n_tensors):
        name = string()
        (n_dims,) = struct.unpack_from('<I', data, at)
        at += 4
        dims = struct.unpack_from(f'<{n_dims}Q', data, at)
        at += 8 * n_dims
        kind, offset = struct.unpack_from('<IQ', data, at)
        at += 12
        infos.append((name, dims, kind, offset))
    alignment = kv.get('general.alignment', ALIGNMENT)
    start = at + (-at % alignment)
    tensors = {}
    for name, dims, kind, offset in infos:
        if kind not in (F32, F16):
            raise ValueError(f'{path}: tensor {name} is of GGUF type {kind}; only F32 and F16 are read')
        count = int(np.prod(dims))
        array = np.frombuffer(data, dtype='<f4' if kind == F32 else '<f2', count=count, offset=start + offset)
        tensors[name] = array.astype(np.float32).reshape(list(reversed(dims)))
    return kv, tensors
