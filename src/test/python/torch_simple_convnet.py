"""The book's SimpleConvNet (ch07/simple_convnet.py) in PyTorch on this machine's CPU (Debian's python3-torch), one
thread, with conf/convnet.conf's training settings: conv 30 filters 5x5 -> ReLU -> 2x2 max-pool (stride 2) ->
Linear 4320->100 -> ReLU -> Linear 100->10, He init (std sqrt(2 / fan_in), biases 0), Adam with its learning rate,
linear warm-up and half-cosine schedule, L2 weight decay on the weights (not the biases), float32 - the anchor for
docs/convnet.md. Not run by CI (CI has no PyTorch).

Usage: /usr/bin/python3 torch_simple_convnet.py DATA_DIR [--batch 500] [--lr 0.003] [--warmup 10] [--cosine 10]
           [--weight-decay 1e-4] [--target 0.988] [--max-epochs 10] [--threads 1] [--seed 0]

The clock runs over training steps and the test evaluation after every epoch; data loading is outside it. An epoch is
60,000 // BATCH steps over a fresh permutation (every training image: no validation split, unlike the conf, which
holds out 5,000 and so takes 54,941 // BATCH steps). Prints a line an epoch and one JSON line at the end: seconds per
epoch (training steps only, and with the evaluation), the epoch and seconds at which test accuracy first reached TARGET.
"""
import argparse
import json
import math
import time

import numpy as np
import torch

from book_two_layer_net import read_idx  # the IDX reader (plain or .gz), beside this script
from torch_same_net import blas_facts


def images(path):
    x = read_idx(path)
    return torch.tensor(x.reshape(x.shape[0], 1, 28, 28) / 255.0, dtype=torch.float32)


def labels(path):
    return torch.tensor(read_idx(path).astype(np.int64))


def simple_convnet():
    conv = torch.nn.Conv2d(1, 30, 5)
    hidden = torch.nn.Linear(30 * 12 * 12, 100)
    out = torch.nn.Linear(100, 10)
    for layer in (conv, hidden, out):
        torch.nn.init.kaiming_normal_(layer.weight)  # std sqrt(2 / fan_in), fan_in C*FH*FW for the conv
        torch.nn.init.zeros_(layer.bias)
    return torch.nn.Sequential(conv, torch.nn.ReLU(), torch.nn.MaxPool2d(2, 2), torch.nn.Flatten(), hidden,
                               torch.nn.ReLU(), out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--lr", type=float, default=0.003)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--cosine", type=int, default=10, help="epochs of the half cosine down to 0 (0: constant)")
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--target", type=float, default=0.988)
    ap.add_argument("--max-epochs", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    d = a.data_dir
    xtr, ttr = images(d + "/train-images-idx3-ubyte"), labels(d + "/train-labels-idx1-ubyte")
    xte, tte = images(d + "/t10k-images-idx3-ubyte"), labels(d + "/t10k-labels-idx1-ubyte")
    n = xtr.shape[0]
    steps_per_epoch = n // a.batch
    torch.manual_seed(a.seed)
    net = simple_convnet()
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
    opt = torch.optim.Adam([{"params": weights, "weight_decay": a.weight_decay},
                            {"params": biases, "weight_decay": 0.0}], lr=a.lr)
    span = a.cosine * steps_per_epoch

    def factor(s):
        warm = min(1.0, (s + 1) / a.warmup) if a.warmup > 0 else 1.0
        return warm * (0.5 * (1 + math.cos(math.pi * min(1.0, s / span))) if span > 0 else 1.0)

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    epochs, train_seconds, reached = [], 0.0, None
    t0 = time.perf_counter()
    for epoch in range(1, a.max_epochs + 1):
        e0 = time.perf_counter()
        net.train()
        perm = torch.randperm(n)
        for s in range(steps_per_epoch):
            i = perm[s * a.batch:(s + 1) * a.batch]
            loss = torch.nn.functional.cross_entropy(net(xtr[i]), ttr[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        steps = time.perf_counter() - e0
        train_seconds += steps
        net.eval()
        with torch.no_grad():
            acc = sum((net(xte[k:k + 1000]).argmax(1) == tte[k:k + 1000]).sum().item()
                      for k in range(0, xte.shape[0], 1000)) / xte.shape[0]
        elapsed = time.perf_counter() - t0
        epochs.append({"epoch": epoch, "steps_seconds": steps, "seconds": elapsed, "test_accuracy": acc})
        print(f"torch {torch.__version__} threads={a.threads} epoch {epoch}: test {acc:.4f}, steps {steps:.1f} s, "
              f"{elapsed:.1f} s in all", flush=True)
        if reached is None and acc >= a.target:
            reached = {"epoch": epoch, "seconds": elapsed}
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "network": "SimpleConvNet conv30x5x5-pool2-100-10",
                      "batch": a.batch, "lr": a.lr, "warmup": a.warmup, "cosine": a.cosine,
                      "weight_decay": a.weight_decay, "target": a.target, **blas_facts(),
                      "seconds_per_epoch_steps": train_seconds / len(epochs),
                      "seconds_per_epoch": epochs[-1]["seconds"] / len(epochs), "reached": reached,
                      "epochs": epochs}))


if __name__ == "__main__":
    main()
