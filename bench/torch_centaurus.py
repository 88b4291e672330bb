#!/usr/bin/env python3
"""The reference's Centaurus classifier in PyTorch, trainable, with the reference's checkpoint keys.

Written by this project from its specification (../shared/docs/centaurus-reference.md, sections 1-4
and 7), not from the reference package, whose licence is non-commercial and which is not available
here. It exists so that a checkpoint trained in PyTorch on the reference's math (BatchNorm running
statistics included) can be imported by ssmc and evaluated by both; `--check-golden DIR` shows that
it is the reference's math by reproducing the reference's own golden files.

What is here:
- `SSMLayer` (modes dws, s5, neck, full; norms batch, layer-feature or none; the spec's postacts),
  computed as section 7 says the reference does: the kernel `exp(Re(dtA) l) cos(Im(dtA) l)` over all
  lags at once, FFT convolution at 2L, s5/neck ordered by the reference's fixed rule;
- `Centaurus` (the keyword-spotting classifier of section 4): its `state_dict()` keys and shapes are
  the reference checkpoint's;
- the initialization of section 2, safetensors reading and writing (this project's own few lines),
  and 16-bit WAV reading with the `wave` module.

Usage: torch_centaurus.py --check-golden ../shared/golden   (exit status 1 if a file fails)
"""
import argparse
import json
import math
import struct
import sys
import wave
from pathlib import Path

import numpy as np
import torch
from torch import nn

# ---------------------------------------------------------------------------------------------
# activations and norms (section 3)

POSTACTS = {
    'relu': nn.ReLU,
    'relu6': nn.ReLU6,
    'lelu': lambda: nn.LeakyReLU(0.1),
    'sigmoid': nn.Sigmoid,
    'tanh': nn.Tanh,
    'gelu': nn.GELU,  # exact erf, PyTorch's default
    'silu': nn.SiLU,
    'glu': lambda: nn.GLU(dim=1),
}


class FeatureLayerNorm(nn.Module):
    """`layer-feature`: LayerNorm over the channels at each time step of x[b, c, t]."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        y = nn.functional.layer_norm(x.transpose(1, 2), (x.shape[1],), self.weight, self.bias, 1e-5)
        return y.transpose(1, 2)


def make_norm(kind, channels):
    """A norm over the channels of x[b, c, t]; None (or F == 1 for the per-step norms) is the identity."""
    if kind is None:
        return nn.Identity()
    if kind == 'batch':
        return nn.BatchNorm1d(channels)  # eps 1e-5, momentum 0.1: PyTorch's defaults, as the reference's
    if kind == 'layer-feature':
        return nn.Identity() if channels == 1 else FeatureLayerNorm(channels)
    raise SystemExit(f'norm {kind!r} is not implemented here (the classifier needs batch)')


def make_act(norm, postact, channels):
    """`act(F)`: norm then postact (no dropout: the networks here are built without it)."""
    return nn.Sequential(make_norm(norm, channels), POSTACTS[postact]())


# ---------------------------------------------------------------------------------------------
# the SSM layer (sections 1, 2 and 7)

def softplus_inverse(y):
    return math.log(math.expm1(y))


def geometric_log_dt(count):
    """log of dt, geometric from 1e-3 to 1e-1 over `count` channels or blocks."""
    return torch.log(torch.logspace(-3, -1, count))


def initial_a(shape_prefix, states):
    """A[..., N, 2]: Re raw = softplus^-1(0.5) (so Re = -0.5), Im = pi * m for state m."""
    a = torch.empty(*shape_prefix, states, 2)
    a[..., 0] = softplus_inverse(0.5)
    a[..., 1] = math.pi * torch.arange(states, dtype=torch.float32)
    return a


def lag_kernel(dta_re, dta_im, length):
    """Re(exp(dtA l)) for l = 0..length-1 as the reference makes it: exp(Re l) cos(Im l), no complex tensor."""
    lags = torch.arange(length, dtype=dta_re.dtype, device=dta_re.device)
    return torch.exp(dta_re[..., None] * lags) * torch.cos(dta_im[..., None] * lags)


def fft_conv_depthwise(u, k):
    """Causal y[b, c, t] = sum_l k[c, l] u[b, c, t - l], by real FFT at 2L."""
    length = u.shape[-1]
    n = 2 * length
    return torch.fft.irfft(torch.fft.rfft(u, n) * torch.fft.rfft(k, n), n)[..., :length]


def fft_conv_full(u, k):
    """Causal y[b, d, t] = sum_c sum_l k[d, c, l] u[b, c, t - l], by real FFT at 2L."""
    length = u.shape[-1]
    n = 2 * length
    y = torch.einsum('bcl,dcl->bdl', torch.fft.rfft(u, n), torch.fft.rfft(k, n))
    return torch.fft.irfft(y, n)[..., :length]


class SSMLayer(nn.Module):
    """One reference SSM layer. Parameters, shapes and keys as section 2; `norm` defaults to batch,
    the reference layer's default (it is what a dws layer's always-present input act uses)."""

    def __init__(self, mode, cin, cout, states, blocks=None, use_activations=True, norm='batch',
                 postact='relu', generator=None):
        super().__init__()
        blocks = blocks or 1
        self.mode, self.cin, self.cout, self.states, self.blocks = mode, cin, cout, states, blocks
        n, j = states, blocks
        normal = lambda *shape: torch.randn(*shape, generator=generator)
        if mode == 'dws':
            self.A = nn.Parameter(initial_a((cin,), n))
            self.log_dt = nn.Parameter(geometric_log_dt(cin)[:, None].repeat(1, n))
            self.E = nn.Parameter(torch.full((cin, n), n ** -0.5))
            pointwise = nn.Conv1d(cin, cout, 1, bias=False)  # PyTorch's default init, as the reference's
            mixer = [make_act(norm, postact, cin), pointwise]
            if use_activations:
                mixer.append(make_act(norm, postact, cout))
            self.mixer = nn.Sequential(*mixer)
            return
        if mode == 's5':
            self.A = nn.Parameter(initial_a((j,), n).reshape(j * n, 2))  # the pattern restarts every block
            self.log_dt = nn.Parameter(geometric_log_dt(j).repeat_interleave(n))
            self.B = nn.Parameter(torch.full((j * n, cin), cin ** -0.5))
            self.C = nn.Parameter(normal(cout, j * n) * math.sqrt(2 / (j * n)))
        elif mode == 'neck':
            self.A = nn.Parameter(initial_a((j,), n))
            self.log_dt = nn.Parameter(geometric_log_dt(j))
            self.B = nn.Parameter(torch.full((j, cin), cin ** -0.5))
            self.C = nn.Parameter(normal(cout, j) * math.sqrt(2 / (j * n)))
            self.E = nn.Parameter(normal(j, n) * math.sqrt(2))
        elif mode == 'full':
            self.A = nn.Parameter(initial_a((cout, cin), n))
            self.log_dt = nn.Parameter(geometric_log_dt(cout)[:, None].repeat(1, n))
            self.E = nn.Parameter(torch.full((cout, cin, n), cin ** -0.5))
        else:
            raise SystemExit(f'unknown mode {mode!r}')
        # for s5, neck and full the mixer is act(Cout) with activations, else the identity (no keys)
        self.mixer = make_act(norm, postact, cout) if use_activations else nn.Identity()

    def kernel_first(self, batch):
        """The reference's fixed rule for s5 and neck: build the full kernel K[d, c, l] first when
        1/Cin + 1/Cout > 1/batch + 1/coefficients, else project the input to the states first."""
        coefficients = self.blocks * self.states if self.mode == 's5' else self.blocks
        return 1 / self.cin + 1 / self.cout > 1 / batch + 1 / coefficients

    def forward(self, u):
        batch, _, length = u.shape
        dt = torch.exp(self.log_dt)
        re, im = -nn.functional.softplus(self.A[..., 0]), self.A[..., 1]
        if self.mode == 'dws':                                   # dt[c, n]
            k = (self.E * dt)[..., None] * lag_kernel(dt * re, dt * im, length)
            return self.mixer(fft_conv_depthwise(u, k.sum(1)))
        if self.mode == 'full':                                  # dt[d, n], shared over c
            dtd = dt[:, None, :]
            k = (self.E * dtd)[..., None] * lag_kernel(dtd * re, dtd * im, length)
            return self.mixer(fft_conv_full(u, k.sum(2)))
        if self.mode == 's5':                                    # dt[n]
            k = lag_kernel(dt * re, dt * im, length)             # [n, l]
        else:                                                    # neck: dt[j], states m within block j
            k = (self.E[..., None] * lag_kernel(dt[:, None] * re, dt[:, None] * im, length)).sum(1)  # [j, l]
        b_hat = self.B * dt[:, None]
        if self.kernel_first(batch):
            y = fft_conv_full(u, torch.einsum('dn,nc,nl->dcl', self.C, b_hat, k))
        else:
            v = fft_conv_depthwise(torch.einsum('nc,bcl->bnl', b_hat, u), k)
            y = torch.einsum('dn,bnl->bdl', self.C, v)
        return self.mixer(y)

    def sensitive_parameters(self):
        """A and log_dt: trained at a smaller learning rate and without weight decay."""
        return [self.A, self.log_dt]


# ---------------------------------------------------------------------------------------------
# the classifier (section 4)

class ResidualNormDrop(nn.Module):
    """The reference's `residual_connect`: y = postact(x + norm(z)); `norm_drop` = (norm, dropout)."""

    def __init__(self, norm, postact, channels):
        super().__init__()
        self.norm_drop = nn.Sequential(make_norm(norm, channels))
        self.postact = POSTACTS[postact]()

    def forward(self, x, z):
        return self.postact(x + self.norm_drop(z))


class ResidualSSM(nn.Module):
    """A skip stage's SSM: `layer` built with activations off and its own default norm."""

    def __init__(self, layer, norm, postact):
        super().__init__()
        self.layer = layer
        self.residual_connect = ResidualNormDrop(norm, postact, layer.cout)

    def forward(self, x):
        return self.residual_connect(x, self.layer(x))


class MeanOverTime(nn.Module):
    def forward(self, x):
        return x.mean(-1)


class Centaurus(nn.Module):
    """The keyword-spotting classifier. `forward` gives logits; `features` the backbone output."""

    def __init__(self, in_channels, num_classes, channels, num_states, state_blocks=None, mode=None,
                 downsample=None, norm='batch', postact='relu', skip=None, depth=None,
                 downsample_mode='downsampling', seed=0):
        super().__init__()
        depth = depth or len(channels)
        if downsample_mode != 'downsampling':
            raise SystemExit(f'downsample_mode {downsample_mode!r} is not implemented here')
        state_blocks = state_blocks or [None] * depth
        downsample = downsample or [1] * depth
        skip = skip or [False] * depth
        generator = torch.Generator().manual_seed(seed)
        stages = []
        cin = in_channels
        for i in range(depth):
            cout, r = channels[i], downsample[i] if i < len(downsample) else 1
            med = cin if r > 1 else cout
            with_skip = skip[i] and cin == med
            if with_skip:
                layer = SSMLayer(mode[i], cin, med, num_states[i], state_blocks[i], use_activations=False,
                                 postact=postact, generator=generator)
                ssm = ResidualSSM(layer, norm, postact)
            else:
                ssm = SSMLayer(mode[i], cin, med, num_states[i], state_blocks[i], use_activations=True,
                               norm=norm, postact=postact, generator=generator)
            stage = [ssm]
            if r > 1:
                pool = nn.Conv1d(med, cout, r, stride=r, bias=False)  # floor(L / r) frames
                stage.append(nn.Sequential(pool, make_act(norm, postact, cout)))
            stages.append(nn.Sequential(*stage))
            cin = cout
        self.backbone = nn.Sequential(*stages)
        self.classifier = nn.Sequential(MeanOverTime(), nn.Sequential(
            nn.Linear(cin, cin), POSTACTS[postact](), nn.Linear(cin, num_classes)))

    def features(self, x):
        return self.backbone(x)

    def forward(self, x):
        return self.classifier(self.backbone(x))

    def parameter_groups(self, weight_decay):
        """The reference's groups: A and log_dt (sensitive: smaller rate, no decay, marked `lr_scale`
        for the caller), weights with decay, biases and norm parameters without."""
        sensitive = [p for m in self.modules() if isinstance(m, SSMLayer) for p in m.sensitive_parameters()]
        ids = {id(p) for p in sensitive}
        decay, no_decay = [], []
        for name, p in self.named_parameters():
            if id(p) in ids:
                continue
            is_norm = any(name.startswith(prefix) for prefix in self._norm_prefixes())
            (no_decay if is_norm or name.endswith('.bias') else decay).append(p)
        return [{'params': decay, 'weight_decay': weight_decay, 'lr_scale': 1.0},
                {'params': no_decay, 'weight_decay': 0.0, 'lr_scale': 1.0},
                {'params': sensitive, 'weight_decay': 0.0, 'lr_scale': 0.1}]

    def _norm_prefixes(self):
        return [name + '.' for name, m in self.named_modules()
                if isinstance(m, (nn.BatchNorm1d, FeatureLayerNorm))]


def centaurus_from_config(config, seed=0):
    """A `Centaurus` from a reference config: {"network": "Centaurus", "kwargs": {...}} or the kwargs."""
    kwargs = config.get('kwargs', config)
    if config.get('network', 'Centaurus') != 'Centaurus':
        raise SystemExit(f"not a Centaurus classifier config: {config.get('network')}")
    return Centaurus(seed=seed, **kwargs)


# ---------------------------------------------------------------------------------------------
# safetensors and WAV

_DTYPES = {'F32': (np.float32, torch.float32), 'F64': (np.float64, torch.float64), 'I64': (np.int64, torch.int64)}
_NAMES = {torch_type: name for name, (_, torch_type) in _DTYPES.items()}


def read_safetensors(path):
    """(metadata, {name: tensor}) of a safetensors file (F32, F64, I64)."""
    data = Path(path).read_bytes()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    metadata = header.pop('__metadata__', {})
    tensors = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        np_type = _DTYPES[info['dtype']][0]
        array = np.frombuffer(data, dtype=np.dtype(np_type).newbyteorder('<'), count=(end - begin) // np.dtype(np_type).itemsize,
                              offset=8 + n + begin)
        tensors[name] = torch.from_numpy(array.astype(np_type).reshape(info['shape']))
    return metadata, tensors


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: tensor} (float32, float64, int64) and string metadata: an 8-byte little-endian
    header length, the JSON header (padded with spaces to a multiple of 8), the raw little-endian data."""
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = {k: str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _NAMES:
            raise ValueError(f'{name}: dtype {t.dtype} is not written here')
        raw = t.numpy().astype(np.dtype(t.numpy().dtype).newbyteorder('<'), copy=False).tobytes()
        header[name] = {'dtype': _NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def read_wav_mono16(path, sample_rate=16000):
    """A 16-bit mono PCM WAV as float32 samples / 32768, as ssmc reads it."""
    with wave.open(str(path), 'rb') as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != sample_rate:
            raise SystemExit(f'{path}: expected 16-bit mono at {sample_rate} Hz, found {w.getsampwidth() * 8}-bit, '
                             f'{w.getnchannels()} channels at {w.getframerate()} Hz')
        frames = w.readframes(w.getnframes())
    return np.frombuffer(frames, dtype='<i2').astype(np.float32) / 32768.0


# ---------------------------------------------------------------------------------------------
# the check against the reference's golden files

def _relative_error(got, ref):
    """max|got - ref| / max|ref|, and whether it is within 1e-4 * max|ref| + 1e-6 (the spec's tolerance)."""
    scale = ref.abs().max().item()
    err = (got - ref).abs().max().item()
    return err / scale, err <= 1e-4 * scale + 1e-6


def check_golden(directory):
    """Loads each golden file's `state.*` into this module's model and compares its outputs (and, for
    layers, its gradients); prints each tensor's largest error as a fraction of max|ref|."""
    failures = 0
    for path in sorted(Path(directory).glob('*.safetensors')):
        meta, t = read_safetensors(path)
        config = json.loads(meta['config'])
        if meta.get('kind') == 'layer':
            if config.get('norm') not in (None, 'batch', 'layer-feature'):
                print(f'{path.name}: skipped (norm {config["norm"]})')
                continue
            norm = config['norm']
            if norm is None and config['mode'] == 'dws':
                norm = 'batch'  # a dws layer's input act is always there, with the layer's default norm
            model = SSMLayer(config['mode'], config['in_channels'], config['out_channels'], config['num_states'],
                             config['state_blocks'], config['use_activations'], norm, config['postact'])
            compared = {'output': lambda m, x: m(x)}
        elif config.get('network') == 'Centaurus':
            model = centaurus_from_config(config)
            compared = {'features': lambda m, x: m.features(x), 'output': lambda m, x: m(x)}
        else:
            print(f'{path.name}: skipped ({config.get("network")}: not the classifier)')
            continue
        state = {k[len('state.'):]: v for k, v in t.items() if k.startswith('state.')}
        expected = {k for k in model.state_dict() if not k.endswith('num_batches_tracked')}
        if set(state) != expected:
            print(f'{path.name}: FAIL keys differ: missing {sorted(expected - set(state))}, '
                  f'unexpected {sorted(set(state) - expected)}')
            failures += 1
            continue
        model.load_state_dict(state, strict=False)
        model.eval()
        results = []
        with torch.no_grad():
            for name, run in compared.items():
                results.append((name, run(model, t['input']), t[name]))
        if 'grad_output' in t:
            # the gradients of sum(output * grad_output), in eval mode as the reference's: training
            # differentiates the same math
            x = t['input'].clone().requires_grad_(True)
            (model(x) * t['grad_output']).sum().backward()
            results.append(('grad.input', x.grad, t['grad.input']))
            results += [('grad.state.' + n, p.grad, t['grad.state.' + n])
                        for n, p in model.named_parameters() if 'grad.state.' + n in t]
        line, ok_all = [path.name], True
        for name, got, ref in results:
            rel, ok = _relative_error(got, ref)
            line.append(f'{name} {rel:.2e}{"" if ok else " OVER 1e-4"}')
            ok_all &= ok
        print('  '.join(line) + ('  PASS' if ok_all else '  FAIL'))
        failures += 0 if ok_all else 1
    return failures


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--check-golden', metavar='DIR', required=True,
                   help='compare with the reference golden files in DIR (layers and the Centaurus classifier)')
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    failures = check_golden(a.check_golden)
    print('all passed' if failures == 0 else f'{failures} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
