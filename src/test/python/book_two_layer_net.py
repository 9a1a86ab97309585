"""The book's ch05 TwoLayerNet (784-50-10, ReLU, weight_init_std 0.01, SGD lr 0.1, batch 100), timed to a
target test accuracy. Part of the benchmark (dev.scratchnet.bench.Benchmark), which runs it and parses the
one JSON line it prints last.

Usage: python3 book_two_layer_net.py DATA_DIR [REPEATS] [TARGET] [MAX_EPOCHS]

Like ch05/train_neuralnet.py: images as float32 in [0, 1], one-hot labels, minibatches drawn with
np.random.choice every iteration, test accuracy after every epoch (600 iterations). Two clocks:
"seconds" runs from the first step to the end of the evaluation that first shows test accuracy >= TARGET;
"step_seconds" counts the training steps only (the DESIGN.md anchor). The book also measures train
accuracy every epoch; that is left out here (with float64 weights it converts all 60,000 float32 images
every epoch, ~2 s, which would dominate the clock).
"""
import gzip
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir):
    def images(name):
        return (read_idx(os.path.join(data_dir, name)).reshape(-1, 784).astype(np.float32)) / 255.0

    def one_hot(name):
        labels = read_idx(os.path.join(data_dir, name)).astype(np.int64)
        t = np.zeros((labels.size, 10), dtype=np.float32)
        t[np.arange(labels.size), labels] = 1
        return t

    return (images("train-images-idx3-ubyte"), one_hot("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), one_hot("t10k-labels-idx1-ubyte"))


def softmax(x):
    x = x - np.max(x, axis=1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=1, keepdims=True)


class TwoLayerNet:
    """common/layers.py's Affine, Relu, SoftmaxWithLoss, fused into one class (same arithmetic)."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size), "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size), "b2": np.zeros(output_size)}

    def predict(self, x):
        h = np.maximum(0, x @ self.params["W1"] + self.params["b1"])
        return h @ self.params["W2"] + self.params["b2"]

    def accuracy(self, x, t):
        return float(np.sum(np.argmax(self.predict(x), axis=1) == np.argmax(t, axis=1))) / x.shape[0]

    def gradient(self, x, t):
        p = self.params
        a1 = x @ p["W1"] + p["b1"]
        mask = a1 <= 0
        z1 = np.where(mask, 0, a1)
        y = softmax(z1 @ p["W2"] + p["b2"])
        dout = (y - t) / x.shape[0]
        grads = {"W2": z1.T @ dout, "b2": np.sum(dout, axis=0)}
        dz1 = dout @ p["W2"].T
        dz1[mask] = 0
        grads["W1"] = x.T @ dz1
        grads["b1"] = np.sum(dz1, axis=0)
        return grads


def run(data, seed, target, max_epochs, batch_size=100, learning_rate=0.1):
    x_train, t_train, x_test, t_test = data
    np.random.seed(seed)
    net = TwoLayerNet(784, 50, 10)
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size // batch_size, 1)
    start = time.perf_counter()
    epoch_seconds = []
    eval_seconds = 0.0
    for i in range(max_epochs * iter_per_epoch):
        batch_mask = np.random.choice(train_size, batch_size)
        grads = net.gradient(x_train[batch_mask], t_train[batch_mask])
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= learning_rate * grads[key]
        if (i + 1) % iter_per_epoch == 0:
            eval_start = time.perf_counter()
            test_acc = net.accuracy(x_test, t_test)
            now = time.perf_counter()
            eval_seconds += now - eval_start
            epoch_seconds.append(now - start)
            if test_acc >= target:
                break
    return {"seconds": epoch_seconds[-1], "step_seconds": epoch_seconds[-1] - eval_seconds, "steps": i + 1,
            "epochs": len(epoch_seconds), "test_accuracy": test_acc, "reached": test_acc >= target}


def main():
    data_dir = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    target = float(sys.argv[3]) if len(sys.argv) > 3 else 0.97
    max_epochs = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    data = load(data_dir)
    runs = [run(data, seed, target, max_epochs) for seed in range(repeats)]
    print(json.dumps({"numpy": np.__version__, "python": sys.version.split()[0], "runs": runs}))


if __name__ == "__main__":
    main()
