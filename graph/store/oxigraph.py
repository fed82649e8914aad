"""The embedded graph store: oxigraph (RocksDB) on disk, read and written through rdflib (oxrdflib).

One process may write while others serve, so the store never writes into a database anyone reads.
pyoxigraph 0.5 takes an exclusive RocksDB lock for a read-write `Store`, and calls opening a
database read-only while another process writes it undefined behaviour. Hence generations:

    data_dir/graph/
        CURRENT               names the generation readers use, e.g. "gen-000007"; replaced by rename
        gen-000007/           a complete, never-again-modified oxigraph database
        gen-000007.lock       readers hold a shared flock on it while they have gen-000007 open
        WRITE.lock            writers hold an exclusive flock: one writer at a time

The default graph of every generation is the RDF merge of the plan graphs (recomputed on each
write), so queries see a fact two plans share once; each plan's own graph is what `get_plan` reads.

A write copies the current generation with `Store.backup()` (hard links, cheap), applies the change
to the copy, flushes and fsyncs it, then renames a new CURRENT into place. A writer that fails or is
killed before that rename leaves CURRENT untouched, so readers keep the previous graph; its half-built
directory is garbage the next writer removes. Readers re-read CURRENT (a ~10 µs file read) before each
operation and reopen when it names another generation. A generation is deleted only when no reader
holds its lock (an exclusive non-blocking flock succeeds), and readers re-check the directory after
locking, so a reader never opens a directory being deleted.
"""

from __future__ import annotations

import copy
import errno
import fcntl
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from oxrdflib import OxigraphStore as RdflibOxigraphStore
from rdflib import Dataset, Graph

from graph.errors import PlanNotFound, QueryError, StoreUnavailable
from graph.failpoints import failpoint
from graph.fsutil import atomic_write_bytes, fsync_dir, move_tree
from graph.ontology import NAMESPACES
from graph.records import PlanRecord
from graph.store.base import GraphStore
from graph.store.rdf_mapping import graph_to_plan, plan_graph_iri, plan_to_graph

log = logging.getLogger(__name__)

_GEN_RE = re.compile(r"^gen-(\d+)$")
_OPEN_RETRIES = 5
_UNIT_LISTS = {"leadUnits": "lead_units", "coUnits": "co_units", "localUnits": "local_units", "zones": "zones"}

# The default graph is the RDF merge of all plan graphs, so a fact two plans state (a shared unit's
# label) appears once to queries; oxigraph's union-of-graphs mode would return it once per plan.
# Kept up to date per changed plan (a full recompute made each write slower as plans accumulate):
# before a plan graph goes, drop from the default graph what no other plan states; after it is
# written, add its triples.
_UNMERGE_PLAN = (
    "DELETE { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } "
    "FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } FILTER(?other != <%s>) } }"
)
_MERGE_PLAN = "INSERT { ?s ?p ?o } WHERE { GRAPH <%s> { ?s ?p ?o } }"
_PLAN_IDS_QUERY = """
SELECT DISTINCT ?id WHERE { GRAPH ?g { ?p a kepu:Plan ; dcterms:identifier ?id } } ORDER BY ?id
"""
# The cells of a measure's four unit lists; Python puts each list in order by following rdf:rest.
# (One UNION branch per list: a variable predicate with VALUES made oxigraph ~40x slower.)
_MEASURE_UNITS_QUERY = (
    "SELECT ?kind ?cell ?next ?name WHERE { ?m dcterms:identifier %s .\n"
    + " UNION ".join(f'{{ ?m kepu:{k} ?list BIND("{k}" AS ?kind) }}' for k in _UNIT_LISTS)
    + "\n ?list rdf:rest* ?cell . ?cell rdf:first ?u ; rdf:rest ?next . ?u skos:prefLabel ?name . }"
)
_MEASURE_EXISTS_QUERY = "ASK { ?m dcterms:identifier %s ; a kepu:Measure }"


class _View:
    """One opened generation; its reader lock is released when the last reference goes away."""

    def __init__(self, name: str | None, store: ox.Store, lock_fd: int | None):
        self.name = name
        self.store = store
        self._lock_fd = lock_fd
        self.plans: dict[str, PlanRecord] = {}  # a generation never changes, so neither do its plans

    def __del__(self) -> None:
        self.store = None  # drop the database before letting a writer delete its files
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class OxigraphStore(GraphStore):
    """GraphStore over generations of an on-disk oxigraph database under `path`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._mutex = threading.Lock()
        self._view: _View = _View(None, ox.Store(), None)
        self.refresh_if_changed()

    # ------------------------------------------------------------------ reading

    def refresh_if_changed(self) -> bool:
        """Reopen if another process (or this one) published a new generation; True if it did."""
        name = self._read_current()
        if name == self._view.name:
            return False
        with self._mutex:
            if name != self._view.name:
                self._view = self._open_view(name)
                log.info("graph store now reads generation %s", self._view.name)
        return True

    def _current_view(self) -> _View:
        self.refresh_if_changed()
        return self._view

    def plan_ids(self) -> list[str]:
        return [row["id"] for row in self.sparql(_PLAN_IDS_QUERY)]

    def get_plan(self, plan_id: str) -> PlanRecord:
        view = self._current_view()
        plan = view.plans.get(plan_id)
        if plan is None:
            gid = ox.NamedNode(plan_graph_iri(plan_id))
            if not view.store.contains_named_graph(gid):
                raise PlanNotFound(f"no plan {plan_id!r}", f"未找到方案：{plan_id}")
            # One dump parsed by oxrdflib's parser: ~2x faster than copying triple by triple.
            data = view.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=gid)
            plan = view.plans[plan_id] = graph_to_plan(Graph().parse(data=data, format="ox-ntriples"), plan_id)
        return copy.deepcopy(plan)  # callers may edit their copy; the cached one stays as stored

    def sparql(self, query: str) -> list[dict] | bool:
        """SELECT -> rows of str (None when unbound); ASK -> bool; CONSTRUCT/DESCRIBE -> s/p/o rows.

        Queries see the merge of all plans' graphs (GRAPH ?g reaches one plan) and may use the
        prefixes kepu, org, skos, dcterms, prov, rdf, rdfs, xsd without declaring them.
        """
        view = self._current_view()
        try:
            result = view.store.query(query, prefixes=NAMESPACES)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            if isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                return [{n: _text(sol[i]) for i, n in enumerate(names)} for sol in result]
            return [{"subject": _text(t.subject), "predicate": _text(t.predicate), "object": _text(t.object)}
                    for t in result]
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}", f"SPARQL 查询语句有误：{exc}") from exc
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            raise QueryError(f"SPARQL query failed: {exc}", f"SPARQL 查询失败：{exc}") from exc

    def measure_units(self, measure_id: str) -> dict[str, list[str]] | None:
        """Units of one measure by role, in the plan's order; None if no measure has that id."""
        view = self._current_view()
        literal = ox.Literal(measure_id)  # str() is the escaped N-Triples form, safe to splice in
        cells: dict[str, dict[str, tuple[str, str]]] = {kind: {} for kind in _UNIT_LISTS}
        for kind, cell, nxt, name in view.store.query(_MEASURE_UNITS_QUERY % literal, prefixes=NAMESPACES):
            cells[kind.value][_text(cell)] = (_text(nxt), name.value)
        if not any(cells.values()) and not view.store.query(_MEASURE_EXISTS_QUERY % literal, prefixes=NAMESPACES):
            return None
        return {field: _follow(cells[kind]) for kind, field in _UNIT_LISTS.items()}

    def health(self) -> dict:
        view = self._current_view()
        return {"status": "ok", "backend": "oxigraph", "generation": view.name, "plans": len(self.plan_ids())}

    def close(self) -> None:
        with self._mutex:
            self._view = _View(None, ox.Store(), None)

    # ------------------------------------------------------------------ writing

    def put_plan(self, plan: PlanRecord) -> None:
        self.put_plans([plan])

    def put_plans(self, plans: list[PlanRecord]) -> None:
        """Write several plans in one generation: all of them become visible together, or none."""
        # Build before touching the disk: a bad record writes nothing.
        graphs = [(plan_graph_iri(plan.id), plan_to_graph(plan)) for plan in plans]

        def change(store: ox.Store, dataset: Dataset) -> None:
            for gid, triples in graphs:
                store.update(_UNMERGE_PLAN % (gid, gid))
                dataset.remove_graph(gid)
                graph = dataset.graph(gid)
                graph += triples
                store.update(_MERGE_PLAN % gid)

        self._write(change, "put plan " + ", ".join(plan.id for plan in plans))

    def remove_plan(self, plan_id: str) -> None:
        gid = plan_graph_iri(plan_id)

        def change(store: ox.Store, dataset: Dataset) -> None:
            if not store.contains_named_graph(ox.NamedNode(gid)):
                raise PlanNotFound(f"no plan {plan_id!r}", f"未找到方案：{plan_id}")
            store.update(_UNMERGE_PLAN % (gid, gid))
            dataset.remove_graph(gid)

        self._write(change, f"remove plan {plan_id}")

    def install_generation(self, database: Path) -> str:
        """Publish a complete oxigraph database directory (a restored backup) as the next generation.

        The directory is moved in (copied across filesystems) and published like any write: readers
        switch to it at once, and a failure before the CURRENT rename leaves the graph as it was.
        """
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            with _flock(self.path / "WRITE.lock", fcntl.LOCK_EX):
                new_name = f"gen-{self._last_generation() + 1:06d}"
                new_dir = self.path / new_name
                try:
                    move_tree(database, new_dir)
                    _fsync_tree(new_dir)
                    self._publish(new_name)
                except BaseException:
                    shutil.rmtree(new_dir, ignore_errors=True)
                    raise
                log.info("installed graph generation %s from %s", new_name, database)
                self.refresh_if_changed()
                try:
                    self._collect_garbage()
                except OSError as exc:
                    log.warning("graph garbage collection under %s failed: %s", self.path, exc)
        except OSError as exc:
            raise _storage_error(exc, self.path) from exc
        return new_name

    def _write(self, change: Callable[[ox.Store, Dataset], None], what: str) -> None:
        """Apply `change` to a copy of the current generation and publish the copy atomically."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            with _flock(self.path / "WRITE.lock", fcntl.LOCK_EX):
                current = self._read_current()
                new_name = f"gen-{self._last_generation() + 1:06d}"
                new_dir = self.path / new_name
                try:
                    self._build(current, new_dir, change)
                    failpoint("graph-before-publish")
                    self._publish(new_name)
                except BaseException:
                    shutil.rmtree(new_dir, ignore_errors=True)
                    raise
                log.info("%s: published %s (was %s)", what, new_name, current)
                failpoint("graph-after-publish")
                self.refresh_if_changed()
                try:
                    self._collect_garbage()
                except OSError as exc:  # the write has succeeded; leftovers go next time
                    log.warning("graph garbage collection under %s failed: %s", self.path, exc)
        except OSError as exc:
            raise _storage_error(exc, self.path) from exc

    def _build(self, current: str | None, new_dir: Path, change: Callable[[ox.Store, Dataset], None]) -> None:
        if current is not None:
            source = self._open_view(current)
            source.store.backup(str(new_dir))
            del source
        store = ox.Store(str(new_dir))
        dataset = Dataset(store=RdflibOxigraphStore(store=store))
        try:
            change(store, dataset)
            failpoint("graph-building")
            store.flush()
        finally:
            # Close RocksDB (and stop its background compactions) before anyone may open the
            # generation: rdflib objects keep reference cycles, so drop the store explicitly.
            dataset.close()
            del dataset, store
        _fsync_tree(new_dir)

    def _publish(self, name: str) -> None:
        atomic_write_bytes(self.path / "CURRENT", (name + "\n").encode("ascii"))

    # ------------------------------------------------------------------ generations

    def _read_current(self) -> str | None:
        try:
            name = (self.path / "CURRENT").read_text(encoding="ascii").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None  # nothing written yet (a write will report an unusable directory)
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {self.path}/CURRENT: {exc}", f"无法读取图谱数据：{exc}") from exc
        return name if _GEN_RE.match(name) else None

    def _open_view(self, name: str | None) -> _View:
        if name is None:
            return _View(None, ox.Store(), None)
        for _ in range(_OPEN_RETRIES):
            try:
                fd = os.open(self.path / f"{name}.lock", os.O_RDONLY | os.O_CREAT, 0o644)
                fcntl.flock(fd, fcntl.LOCK_SH)
            except OSError as exc:
                raise StoreUnavailable(f"cannot lock {self.path / name}: {exc}", f"无法读取图谱数据：{exc}") from exc
            if (self.path / name / "CURRENT").exists():
                try:
                    return _View(name, ox.Store.read_only(str(self.path / name)), fd)
                except OSError as exc:
                    os.close(fd)
                    raise StoreUnavailable(f"cannot open {self.path / name}: {exc}", "图谱数据损坏或无法打开。") from exc
            os.close(fd)  # collected between our read of CURRENT and our lock: read CURRENT again
            name = self._read_current()
            if name is None:
                return _View(None, ox.Store(), None)
        raise StoreUnavailable(f"generation {name} kept disappearing", "图谱存储暂时不可用，请重试。")

    def _last_generation(self) -> int:
        numbers = [int(m.group(1)) for p in self.path.iterdir() if (m := _GEN_RE.match(p.name.removesuffix(".lock")))]
        return max(numbers, default=0)

    def _collect_garbage(self) -> None:
        """Delete generations other than CURRENT that no reader holds (called under WRITE.lock)."""
        current = self._read_current()
        for entry in list(self.path.iterdir()):
            if entry.name.startswith((".CURRENT.tmp-", "CURRENT.tmp-")):  # a crashed publish's leftovers
                entry.unlink(missing_ok=True)
                continue
            name = entry.name.removesuffix(".lock")
            if not _GEN_RE.match(name) or name == current or (entry.suffix == ".lock" and (self.path / name).exists()):
                continue
            try:
                with _flock(self.path / f"{name}.lock", fcntl.LOCK_EX | fcntl.LOCK_NB):
                    target = self.path / name
                    if target.exists():
                        trash = self.path / f"trash-{name}"
                        os.replace(target, trash)
                        shutil.rmtree(trash, ignore_errors=True)
                    (self.path / f"{name}.lock").unlink(missing_ok=True)
                    log.info("removed unused graph generation %s", name)
            except BlockingIOError:
                log.debug("generation %s still in use", name)
        for trash in self.path.glob("trash-gen-*"):
            shutil.rmtree(trash, ignore_errors=True)


@contextmanager
def _flock(path: Path, mode: int) -> Iterator[int]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, mode)
        yield fd
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _follow(cells: dict[str, tuple[str, str]]) -> list[str]:
    """Names of an RDF list given {cell: (next cell, name)}, head first."""
    successors = {nxt for nxt, _ in cells.values()}
    cell = next((c for c in cells if c not in successors), None)
    names = []
    while cell in cells and len(names) < len(cells):
        cell, name = cells[cell]
        names.append(name)
    return names


def _text(term: object) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


def _fsync_tree(directory: Path) -> None:
    for entry in directory.iterdir():
        # Files hard-linked from the previous generation by backup() are durable already.
        if entry.is_file() and entry.stat().st_nlink == 1:
            fd = os.open(entry, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(directory)


def _storage_error(exc: OSError, path: Path) -> StoreUnavailable:
    text = str(exc)
    if exc.errno == errno.ENOSPC or "No space left" in text:
        user = f"磁盘空间不足，无法写入图谱（{path}）；原有图谱保持不变。"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST) or (
        "Permission denied" in text or "Read-only file system" in text
    ):
        user = f"数据目录不可写：{path}；原有图谱保持不变。"
    else:
        user = f"写入图谱失败（{path}）：{exc}；原有图谱保持不变。"
    return StoreUnavailable(f"graph write failed under {path}: {exc}", user)
