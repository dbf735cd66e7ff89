"""The one-process benchmark's reading of the bot's own reply times from /metrics."""

from __future__ import annotations

import math

from bench.one_process import bucket_delta, reply_buckets
from bot.core.monitor import LatencyHistogram, Runtime
from bot.health import build_registry


def scrape(runtime: Runtime) -> dict[str, float]:
    """/metrics as bench.one_process.metrics parses it: sample name with labels -> value."""
    from prometheus_client import generate_latest

    values = {}
    for line in generate_latest(build_registry(runtime)).decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


async def test_the_buckets_of_one_command_are_read_from_the_bots_metrics():
    """Only the named command's buckets, cumulative and in order, +inf last."""
    runtime = Runtime()
    runtime.replies.histogram("term").observe(0.002)
    runtime.replies.histogram("term").observe(0.2)
    runtime.replies.histogram("quiz").observe(0.001)
    buckets = reply_buckets(scrape(runtime), "term")
    assert [b for b, _ in buckets] == list(LatencyHistogram().bounds)
    assert dict(buckets)[0.002] == 1 and dict(buckets)[math.inf] == 2
    assert reply_buckets(scrape(runtime), "nope") == []


async def test_the_load_window_is_the_difference_of_two_scrapes():
    """What was observed before the load is taken out, bucket by bucket."""
    runtime = Runtime()
    runtime.replies.histogram("term").observe(0.5)
    before = reply_buckets(scrape(runtime), "term")
    runtime.replies.histogram("term").observe(0.002)
    delta = bucket_delta(reply_buckets(scrape(runtime), "term"), before)
    assert dict(delta)[0.002] == 1 and dict(delta)[math.inf] == 1
