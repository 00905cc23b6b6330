#!/usr/bin/python3
"""The reference for `npm run bench -- train`: the same loop in numpy, vectorised over each
mini-batch ([2,3,3,1] sigmoid, 1000 points, batch 50, 1000 epochs). Prints seconds."""
import time

import numpy as np

rng = np.random.default_rng(0)
n = 1000
X = rng.standard_normal((n, 2))
y = (rng.random(n) > 0.5).astype(float).reshape(-1, 1)
sizes = [2, 3, 3, 1]
Ws = [rng.standard_normal((sizes[l + 1], sizes[l])) for l in range(3)]
bs = [rng.standard_normal((sizes[l + 1], 1)) for l in range(3)]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


start = time.perf_counter()
for epoch in range(1000):
    for k in range(0, n, 50):
        A = [X[k:k + 50].T]
        for W, b in zip(Ws, bs):
            A.append(sigmoid(W @ A[-1] + b))
        delta = (A[-1] - y[k:k + 50].T) * A[-1] * (1 - A[-1])
        gW, gb = [None] * 3, [None] * 3
        for l in range(2, -1, -1):
            gb[l] = delta.sum(axis=1, keepdims=True)
            gW[l] = delta @ A[l].T
            if l > 0:
                delta = (Ws[l].T @ delta) * A[l] * (1 - A[l])
        Ws = [W - (3.0 / 50) * g for W, g in zip(Ws, gW)]
        bs = [b - (3.0 / 50) * g for b, g in zip(bs, gb)]
print(f"{time.perf_counter() - start:.3f}")
