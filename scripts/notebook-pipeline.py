#!/usr/bin/python3
"""The course notebook's pipeline, as a script: what `npm run bench -- matplotlib` runs beside
netreel's render of scenes/hidden.ts.

It trains the [2,3,3,1] sigmoid network on circles as scenes/hidden.ts does (1000 points, factor
0.3, noise 0.1; standard-normal weights and biases; mini-batch SGD, batch 50, eta 5, reshuffled
every epoch, 30 epochs; the second hidden layer's activations of every point kept every 5
mini-batches: 121 snapshots), then animates them as the notebook does: matplotlib's mplot3d
scatter of the 1000 points in the 3-D space of that layer, one FuncAnimation frame at a time,
written by FFMpegWriter. Training is numpy, vectorised over each mini-batch (scripts/numpy_sgd.py);
the notebook's own per-example loop (Nielsen's network.py) is slower (~44 ms an epoch against
~1 ms here), so the benchmark gives matplotlib's side the faster training.

The encoder's settings are netreel's own: the output options of netreel's MP4 (x264 veryfast,
CRF 18, BT.709, GOP of 2 s, faststart) are the default here, and `npm run bench` passes the ones
netreel uses, with the ffmpeg binary netreel uses, so that both sides encode alike.

    /usr/bin/python3 scripts/notebook-pipeline.py --out /tmp/mpl.mp4 [--frames 360]
        [--size 1280x720] [--fps 30] [--seed 2] [--ffmpeg PATH] [--encoder-args JSON]
    /usr/bin/python3 scripts/notebook-pipeline.py --print-encoder-args [--fps 30]

Needs Debian's python3-matplotlib (which brings python3-numpy). Prints one JSON line: what it
did, the CPU seconds of each phase (this process; ffmpeg's are its own), the final accuracy and
the ffmpeg command FFMpegWriter ran.
"""
import argparse
import json
import os
import sys
import time


def default_encoder_args(fps):
    """netreel's MP4 output options (src/video/formats.ts, videoOptions("mp4"), not preview).
    tests/notebook-pipeline.test.ts checks that the two agree."""
    bt709 = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
    return [
        "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
        "-g", str(max(1, round(fps * 2))), "-movflags", "+faststart", *bt709,
    ]


def parse_args():
    parser = argparse.ArgumentParser(description="The course notebook's pipeline: numpy training, matplotlib mplot3d frames, FFMpegWriter.")
    parser.add_argument("--out", help="the MP4 to write")
    parser.add_argument("--frames", type=int, default=360, help="frames in the animation (default 360: 12 s at 30 fps)")
    parser.add_argument("--size", default="1280x720", help="frame size WxH (default 1280x720: figsize 12.8x7.2 at dpi 100)")
    parser.add_argument("--fps", type=int, default=30)
    # numpy's stream is not netreel's, so its seed 3 gives other numbers (and a run that ends at
    # 84.5%); 2 is the first seed from 0 up whose run separates the circles (100% at the end).
    parser.add_argument("--seed", type=int, default=2, help="numpy's seed for the data, the weights and the shuffling")
    parser.add_argument("--ffmpeg", default=os.environ.get("FFMPEG_PATH") or "ffmpeg", help="the ffmpeg binary")
    parser.add_argument("--encoder-args", help="ffmpeg's output options as a JSON list, the codec as -c:v NAME (default: netreel's MP4 options)")
    parser.add_argument("--print-encoder-args", action="store_true", help="print the default encoder options as JSON and exit")
    args = parser.parse_args()
    if not args.print_encoder_args and not args.out:
        parser.error("--out is required")
    try:
        args.width, args.height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WxH, got {args.size}")
    if args.frames < 1:
        parser.error("--frames must be at least 1")
    return args


# The training of scenes/hidden.ts.
SIZES = [2, 3, 3, 1]
N, FACTOR, NOISE = 1000, 0.3, 0.1
EPOCHS, BATCH, ETA, EVERY = 30, 50, 5.0, 5
LAYER = 2


def make_circles(n, factor, noise, rng):
    """scikit-learn's make_circles (shuffle=True), step by step: the same numbers as
    sklearn.datasets.make_circles(n, factor=factor, noise=noise, random_state=rng)."""
    import numpy as np

    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.append(np.cos(t_out), factor * np.cos(t_in)), np.append(np.sin(t_out), factor * np.sin(t_in))]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.arange(n)
    rng.shuffle(order)
    X, y = X[order], y[order]
    X += rng.normal(scale=noise, size=X.shape)
    return X, y


def train(seed):
    """Trains as scenes/hidden.ts does; returns the snapshots as (epoch, loss, accuracy, layer-2
    activations of every point as an N x 3 array), the labels and the final accuracy."""
    import numpy as np

    from numpy_sgd import forward, sgd_step

    rng = np.random.RandomState(seed)
    X, y = make_circles(N, FACTOR, NOISE, rng)
    # network.py: biases first, then weights, each standard normal.
    bs = [rng.randn(units, 1) for units in SIZES[1:]]
    Ws = [rng.randn(rows, cols) for cols, rows in zip(SIZES[:-1], SIZES[1:])]
    XT, YT = X.T.copy(), y.reshape(1, -1).astype(float)
    batches = -(-N // BATCH)
    snapshots = []

    def take(batch):
        A = forward(Ws, bs, XT)
        out = A[-1]
        loss = float(np.mean(0.5 * np.sum((out - YT) ** 2, axis=0)))
        accuracy = float(np.mean((out[0] >= 0.5) == (y == 1)))
        snapshots.append((batch / batches, loss, accuracy, A[LAYER].T.copy()))

    take(0)
    batch = 0
    for _ in range(EPOCHS):
        order = rng.permutation(N)
        for start in range(0, N, BATCH):
            rows = order[start:start + BATCH]
            sgd_step(Ws, bs, XT[:, rows], YT[:, rows], ETA)
            batch += 1
            if batch % EVERY == 0:
                take(batch)
    if batch % EVERY != 0:
        take(batch)
    return snapshots, y


def animate(args, snapshots, y):
    """The notebook's animation: an mplot3d scatter per class, its points moved to each frame's
    state (interpolated linearly between the two snapshots around the frame's time), drawn by
    FuncAnimation and piped to ffmpeg by FFMpegWriter. Returns the ffmpeg command it ran."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib import pyplot as plt
    from matplotlib.animation import FFMpegWriter, FuncAnimation

    matplotlib.rcParams["animation.ffmpeg_path"] = args.ffmpeg
    encoder = json.loads(args.encoder_args) if args.encoder_args else default_encoder_args(args.fps)
    codec_at = encoder.index("-c:v")
    codec = encoder[codec_at + 1]
    extra = encoder[:codec_at] + encoder[codec_at + 2:]

    # The notebook's figure at 1280x720 is 12.8 x 7.2 inches at dpi 100; other sizes keep its
    # layout (and type size relative to the frame) by changing the dpi.
    dpi = 100 * args.height / 720
    fig = plt.figure(figsize=(args.width / dpi, args.height / dpi), dpi=dpi)
    ax = fig.add_subplot(projection="3d")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_zlim(0, 1)
    ax.set_xlabel("h1")
    ax.set_ylabel("h2")
    ax.set_zlabel("h3")
    ax.view_init(elev=20, azim=30)
    classes = [(y == 0, "tab:blue", "outer circle (y=0)"), (y == 1, "tab:red", "inner circle (y=1)")]
    first = snapshots[0][3]
    scatters = [ax.scatter(*first[mask].T, s=8, c=colour, label=label) for mask, colour, label in classes]
    ax.legend(loc="upper left")
    title = ax.set_title("")

    epochs = np.array([s[0] for s in snapshots])
    losses = np.array([s[1] for s in snapshots])
    last = len(snapshots) - 1

    def update(i):
        at = i * last / (args.frames - 1) if args.frames > 1 else last
        k = min(int(at), last - 1) if last > 0 else 0
        t = at - k
        following = snapshots[min(k + 1, last)][3]
        h = (1 - t) * snapshots[k][3] + t * following
        for (mask, _, _), scatter in zip(classes, scatters):
            scatter._offsets3d = (h[mask, 0], h[mask, 1], h[mask, 2])
        epoch = (1 - t) * epochs[k] + t * epochs[min(k + 1, last)]
        loss = (1 - t) * losses[k] + t * losses[min(k + 1, last)]
        title.set_text(f"hidden layer {LAYER}   epoch {epoch:.2f}   loss {loss:.4f}")
        return scatters

    animation = FuncAnimation(fig, update, frames=args.frames, interval=1000 / args.fps, blit=False)
    writer = FFMpegWriter(fps=args.fps, codec=codec, extra_args=extra)
    animation.save(args.out, writer=writer)
    return writer._args()


def main():
    args = parse_args()
    if args.print_encoder_args:
        print(json.dumps(default_encoder_args(args.fps)))
        return
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import matplotlib  # noqa: F401  (its import is part of the pipeline's start-up)
    import numpy  # noqa: F401

    startup_cpu = time.process_time()
    started = time.perf_counter()
    snapshots, y = train(args.seed)
    trained = time.perf_counter()
    train_cpu = time.process_time() - startup_cpu
    command = animate(args, snapshots, y)
    animate_cpu = time.process_time() - startup_cpu - train_cpu
    print(json.dumps({
        "frames": args.frames,
        "size": f"{args.width}x{args.height}",
        "snapshots": len(snapshots),
        "accuracy": snapshots[-1][2],
        "startup_cpu": round(startup_cpu, 3),
        "train_cpu": round(train_cpu, 3),
        "train_seconds": round(trained - started, 3),
        "animate_cpu": round(animate_cpu, 3),
        "animate_seconds": round(time.perf_counter() - trained, 3),
        "ffmpeg_command": command,
    }))


if __name__ == "__main__":
    main()
