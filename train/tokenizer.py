"""Quarry's own SentencePiece vocabulary, trained on the training prompts, as llama.cpp's tokenizer metadata.

BPE with byte fallback, like Llama's own: llama.cpp's `llama` tokenizer merges by these scores, and
no text falls outside the vocabulary. Identity normalization keeps the prompt's newlines and
spaces as they are: SQL and its schema are not prose. A few thousand pieces leave more of a small
model for its layers than a 32k vocabulary would.
"""
import io

import sentencepiece as spm

from gguf import TOKEN_BYTE, TOKEN_CONTROL, TOKEN_NORMAL, TOKEN_UNKNOWN


def train_tokenizer(texts, vocab_size, model_path):
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        model_type='bpe',
        vocab_size=vocab_size,
        byte_fallback=True,
        normalization_rule_name='identity',
        remove_extra_whitespaces=False,
        split_digits=True,
        allow_whitespace_only_pieces=True,
        max_sentence_length=1 << 16,
        character_coverage=1.0,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=2,
        minloglevel=2,
    )
    with open(model_path, 'wb') as f:
        f.write(model.getvalue())


def vocabulary(model_path):
    """The pieces, scores and token types llama.cpp reads from tokenizer.ggml.*."""
    sp = spm.SentencePieceProcessor(model_file=model_path)
    pieces, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        pieces.append(sp.id_to_piece(i))
        scores.append(sp.get_score(i))
        if sp.is_unknown(i):
            types.append(TOKEN_UNKNOWN)
        elif sp.is_control(i):
            types.append(TOKEN_CONTROL)
        elif sp.is_byte(i):
            types.append(TOKEN_BYTE)
        else:
            types.append(TOKEN_NORMAL)
    return {'pieces': pieces, 'scores': scores, 'types': types, 'unk': sp.unk_id(), 'bos': sp.bos_id(), 'eos': sp.eos_id()}
