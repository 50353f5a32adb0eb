#!/usr/bin/env python3
"""PyTorch CPU reference for training throughput (the figure the Training module is compared to).

One optimizer step of the project's U-Net family on random data: per level two 3x3 conv (no bias)
+ BatchNorm + ReLU blocks, 2x2 max pool, 2x2 stride-2 transposed conv up, skip concat, 1x1 head
with sigmoid; He-uniform init (kaiming_uniform_, a=0, relu); loss BCE - log(soft Jaccard) per
class over the batch, mean over classes; Adam (lr 1e-3). Prints median ms per step and patches/s
per thread count (and CPU ms per step: on a shared machine wall time includes waiting), in the same table format as the Swift `TrainingBenchmark`.

Usage: torch_train_reference.py [--base 16] [--depth 4] [--patch 128] [--batch 8] [--threads 1,2] [--steps 10]
Needs torch (CPU): pip install torch.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


def block(ci, co):
    return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True),
                         nn.Conv2d(co, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU(inplace=True))


class UNet(nn.Module):
    def __init__(self, cin, classes, base, depth):
        super().__init__()
        w = [base * 2 ** i for i in range(depth + 1)]
        self.down = nn.ModuleList([block(cin if i == 0 else w[i - 1], w[i]) for i in range(depth)])
        self.mid = block(w[depth - 1], w[depth])
        self.up = nn.ModuleList([nn.ConvTranspose2d(w[i + 1], w[i], 2, stride=2) for i in reversed(range(depth))])
        self.dec = nn.ModuleList([block(2 * w[i], w[i]) for i in reversed(range(depth))])
        self.head = nn.Conv2d(w[0], classes, 1)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")

    def forward(self, x):
        skips = []
        for d in self.down:
            x = d(x)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.mid(x)
        for u, d, skip in zip(self.up, self.dec, reversed(skips)):
            x = d(torch.cat([skip, u(x)], 1))
        return torch.sigmoid(self.head(x))


def jaccard_bce(p, y, eps=1e-7):
    bce = nn.functional.binary_cross_entropy(p, y)
    intersection = (p * y).sum((0, 2, 3))
    union = (p + y).sum((0, 2, 3)) - intersection
    return bce - torch.log((intersection + eps) / (union + eps)).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=int, default=16)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--patch", type=int, default=128)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--steps", type=int, default=10)
    a = ap.parse_args()
    torch.manual_seed(0)
    print(f"# torch {torch.__version__}; U-Net 20->10 base {a.base} depth {a.depth}, patch {a.patch}, batch {a.batch}")
    print("threads  steps  median_ms_per_step  patches_per_s  cpu_ms_per_step")
    for threads in [int(v) for v in a.threads.split(",")]:
        torch.set_num_threads(threads)
        net = UNet(20, 10, a.base, a.depth)
        optimizer = torch.optim.Adam(net.parameters(), 1e-3)
        x = torch.rand(a.batch, 20, a.patch, a.patch)
        y = (torch.rand(a.batch, 10, a.patch, a.patch) > 0.8).float()
        times, cpu = [], 0.0
        for step in range(a.steps + 2):  # two warm-up steps
            start, start_cpu = time.perf_counter(), time.process_time()
            optimizer.zero_grad()
            loss = jaccard_bce(net(x), y)
            loss.backward()
            optimizer.step()
            if step >= 2:
                times.append((time.perf_counter() - start) * 1000)
                cpu += time.process_time() - start_cpu
        median = statistics.median(times)
        print(f"{threads:<8} {a.steps:<6} {median:>18.1f}  {a.batch * 1000 / median:>13.2f}  {cpu * 1000 / a.steps:>15.1f}", flush=True)


if __name__ == "__main__":
    main()
