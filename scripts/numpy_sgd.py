"""Mini-batch SGD for a sigmoid network with the quadratic cost, vectorised over each batch with
numpy: the numbers of DESIGN.md ("The numbers are the notebook's"), as Nielsen's network.py has
them, with examples as columns. Shared by scripts/numpy-train-bench.py (the training bench's
reference) and scripts/notebook-pipeline.py (the notebook's whole pipeline)."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(Ws, bs, X):
    """The activations of every layer for the examples X (one per column), input first."""
    A = [X]
    for W, b in zip(Ws, bs):
        A.append(sigmoid(W @ A[-1] + b))
    return A


def sgd_step(Ws, bs, X, Y, eta):
    """One step on the batch X (examples as columns) with targets Y: W -= (eta / m) * sum of the
    per-example gradients of 0.5 * ||a - y||^2, and the same for b. Updates Ws and bs in place."""
    m = X.shape[1]
    A = forward(Ws, bs, X)
    delta = (A[-1] - Y) * A[-1] * (1 - A[-1])
    for l in range(len(Ws) - 1, -1, -1):
        gb = delta.sum(axis=1, keepdims=True)
        gW = delta @ A[l].T
        if l > 0:
            delta = (Ws[l].T @ delta) * A[l] * (1 - A[l])
        Ws[l] -= (eta / m) * gW
        bs[l] -= (eta / m) * gb
