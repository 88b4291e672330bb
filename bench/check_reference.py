#!/usr/bin/env python3
"""Checks reference_layer.py against the reference's own golden files: the layers whose mixer is the
identity (activations off, no norm) must reproduce `output` (full sequence) and `stream.output`
(streamed in the file's chunks). Usage: check_reference.py GOLDEN_DIR"""
import json
import struct
import sys
from pathlib import Path

import torch

import reference_layer


def read(path):
    data = path.read_bytes()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        assert info['dtype'] == 'F32', name
        t = torch.frombuffer(bytearray(data[8 + n + begin:8 + n + end]), dtype=torch.float32)
        tensors[name] = t.reshape(info['shape'])
    return meta, tensors


def main():
    failures = 0
    checked = 0
    for path in sorted(Path(sys.argv[1]).glob('layer_*.safetensors')):
        meta, t = read(path)
        cfg = json.loads(meta['config'])
        if cfg['use_activations'] or cfg.get('norm') is not None or cfg['mode'] == 'dws':
            continue  # the bench layer has no mixer (dws keeps its pointwise conv behind a norm in the golden files)
        blocks = cfg['state_blocks'] or 1
        layer = reference_layer.Layer(cfg['mode'], cfg['in_channels'], cfg['out_channels'], cfg['num_states'], blocks)
        for name in ('A', 'log_dt', 'B', 'C', 'E'):
            if 'state.' + name in t:
                setattr(layer, name, t['state.' + name])
        u = t['input']
        with torch.no_grad():
            y = layer.forward(u)
            ys = layer.stream(u, cfg['chunks'])
        for name, got in (('output', y), ('stream.output', ys)):
            ref = t[name]
            err = (got - ref).abs().max().item()
            tol = 1e-4 * ref.abs().max().item() + 1e-6
            ok = err <= tol
            failures += 0 if ok else 1
            checked += 1
            print(f"{path.name} {name} {err:.2e} (tol {tol:.2e}) {'PASS' if ok else 'FAIL'}")
    print(f"{checked} checked, {failures} failed")
    return 1 if failures or not checked else 0



if __name__ == '__main__':
    sys.exit(main())
