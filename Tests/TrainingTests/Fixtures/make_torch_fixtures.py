#!/usr/bin/env python3
"""Generates the PyTorch-autograd fixtures of TrainingTests (run once; the JSON files are committed
so the tests need no torch).

For small U-Nets of the project's family (same module names as Sources/Training), with random
weights, batch-norm scales/shifts/running statistics and biases, on one random batch:
  - the training-mode forward probabilities and the loss BCE - log(soft Jaccard) per class;
  - the gradient of every parameter (autograd);
  - the parameters and running statistics after `steps` Adam steps on the same batch, with the
    loss after each step;
  - the evaluation-mode probabilities of the final model.

Usage: make_torch_fixtures.py [OUTPUT_DIR]   (default: this script's folder)
"""
import json, os, sys
import torch, torch.nn as nn

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)


def block(ci, co, bn):
    if bn:
        return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU(),
                             nn.Conv2d(co, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU())
    return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1), nn.ReLU(), nn.Conv2d(co, co, 3, padding=1), nn.ReLU())


class UNet(nn.Module):
    def __init__(s, cin, ncls, base, depth, bn):
        super().__init__()
        w = [base * 2 ** i for i in range(depth + 1)]
        s.down = nn.ModuleList([block(cin if i == 0 else w[i - 1], w[i], bn) for i in range(depth)])
        s.mid = block(w[depth - 1], w[depth], bn)
        s.up = nn.ModuleList([nn.ConvTranspose2d(w[i + 1], w[i], 2, stride=2) for i in reversed(range(depth))])
        s.dec = nn.ModuleList([block(2 * w[i], w[i], bn) for i in reversed(range(depth))])
        s.head = nn.Conv2d(w[0], ncls, 1)

    def forward(s, x):
        skips = []
        for d in s.down:
            x = d(x); skips.append(x); x = nn.functional.max_pool2d(x, 2)
        x = s.mid(x)
        for u, d, sk in zip(s.up, s.dec, reversed(skips)):
            x = d(torch.cat([sk, u(x)], 1))
        return torch.sigmoid(s.head(x))


def loss_fn(p, y, weights, eps=1e-7):
    bce = nn.functional.binary_cross_entropy(p, y, reduction="none").mean((0, 2, 3))
    inter = (p * y).sum((0, 2, 3)); union = (p + y).sum((0, 2, 3)) - inter
    per_class = bce - torch.log((inter + eps) / (union + eps))
    w = torch.ones_like(per_class) if weights is None else torch.tensor(weights)
    return (w * per_class).sum() / w.sum()


def flat(t):
    return [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]  # 9 digits: exact float32


def make(name, bands, classes, base, depth, bn, batch, size, weights, lr, steps, seed):
    torch.manual_seed(seed)
    net = UNet(bands, classes, base, depth, bn)
    with torch.no_grad():
        for pname, p in net.named_parameters():
            if pname.endswith("bias"):
                p.uniform_(-0.2, 0.2)
            elif p.dim() == 1:  # batch-norm scale
                p.uniform_(0.5, 1.5)
        for bname, b in net.named_buffers():
            if bname.endswith("running_mean"): b.uniform_(-0.5, 0.5)
            if bname.endswith("running_var"): b.uniform_(0.5, 2.0)
    x = torch.randn(batch, bands, size, size)
    y = (torch.rand(batch, classes, size, size) > 0.6).float()
    initial = {k: flat(v) for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    net.train()
    p = net(x)
    loss = loss_fn(p, y, weights)
    loss.backward()
    gradients = {k: flat(v.grad) for k, v in net.named_parameters()}
    probabilities = flat(p)
    # Fresh copy for the optimizer run (the forward above already moved the running statistics).
    net.load_state_dict({k: torch.tensor(v).reshape(net.state_dict()[k].shape) for k, v in initial.items()}, strict=False)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        opt.zero_grad(); l = loss_fn(net(x), y, weights); l.backward(); opt.step(); losses.append(l.item())
    net.eval()
    with torch.no_grad():
        evaluated = flat(net(x))
    final = {k: flat(v) for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    fixture = dict(name=name, architecture=dict(inputBands=bands, classes=classes, depth=depth, baseFilters=base,
                                                batchNorm=bn, dropout=0.0, initialization="he_uniform"),
                   batch=batch, size=size, class_weights=weights, learning_rate=lr, steps=steps,
                   input=flat(x), targets=flat(y), initial=initial, loss=loss.item(), probabilities=probabilities,
                   gradients=gradients, step_losses=losses, final=final, eval_probabilities=evaluated)
    return fixture


out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
os.makedirs(out, exist_ok=True)
for fx in [make("bn_depth2", 3, 2, 4, 2, True, 2, 8, None, 1e-2, 3, 1),
           make("plain_weighted", 2, 3, 3, 1, False, 2, 6, [1.0, 2.0, 0.5], 1e-2, 3, 2)]:
    with open(os.path.join(out, fx["name"] + ".json"), "w") as f:
        json.dump(fx, f)
    print(fx["name"], "loss", fx["loss"], "steps", fx["step_losses"])
