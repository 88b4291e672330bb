#!/usr/bin/env python3
"""Checks reference_layer.py against the reference's own golden files: every layer file's `output`
(full sequence), `stream.output` (streamed in the file's chunks), and the gradients of
`sum(output * grad_output)` for the input and every stored tensor (`grad.input`,
`grad.state.<param>`), through the peer's own backward pass (its FFT convolution's custom backward).

The benchmark block has no norm and no activations; the golden layers have some (dws's input
activation is always there), so this script puts the file's norm and postact into the peer's
mixer (PyTorch's own modules, eval mode) to check the SSM math under them.

Prints one line per tensor with its largest absolute error, the reference's largest magnitude and
the tolerance (|x - y| <= 1e-4 max|ref| + 1e-6, the specification's), then the largest error over
outputs and over gradients, absolute and relative to the tensor's largest magnitude.
Usage: check_reference.py GOLDEN_DIR"""
import json
import struct
import sys
from pathlib import Path

import torch

import reference_layer

POSTACTS = {
    'relu': torch.nn.ReLU, 'relu6': torch.nn.ReLU6, 'lelu': lambda: torch.nn.LeakyReLU(0.1),
    'sigmoid': torch.nn.Sigmoid, 'tanh': torch.nn.Tanh, 'gelu': torch.nn.GELU, 'silu': torch.nn.SiLU,
    None: torch.nn.Identity, 'identity': torch.nn.Identity,
}


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


class FeatureNorm(torch.nn.Module):
    """LayerNorm over the channels at each time step (the reference's `layer-feature`)."""

    def __init__(self, channels):
        super().__init__()
        self.norm = torch.nn.LayerNorm(channels, eps=1e-5)

    def forward(self, x):
        return self.norm(x.transpose(1, 2)).transpose(1, 2)


def activation(cfg, channels, prefix, t):
    """norm + postact of the golden file's config (eval mode), the norm's tensors from `state.<prefix>.0.*`."""
    norm = cfg.get('norm')
    if norm is None:
        n = torch.nn.Identity()
    elif norm == 'batch':
        n = torch.nn.BatchNorm1d(channels, eps=1e-5)
    elif norm == 'layer-feature':
        n = FeatureNorm(channels)
    else:
        raise SystemExit(f"check_reference.py: norm {norm} is not handled")
    act = torch.nn.Sequential(n, POSTACTS[cfg.get('postact')]()).eval()
    with torch.no_grad():
        for name, p in list(act.named_parameters()) + list(act.named_buffers()):
            key = f'state.{prefix}.0.{name.split(".")[-1]}'
            if key in t:
                p.copy_(t[key])
    return act


def main():
    failures = checked = 0
    worst = {'output': 0.0, 'gradient': 0.0}
    worst_rel = {'output': 0.0, 'gradient': 0.0}
    for path in sorted(Path(sys.argv[1]).glob('layer_*.safetensors')):
        meta, t = read(path)
        cfg = json.loads(meta['config'])
        mode = cfg['mode']
        blocks = cfg['state_blocks'] or 1
        layer = reference_layer.Layer(mode, cfg['in_channels'], cfg['out_channels'], cfg['num_states'], blocks)
        layer.load(t)
        if mode == 'dws':
            layer.mixer[0] = activation(cfg, cfg['in_channels'], 'mixer.0', t)
            if cfg['use_activations']:
                layer.mixer.append(activation(cfg, cfg['out_channels'], 'mixer.2', t))
        elif cfg['use_activations']:
            layer.mixer = activation(cfg, cfg['out_channels'], 'mixer', t)
        # FeatureNorm's LayerNorm sits one level further down than the reference's own module
        grads = {name.replace('.norm.', '.'): p for name, p in layer.named_parameters()}
        u = t['input'].clone().requires_grad_(True)
        y = layer(u)
        (y * t['grad_output']).sum().backward()
        with torch.no_grad():
            ys = layer.stream(t['input'], cfg['chunks'])
        results = [('output', y.detach(), 'output'), ('stream.output', ys, 'output'), ('grad.input', u.grad, 'gradient')]
        missing = set(k[len('grad.state.'):] for k in t if k.startswith('grad.state.')) - set(grads)
        if missing:
            raise SystemExit(f"{path.name}: no peer tensor for {sorted(missing)}")
        for name, p in sorted(grads.items()):
            results.append(('grad.state.' + name, p.grad, 'gradient'))
        for name, got, kind in results:
            ref = t[name]
            err = (got.reshape(ref.shape) - ref).abs().max().item()
            scale = ref.abs().max().item()
            tol = 1e-4 * scale + 1e-6
            ok = err <= tol
            failures += 0 if ok else 1
            checked += 1
            worst[kind] = max(worst[kind], err)
            worst_rel[kind] = max(worst_rel[kind], err / scale)
            print(f"{path.name} {name} max_abs_err={err:.2e} max_abs_ref={scale:.2e} rel={err / scale:.1e} "
                  f"tol={tol:.2e} {'PASS' if ok else 'FAIL'}")
    print(f"max_abs_err outputs={worst['output']:.2e} gradients={worst['gradient']:.2e}")
    print(f"max_rel_err (of max|ref|) outputs={worst_rel['output']:.1e} gradients={worst_rel['gradient']:.1e}")
    print(f"{checked} checked, {failures} failed")
    return 1 if failures or not checked else 0


if __name__ == '__main__':
    sys.exit(main())
