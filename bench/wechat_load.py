"""Load on the WeChat endpoint of a running `kepu serve`: N concurrent clients acting as the
platform send signed (and, with an EncodingAESKey, encrypted) text messages; reports latency
and how many replies came within the 4.5-second budget WeChat leaves us.

    python -m bench.wechat_load --base-url http://127.0.0.1:8000 --token T --appid wx… --aes-key K

Token, AppID and key default to KEPU_WECHAT_TOKEN / KEPU_WECHAT_APPID / KEPU_WECHAT_AES_KEY, the
same settings the server reads. Every message has its own MsgId, so no reply comes from dedupe.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import time
from dataclasses import dataclass

import httpx
import xmltodict
from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

BUDGET_SECONDS = 4.5
QUESTIONS = (
    "谁负责科普教育基地建设？",
    "那牵头的是哪个单位？",
    "区科协负责哪些工作？",
    "区委宣传部牵头的任务有哪些？",
    "方案有哪些量化目标？",
    "科普基础设施工程包括哪些措施？",
    "吃大蒜能杀死新冠病毒吗？",
    "隔夜菜会致癌吗？",
    "5G基站辐射会致癌吗？",
    "方案的依据是什么？",
)


def _sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


@dataclass
class _Platform:
    token: str
    appid: str
    aes_key: str
    account: str = "gh_kepu_bench"

    def request(self, openid: str, content: str, msg_id: int) -> tuple[dict, bytes]:
        now = str(int(time.time()))
        nonce = str(random.randint(10**8, 10**10))
        xml = (f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
               f"</FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>")
        params = {"signature": _sign(self.token, now, nonce), "timestamp": now, "nonce": nonce, "openid": openid}
        if not self.aes_key:
            return params, xml.encode("utf-8")
        crypto = WeChatCrypto(self.token, self.aes_key, self.appid)
        encrypt = PrpCrypto(crypto.key).encrypt(xml, self.appid).decode("ascii")
        params.update(encrypt_type="aes", msg_signature=_sign(self.token, now, nonce, encrypt))
        body = f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        return params, body.encode("utf-8")

    def content_of(self, body: str) -> str | None:
        """The reply text (signature and AppID checked in safe mode), None for "success"."""
        if body in ("", "success"):
            return None
        if self.aes_key:
            outer = xmltodict.parse(body)["xml"]
            body = WeChatCrypto(self.token, self.aes_key, self.appid).decrypt_message(
                outer, outer["MsgSignature"], outer["TimeStamp"], outer["Nonce"])
        return xmltodict.parse(body)["xml"].get("Content") or ""


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


async def _run(base_url: str, platform: _Platform, concurrency: int, requests: int, duration: float,
               timeout: float, path: str) -> dict:
    msg_ids = itertools.count(int(time.time() * 1000))
    issued = itertools.count()
    latencies: list[float] = []
    counts = {"answered": 0, "success_only": 0, "http_errors": 0, "unreadable": 0, "transport_errors": 0}
    started = time.perf_counter()
    stop_at = started + duration

    async def client_loop(client: httpx.AsyncClient, number: int) -> None:
        openid = f"oBench-{number:03d}"
        while next(issued) < requests and time.perf_counter() < stop_at:
            question = QUESTIONS[random.randrange(len(QUESTIONS))]
            params, body = platform.request(openid, question, next(msg_ids))
            sent = time.perf_counter()
            try:
                response = await client.post(path, params=params, content=body)
            except httpx.HTTPError:
                counts["transport_errors"] += 1
                latencies.append(time.perf_counter() - sent)
                continue
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200:
                counts["http_errors"] += 1
                continue
            try:
                content = platform.content_of(response.text)
            except Exception:  # noqa: BLE001 - any reply the platform could not read counts as one
                counts["unreadable"] += 1
                continue
            counts["answered" if content else "success_only"] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:
        await asyncio.gather(*(client_loop(client, i) for i in range(concurrency)))
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    within = sum(1 for s in ordered if s <= BUDGET_SECONDS)
    return {
        "base_url": base_url,
        "concurrency": concurrency,
        "requests": len(ordered),
        **counts,
        "median_ms": round(statistics.median(ordered) * 1000, 1) if ordered else 0.0,
        "p95_ms": round(_percentile(ordered, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(ordered, 0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1) if ordered else 0.0,
        "within_budget": within,
        "within_budget_share": round(within / len(ordered), 4) if ordered else 0.0,
        "budget_seconds": BUDGET_SECONDS,
        "throughput_rps": round(len(ordered) / wall, 2) if wall else 0.0,
        "wall_seconds": round(wall, 2),
    }


def run(base_url: str, token: str, aes_key: str, appid: str, concurrency: int = 32, requests: int = 320,
        duration: float = 120.0, timeout: float = 15.0, path: str = "/wechat") -> dict:
    """Send up to `requests` messages (or for `duration` seconds) from `concurrency` clients."""
    if concurrency < 1 or requests < 1:
        raise ValueError("concurrency and requests must be positive")
    if not token:
        raise ValueError("the WeChat token is required")
    platform = _Platform(token=token, appid=appid, aes_key=aes_key)
    return asyncio.run(_run(base_url.rstrip("/"), platform, concurrency, requests, duration, timeout, path))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="WeChat endpoint load test against a running `kepu serve`.")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default=os.environ.get("KEPU_WECHAT_TOKEN", ""))
    parser.add_argument("--appid", default=os.environ.get("KEPU_WECHAT_APPID", ""))
    parser.add_argument("--aes-key", default=os.environ.get("KEPU_WECHAT_AES_KEY", ""),
                        help="EncodingAESKey (safe mode); empty for plain mode")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=320)
    parser.add_argument("--duration", type=float, default=120.0, help="stop sending after this many seconds")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("--token (or KEPU_WECHAT_TOKEN) is required")
    result = run(args.base_url, args.token, args.aes_key, args.appid, args.concurrency, args.requests,
                 args.duration)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print(f"{result['requests']} requests, {result['concurrency']} clients, {result['wall_seconds']} s "
          f"({result['throughput_rps']} req/s)")
    print(f"latency median {result['median_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms")
    print(f"within {BUDGET_SECONDS} s: {result['within_budget']} ({result['within_budget_share']:.1%}); "
          f"answered {result['answered']}, 'success' only {result['success_only']}, "
          f"errors {result['http_errors'] + result['unreadable'] + result['transport_errors']}")


if __name__ == "__main__":
    main()
