"""What a single-machine user would pick instead: PyTorch on this machine's CPU (Debian's python3-torch), with the
network and optimizer scratchnet's benchmark passes in (by default scratchnet's default MNIST run: 784-256-10 ReLU,
He init, Adam lr 0.015 with 10 linear warm-up steps, batch 2000, float32). Part of the benchmark
(dev.scratchnet.bench.UserRuns), which runs it with /usr/bin/python3 and parses the one JSON line it prints last.

Usage: /usr/bin/python3 torch_same_net.py DATA_DIR [--hidden 256] [--batch 2000] [--lr 0.015] [--warmup 10]
           [--optimizer adam|momentum|sgd|adagrad] [--momentum 0.9] [--activation relu|sigmoid]
           [--init he|xavier|STD] [--target 0.97] [--max-epochs 30] [--threads 1] [--runs 3]

The clock runs from the first training step to the end of the test evaluation that first shows test accuracy
>= TARGET (one evaluation on the 10,000 test images after every epoch, inside the clock); data loading and
network construction are outside it. An epoch is 60,000 // BATCH steps over a fresh permutation (torch.randperm),
as the original anchor script (shared/anchors/torch_cpu_same_net.py) does. Reads IDX files plain or gzip-compressed.
Reports the kernel Debian's OpenBLAS (torch's BLAS) runs: on a CPU it does not recognise (a VM's generic "Intel Xeon
Processor") OpenBLAS 0.3.21 falls back to its Prescott kernel, several times slower; OPENBLAS_CORETYPE chooses one.
"""
import argparse
import ctypes
import json
import time

import numpy as np
import torch

from book_two_layer_net import read_idx  # the IDX reader (plain or .gz), beside this script


def images(path):
    x = read_idx(path)
    return torch.tensor(x.reshape(x.shape[0], -1) / 255.0, dtype=torch.float32)


def labels(path):
    return torch.tensor(read_idx(path).astype(np.int64))


def network(sizes, activation, init):
    layers = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        if init == "he":
            torch.nn.init.kaiming_normal_(linear.weight)
        elif init == "xavier":  # the book's: std sqrt(1 / fan_in)
            torch.nn.init.normal_(linear.weight, std=(1.0 / sizes[i]) ** 0.5)
        else:
            torch.nn.init.normal_(linear.weight, std=float(init))
        torch.nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU() if activation == "relu" else torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers)


def optimizer(kind, params, lr, momentum):
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr)
    if kind == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=momentum)
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr)
    return torch.optim.SGD(params, lr=lr)


def blas_facts():
    """The kernel and thread count of the OpenBLAS behind torch (libblas.so.3 on Debian), if it is OpenBLAS."""
    try:
        lib = ctypes.CDLL("libblas.so.3")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return {"blas_core": lib.openblas_get_corename().decode(), "blas_threads": lib.openblas_get_num_threads()}
    except (OSError, AttributeError):
        return {"blas_core": "not OpenBLAS (libblas.so.3 has no openblas_get_corename)"}


def time_steps(a, sizes, xtr, ttr):
    """The arithmetic of a step alone: a.time_steps steps over one permutation, a.runs times, after a warm-up run."""
    torch.manual_seed(a.seed)
    net = network(sizes, a.activation, a.init)
    opt = optimizer(a.optimizer, net.parameters(), a.lr, a.momentum)
    n = xtr.shape[0]
    perm = torch.randperm(n)
    per_step = []
    for r in range(a.runs + 1):
        t0 = time.perf_counter()
        for s in range(a.time_steps):
            k = s % (n // a.batch)
            i = perm[k * a.batch:(k + 1) * a.batch]
            loss = torch.nn.functional.cross_entropy(net(xtr[i]), ttr[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if r > 0:
            per_step.append(1000 * (time.perf_counter() - t0) / a.time_steps)
    per_step.sort()
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "network": "-".join(map(str, sizes)),
                      "batch": a.batch, **blas_facts(), "step_ms_median": per_step[len(per_step) // 2],
                      "step_ms_runs": per_step}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--hidden", default="256", help="comma-separated hidden layer sizes")
    ap.add_argument("--batch", type=int, default=2000)
    ap.add_argument("--lr", type=float, default=0.015)
    ap.add_argument("--warmup", type=int, default=10, help="linear learning-rate warm-up steps (0: none)")
    ap.add_argument("--optimizer", default="adam", choices=["adam", "momentum", "sgd", "adagrad"])
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--activation", default="relu", choices=["relu", "sigmoid"])
    ap.add_argument("--init", default="he", help="he, xavier or a standard deviation")
    ap.add_argument("--target", type=float, default=0.97)
    ap.add_argument("--max-epochs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0, help="run r uses seed + r")
    ap.add_argument("--time-steps", type=int, default=0,
                    help="instead of training to the target: time this many steps (forward, loss, backward, optimizer) "
                         "RUNS times after a warm-up, and print the median milliseconds a step")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    d = a.data_dir
    xtr, ttr = images(d + "/train-images-idx3-ubyte"), labels(d + "/train-labels-idx1-ubyte")
    xte, tte = images(d + "/t10k-images-idx3-ubyte"), labels(d + "/t10k-labels-idx1-ubyte")
    n = xtr.shape[0]
    sizes = [xtr.shape[1]] + [int(h) for h in a.hidden.split(",") if h] + [int(ttr.max()) + 1]
    warmup = a.warmup
    if a.time_steps > 0:
        time_steps(a, sizes, xtr, ttr)
        return
    runs = []
    for r in range(a.runs):
        torch.manual_seed(a.seed + r)
        net = network(sizes, a.activation, a.init)
        opt = optimizer(a.optimizer, net.parameters(), a.lr, a.momentum)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) if warmup > 0 else 1.0)
        t0 = time.perf_counter()
        steps, acc, epoch, reached = 0, 0.0, 0, False
        for epoch in range(1, a.max_epochs + 1):
            perm = torch.randperm(n)
            for s in range(n // a.batch):
                i = perm[s * a.batch:(s + 1) * a.batch]
                loss = torch.nn.functional.cross_entropy(net(xtr[i]), ttr[i])
                opt.zero_grad()
                loss.backward()
                opt.step()
                sched.step()
                steps += 1
            with torch.no_grad():
                acc = (net(xte).argmax(1) == tte).float().mean().item()
            if acc >= a.target:
                reached = True
                break
        dt = time.perf_counter() - t0
        runs.append({"seconds": dt, "epochs": epoch, "steps": steps, "test_accuracy": acc, "reached": reached,
                     "seconds_per_epoch": dt / epoch})
        print(f"torch {torch.__version__} cpu threads={a.threads} run {r}: test {acc:.4f} at epoch {epoch}, "
              f"{steps} steps, {dt:.2f} s, {dt / epoch:.2f} s/epoch", flush=True)
    seconds = sorted(x["seconds"] for x in runs)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "network": "-".join(map(str, sizes)),
                      "activation": a.activation, "init": a.init, "optimizer": a.optimizer, "lr": a.lr,
                      "warmup": a.warmup, "batch": a.batch, "target": a.target, **blas_facts(),
                      "seconds_median": seconds[len(seconds) // 2], "runs": runs}))


if __name__ == "__main__":
    main()
