#!/usr/bin/env python3
"""The reference's Centaurus layer, computed the way the reference computes it, for timing against ssmc.

Written from ssmc's specification (../shared/docs/centaurus-reference.md, sections 2 and 7), not from
the reference package, whose code is under a non-commercial licence: the same algorithm on the same
framework, so that its times are the reference's own.

- Kernel: one real expression over all lags, `exp(Re(dtA) l) * cos(Im(dtA) l)`, weighted by E (or
  not) and summed over the states; training's forward pass builds no complex tensor.
- FFT convolution: a custom autograd function (`FftConv`). Its forward takes `rfft` of the input and
  of the kernel at n = 2L, multiplies (depthwise `bcl,cl->bcl` by broadcasting, full the einsum
  `bcl,dcl->bdl`) and keeps the first L samples of the `irfft`. It saves only the time-domain input
  and kernel; its backward recomputes both spectra. Autograd never traces through an FFT.
- s5 and neck: kernel-first (the full `K[d,c,l]`, one full FFT convolution) when
  `1/Cin + 1/Cout > 1/batch + 1/coefficients`, else input-first (einsum projection to the states,
  depthwise FFT convolution, einsum projection out). dws's pointwise mixer is a Conv1d after the
  convolution. Everything else is PyTorch's own, differentiated by autograd.
- Streaming: per chunk, the chunk kernel's FFT convolution (the kernel made once per chunk length
  and kept), plus the carried complex state's decay into the chunk, then the state update; each
  chunk makes new tensors.

The layer has its activations off and no norm, as ssmc's `bench --mode` block does (for dws that
leaves the pointwise conv of its mixer). Prints a line describing the case, then `key=value` lines,
`ms_median` last: the median of the timed runs after a warm-up.
"""
import argparse
import statistics
import sys
import time

import torch

F = torch.nn.functional


class FftConv(torch.autograd.Function):
    """Causal convolution by real FFTs at n = 2L: `y = irfft(rfft(u) * rfft(k))[:L]`.

    u is [b, c, L]; k is [c, L] (depthwise: a broadcast product of the spectra) or [d, c, L] (full:
    an einsum over the channels). Saves u and k only; the backward pass transforms them again, with
    the incoming gradient's spectrum G: grad_u = irfft(G conj(Kf))[:L], grad_k = sum over b of
    irfft(G conj(Uf))[:L]."""

    @staticmethod
    def forward(ctx, u, k):
        length = u.shape[-1]
        n = 2 * length
        uf = torch.fft.rfft(u, n=n)
        kf = torch.fft.rfft(k, n=n)
        if k.dim() == 2:
            yf = uf * kf
        else:
            yf = torch.einsum('bcl,dcl->bdl', uf, kf)
        ctx.save_for_backward(u, k)
        return torch.fft.irfft(yf, n=n)[..., :length]

    @staticmethod
    def backward(ctx, grad):
        u, k = ctx.saved_tensors
        length = u.shape[-1]
        n = 2 * length
        uf = torch.fft.rfft(u, n=n)
        kf = torch.fft.rfft(k, n=n)
        g = torch.fft.rfft(grad, n=n)
        grad_u = grad_k = None
        if k.dim() == 2:
            if ctx.needs_input_grad[0]:
                grad_u = torch.fft.irfft(g * kf.conj(), n=n)[..., :length]
            if ctx.needs_input_grad[1]:
                grad_k = torch.fft.irfft(g * uf.conj(), n=n)[..., :length].sum(0)
        else:
            if ctx.needs_input_grad[0]:
                grad_u = torch.fft.irfft(torch.einsum('bdl,dcl->bcl', g, kf.conj()), n=n)[..., :length]
            if ctx.needs_input_grad[1]:
                grad_k = torch.fft.irfft(torch.einsum('bdl,bcl->dcl', g, uf.conj()), n=n)[..., :length]
        return grad_u, grad_k


fft_conv = FftConv.apply


class Layer(torch.nn.Module):
    """One layer's stored tensors (initialized as the reference initializes them) and its computations."""

    def __init__(self, mode, cin, cout, states, blocks):
        super().__init__()
        self.mode, self.cin, self.cout, self.n, self.j = mode, cin, cout, states, blocks
        g = torch.Generator().manual_seed(0)
        n = states
        a_re = torch.full((n,), float(torch.log(torch.expm1(torch.tensor(0.5)))))  # softplus^-1(0.5)
        a_im = torch.pi * torch.arange(n, dtype=torch.float32)
        base_a = torch.stack([a_re, a_im], -1)
        P = torch.nn.Parameter
        if mode == 'dws':
            self.A = P(base_a.repeat(cin, 1, 1))
            self.log_dt = P(torch.log(torch.logspace(-3, -1, cin)).unsqueeze(-1).repeat(1, n))
            self.E = P(torch.full((cin, n), n ** -0.5))
            conv = torch.nn.Conv1d(cin, cout, 1, bias=False)
            with torch.no_grad():
                conv.weight.uniform_(-cin ** -0.5, cin ** -0.5, generator=g)
        elif mode == 's5':
            self.A = P(base_a.repeat(blocks, 1))
            self.log_dt = P(torch.log(torch.logspace(-3, -1, blocks)).repeat_interleave(n))
            self.B = P(torch.full((blocks * n, cin), cin ** -0.5))
            self.C = P(torch.randn(cout, blocks * n, generator=g) * (2 / (blocks * n)) ** 0.5)
        elif mode == 'neck':
            self.A = P(base_a.repeat(blocks, 1, 1))
            self.log_dt = P(torch.log(torch.logspace(-3, -1, blocks)))
            self.B = P(torch.full((blocks, cin), cin ** -0.5))
            self.C = P(torch.randn(cout, blocks, generator=g) * (2 / (blocks * n)) ** 0.5)
            self.E = P(torch.randn(blocks, n, generator=g) * 2 ** 0.5)
        elif mode == 'full':
            self.A = P(base_a.repeat(cout, cin, 1, 1))
            self.log_dt = P(torch.log(torch.logspace(-3, -1, cout)).unsqueeze(-1).repeat(1, n))
            self.E = P(torch.full((cout, cin, n), cin ** -0.5))
        else:
            raise SystemExit(f"unknown mode {mode}")
        self.chunk_kernels = {}
        # The mixer, as the reference's modules (section 4's checkpoint keys): dws's input activation
        # (norm, postact: both the identity in the benchmark block) and pointwise conv at mixer.0 and
        # mixer.1; no output activation. The other modes' mixer is the identity with activations
        # off. bench/check_reference.py puts a golden file's norms and postacts in.
        if mode == 'dws':
            self.mixer = torch.nn.Sequential(torch.nn.Sequential(torch.nn.Identity(), torch.nn.Identity()), conv)
        else:
            self.mixer = torch.nn.Identity()

    def load(self, tensors):
        """Sets the stored tensors from a golden file's `state.<name>` entries."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                key = 'state.' + name
                p.copy_(tensors[key].reshape(p.shape))
        self.chunk_kernels = {}

    def discretize(self):
        """Re and Im of dtA over the kernel's states (real tensors), and the weights with dt folded in."""
        dt = self.log_dt.exp()
        re, im = -F.softplus(self.A[..., 0]), self.A[..., 1]
        if self.mode == 's5':
            return dt * re, dt * im, {'B': self.B * dt[:, None], 'C': self.C}
        if self.mode == 'neck':
            return dt[:, None] * re, dt[:, None] * im, {'B': self.B * dt[:, None], 'C': self.C, 'E': self.E}
        if self.mode == 'full':
            dt = dt[:, None, :]
        return dt * re, dt * im, {'E': self.E * dt}

    def kernel(self, re, im, w, length):
        """exp(Re(dtA) l) cos(Im(dtA) l) over all lags at once, weighted and summed over the states:
        dws [c, l], full [d, c, l], neck [j, l], s5 [n, l] (s5 has no E)."""
        lags = torch.arange(length, dtype=torch.float32)
        v = torch.exp(re[..., None] * lags) * torch.cos(im[..., None] * lags)
        if self.mode == 's5':
            return v
        return torch.einsum('...n,...nl->...l', w['E'], v)

    def kernel_first(self, batch):
        """The reference's fixed ordering rule for s5 and neck (it ignores the FFT's cost)."""
        coefficients = self.j * self.n if self.mode == 's5' else self.j
        return 1 / self.cin + 1 / self.cout > 1 / batch + 1 / coefficients

    def convolve(self, u, k, w):
        """The SSM's output for whole sequences u[b, c, L], given the kernel over L lags, before the
        mixer (dws: the depthwise convolution, before its pointwise conv)."""
        if self.mode == 'dws' or self.mode == 'full':
            return fft_conv(u, k)
        if self.kernel_first(u.shape[0]):
            return fft_conv(u, torch.einsum('dn,nc,nl->dcl', w['C'], w['B'], k))
        v = torch.einsum('bcl,nc->bnl', u, w['B'])
        return torch.einsum('bnl,dn->bdl', fft_conv(v, k), w['C'])

    def forward(self, u):
        re, im, w = self.discretize()
        return self.mixer(self.convolve(u, self.kernel(re, im, w, u.shape[-1]), w))

    # Streaming: a complex state per layer carried between chunks.

    def stream(self, u, chunks):
        """u fed in chunks of the sizes in `chunks`; returns the outputs, concatenated."""
        state = None
        outs = []
        start = 0
        for t in chunks:
            y, state = self.step(u[..., start:start + t], state)
            start += t
            outs.append(y)
        return torch.cat(outs, -1)

    def step(self, x, state):
        """One chunk x[b, c, T]: its FFT convolution with the chunk kernel, plus the decay of the
        state carried in (`a^(t+1) x0`, read out); then the state update of section 5."""
        t = x.shape[-1]
        re, im, w = self.discretize()
        if t not in self.chunk_kernels:
            self.chunk_kernels[t] = self.kernel(re, im, w, t)
        y = self.convolve(x, self.chunk_kernels[t], w)
        dta = torch.complex(re, im)
        flip = torch.exp(dta[..., None] * torch.arange(t - 1, -1, -1, dtype=torch.float32))  # a^(T-1-s)
        entering = self.inject(x, w, flip)                            # sum_s a^(T-1-s) in_s
        if state is None:
            return self.mixer(y), entering
        decay = torch.exp(dta[..., None] * torch.arange(1, t + 1, dtype=torch.float32))   # a^(t+1)
        y = y + self.readout(state, decay, w)
        return self.mixer(y), state * torch.exp(dta * t) + entering

    def inject(self, x, w, flip):
        """What the chunk adds to the state: sum_s a^(T-1-s) (what enters each state at s)."""
        c64 = torch.complex64
        if self.mode == 'dws':
            return torch.einsum('bcs,cns->bcn', x.to(c64), flip)
        if self.mode == 'full':
            return torch.einsum('bcs,dcns->bdcn', x.to(c64), flip)
        v = torch.einsum('bcs,nc->bns', x, w['B']).to(c64)
        if self.mode == 's5':
            return torch.einsum('bns,ns->bn', v, flip)
        return torch.einsum('bjs,jms->bjm', v, flip) * w['E'].to(c64)

    def readout(self, state, decay, w):
        """Re of the weighted sum of the carried state's decay into the chunk (section 2's readout)."""
        c64 = torch.complex64
        z = state[..., None] * decay                                     # [b, states..., T]
        if self.mode == 'dws':
            return torch.einsum('bcnt,cn->bct', z, w['E'].to(c64)).real
        if self.mode == 'full':
            return torch.einsum('bdcnt,dcn->bdt', z, w['E'].to(c64)).real
        if self.mode == 's5':
            return torch.einsum('bnt,dn->bdt', z, w['C'].to(c64)).real
        return torch.einsum('bjmt,dj->bdt', z, w['C'].to(c64)).real


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
    g = torch.randn(batch, a.cout, a.length, generator=torch.Generator().manual_seed(2))
    if a.pass_ == 'train':
        u.requires_grad_(True)
        tensors = [u, *layer.parameters()]

        def run():
            for t in tensors:
                t.grad = None
            (layer(u) * g).sum().backward()
    elif a.pass_ == 'forward':
        layer.requires_grad_(False)

        def run():
            with torch.no_grad():
                layer(u)
    else:
        chunks = [min(a.chunk, a.length - s) for s in range(0, a.length, a.chunk)]
        layer.requires_grad_(False)

        def run():
            with torch.no_grad():
                layer.stream(u, chunks)
    start = time.perf_counter()
    warm = 0
    while warm < a.warmup_runs or time.perf_counter() - start < a.warmup:
        run()
        warm += 1
    times, cpu = [], []
    for _ in range(a.runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    print(f"reference {a.mode} batch {batch} in {a.cin} out {a.cout} states {a.states} blocks {blocks} "
          f"length {a.length} pass {a.pass_} chunk {a.chunk} threads {a.threads} torch {torch.__version__}")
    print(f"warmup_runs={warm}")
    print(f"runs={a.runs}")
    print(f"ms_min={min(times):.4f}")
    print(f"ms_max={max(times):.4f}")
    print(f"cpu_ms_median={statistics.median(cpu):.4f}")
    print(f"ms_median={statistics.median(times):.4f}")


if __name__ == '__main__':
    sys.exit(main())
