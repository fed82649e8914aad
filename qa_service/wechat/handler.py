"""What to say to a message, within WeChat's 5-second deadline, exactly once per message.

Each message is worked on once (the first request to claim its dedupe key); a retry of it waits
for the same work, in this worker through the in-flight task, in another one by polling the
shared store, each within its own budget. An answer later than the budget is replied to with
"success" and pushed through the customer-service API instead (when an AppSecret is set).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph.settings import Settings
from qa_service.http.rate_limit import RateLimiter
from qa_service.wechat import texts
from qa_service.wechat.customer_service import CustomerService, MemoryTokenCache, RedisTokenCache
from qa_service.wechat.dedupe import (
    PASSIVE,
    PUSH,
    DedupeStore,
    MemoryDedupeStore,
    RedisDedupeStore,
    redis_client,
)
from qa_service.wechat.messages import Inbound
from qa_service.wechat.reply_format import format_reply

log = logging.getLogger(__name__)

DEFAULT_BUDGET_SECONDS = 4.5  # WeChat gives up after 5 s; leave room for the network
POLL_SECONDS = 0.05
ANSWERED_TYPES = ("text", "voice")


class Chat(Protocol):
    def answer(self, question: str, session_id: str | None) -> dict: ...

    def forget(self, session_id: str) -> None: ...


@dataclass
class _Job:
    task: asyncio.Task
    waiters: int = 0  # requests of this worker still waiting, within their budget, for the task


@dataclass
class WeChatHandler:
    chat: Chat | None  # None: not ready (the user is told so)
    store: DedupeStore = field(default_factory=MemoryDedupeStore)
    push: CustomerService | None = None
    budget: float = DEFAULT_BUDGET_SECONDS
    executor: Executor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="wechat-chat"))
    limiter: RateLimiter | None = None  # per openid (KEPU_WECHAT_RATE_LIMIT_PER_MINUTE)
    team: Any = None  # qa_service.team.hooks.WeChatTeamHook: answer log and "没用" ratings
    _jobs: dict[str, _Job] = field(default_factory=dict, repr=False)

    async def reply_for(self, message: Inbound, received_at: float | None = None) -> str:
        """The reply text for `message`; "" means answer "success" (nothing to say).

        `received_at` (event-loop time) starts the budget when the request arrived, not now."""
        loop = asyncio.get_running_loop()
        deadline = (loop.time() if received_at is None else received_at) + self.budget
        key = message.dedupe_key
        job = self._jobs.get(key)
        if job is None:
            if not await self.store.claim(key):
                return await self._poll(key, deadline, message)
            job = self._jobs[key] = _Job(asyncio.create_task(self._run(key, message)))
        return await self._wait(job, key, deadline, message)

    async def _wait(self, job: _Job, key: str, deadline: float, message: Inbound) -> str:
        job.waiters += 1
        try:
            timeout = max(0.0, deadline - asyncio.get_running_loop().time())
            reply = await asyncio.wait_for(asyncio.shield(job.task), timeout)
        except TimeoutError:
            if not job.task.done():
                return self._late(message)
            reply = job.task.result()
        finally:
            job.waiters -= 1
        return await self._passive(key, reply)

    async def _poll(self, key: str, deadline: float, message: Inbound) -> str:
        """A retry whose work runs elsewhere (another worker, or finished already)."""
        loop = asyncio.get_running_loop()
        while True:
            reply = await self.store.get_reply(key)
            if reply is not None:
                return await self._passive(key, reply)
            remaining = deadline - loop.time()
            if remaining <= 0:
                return self._late(message)
            await asyncio.sleep(min(POLL_SECONDS, remaining))

    async def _passive(self, key: str, reply: str) -> str:
        if reply and await self.store.claim_delivery(key, PASSIVE) == PUSH:
            return ""  # a push is already taking it to the user
        return reply

    def _late(self, message: Inbound) -> str:
        log.warning("answer for %s not ready within %.1f s budget (%s)", message.from_user, self.budget,
                    "will push it" if self.push else "no AppSecret: cannot push it")
        return "" if self.push else texts.TOO_SLOW

    async def _run(self, key: str, message: Inbound) -> str:
        try:
            reply = await self._compute(message)
        except Exception:  # noqa: BLE001 - whatever broke, the user gets a polite note, the log the trace
            log.exception("answering a WeChat %s message failed", message.msg_type)
            reply = texts.FAILED
        await self.store.put_reply(key, reply)
        job = self._jobs.pop(key, None)
        if reply and job is not None and job.waiters == 0:
            await self._push_late(key, message.from_user, reply)
        return reply

    async def _push_late(self, key: str, openid: str, reply: str) -> None:
        if self.push is None:
            log.warning("late answer for %s dropped: no KEPU_WECHAT_SECRET for customer-service push", openid)
        elif await self.store.claim_delivery(key, PUSH) == PUSH:
            await self.push.send_text(openid, reply)

    async def _in_thread(self, func: Callable[..., Any], *args) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.executor, func, *args)

    async def _compute(self, message: Inbound) -> str:
        if message.msg_type == "event":
            return await self._event(message)
        if message.msg_type not in ANSWERED_TYPES:
            return texts.UNSUPPORTED
        question = message.content.strip()
        if not question:
            return texts.VOICE_NOT_RECOGNISED if message.msg_type == "voice" else texts.EMPTY_TEXT
        if self.limiter is not None and not await self.limiter.hit(f"openid:{message.from_user}"):
            return texts.TOO_FREQUENT
        chat = self.chat
        if chat is None:
            return texts.NOT_READY
        if self.team is not None and self.team.is_rating(question):
            thanks = await self._in_thread(self.team.rating_reply, message.from_user, question)
            if thanks:
                return thanks
        # The openid is the conversation: follow-up questions see the previous turn.
        result = await self._in_thread(chat.answer, question, message.from_user)
        if self.team is not None and isinstance(result, dict):
            self.team.after_answer(message.from_user, question, result)
        # A long list answer carries a WeChat cut of it that points to the web page.
        answer = (result.get("short_answer") or result.get("answer")) if isinstance(result, dict) else None
        log.info("answered a WeChat %s message: intent=%s", message.msg_type,
                 result.get("intent") if isinstance(result, dict) else None)
        return format_reply(answer) if answer else texts.NO_ANSWER

    async def _event(self, message: Inbound) -> str:
        if message.event == "subscribe":
            return texts.WELCOME
        if message.event == "unsubscribe":
            chat = self.chat
            if chat is not None:
                await self._in_thread(chat.forget, message.from_user)
            return ""
        if message.event == "click":
            return texts.WELCOME
        return ""  # SCAN, VIEW, LOCATION, template results...: nothing to say


def build_handler(settings: Settings, chat: Chat | None,
                  budget: float = DEFAULT_BUDGET_SECONDS) -> WeChatHandler:
    """The handler for `settings`: Redis-backed dedupe and token cache when KEPU_REDIS_URL is set,
    customer-service pushes when KEPU_WECHAT_SECRET (and the AppID) are set."""
    client = redis_client(settings.redis_url) if settings.redis_url else None
    store = RedisDedupeStore(client) if client is not None else MemoryDedupeStore()
    push = None
    if settings.wechat_secret and settings.wechat_appid:
        cache = RedisTokenCache(client, settings.wechat_appid) if client is not None else MemoryTokenCache()
        push = CustomerService(settings.wechat_api_base, settings.wechat_appid, settings.wechat_secret, cache)
    elif settings.wechat_secret:
        log.warning("KEPU_WECHAT_SECRET is set without KEPU_WECHAT_APPID: late answers cannot be pushed")
    limiter = RateLimiter.from_settings(settings, "wechat", settings.wechat_rate_limit_per_minute)
    return WeChatHandler(chat=chat, store=store, push=push, budget=budget, limiter=limiter)
