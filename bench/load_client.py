"""A bounded load generator for a running kepu server on 127.0.0.1 (asyncio + aiohttp).

Closed loop (`run_load`): `concurrency` clients each send their next request as soon as the
previous one is answered, until `requests` have been sent in all or `max_seconds` have passed.
Open loop (`run_open_loop`): requests arrive at a fixed rate whatever the answers, the way real
traffic comes; a request's latency counts from its scheduled arrival, so a server falling behind
shows as queueing rather than as fewer requests sent. Request kinds:
ask (the policy/chat API), rumor (POST /api/rumor-check), search (GET /api/search) and wechat
(signed, encrypted messages to POST /wechat, replies decrypted and checked as the platform does).

aiohttp rather than httpx: the generator shares the 2 cores with the server, and httpx's pure-Python
HTTP/1.1 parser cost about 3.5 ms of CPU per request here (a whole core at 300 requests/s), which the
server then lacked; aiohttp's C parser costs a fraction of that.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx

from bench.stats import cpu_seconds, latency_summary, load_average

DEFAULT_MIX = {"ask": 0.4, "rumor": 0.25, "search": 0.2, "wechat": 0.15}
OPEN_LOOP_CONNECTIONS = 512  # arrivals never wait for a free connection below this many in flight


@dataclass
class WeChatConfig:
    token: str
    appid: str
    aes_key: str


@dataclass
class AskEndpoint:
    """How this server takes a question: found in its OpenAPI document."""

    path: str = "/"
    method: str = "GET"
    field: str = "q"  # JSON field (POST) or query parameter (GET)

    @classmethod
    def discover(cls, base_url: str) -> AskEndpoint:
        try:
            spec = httpx.get(base_url + "/openapi.json", timeout=10).json()
        except (httpx.HTTPError, ValueError):
            return cls()
        operation = (spec.get("paths") or {}).get("/api/ask") or {}
        if "post" in operation:
            names = _body_fields(spec, operation["post"])
            picked = next(
                (n for n in ("question", "q", "text") if n in names), names[0] if names else "question"
            )
            return cls("/api/ask", "POST", picked)
        if "get" in operation:
            params = [p.get("name") for p in operation["get"].get("parameters", [])]
            return cls("/api/ask", "GET", next((n for n in ("q", "question") if n in params), "q"))
        return cls()  # no API route: the 问答 page answers through the same chat service


def _body_fields(spec: dict, operation: dict) -> list[str]:
    schema = (((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get(
        "schema", {}
    )
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        schema = spec.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[1], {})
    return list((schema.get("properties") or {}).keys())


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    status: Counter = field(default_factory=Counter)
    transport_errors: int = 0
    wechat_answered: int = 0
    wechat_unreadable: int = 0
    sent: int = 0
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (sent at, seconds taken)


def schedule(requests: int, mix: dict[str, float], seed: int = 11) -> list[str]:
    """The kinds of all requests, in order, drawn with the mix's weights."""
    rng = random.Random(seed)
    kinds = [k for k, w in mix.items() if w > 0]
    return rng.choices(kinds, weights=[mix[k] for k in kinds], k=requests)


async def _one(
    session: aiohttp.ClientSession,
    kind: str,
    text: str,
    ask: AskEndpoint,
    platform,
    openid: str,
    outcome: Outcome,
    scheduled: float | None = None,
) -> None:
    started = time.perf_counter() if scheduled is None else scheduled
    try:
        if kind == "ask":
            if ask.method == "POST":
                request = session.post(ask.path, json={ask.field: text})
            else:
                request = session.get(ask.path, params={ask.field: text})
        elif kind == "rumor":
            request = session.post("/api/rumor-check", json={"text": text})
        elif kind == "search":
            request = session.get("/api/search", params={"q": text[:60]})
        else:
            message = platform.request(platform.text(openid, text), openid=openid)
            request = session.post("/wechat", params=message["params"], data=message["content"])
        async with request as response:
            body = await response.text()
            status = response.status
    except (TimeoutError, aiohttp.ClientError):
        outcome.transport_errors += 1
        outcome.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        return
    outcome.latencies.setdefault(kind, []).append(time.perf_counter() - started)
    outcome.timeline.append((started, time.perf_counter() - started))
    outcome.status[status] += 1
    if kind == "wechat" and status == 200:
        try:
            reply = platform.read_reply(body)
            outcome.wechat_answered += reply is not None and bool(reply.content)
        except Exception:  # noqa: BLE001 - any reply the platform could not read counts
            outcome.wechat_unreadable += 1


async def _run(
    base_url: str,
    kinds: list[str],
    texts: dict[str, list[str]],
    concurrency: int,
    max_seconds: float,
    wechat: WeChatConfig | None,
    timeout: float,
) -> tuple[Outcome, float]:
    platform = _platform(wechat)
    ask = AskEndpoint.discover(base_url)
    outcome = Outcome()
    counter = itertools.count()
    pickers = {k: itertools.cycle(v) for k, v in texts.items() if v}
    deadline = time.perf_counter() + max_seconds

    async def worker(number: int, session: aiohttp.ClientSession) -> None:
        openid = f"oBenchLoad{number:03d}"
        while time.perf_counter() < deadline:
            index = next(counter)
            if index >= len(kinds):
                return
            kind = kinds[index]
            if kind == "wechat" and platform is None:
                kind = "rumor"
            outcome.sent += 1
            await _one(session, kind, next(pickers[kind]), ask, platform, openid, outcome)

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(
        base_url=base_url, connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        await asyncio.gather(*(worker(i, session) for i in range(concurrency)))
    return outcome, time.perf_counter() - started


def _slow_by_window(timeline: list[tuple[float, float]], window: float = 5.0, slow: float = 0.3) -> dict:
    """Requests slower than `slow` seconds per `window` seconds of the run: a warm-up tail (new texts
    meeting empty caches) looks different from a steady one."""
    if not timeline:
        return {}
    start = min(t for t, _ in timeline)
    counts = Counter(int((t - start) // window) * int(window) for t, took in timeline if took > slow)
    return {f"{k}s": v for k, v in sorted(counts.items())}


def process_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (from /proc; gone ones count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _platform(wechat: WeChatConfig | None):
    if wechat is None:
        return None
    from tests.support.wechat_platform import WeChatPlatform

    return WeChatPlatform(token=wechat.token, appid=wechat.appid, aes_key=wechat.aes_key)


async def _open(
    base_url: str,
    kinds: list[str],
    texts: dict[str, list[str]],
    rate: float,
    wechat: WeChatConfig | None,
    timeout: float,
) -> tuple[Outcome, float, float]:
    platform = _platform(wechat)
    ask = AskEndpoint.discover(base_url)
    outcome = Outcome()
    pickers = {k: itertools.cycle(v) for k, v in texts.items() if v}
    connector = aiohttp.TCPConnector(limit=OPEN_LOOP_CONNECTIONS)
    tasks, lag = [], 0.0
    async with aiohttp.ClientSession(
        base_url=base_url, connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        started = time.perf_counter()
        for i, kind in enumerate(kinds):
            at = started + i / rate
            delay = at - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, time.perf_counter() - at)
            kind = "rumor" if kind == "wechat" and platform is None else kind
            outcome.sent += 1
            tasks.append(
                asyncio.create_task(
                    _one(
                        session,
                        kind,
                        next(pickers[kind]),
                        ask,
                        platform,
                        f"oBenchOpen{i % 256:03d}",
                        outcome,
                        scheduled=at,
                    )
                )
            )
        await asyncio.gather(*tasks)
    return outcome, time.perf_counter() - started, lag


def _summary(outcome: Outcome, wall: float, mix: dict, load_before, cpu_before: float) -> dict:
    every = [s for values in outcome.latencies.values() for s in values]
    errors_5xx = sum(n for code, n in outcome.status.items() if code >= 500)
    other = sum(n for code, n in outcome.status.items() if 400 <= code < 500) + outcome.transport_errors
    return {
        "requests": outcome.sent,
        "mix": mix,
        "errors_5xx": errors_5xx,
        "errors_other": other,
        "transport_errors": outcome.transport_errors,
        "status": {str(k): v for k, v in sorted(outcome.status.items())},
        "rps": round(outcome.sent / wall, 1) if wall else None,
        "wall_seconds": round(wall, 1),
        **latency_summary(every),
        "by_kind": {k: latency_summary(v) for k, v in sorted(outcome.latencies.items())},
        "slow_by_window": _slow_by_window(outcome.timeline),
        "wechat_answered": outcome.wechat_answered,
        "wechat_unreadable": outcome.wechat_unreadable,
        "client_cpu_seconds": round(cpu_seconds() - cpu_before, 1),
        "load_average_before": load_before,
        "load_average": load_average(),
    }


def _mix_and_texts(mix: dict[str, float] | None, texts: dict[str, list[str]]) -> tuple[dict, dict]:
    """The kinds that have texts to send (WeChat reuses the ask and rumour texts when it has none)."""
    mix = {
        k: w for k, w in (mix or DEFAULT_MIX).items() if texts.get(k) or (k == "wechat" and texts.get("ask"))
    }
    return mix, {**texts, "wechat": texts.get("wechat") or texts.get("ask", []) + texts.get("rumor", [])}


def run_open_loop(
    base_url: str,
    rate: float,
    seconds: float,
    texts: dict[str, list[str]],
    mix: dict[str, float] | None = None,
    wechat: WeChatConfig | None = None,
    timeout: float = 30.0,
    seed: int = 13,
) -> dict:
    """Requests arriving at `rate` per second for `seconds`; latency from each scheduled arrival."""
    if rate <= 0 or seconds <= 0:
        raise ValueError("rate and seconds must be positive")
    mix, texts = _mix_and_texts(mix, texts)
    load_before, cpu_before = load_average(), cpu_seconds()
    kinds = schedule(int(rate * seconds), mix, seed=seed)
    outcome, wall, lag = asyncio.run(_open(base_url, kinds, texts, rate, wechat, timeout))
    return {
        "rate": rate,
        "seconds": seconds,
        "client_max_lag_ms": round(lag * 1000, 1),
        **_summary(outcome, wall, mix, load_before, cpu_before),
    }


def run_load(
    base_url: str,
    requests: int,
    concurrency: int,
    texts: dict[str, list[str]],
    mix: dict[str, float] | None = None,
    wechat: WeChatConfig | None = None,
    max_seconds: float = 900,
    timeout: float = 30.0,
) -> dict:
    """Send the requests; summary with latency per kind, status counts and throughput."""
    if requests < 1 or concurrency < 1:
        raise ValueError("requests and concurrency must be positive")
    mix, texts = _mix_and_texts(mix, texts)
    load_before, cpu_before = load_average(), cpu_seconds()
    outcome, wall = asyncio.run(
        _run(base_url, schedule(requests, mix), texts, concurrency, max_seconds, wechat, timeout)
    )
    return {
        "requests_planned": requests,
        "concurrency": concurrency,
        **_summary(outcome, wall, mix, load_before, cpu_before),
    }
