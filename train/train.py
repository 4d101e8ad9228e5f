"""Trains Quarry's sample model: `tokenizer`, `fit` (resumable) and `export` steps, driven by scripts/trainModel.mjs.

The data is what Quarry itself renders (`quarry dataset prompts`), tokenized by node-llama-cpp as
the product tokenizes (scripts/trainModel.mjs): no prompt or tokenization is copied here. Examples
of one database share one copy of its schema: each question's tokens attend to the schema and to
themselves only, at the positions they have when asked alone, so a packed sequence computes exactly
what Quarry's model server will, at a fraction of the cost.
"""
import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf import fp16_rounded, write_llama_gguf  # noqa: E402
from model import Config, Llama  # noqa: E402
from tokenizer import train_tokenizer, vocabulary  # noqa: E402


def cmd_tokenizer(args):
    rows = [json.loads(line) for line in open(args.prompts, encoding='utf-8')]
    seen, texts = set(), []
    for row in rows:
        schema, _, question = row['prompt'].rpartition('-- Question:')
        # One copy of each schema: the vocabulary should not be all column names.
        if schema not in seen:
            seen.add(schema)
            texts.append(schema)
        texts.append('-- Question:' + question + row['completion'])
    train_tokenizer(texts, args.vocab, args.out)
    vocab = vocabulary(args.out)
    write_llama_gguf(args.gguf, Config(vocab_size=len(vocab['pieces'])), None, vocab, 'quarry-mini-sql vocabulary')
    json.dump({'size': len(vocab['pieces'])}, open(args.out + '.json', 'w'))
    print(f'{len(vocab["pieces"])} pieces from {len(texts)} texts')


def load_examples(prefix):
    """Tokens from scripts/trainModel.mjs: per example, the shared schema prefix, then its question and answer."""
    tokens = np.fromfile(prefix + '.bin', dtype='<i4')
    index = json.load(open(prefix + '.json', encoding='utf-8'))
    return tokens, index


def packs(index, tokens, context, rng, positions):
    """Packed sequences: a database's schema once, then as many of its questions as fit, shuffled.
    An example longer than the model's positions is left out: Ask would cut that schema to fit."""
    by_schema = {}
    for example in index:
        if example['length'] <= positions:
            by_schema.setdefault(example['schemaKey'], []).append(example)
    out = []
    for group in by_schema.values():
        rng.shuffle(group)
        first = group[0]
        schema = tokens[first['offset']:first['offset'] + first['schemaLength']].tolist()
        current = []
        length = len(schema)
        for example in group:
            start = example['offset'] + example['schemaLength']
            segment = tokens[start:example['offset'] + example['length']].tolist()
            if current and length + len(segment) > context:
                out.append((schema, current))
                current, length = [], len(schema)
            current.append((segment, example['answerStart'] - example['schemaLength']))
            length += len(segment)
        if current:
            out.append((schema, current))
    rng.shuffle(out)
    return out


def tensors_for(pack, answer_weight, other_weight, chunk):
    """Token ids, targets, loss weights, positions and the attention plan of one packed sequence.

    The plan: the schema attends causally to itself; the questions, taken in chunks of about `chunk`
    tokens, attend to the whole schema and causally within their own question only."""
    schema, segments = pack
    ids = list(schema)
    positions = list(range(len(schema)))
    targets = [-1] * len(schema)
    weights = [other_weight] * len(schema)
    # The schema predicts its own next tokens; each segment's first token is predicted from the schema's end, per segment.
    for i in range(len(schema) - 1):
        targets[i] = schema[i + 1]
    s = len(schema)
    plan = [(slice(0, s), [slice(0, s)], torch.ones(s, s, dtype=torch.bool).triu(1))]
    chunk_segments = []

    def close_chunk():
        if not chunk_segments:
            return
        start = chunk_segments[0][0]
        end = chunk_segments[-1][1]
        owner = torch.cat([torch.full((b - a,), n) for n, (a, b) in enumerate(chunk_segments)])
        order = torch.arange(end - start)
        allowed = (owner.unsqueeze(1) == owner.unsqueeze(0)) & (order.unsqueeze(1) >= order.unsqueeze(0))
        refused = torch.cat([torch.zeros(end - start, s, dtype=torch.bool), ~allowed], dim=1)
        plan.append((slice(start, end), [slice(0, s), slice(start, end)], refused))
        chunk_segments.clear()

    for segment, answer_at in segments:
        start = len(ids)
        if chunk_segments and start + len(segment) - chunk_segments[0][0] > chunk:
            close_chunk()
        for j, token in enumerate(segment):
            ids.append(token)
            positions.append(s + j)
            nxt = segment[j + 1] if j + 1 < len(segment) else -1
            targets.append(nxt)
            weights.append(answer_weight if j + 1 >= answer_at else other_weight)
        chunk_segments.append((start, len(ids)))
    close_chunk()
    return torch.tensor(ids), torch.tensor(targets), torch.tensor(weights), torch.tensor(positions), plan


def forward_packed(model, ids, pos, plan):
    cos = model.cos[pos].unsqueeze(0).unsqueeze(0)
    sin = model.sin[pos].unsqueeze(0).unsqueeze(0)
    x = model.embed(ids.unsqueeze(0))
    for block in model.blocks:
        x = block(x, cos, sin, plan)
    return model.norm(x) @ model.embed.weight.t()


def check_planned_attention():
    """The packed step must compute what each question alone would: a small random model, a schema and
    questions of several lengths (one longer than a chunk), packed and planned, against each question
    run alone after the schema through the ordinary forward. Refuses to train if they differ."""
    torch.manual_seed(0)
    model = Llama(Config(vocab_size=300, dim=64, n_layers=2, n_heads=4, ffn_dim=128, context=512))
    schema = torch.randint(0, 300, (50,)).tolist()
    segments = [(torch.randint(0, 300, (n,)).tolist(), n // 2) for n in (7, 30, 12, 60, 5)]
    ids, _, _, pos, plan = tensors_for((schema, segments), 1.0, 0.1, 45)
    with torch.no_grad():
        packed = forward_packed(model, ids, pos, plan)[0]
        worst = float((model(torch.tensor([schema]))[0] - packed[:len(schema)]).abs().max())
        offset = len(schema)
        for segment, _ in segments:
            alone = model(torch.tensor([schema + segment]))[0][len(schema):]
            worst = max(worst, float((alone - packed[offset:offset + len(segment)]).abs().max()))
            offset += len(segment)
    if worst > 1e-4:
        sys.exit(f'train.py: packed attention differs from each question alone by {worst}')


def train_step(model, optimizer, parameters, pack, prompt_weight, chunk, lr):
    """One optimizer step on one pack, for the whole model (fit) or an adapter's matrices (lora):
    the answer's tokens at weight 1, the prompt's at prompt_weight, gradients clipped at 1.
    Returns the loss, the weight it was averaged over, and the pack's length."""
    ids, targets, weights, pos, plan = tensors_for(pack, 1.0, prompt_weight, chunk)
    for group in optimizer.param_groups:
        group['lr'] = lr
    logits = forward_packed(model, ids, pos, plan)[0]
    valid = (targets >= 0) & (weights > 0)
    loss = (F.cross_entropy(logits[valid], targets[valid], reduction='none') * weights[valid]).sum() / weights[valid].sum()
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(parameters, 1.0)
    optimizer.step()
    return float(loss), float(weights[valid].sum()), len(ids)


def cmd_fit(args):
    check_planned_attention()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tokens, index = load_examples(args.tokens)
    vocab_size = int(json.load(open(args.tokens + '.vocab.json'))['size'])
    os.makedirs(args.checkpoints, exist_ok=True)
    latest = os.path.join(args.checkpoints, 'latest.pt')
    config = Config(vocab_size=vocab_size, dim=args.dim, n_layers=args.layers, n_heads=args.heads, ffn_dim=args.ffn, context=args.context)
    model = Llama(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    state = {'epoch': 0, 'step': 0, 'seconds': 0.0, 'losses': []}
    if not os.path.exists(latest) and args.init:
        # A second phase: the first phase's weights, with an optimizer and schedule of its own.
        model.load_state_dict(torch.load(args.init)['model'])
        print(f'weights from {args.init}', flush=True)
    if os.path.exists(latest):
        saved = torch.load(latest)
        model.load_state_dict(saved['model'])
        optimizer.load_state_dict(saved['optimizer'])
        state = saved['state']
        print(f'resumed at epoch {state["epoch"]}, step {state["step"]}, {state["seconds"] / 60:.1f} min trained', flush=True)
    print(f'{sum(p.numel() for p in model.parameters()) / 1e6:.2f}M parameters, {len(index)} examples', flush=True)
    deadline = time.time() + args.minutes * 60
    while state['epoch'] < args.epochs and time.time() < deadline:
        rng = random.Random(args.seed * 1000 + state['epoch'])
        all_packs = packs(index, tokens, args.pack, rng, args.context)
        total_steps = args.epochs * len(all_packs)
        started_epoch = time.time()
        epoch_loss, epoch_weight = 0.0, 0.0
        for n, pack in enumerate(all_packs):
            if n < state.get('pack', 0):
                continue
            lr = args.lr * min(1.0, (state['step'] + 1) / args.warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, state['step'] / total_steps)))
            started = time.time()
            loss, weight, length = train_step(model, optimizer, list(model.parameters()), pack, args.prompt_weight, args.chunk, max(lr, args.lr * 0.05))
            state['step'] += 1
            state['pack'] = n + 1
            state['seconds'] += time.time() - started
            epoch_loss += loss * weight
            epoch_weight += weight
            if state['step'] % args.log_every == 0:
                print(f'epoch {state["epoch"]} pack {n + 1}/{len(all_packs)} loss {loss:.3f} lr {lr:.2e} {length / (time.time() - started):.0f} tok/s', flush=True)
            if state['step'] % args.save_every == 0 or time.time() > deadline:
                save(latest, model, optimizer, state, config)
            if time.time() > deadline:
                break
        else:
            state['losses'].append(epoch_loss / max(epoch_weight, 1e-9))
            print(f'epoch {state["epoch"]} done: loss {state["losses"][-1]:.3f} in {(time.time() - started_epoch) / 60:.1f} min', flush=True)
            state['epoch'] += 1
            state['pack'] = 0
            save(latest, model, optimizer, state, config)
    save(latest, model, optimizer, state, config)


def cmd_lora(args):
    """A LoRA adapter on a GGUF model, trained on examples tokenized as for fit; writes the adapter,
    the merged model, and a JSON record of how (for the model card)."""
    from lora import TARGETS, attach, load_base, merged_state, write_adapter
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tokens, index = load_examples(args.tokens)
    model, kv = load_base(args.base)
    targets = tuple(args.targets.split(',')) if args.targets else TARGETS
    adapters = attach(model, args.rank, args.alpha, targets)
    parameters = [p for lora in adapters.values() for p in (lora.a, lora.b)]
    optimizer = torch.optim.AdamW(parameters, lr=args.lr, betas=(0.9, 0.95), weight_decay=0.0)
    print(f'{sum(p.numel() for p in parameters)} adapter parameters (rank {args.rank}, alpha {args.alpha}, {",".join(targets)}), {len(index)} examples', flush=True)
    started_all = time.time()
    step, losses = 0, []
    total_steps = None
    for epoch in range(args.epochs):
        rng = random.Random(args.seed * 1000 + epoch)
        all_packs = packs(index, tokens, args.pack, rng, model.config.context)
        total_steps = total_steps or args.epochs * len(all_packs)
        epoch_loss, epoch_weight = 0.0, 0.0
        for pack in all_packs:
            # The loss on the answer only: the prompt is Quarry's, not the model's to learn.
            lr = args.lr * 0.5 * (1 + math.cos(math.pi * min(1.0, step / total_steps)))
            loss, weight, _ = train_step(model, optimizer, parameters, pack, 0.0, args.chunk, lr)
            step += 1
            epoch_loss += loss * weight
            epoch_weight += weight
        losses.append(epoch_loss / max(epoch_weight, 1e-9))
        if epoch % args.log_every == 0 or epoch == args.epochs - 1:
            print(f'epoch {epoch} loss {losses[-1]:.3f}', flush=True)
    seconds = time.time() - started_all
    size = write_adapter(args.out + '.tmp', model, adapters, args.alpha, kv.get('general.name', 'model') + '-lora')
    os.replace(args.out + '.tmp', args.out)
    if args.merged:
        from gguf import write_llama_gguf
        vocab = {
            'pieces': kv['tokenizer.ggml.tokens'], 'scores': kv['tokenizer.ggml.scores'], 'types': kv['tokenizer.ggml.token_type'],
            'bos': kv['tokenizer.ggml.bos_token_id'], 'eos': kv['tokenizer.ggml.eos_token_id'], 'unk': kv['tokenizer.ggml.unknown_token_id'],
        }
        write_llama_gguf(args.merged + '.tmp', model.config, merged_state(model, adapters), vocab, kv.get('general.name', 'model') + '-merged')
        os.replace(args.merged + '.tmp', args.merged)
    record = {'base': os.path.basename(args.base), 'rank': args.rank, 'alpha': args.alpha, 'targets': list(targets), 'epochs': args.epochs,
              'steps': step, 'lr': args.lr, 'seed': args.seed, 'seconds': round(seconds, 1), 'losses': [round(x, 4) for x in losses],
              'adapter_bytes': size, 'examples': len(index)}
    if args.record:
        json.dump(record, open(args.record, 'w'), indent=1)
    print(json.dumps(record), flush=True)


def save(path, model, optimizer, state, config):
    """Written beside and renamed: a run killed mid-save keeps its last checkpoint."""
    temporary = path + '.tmp'
    torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'state': state, 'config': config.to_dict()}, temporary)
    os.replace(temporary, path)


def cmd_export(args):
    saved = torch.load(os.path.join(args.checkpoints, 'latest.pt'))
    config = Config(**saved['config'])
    if os.path.exists(args.out) and not args.force:
        sys.exit(f'train.py: {args.out} exists; pass --force to replace the committed model')
    vocab = vocabulary(args.tokenizer)
    temporary = args.out + '.tmp'
    size = write_llama_gguf(temporary, config, saved['model'], vocab, 'quarry-mini-sql')
    # The torch model as the file holds it (F16 matrices), for the token-for-token check against llama.cpp.
    model = Llama(config)
    model.load_state_dict(fp16_rounded(saved['model']))
    model.eval()
    cases = json.load(open(args.cases, encoding='utf-8'))
    for case in cases:
        case['torch'] = model.greedy(case['prompt'], args.max_new, vocab['eos'])
    json.dump(cases, open(args.cases_out, 'w', encoding='utf-8'))
    print(json.dumps({'file': temporary, 'bytes': size, 'parameters': sum(p.numel() for p in model.parameters()), 'state': saved['state']}))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest='command', required=True)
    t = sub.add_parser('tokenizer')
    t.add_argument('--prompts', required=True)
    t.add_argument('--vocab', type=int, default=4096)
    t.add_argument('--out', required=True)
    t.add_argument('--gguf', required=True)
    f = sub.add_parser('fit')
    f.add_argument('--tokens', required=True)
    f.add_argument('--checkpoints', required=True)
    f.add_argument('--dim', type=int, default=256)
    f.add_argument('--layers', type=int, default=6)
    f.add_argument('--heads', type=int, default=4)
    f.add_argument('--ffn', type=int, default=704)
    f.add_argument('--context', type=int, default=2048)
    # A pack is one schema and as many of its questions as fit; attention is planned (a question sees
    # the schema and itself), so long packs cost little more than their tokens.
    f.add_argument('--pack', type=int, default=4096)
    f.add_argument('--chunk', type=int, default=256)
    f.add_argument('--lr', type=float, default=1.5e-3)
    f.add_argument('--warmup', type=int, default=50)
    f.add_argument('--epochs', type=int, default=5)
    f.add_argument('--minutes', type=float, default=1e9)
    f.add_argument('--prompt-weight', type=float, default=0.1)
    # One thread trains faster than two here (860 against 540 tokens/s): the small products do not split well.
    f.add_argument('--threads', type=int, default=1)
    f.add_argument('--seed', type=int, default=1)
    f.add_argument('--init', help='start from this checkpoint\'s weights (a second phase on other data)')
    f.add_argument('--log-every', type=int, default=20)
    f.add_argument('--save-every', type=int, default=25)
    lo = sub.add_parser('lora')
    lo.add_argument('--base', required=True, help='the GGUF model the adapter is for')
    lo.add_argument('--tokens', required=True)
    lo.add_argument('--out', required=True, help='the adapter GGUF')
    lo.add_argument('--merged', help='also the merged model GGUF')
    lo.add_argument('--record', help='a JSON record of the run')
    lo.add_argument('--rank', type=int, default=8)
    lo.add_argument('--alpha', type=float, default=16)
    lo.add_argument('--targets', help='comma-separated, of wq,wk,wv,wo,w_gate,w_up,w_down (default all)')
    lo.add_argument('--epochs', type=int, default=60)
    lo.add_argument('--lr', type=float, default=2e-3)
    lo.add_argument('--pack', type=int, default=4096)
    lo.add_argument('--chunk', type=int, default=256)
    lo.add_argument('--threads', type=int, default=1)
    lo.add_argument('--seed', type=int, default=1)
    lo.add_argument('--log-every', type=int, default=10)
    e = sub.add_parser('export')
    e.add_argument('--checkpoints', required=True)
    e.add_argument('--tokenizer', required=True)
    e.add_argument('--out', required=True)
    e.add_argument('--cases', required=True)
    e.add_argument('--cases-out', required=True)
    e.add_argument('--max-new', type=int, default=64)
    e.add_argument('--force', action='store_true')
    args = parser.parse_args()
    {'tokenizer': cmd_tokenizer, 'fit': cmd_fit, 'lora': cmd_lora, 'export': cmd_export}[args.command](args)


if __name__ == '__main__':
    main()
