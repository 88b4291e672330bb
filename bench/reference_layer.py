#!/usr/bin/env python3
"""The reference's Centaurus layer math in PyTorch, for timing against ssmc on the same machine.

Written from ssmc's specification (../shared/docs/centaurus-reference.md), not from the reference
package: the same contractions the reference computes - einsum projections, a kernel made by
powers over time, a real FFT convolution at 2L, the reference's rule for ordering s5 and neck, and
chunked streaming with one complex state carried between chunks - with automatic
differentiation for the training pass. The layer has its activations off and no norm, as ssmc's
`bench` block does (for dws that leaves the pointwise conv of its mixer).

Prints `ms_median=X` last: the median of timed runs after a warm-up.
"""
import argparse
import statistics
import sys
import time

import torch


def softplus(x):
    return torch.nn.functional.softplus(x)


class Layer:
    """The stored tensors of one layer, initialized as the reference does, and its computations."""

    def __init__(self, mode, cin, cout, states, blocks):
        self.mode, self.cin, self.cout, self.n, self.j = mode, cin, cout, states, blocks
        g = torch.Generator().manual_seed(0)
        n = states
        a_re = torch.full((n,), 0.5 + float(torch.log(-torch.expm1(torch.tensor(-0.5)))))
        a_im = torch.pi * torch.arange(n, dtype=torch.float32)
        base_a = torch.stack([a_re, a_im], -1)
        if mode == 'dws':
            self.A = base_a.repeat(cin, 1, 1)
            self.log_dt = torch.log(torch.logspace(-3, -1, cin)).unsqueeze(-1).repeat(1, n)
            self.E = torch.full((cin, n), n ** -0.5)
            self.W = torch.empty(cout, cin).uniform_(-cin ** -0.5, cin ** -0.5, generator=g)
        elif mode == 's5':
            self.A = base_a.repeat(blocks, 1)
            self.log_dt = torch.log(torch.logspace(-3, -1, blocks)).repeat_interleave(n)
            self.B = torch.full((blocks * n, cin), cin ** -0.5)
            self.C = torch.randn(cout, blocks * n, generator=g) * (2 / (blocks * n)) ** 0.5
        elif mode == 'neck':
            self.A = base_a.repeat(blocks, 1, 1)
            self.log_dt = torch.log(torch.logspace(-3, -1, blocks))
            self.B = torch.full((blocks, cin), cin ** -0.5)
            self.C = torch.randn(cout, blocks, generator=g) * (2 / (blocks * n)) ** 0.5
            self.E = torch.randn(blocks, n, generator=g) * 2 ** 0.5
        elif mode == 'full':
            self.A = base_a.repeat(cout, cin, 1, 1)
            self.log_dt = torch.log(torch.logspace(-3, -1, cout)).unsqueeze(-1).repeat(1, n)
            self.E = torch.full((cout, cin, n), cin ** -0.5)
        else:
            raise SystemExit(f"unknown mode {mode}")
        self.params = [t for t in (getattr(self, k, None) for k in ('A', 'log_dt', 'B', 'C', 'E', 'W')) if t is not None]

    def requires_grad(self):
        for p in self.params:
            p.requires_grad_(True)

    def discretize(self):
        """dtA (complex) over the kernel's states, and the weights with dt folded in."""
        dt = self.log_dt.exp()
        re, im = -softplus(self.A[..., 0]), self.A[..., 1]
        if self.mode == 'dws':
            return torch.complex(dt * re, dt * im), {'E': self.E * dt}
        if self.mode == 's5':
            return torch.complex(dt * re, dt * im), {'B': self.B * dt[:, None], 'C': self.C}
        if self.mode == 'neck':
            return torch.complex(dt[:, None] * re, dt[:, None] * im), {'B': self.B * dt[:, None], 'C': self.C, 'E': self.E}
        dtd = dt[:, None, :]
        return torch.complex(dtd * re, dtd * im), {'E': self.E * dtd}

    def kernel(self, dtA, length):
        """Re(exp(dtA l)) for l < length, by powers over time (the reference's way)."""
        lags = torch.arange(length, dtype=torch.float32)
        return torch.exp(dtA[..., None] * lags).real

    def full_kernel_rule(self, batch):
        coeffs = self.j * self.n if self.mode == 's5' else self.j
        return 1 / self.cin + 1 / self.cout > 1 / batch + 1 / coeffs

    def forward(self, u):
        """The layer over whole sequences u[b, c, L]: FFT convolution at 2L."""
        b, _, length = u.shape
        dtA, w = self.discretize()
        k = self.kernel(dtA, length)
        n = 2 * length
        uf = torch.fft.rfft(u, n)
        if self.mode == 'dws':
            kc = (k * w['E'][..., None]).sum(1)                    # [c, l]
            y = torch.fft.irfft(uf * torch.fft.rfft(kc, n), n)[..., :length]
            return torch.einsum('bcl,dc->bdl', y, self.W)
        if self.mode == 'full':
            kdc = (k * w['E'][..., None]).sum(2)                   # [d, c, l]
            return torch.fft.irfft(torch.einsum('bcl,dcl->bdl', uf, torch.fft.rfft(kdc, n)), n)[..., :length]
        if self.mode == 'neck':
            k = (k * w['E'][..., None]).sum(1)                     # [j, l]
        if self.full_kernel_rule(b):
            kdc = torch.einsum('dn,nc,nl->dcl', w['C'], w['B'], k)
            return torch.fft.irfft(torch.einsum('bcl,dcl->bdl', uf, torch.fft.rfft(kdc, n)), n)[..., :length]
        x = torch.einsum('bcl,nc->bnl', u, w['B'])
        x = torch.fft.irfft(torch.fft.rfft(x, n) * torch.fft.rfft(k, n), n)[..., :length]
        return torch.einsum('bnl,dn->bdl', x, w['C'])

    def stream(self, u, chunks):
        """Chunk by chunk (sizes in `chunks`): each chunk's FFT convolution, plus the carried state's decay into it."""
        dtA, w = self.discretize()
        a = dtA.exp()
        state = None
        outs = []
        start = 0
        for t in chunks:
            x = u[..., start:start + t]
            start += t
            y = self.forward_chunk(x, dtA, w, t)
            decay = torch.exp(dtA[..., None] * torch.arange(1, t + 1, dtype=torch.float32))       # a^(tau+1)
            flip = torch.exp(dtA[..., None] * torch.arange(t - 1, -1, -1, dtype=torch.float32))  # a^(T-1-sigma)
            inj = self.inject(x.to(torch.complex64), w)              # [b, states..., t]
            if state is not None:
                y = y + self.readout(state[..., None] * decay, w)
                state = state * a ** t + (inj * flip).sum(-1)
            else:
                state = (inj * flip).sum(-1)
            outs.append(y)
        return torch.cat(outs, -1)

    def forward_chunk(self, x, dtA, w, t):
        saved = self.discretize
        self.discretize = lambda: (dtA, w)
        try:
            return self.forward(x)
        finally:
            self.discretize = saved

    def inject(self, x, w):
        """What enters each state: [b, states..., t]."""
        if self.mode == 'dws':
            return x[:, :, None, :].expand(-1, -1, self.n, -1)
        if self.mode == 'full':
            return x[:, None, :, None, :].expand(-1, self.cout, -1, self.n, -1)
        if self.mode == 's5':
            return torch.einsum('bct,nc->bnt', x, w['B'].to(torch.complex64))
        v = torch.einsum('bct,jc->bjt', x, w['B'].to(torch.complex64))
        return v[:, :, None, :] * w['E'][None, :, :, None]

    def readout(self, s, w):
        """Re of the states' contribution to the outputs; s is [b, states..., t]."""
        if self.mode == 'dws':
            y = (s * w['E'][None, :, :, None]).sum(2).real
            return torch.einsum('bct,dc->bdt', y, self.W)
        if self.mode == 'full':
            return (s * w['E'][None, :, :, :, None]).sum((2, 3)).real
        if self.mode == 's5':
            return torch.einsum('bnt,dn->bdt', s, w['C'].to(torch.complex64)).real
        return torch.einsum('bjmt,dj->bdt', s, w['C'].to(torch.complex64)).real


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--mode', required=True, choices=['dws', 's5', 'neck', 'full'])
    p.add_argument('--batch', type=int, default=8)
    p.add_argument('--in', dest='cin', type=int, default=64)
    p.add_argument('--out', dest='cout', type=int, default=64)
    p.add_argument('--states', type=int, default=16)
    p.add_argument('--blocks', type=int, default=4)
    p.add_argument('--length', type=int, default=4096)
    p.add_argument('--pass', dest='pass_', required=True, choices=['train', 'forward', 'stream'])
    p.add_argument('--chunk', type=int, default=1)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--warmup', type=float, default=2.0, help='seconds of warm-up')
    p.add_argument('--warmup-runs', dest='warmup_runs', type=int, default=3, help='at least this many warm-up runs')
    p.add_argument('--runs', type=int, default=10)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    blocks = a.blocks if a.mode in ('s5', 'neck') else 1
    layer = Layer(a.mode, a.cin, a.cout, a.states, blocks)
    batch = 1 if a.pass_ == 'stream' else a.batch
    u = torch.randn(batch, a.cin, a.length, generator=torch.Generator().manual_seed(1))
    out_ch = a.cout
    g = torch.randn(batch, out_ch, a.length, generator=torch.Generator().manual_seed(2))
    if a.pass_ == 'train':
        layer.requires_grad()

        def run():
            for t in layer.params:
                t.grad = None
            (layer.forward(u) * g).sum().backward()
    elif a.pass_ == 'forward':
        def run():
            with torch.no_grad():
                layer.forward(u)
    else:
        chunks = [min(a.chunk, a.length - s) for s in range(0, a.length, a.chunk)]

        def run():
            with torch.no_grad():
                layer.stream(u, chunks)
    start = time.perf_counter()
    warm = 0
    while warm < a.warmup_runs or time.perf_counter() - start < a.warmup:
        run()
        warm += 1
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e3)
    print(f"reference {a.mode} batch {batch} in {a.cin} out {a.cout} states {a.states} blocks {blocks} "
          f"length {a.length} pass {a.pass_} chunk {a.chunk} threads {a.threads}")
    print(f"ms_median={statistics.median(times):.4f}")


if __name__ == '__main__':
    sys.exit(main())
