#!/usr/bin/python3
"""The reference for `npm run bench -- train`: the same loop in numpy, vectorised over each
mini-batch ([2,3,3,1] sigmoid, 1000 points, batch 50, 1000 epochs). Prints seconds."""
import time

import numpy as np

from numpy_sgd import sgd_step

rng = np.random.default_rng(0)
n = 1000
X = rng.standard_normal((n, 2))
y = (rng.random(n) > 0.5).astype(float).reshape(-1, 1)
sizes = [2, 3, 3, 1]
Ws = [rng.standard_normal((sizes[l + 1], sizes[l])) for l in range(3)]
bs = [rng.standard_normal((sizes[l + 1], 1)) for l in range(3)]

start = time.perf_counter()
for epoch in range(1000):
    for k in range(0, n, 50):
        sgd_step(Ws, bs, X[k:k + 50].T, y[k:k + 50].T, 3.0)
print(f"{time.perf_counter() - start:.3f}")
