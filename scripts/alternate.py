#!/usr/bin/env python3
"""Compares the CPU time of two or more binaries on one command line, run alternately.

This VM's speed drifts by +-15% within minutes, so timings of one binary after the other
mislead; runs taken in turn, and the median of their paired ratios, do not.

    scripts/alternate.py ROUNDS "ARGS" OLD_BIN NEW_BIN [MORE_BINS...]

Each round runs every binary once with ARGS (the order reversed every other round) and
records its user + system CPU seconds. Prints each binary's median, min and max, and the
median of the per-round ratios to the first binary.
"""
import os
import shlex
import statistics
import subprocess
import sys


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rounds, args, bins = int(sys.argv[1]), shlex.split(sys.argv[2]), sys.argv[3:]
    times = {b: [] for b in bins}
    for r in range(rounds):
        for b in bins if r % 2 == 0 else bins[::-1]:
            t0 = os.times()
            subprocess.run([b] + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            t1 = os.times()
            times[b].append(t1.children_user - t0.children_user + t1.children_system - t0.children_system)
    for b in bins:
        v = times[b]
        print(f"{b}: median {statistics.median(v):.3f} s  min {min(v):.3f}  max {max(v):.3f}  runs {len(v)}")
    for b in bins[1:]:
        ratios = [x / y for x, y in zip(times[b], times[bins[0]])]
        print(f"{b} / {bins[0]}: median paired ratio {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
