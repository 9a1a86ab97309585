"""What a machine's second core adds to single-precision matrix products, the arithmetic of a step: the ceiling of
any two-core speed-up the trainer can show. Runs a demo step's two big products (a share of 250 rows: 250x784 times
784x256, and 784x250 times 250x256) REPEATS times in one process on one thread, then in two such processes at once,
and a 1000x1000 product on one thread and on two threads in one process. Prints the times and the speed-ups: 2.0
where the cores are whole cores, about 1.0 where two virtual CPUs share one core's floating-point units (SMT siblings
on the host). Uses Debian's python3-torch (with libopenblas0-pthread), as the PyTorch anchor does.

Usage: /usr/bin/python3 src/test/python/second_core.py [REPEATS]   (default 3000)
"""
import subprocess
import sys
import time

import torch


def step_products(repeats):
    torch.set_num_threads(1)
    a, w, d = torch.randn(250, 784), torch.randn(784, 256), torch.randn(250, 256)
    for _ in range(200):
        a @ w
        a.t() @ d
    start = time.perf_counter()
    for _ in range(repeats):
        a @ w
        a.t() @ d
    return time.perf_counter() - start


def square(threads, repeats=200):
    torch.set_num_threads(threads)
    a, b = torch.randn(1000, 1000), torch.randn(1000, 1000)
    for _ in range(20):
        a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return time.perf_counter() - start


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        print(step_products(int(sys.argv[2])))
        return
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    alone = step_products(repeats)
    both = [subprocess.Popen([sys.executable, __file__, "--one", str(repeats)], stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    together = [float(p.communicate()[0]) for p in both]
    one, two = square(1), square(2)
    print(f"a step's products, {repeats} times: alone {alone:.2f} s; two processes at once {together[0]:.2f} s and "
          f"{together[1]:.2f} s: the pair's throughput {2 * alone / max(together):.2f}x of one")
    print(f"1000x1000 sgemm, 200 times: one thread {one:.2f} s ({200 * 2e9 / one / 1e9:.0f} GFLOP/s), two threads "
          f"{two:.2f} s ({200 * 2e9 / two / 1e9:.0f} GFLOP/s): {one / two:.2f}x")


if __name__ == "__main__":
    main()
