#!/usr/bin/env python3
"""Longest gap between DHCP answers seen by perfdhcp in each measured window.

perfdhcp -x t prints "sent / received: S / R" per completed exchange, in seconds since its start; the windows file
holds perfdhcp's start (epoch ms) and, per strategy, the change's start and the moment both servers were normal
again (epoch ms). A gap counts for a window when it overlaps it.
"""
import sys

perf, windows = sys.argv[1], sys.argv[2]
received = sorted(float(line.split('/')[-1]) for line in open(perf) if line.startswith('sent / received:'))
lines = open(windows).read().split()
origin = int(lines[0])
names = ['plain config-set on both', 'Tandem ordering (KeaEngine.apply)']
print('| strategy | change took | longest gap without DHCP answers | answers in window |')
print('|---|---|---|---|')
for i, name in enumerate(names):
    start = (int(lines[1 + 2 * i]) - origin) / 1000.0
    end = (int(lines[2 + 2 * i]) - origin) / 1000.0
    longest = 0.0
    count = 0
    for a, b in zip(received, received[1:]):
        if b >= start and a <= end:
            longest = max(longest, b - a)
        if start <= b <= end:
            count += 1
    print(f'| {name} | {end - start:.1f} s | {longest:.2f} s | {count} |')
