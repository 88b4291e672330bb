#!/usr/bin/env python3
"""Compares ssmc's evaluation of a checkpoint with PyTorch's (torch_centaurus), item by item.

Inputs:
- --torch-predictions: torch_kws_train.py's test-predictions.tsv (PyTorch on the test split's word
  files, read from the WAVs by Python);
- --ssmc-predictions: `ssmc eval ... --predictions` (the same word files read by ssmc, then its 24
  fixed silence items);
- optionally --ssmc-logits (bench/SsmcLogits.java: ssmc's logits and the samples it ran, every item)
  with --config and --checkpoint: PyTorch runs the very same samples, silence items included, and the
  logits are compared; the word clips' samples are also compared with Python's own reading of the WAVs.

Prints both accuracies on the word files, the items where the predictions differ, ssmc's accuracy
over all its items, and the logit differences. Exit status 1 if a word file's prediction differs.
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_centaurus as tc  # noqa: E402
import torch_kws_train as kws  # noqa: E402


def read_predictions(path):
    """{item: (label, predicted)} in file order."""
    rows = {}
    for line in Path(path).read_text().splitlines():
        item, label, predicted = line.split('\t')
        rows[item] = (label, predicted)
    return rows


def accuracy(rows):
    return sum(label == predicted for label, predicted in rows.values()) / len(rows), len(rows)


def compare_predictions(torch_rows, ssmc_rows):
    words = {item: row for item, row in ssmc_rows.items() if not item.startswith('silence#')}
    if set(words) != set(torch_rows):
        raise SystemExit(f'the two files list different word files: {sorted(set(words) ^ set(torch_rows))[:5]} ...')
    for item, (label, _) in torch_rows.items():
        if words[item][0] != label:
            raise SystemExit(f'{item}: label {label} in PyTorch\'s file, {words[item][0]} in ssmc\'s')
    t_acc, n = accuracy(torch_rows)
    s_acc, _ = accuracy(words)
    all_acc, n_all = accuracy(ssmc_rows)
    differ = [(item, torch_rows[item][0], torch_rows[item][1], words[item][1])
              for item in torch_rows if torch_rows[item][1] != words[item][1]]
    print(f'word files: PyTorch accuracy={t_acc:.4f}, ssmc accuracy={s_acc:.4f} over {n} items')
    print(f'word files where the predictions differ: {len(differ)}')
    for item, label, t_pred, s_pred in differ:
        print(f'  {item}: label {label}, PyTorch {t_pred}, ssmc {s_pred}')
    print(f'ssmc over all its items (word files and {n_all - n} silence items): accuracy={all_acc:.4f} over {n_all} items')
    return len(differ)


def compare_logits(path, config, checkpoint, data_dir, ssmc_rows):
    meta, t = tc.read_safetensors(path)
    items = meta['items'].split('\n')
    ssmc_logits, inputs = t['logits'], t['inputs']
    if meta['labels'].split(',') != kws.LABELS:
        raise SystemExit(f'{path}: labels {meta["labels"]} are not {kws.LABELS}')
    # ssmc's samples of the word files are what Python reads from the WAVs
    words = [i for i, item in enumerate(items) if not item.startswith('silence#')]
    own = np.stack([kws.fit(tc.read_wav_mono16(Path(data_dir) / items[i])) for i in words])
    input_diff = np.abs(own - inputs[words].numpy()).max()
    print(f'word clips: largest difference between ssmc\'s samples and Python\'s reading of the WAVs: {input_diff:.3g}')
    model = tc.centaurus_from_config(json.loads(Path(config).read_text()))
    model.load_state_dict(tc.read_safetensors(checkpoint)[1])
    torch_logits = kws.logits_of(model, inputs.numpy())
    diff = (torch_logits - ssmc_logits).abs()
    scale = ssmc_logits.abs().max().item()
    per_item = diff.max(1).values
    worst = int(per_item.argmax())
    print(f'logits on the same {len(items)} inputs: largest |PyTorch - ssmc| = {diff.max().item():.3g} '
          f'({diff.max().item() / scale:.2e} of max|logit| = {scale:.3g}; at {items[worst]}), '
          f'median per item {per_item.median().item():.3g}')
    argmax_differ = [items[i] for i in range(len(items)) if torch_logits[i].argmax() != ssmc_logits[i].argmax()]
    print(f'items whose largest logit differs: {len(argmax_differ)} {argmax_differ}')
    margins = torch_logits.topk(2, 1).values
    print(f'smallest gap between the top two PyTorch logits: {(margins[:, 0] - margins[:, 1]).min().item():.3g}')
    # ssmc eval's file says what these logits say
    from_logits = [kws.LABELS[int(ssmc_logits[i].argmax())] for i in range(len(items))]
    mismatched = [item for item, p in zip(items, from_logits) if ssmc_rows[item][1] != p]
    if mismatched:
        raise SystemExit(f'ssmc eval\'s predictions differ from SsmcLogits\' argmax at {mismatched}')
    return len(argmax_differ)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--torch-predictions', required=True)
    p.add_argument('--ssmc-predictions', required=True)
    p.add_argument('--ssmc-logits')
    p.add_argument('--config')
    p.add_argument('--checkpoint')
    p.add_argument('--data')
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    ssmc_rows = read_predictions(a.ssmc_predictions)
    differ = compare_predictions(read_predictions(a.torch_predictions), ssmc_rows)
    if a.ssmc_logits:
        if not (a.config and a.checkpoint and a.data):
            raise SystemExit('--ssmc-logits needs --config, --checkpoint and --data')
        compare_logits(a.ssmc_logits, a.config, a.checkpoint, a.data, ssmc_rows)
    return 1 if differ else 0


if __name__ == '__main__':
    sys.exit(main())
