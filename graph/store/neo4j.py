"""Neo4j backend over Bolt (Neo4j 5, Aura, or ArcadeDB's Bolt plugin in tests).

The graph shape and its schema are in neo4j_mapping.py.

Cypher stays in the subset Neo4j 5 and ArcadeDB both run. Every PlanRecord read is cached, so
when the server goes away reads keep answering from the graph already loaded and health() says
"degraded"; reconnecting is tried at most once per `retry_interval` seconds, not per call.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from neo4j import READ_ACCESS, WRITE_ACCESS, Driver, GraphDatabase, Transaction
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    ConnectionPoolError,
    ConstraintError,
    DatabaseUnavailable,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import PlanNotFound, QueryError, StoreUnavailable
from graph.records import PlanRecord
from graph.settings import Settings
from graph.store import neo4j_mapping as rows
from graph.store.base import GraphStore

log = logging.getLogger(__name__)
T = TypeVar("T")

# Server gone, connection dropped or pool exhausted: serve from the cache and retry later.
_LOST = (ServiceUnavailable, SessionExpired, ConnectionPoolError, DatabaseUnavailable, OSError)

def _revisions(tx: Transaction) -> list[tuple[str, str]]:
    found = tx.run("MATCH (p:Plan) RETURN p.id AS id, p.revision AS revision")
    return sorted((r["id"], r["revision"] or "") for r in found)


def redact(uri: str) -> str:
    """The URI without any user:password part, fit for logs and messages."""
    parts = urlsplit(uri)
    if "@" not in parts.netloc:
        return uri
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


class Neo4jStore(GraphStore):
    """A GraphStore on a Bolt server; thread-safe (one driver, one session per call)."""

    def __init__(
        self,
        uri: str,
        user: str = "",
        password: str = "",
        database: str = "",
        *,
        connect_timeout: float = 5.0,
        retry_interval: float = 5.0,
        batch_size: int = 1000,
    ):
        if not uri.startswith(("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")):
            raise ValueError(f"not a Bolt URI: {redact(uri)!r}")
        if connect_timeout <= 0 or retry_interval < 0 or batch_size < 1:
            raise ValueError("connect_timeout and batch_size must be positive, retry_interval >= 0")
        self.uri = redact(uri)
        self._raw_uri = uri
        self.user = user or ("neo4j" if password else "")
        self._password = password
        self.database = database or None  # None: the server's home database
        self.connect_timeout = connect_timeout
        self.retry_interval = retry_interval
        self.batch_size = batch_size
        self._lock = threading.RLock()
        self._cache: dict[str, PlanRecord] = {}
        self._ids: list[str] | None = None  # last plan id list read from the server
        self._stamp: list[tuple[str, str]] | None = None  # (id, revision) of every plan at last plans()
        self._down: Exception | None = None  # why the server is considered lost
        self._next_attempt = 0.0
        self._driver: Driver = self._connect()
        self._ensure_schema()

    @classmethod
    def from_settings(cls, settings: Settings, **options: Any) -> Neo4jStore:
        return cls(
            settings.graph_uri,
            settings.graph_user,
            settings.graph_password,
            settings.graph_database,
            **options,
        )

    # -- connection ---------------------------------------------------------------------------

    def _connect(self) -> Driver:
        """Open a driver and prove it can run a query in the configured database."""
        auth = (self.user, self._password) if self.user else None
        started = time.monotonic()
        try:
            driver = GraphDatabase.driver(
                self._raw_uri,
                auth=auth,
                connection_timeout=self.connect_timeout,
                connection_acquisition_timeout=self.connect_timeout,
                max_transaction_retry_time=0,
                user_agent="kepu/0.1",
            )
        except (ConfigurationError, ValueError) as exc:
            raise StoreUnavailable(
                f"Invalid graph server URI {self.uri}: {exc}",
                user_message=f"图谱服务器地址 {self.uri} 无效，请检查 KEPU_GRAPH_URI。",
            ) from exc
        try:
            with driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                session.run("RETURN 1").consume()
        except BaseException as exc:
            driver.close()
            raise self._unavailable(exc) from exc
        log.info("Connected to graph server %s in %.2f s", self.uri, time.monotonic() - started)
        return driver

    def _unavailable(self, exc: BaseException) -> BaseException:
        if isinstance(exc, AuthError):
            return StoreUnavailable(
                f"Authentication failed for graph server {self.uri} as user {self.user!r}: "
                f"{getattr(exc, 'message', None) or exc}",
                user_message=f"图谱服务器 {self.uri} 认证失败，请检查 KEPU_GRAPH_USER 和 KEPU_GRAPH_PASSWORD。",
            )
        if isinstance(exc, (*_LOST, DriverError)):
            return StoreUnavailable(
                f"Graph server {self.uri} is unreachable: {exc}",
                user_message=f"无法连接图谱服务器 {self.uri}，请确认服务器已启动且 KEPU_GRAPH_URI 正确。",
            )
        if isinstance(exc, Neo4jError):  # e.g. the database does not exist
            return StoreUnavailable(
                f"Graph server {self.uri} refused database {self.database!r}: {exc.message or exc}",
                user_message=f"图谱服务器 {self.uri} 上的数据库不可用，请检查 KEPU_GRAPH_DATABASE。",
            )
        return exc

    def _live_driver(self) -> Driver:
        """The driver, or one reconnect attempt if the server was lost and the back-off is over.

        Only the caller that opens the gate tries; the others fail fast (and serve the cache)
        instead of queueing behind a connect that may take `connect_timeout`.
        """
        with self._lock:
            if self._down is None:
                return self._driver
            wait = self._next_attempt - time.monotonic()
            if wait > 0:
                raise StoreUnavailable(
                    f"Graph server {self.uri} is unavailable ({self._down}); next reconnect in {wait:.1f} s",
                    user_message="图谱服务器暂时不可用，请稍后再试。",
                )
            self._next_attempt = time.monotonic() + self.retry_interval
        try:
            driver = self._connect()
        except StoreUnavailable as exc:
            with self._lock:
                self._down = exc
                self._next_attempt = time.monotonic() + self.retry_interval
            raise
        with self._lock:
            old, self._driver, self._down = self._driver, driver, None
        log.warning("Reconnected to graph server %s", self.uri)
        old.close()
        return driver

    def _mark_down(self, exc: BaseException) -> None:
        with self._lock:
            if self._down is None:
                log.error("Lost graph server %s: %s; serving %d cached plans", self.uri, exc, len(self._cache))
            self._down = exc
            self._next_attempt = time.monotonic() + self.retry_interval

    def _run(self, work: Callable[[Transaction], T], *, write: bool = False) -> T:
        """Run `work` in one explicit transaction (committed only if it returns)."""
        driver = self._live_driver()
        mode = WRITE_ACCESS if write else READ_ACCESS
        try:
            with driver.session(database=self.database, default_access_mode=mode) as session:
                tx = session.begin_transaction()
                try:
                    result = work(tx)
                    tx.commit()
                finally:
                    tx.close()  # rolls back if not committed
                return result
        except (*_LOST, AuthError) as exc:
            self._mark_down(exc)
            raise self._unavailable(exc) from exc
        except ConstraintError as exc:
            raise QueryError(
                f"Uniqueness constraint violated on {self.uri}: {exc.message or exc}",
                user_message="写入图谱失败：编号与已有方案冲突。",
            ) from exc
        except Neo4jError as exc:
            raise QueryError(f"Cypher failed on {self.uri}: {exc.message or exc}") from exc

    def _ensure_schema(self) -> None:
        for statement in rows.SCHEMA:  # schema changes cannot share a transaction with data writes
            try:
                self._run(lambda tx, s=statement: tx.run(s).consume(), write=True)
            except QueryError as exc:  # e.g. a read-only user: reads still work
                log.warning("Could not create schema on %s (%s): %s", self.uri, statement, exc)

    # -- GraphStore -----------------------------------------------------------------------------

    def put_plan(self, plan: PlanRecord) -> None:
        batches = rows.plan_rows(plan)
        started = time.monotonic()
        self._run(lambda tx: self._write_plan(tx, plan.id, batches), write=True)
        log.info("Wrote plan %s to %s in %.2f s", plan.id, self.uri, time.monotonic() - started)
        with self._lock:
            self._cache[plan.id] = plan
            if self._ids is not None and plan.id not in self._ids:
                self._ids = sorted([*self._ids, plan.id])

    def put_plans(self, plans: list[PlanRecord]) -> None:
        """Write several plans in one transaction: all of them, or (on any failure) none."""
        if not plans:
            return
        batches = [(plan.id, rows.plan_rows(plan)) for plan in plans]  # bad records fail before writing
        started = time.monotonic()

        def work(tx: Transaction) -> None:
            for plan_id, plan_batches in batches:
                self._write_plan(tx, plan_id, plan_batches)

        self._run(work, write=True)
        log.info("Wrote %d plans to %s in %.2f s", len(plans), self.uri, time.monotonic() - started)
        with self._lock:
            for plan in plans:
                self._cache[plan.id] = plan
            if self._ids is not None:
                self._ids = sorted({*self._ids, *(plan.id for plan in plans)})

    def remove_plan(self, plan_id: str) -> None:
        def work(tx: Transaction) -> bool:
            if tx.run("MATCH (p:Plan {id: $id}) RETURN p.id AS id", id=plan_id).single() is None:
                return False
            self._delete_children(tx, plan_id)
            tx.run("MATCH (p:Plan {id: $id}) DETACH DELETE p", id=plan_id).consume()
            tx.run("MATCH (u:Unit) WHERE NOT (u)--() DELETE u").consume()
            return True

        removed = self._run(work, write=True)
        self._forget(plan_id)  # also when absent: another replica may have removed it
        if not removed:
            raise PlanNotFound(f"No plan {plan_id!r} on {self.uri}", user_message=f"未找到方案 {plan_id}。")

    def _forget(self, plan_id: str) -> None:
        with self._lock:
            self._cache.pop(plan_id, None)
            if self._ids is not None and plan_id in self._ids:
                self._ids = [pid for pid in self._ids if pid != plan_id]

    def plan_ids(self) -> list[str]:
        try:
            ids = self._run(lambda tx: [r["id"] for r in tx.run("MATCH (p:Plan) RETURN p.id AS id")])
        except StoreUnavailable:
            with self._lock:
                if self._ids is None:
                    raise
                return list(self._ids)
        ids.sort()
        with self._lock:
            self._ids = ids
        return list(ids)

    def get_plan(self, plan_id: str) -> PlanRecord:
        try:
            found = self._run(lambda tx: rows.read_plans(tx, [plan_id]))
        except StoreUnavailable:
            with self._lock:
                if plan_id in self._cache:
                    return self._cache[plan_id]
            raise
        if not found:
            self._forget(plan_id)
            raise PlanNotFound(f"No plan {plan_id!r} on {self.uri}", user_message=f"未找到方案 {plan_id}。")
        with self._lock:
            self._cache[plan_id] = found[0]
        return found[0]

    def plans(self) -> list[PlanRecord]:
        """Every plan, read in a handful of queries (not one round of queries per plan)."""
        try:
            stamp, found = self._run(lambda tx: (_revisions(tx), rows.read_plans(tx, None)))
        except StoreUnavailable:
            with self._lock:
                if self._ids is None:
                    raise
                return [self._cache[pid] for pid in self._ids if pid in self._cache]
        with self._lock:
            self._cache = {plan.id: plan for plan in found}
            self._ids = [plan.id for plan in found]
            self._stamp = stamp
        return found

    def health(self) -> dict:
        base = {"backend": "neo4j", "uri": self.uri, "database": self.database or ""}
        try:
            server = self._run(lambda tx: tx.run("RETURN 1").consume().server.agent)
        except StoreUnavailable as exc:
            with self._lock:
                cached = len(self._cache)
                retry_in = max(0.0, self._next_attempt - time.monotonic())
            return {**base, "status": "degraded", "error": str(exc), "cached_plans": cached,
                    "retry_in": round(retry_in, 1)}
        return {**base, "status": "ok", "server": server}

    def close(self) -> None:
        with self._lock:
            self._driver.close()

    # -- Cypher helpers beyond the interface -------------------------------------------------------

    def query(self, cypher: str, **params: Any) -> list[dict]:
        """Run a read-only Cypher query and return its records as dicts.

        An auto-commit read: one round trip (RUN+PULL) instead of BEGIN, RUN+PULL, COMMIT, which
        halves the latency of the short graph queries the policy answers run (bench graph_query)."""
        driver = self._live_driver()
        try:
            with driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                return [record.data() for record in session.run(cypher, **params)]
        except (*_LOST, AuthError) as exc:
            self._mark_down(exc)
            raise self._unavailable(exc) from exc
        except Neo4jError as exc:
            raise QueryError(f"Cypher failed on {self.uri}: {exc.message or exc}") from exc

    def measure_units(self, measure_id: str) -> dict[str, list[str]] | None:
        """Units of one measure by role, in the plan's order; None if no measure has that id.

        Same shape as OxigraphStore.measure_units, read straight from the server.
        """
        found = self.query(
            "MATCH (m:Measure {id: $id}) OPTIONAL MATCH (m)-[r:LEAD_UNIT|CO_UNIT]->(u:Unit) "
            "RETURN m.local_units AS local_units, m.zones AS zones, type(r) AS role, r.pos AS pos, "
            "u.name AS unit",
            id=measure_id,
        )
        if not found:
            return None
        linked = sorted((r for r in found if r["role"]), key=lambda r: r["pos"])
        return {
            "lead_units": [r["unit"] for r in linked if r["role"] == "LEAD_UNIT"],
            "co_units": [r["unit"] for r in linked if r["role"] == "CO_UNIT"],
            "local_units": list(found[0]["local_units"] or []),
            "zones": list(found[0]["zones"] or []),
        }

    def refresh_if_changed(self) -> bool:
        """True if any process wrote or removed a plan since this store last read them all.

        Replicas sharing one server poll this (cheap: one id/revision per plan) and re-read
        plans() when it says so. False while the server is unreachable.
        """
        try:
            stamp = self._run(_revisions)
        except StoreUnavailable:
            return False
        with self._lock:
            return stamp != self._stamp

    # -- writing ------------------------------------------------------------------------------------

    @staticmethod
    def _delete_children(tx: Transaction, plan_id: str) -> None:
        for label in ("Target", "Measure", "Section", "Chapter"):
            tx.run(f"MATCH (n:{label} {{plan: $id}}) DETACH DELETE n", id=plan_id).consume()
        tx.run("MATCH (:Plan {id: $id})-[r:UNIT_ALIAS]->() DELETE r", id=plan_id).consume()

    def _write_plan(self, tx: Transaction, plan_id: str, batches: rows.PlanRows) -> None:
        # A fresh revision on every write lets other replicas notice the change (refresh_if_changed).
        props = {**batches.plan, "revision": uuid.uuid4().hex}
        tx.run("MERGE (p:Plan {id: $id}) SET p = $props", id=plan_id, props=props).consume()
        self._delete_children(tx, plan_id)
        for cypher, data in rows.write_statements(batches):
            for start in range(0, len(data), self.batch_size):
                chunk = data[start : start + self.batch_size]
                tx.run(cypher, plan=plan_id, rows=chunk).consume()
        # A unit no longer named by any plan goes with the plan that dropped it.
        tx.run("MATCH (u:Unit) WHERE NOT (u)--() DELETE u").consume()
