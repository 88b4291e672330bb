#!/usr/bin/env python3
"""Trains torch_centaurus.Centaurus on a Speech Commands folder in PyTorch and evaluates it.

The checkpoint it writes has the reference's keys (a PyTorch state dict, `num_batches_tracked`
included) and metadata `labels` (ssmc's class order) and `config`, so that `ssmc import` and
`ssmc eval` take it as they would take one trained by the reference package. This is our own
training of our own implementation of the reference's math (see torch_centaurus.py), not the
reference's: see docs/conformance.md.

Data, as ssmc reads it (runtime/.../train/SpeechCommands.java): word folders in name order; the 12
classes yes no up down left right on off stop go, unknown (every other word), silence; the
validation and test splits are the files their lists name, training the rest; clips are 16-bit mono
at 16 kHz, zero-padded at the end or center-cropped to 16000 samples; silence items are background
noise times a gain in [0, 1], cut from the split's own part of each recording (training the first
80%, validation the next 10%, test the last 10%).

Recipe (ssmc train's defaults): AdamW (betas 0.9/0.999, weight decay 0.01 on weights, none on biases
and norms), A and log_dt at a tenth of the learning rate without weight decay (the reference's
"sensitive" parameters), peak rate 3e-3 with 100 steps of linear warm-up then a cosine decay to 0,
gradient-norm clipping at 1, batch 32; 10% of every epoch fresh silence items; every item shifted by
up to 100 ms and, 80% of them, mixed with background noise at a volume up to 0.1, clamped to [-1, 1].

Usage: torch_kws_train.py --data DIR --config CFG.json --out RUN [--epochs E] [--minutes M]
Writes RUN/best.safetensors (best validation accuracy), RUN/last.safetensors, RUN/log.json, and the
best checkpoint's evaluation on the test split's word files: RUN/test-predictions.tsv (path, label,
predicted label: a line per file, as `ssmc eval --predictions`) and RUN/test-logits.safetensors.
`--evaluate CHECKPOINT` only evaluates (writing those two files to RUN).
"""
import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

# OpenMP's threads wait for work by spinning: on a machine shared with other builds that burns the
# cores they wait for, and a training step took 3 s instead of 0.65 s here. Set before torch loads.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_centaurus as tc  # noqa: E402  (our own module, beside this file)

KEYWORDS = ['yes', 'no', 'up', 'down', 'left', 'right', 'on', 'off', 'stop', 'go']
LABELS = KEYWORDS + ['unknown', 'silence']
SILENCE = LABELS.index('silence')
SAMPLE_RATE = 16000
CLIP = 16000
NOISE_PARTS = {'train': (0.0, 0.8), 'validation': (0.8, 0.1), 'test': (0.9, 0.1)}


def java_round(x):
    """Math.round: halves upward."""
    return math.floor(x + 0.5)


class Dataset:
    """A Speech Commands folder read as ssmc reads it (see the module comment)."""

    def __init__(self, root):
        self.root = Path(root)
        words = sorted(p.name for p in self.root.iterdir()
                       if p.is_dir() and not p.name.startswith(('_', '.')))
        listed = {name: {line.strip().replace('\\', '/') for line in (self.root / name).read_text().splitlines()
                         if line.strip()} for name in ('validation_list.txt', 'testing_list.txt')}
        self.files = {'train': [], 'validation': [], 'test': []}
        for word in words:
            for wav in sorted(p.name for p in (self.root / word).iterdir() if p.name.endswith('.wav')):
                path = f'{word}/{wav}'
                split = ('validation' if path in listed['validation_list.txt']
                         else 'test' if path in listed['testing_list.txt'] else 'train')
                self.files[split].append(path)
        self.noise = [tc.read_wav_mono16(p, SAMPLE_RATE)
                      for p in sorted((self.root / '_background_noise_').glob('*.wav'))]

    @staticmethod
    def label_of(path):
        word = path.split('/')[0]
        return KEYWORDS.index(word) if word in KEYWORDS else LABELS.index('unknown')

    def clips(self, split):
        """(paths, labels, samples[n, 16000]) of a split's word files."""
        paths = self.files[split]
        samples = np.stack([fit(tc.read_wav_mono16(self.root / p, SAMPLE_RATE)) for p in paths])
        return paths, np.array([self.label_of(p) for p in paths]), samples

    def noise_segment(self, split, rng, gain):
        """`gain` times CLIP samples of a random recording at a random offset in the split's part of it."""
        recording = self.noise[rng.randrange(len(self.noise))]
        start_fraction, length_fraction = NOISE_PARTS[split]
        n = len(recording)
        start = min(n, java_round(n * start_fraction))
        end = min(n, java_round(n * (start_fraction + length_fraction)))
        available = end - start
        offset = start + (rng.randrange(available - CLIP + 1) if available > CLIP else 0)
        out = np.zeros(CLIP, dtype=np.float32)
        taken = min(CLIP, available)
        out[:taken] = gain * recording[offset:offset + taken]
        return out

    def silence(self, split, rng, count):
        return np.stack([self.noise_segment(split, rng, rng.random()) for _ in range(count)]) \
            if count else np.zeros((0, CLIP), np.float32)


def fit(samples):
    """Zero-padded at the end or center-cropped to CLIP samples, as SpeechCommands.fit."""
    if len(samples) >= CLIP:
        start = (len(samples) - CLIP) // 2
        return samples[start:start + CLIP]
    return np.concatenate([samples, np.zeros(CLIP - len(samples), dtype=np.float32)])


def augment(x, data, rng):
    """A random shift of up to 100 ms (zeros fill the gap), then noise on 80% of the items."""
    shift = rng.randint(-SAMPLE_RATE // 10, SAMPLE_RATE // 10)
    out = np.zeros_like(x)
    if shift >= 0:
        out[shift:] = x[:CLIP - shift]
    else:
        out[:shift] = x[-shift:]
    if rng.random() < 0.8:
        out = np.clip(out + data.noise_segment('train', rng, 0.1 * rng.random()), -1, 1)
    return out


def cosine_rate(step, total, warmup, peak):
    if step < warmup:
        return peak * (step + 1) / warmup
    return 0.5 * peak * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def logits_of(model, samples, batch=64):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(samples), batch):
            out.append(model(torch.from_numpy(samples[i:i + batch]).unsqueeze(1)))
    return torch.cat(out)


def save_checkpoint(model, path, config):
    tc.write_safetensors(path, model.state_dict(), {'labels': ','.join(LABELS), 'config': json.dumps(config)})


def write_predictions(path, items, labels, predicted):
    with open(path, 'w') as f:
        for item, label, guess in zip(items, labels, predicted):
            f.write(f'{item}\t{LABELS[label]}\t{LABELS[guess]}\n')


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', required=True)
    p.add_argument('--config', required=True, help='the reference config (JSON: network + kwargs)')
    p.add_argument('--out', required=True, help='the run directory')
    p.add_argument('--epochs', type=int, default=25)
    p.add_argument('--minutes', type=float, default=30.0,
                   help='stop after the epoch that passes this much training time (the schedule still spans --epochs)')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--lr', type=float, default=3e-3)
    p.add_argument('--warmup', type=int, default=100)
    p.add_argument('--weight-decay', type=float, default=0.01)
    p.add_argument('--clip', type=float, default=1.0)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--evaluate', metavar='CHECKPOINT', help='no training: evaluate CHECKPOINT on the test word files')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    config = json.loads(Path(a.config).read_text())

    data = Dataset(a.data)
    if a.evaluate:
        evaluate_test_words(data, config, a.evaluate, out)
        return
    _, train_labels, train_x = data.clips('train')
    _, val_labels, val_x = data.clips('validation')
    # fixed validation silence: 24 items, as ssmc's evaluation (cut with our own seed)
    val_x = np.concatenate([val_x, data.silence('validation', random.Random(0x5EED), 24)])
    val_labels = np.concatenate([val_labels, np.full(24, SILENCE)])
    silence_per_epoch = java_round(len(train_x) * 0.1 / 0.9)
    items = len(train_x) + silence_per_epoch
    steps_per_epoch = math.ceil(items / a.batch)
    total_steps = steps_per_epoch * a.epochs
    print(f'train {len(train_x)} words + {silence_per_epoch} silence per epoch, validation {len(val_x)} items, '
          f'{steps_per_epoch} steps per epoch', flush=True)

    model = tc.centaurus_from_config(config, seed=a.seed)
    print(f'{sum(p.numel() for p in model.parameters()):,} parameters', flush=True)
    groups = model.parameter_groups(a.weight_decay)
    optimizer = torch.optim.AdamW(groups, lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = nn.CrossEntropyLoss()
    log, best, step, started = [], -1.0, 0, time.time()
    for epoch in range(a.epochs):
        t0 = time.time()
        x = np.concatenate([train_x, data.silence('train', rng, silence_per_epoch)])
        y = np.concatenate([train_labels, np.full(silence_per_epoch, SILENCE)])
        order = list(range(len(x)))
        rng.shuffle(order)
        model.train()
        loss_sum, correct = 0.0, 0
        for first in range(0, len(order), a.batch):
            picked = order[first:first + a.batch]
            xb = torch.from_numpy(np.stack([augment(x[i], data, rng) for i in picked])).unsqueeze(1)
            yb = torch.from_numpy(y[picked]).long()
            for g in optimizer.param_groups:
                g['lr'] = cosine_rate(step, total_steps, a.warmup, a.lr) * g['lr_scale']
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if a.clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            optimizer.step()
            step += 1
            loss_sum += loss.item() * len(picked)
            correct += (logits.argmax(1) == yb).sum().item()
        val_accuracy = (logits_of(model, val_x).argmax(1).numpy() == val_labels).mean()
        seconds = time.time() - t0
        entry = {'epoch': epoch + 1, 'train_loss': loss_sum / len(x), 'train_accuracy': correct / len(x),
                 'validation_accuracy': float(val_accuracy), 'seconds': seconds}
        log.append(entry)
        marker = ''
        if val_accuracy > best:
            best = val_accuracy
            save_checkpoint(model, out / 'best.safetensors', config)
            marker = '  (best)'
        print(f"epoch {epoch + 1:2d}  loss {entry['train_loss']:.4f}  train acc {entry['train_accuracy']:.4f}  "
              f"val acc {val_accuracy:.4f}  {seconds:.1f} s{marker}", flush=True)
        if time.time() - started > a.minutes * 60:
            print(f'stopping: {a.minutes} minutes of training passed', flush=True)
            break
    training_seconds = time.time() - started
    save_checkpoint(model, out / 'last.safetensors', config)
    accuracy = evaluate_test_words(data, config, out / 'best.safetensors', out)
    json.dump({'epochs': log, 'training_seconds': training_seconds, 'best_validation_accuracy': float(best),
               'test_word_accuracy': accuracy, 'test_words': len(data.files['test'])},
              open(out / 'log.json', 'w'), indent=1)
    print(f'training {training_seconds:.1f} s; best validation accuracy {best:.4f}', flush=True)


def evaluate_test_words(data, config, checkpoint, out):
    """A checkpoint, read back from its file, in eval mode on the test split's word files: prints the
    accuracy, writes OUT/test-predictions.tsv and OUT/test-logits.safetensors (logits[n, 12], metadata
    `items`, the files in order); returns the accuracy."""
    model = tc.centaurus_from_config(config)
    model.load_state_dict(tc.read_safetensors(checkpoint)[1])
    paths, labels, samples = data.clips('test')
    logits = logits_of(model, samples)
    predicted = logits.argmax(1).numpy()
    right = int((predicted == labels).sum())
    write_predictions(out / 'test-predictions.tsv', paths, labels, predicted)
    tc.write_safetensors(out / 'test-logits.safetensors', {'logits': logits},
                         {'items': '\n'.join(paths), 'labels': ','.join(LABELS), 'checkpoint': Path(checkpoint).name})
    print(f'{checkpoint} on the test word files: accuracy={right / len(paths):.4f} over {len(paths)} items '
          f'({right} right); predictions in {out / "test-predictions.tsv"}', flush=True)
    return right / len(paths)


if __name__ == '__main__':
    main()
