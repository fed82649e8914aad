"""A bounded load generator for a running kepu server on 127.0.0.1 (asyncio + aiohttp).

`concurrency` clients each send their next request as soon as the previous one is answered (a
closed loop), until `requests` have been sent in all or `max_seconds` have passed. Request kinds:
ask (the policy/chat API), rumor (POST /api/rumor-check), search (GET /api/search) and wechat
(signed, encrypted messages to POST /wechat, replies decrypted and checked as the platform does).

aiohttp rather than httpx: the generator shares the 2 cores with the server, and httpx's pure-Python
HTTP/1.1 parser cost about 3.5 ms of CPU per request here (a whole core at 300 requests/s), which the
server then lacked; aiohttp's C parser costs a fraction of that.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
import httpx

from bench.stats import cpu_seconds, latency_summary, load_average

DEFAULT_MIX = {"ask": 0.4, "rumor": 0.25, "search": 0.2, "wechat": 0.15}


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
            picked = next((n for n in ("question", "q", "text") if n in names), names[0] if names else "question")
            return cls("/api/ask", "POST", picked)
        if "get" in operation:
            params = [p.get("name") for p in operation["get"].get("parameters", [])]
            return cls("/api/ask", "GET", next((n for n in ("q", "question") if n in params), "q"))
        return cls()  # no API route: the 问答 page answers through the same chat service


def _body_fields(spec: dict, operation: dict) -> list[str]:
    schema = (((operation.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema", {})
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


async def _one(session: aiohttp.ClientSession, kind: str, text: str, ask: AskEndpoint, platform, openid: str,
               outcome: Outcome) -> None:
    started = time.perf_counter()
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


async def _run(base_url: str, kinds: list[str], texts: dict[str, list[str]], concurrency: int, max_seconds: float,
               wechat: WeChatConfig | None, timeout: float) -> tuple[Outcome, float]:
    platform = None
    if wechat is not None:
        from tests.support.wechat_platform import WeChatPlatform

        platform = WeChatPlatform(token=wechat.token, appid=wechat.appid, aes_key=wechat.aes_key)
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
    async with aiohttp.ClientSession(base_url=base_url, connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:
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


def run_load(base_url: str, requests: int, concurrency: int, texts: dict[str, list[str]],
             mix: dict[str, float] | None = None, wechat: WeChatConfig | None = None, max_seconds: float = 900,
             timeout: float = 30.0) -> dict:
    """Send the requests; summary with latency per kind, status counts and throughput."""
    if requests < 1 or concurrency < 1:
        raise ValueError("requests and concurrency must be positive")
    mix = {k: w for k, w in (mix or DEFAULT_MIX).items() if texts.get(k) or (k == "wechat" and texts.get("ask"))}
    texts = {**texts, "wechat": texts.get("wechat") or texts.get("ask", []) + texts.get("rumor", [])}
    load_before, cpu_before = load_average(), cpu_seconds()
    outcome, wall = asyncio.run(_run(base_url, schedule(requests, mix), texts, concurrency, max_seconds, wechat,
                                     timeout))
    every = [s for values in outcome.latencies.values() for s in values]
    summary = latency_summary(every)
    errors_5xx = sum(n for code, n in outcome.status.items() if code >= 500)
    other = sum(n for code, n in outcome.status.items() if 400 <= code < 500) + outcome.transport_errors
    return {
        "requests": outcome.sent,
        "requests_planned": requests,
        "concurrency": concurrency,
        "mix": mix,
        "errors_5xx": errors_5xx,
        "errors_other": other,
        "transport_errors": outcome.transport_errors,
        "status": {str(k): v for k, v in sorted(outcome.status.items())},
        "rps": round(outcome.sent / wall, 1) if wall else None,
        "wall_seconds": round(wall, 1),
        **summary,
        "by_kind": {k: latency_summary(v) for k, v in sorted(outcome.latencies.items())},
        "slow_by_window": _slow_by_window(outcome.timeline),
        "wechat_answered": outcome.wechat_answered,
        "wechat_unreadable": outcome.wechat_unreadable,
        "client_cpu_seconds": round(cpu_seconds() - cpu_before, 1),
        "load_average_before": load_before,
        "load_average": load_average(),
    }
