#!/usr/bin/env python3
"""Longest gap between DHCP answers seen by perfdhcp in each measured window.

perfdhcp -x t prints "sent / received: S / R" per completed exchange, each time since its start as HHMMSS.ffffff
(boost's ISO duration: 61.5 s is 000101.500000, not 101.5); the windows file
holds perfdhcp's start (epoch ms) and, per strategy, the change's start and the moment both servers were normal
again (epoch ms). A gap counts for a window when it overlaps it.
"""
import sys

perf, windows = sys.argv[1], sys.argv[2]
def seconds(stamp):
    stamp = stamp.strip()
    whole, _, fraction = stamp.partition('.')
    whole = whole.rjust(6, '0')
    return int(whole[:-4]) * 3600 + int(whole[-4:-2]) * 60 + int(whole[-2:]) + float('0.' + (fraction or '0'))


received = sorted(seconds(line.split('/')[-1]) for line in open(perf) if line.startswith('sent / received:'))
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
