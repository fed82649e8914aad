"""Pictures of a graph neighbourhood: nodes and edges, drawn as SVG by Graphviz `dot`.

A measure's picture shows its units by role and where it sits (section, chapter, plan); a unit's
picture shows the measures it leads or takes part in, clustered by chapter. Every node links to its
page. `dot` runs as a subprocess with a timeout; when it is missing or fails, `render_svg` returns
None and the page falls back to a plain list. Labels are escaped for DOT here and for XML by dot.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

FONT = "WenQuanYi Zen Hei"
DOT_TIMEOUT_SECONDS = 10.0
WRAP = 12  # characters per label line
KIND_NAMES = {"measure": "措施", "unit": "单位", "place": "落实单位", "section": "节", "chapter": "章",
              "plan": "方案"}
_STYLE = {
    "measure": 'shape=box style="rounded,filled" fillcolor="#e8f1fb" color="#2f6db5"',
    "focus": 'shape=box style="rounded,filled,bold" fillcolor="#fff4d6" color="#b7791f" penwidth=2',
    "unit": 'shape=ellipse style=filled fillcolor="#eaf7ee" color="#2f855a"',
    "place": 'shape=ellipse style="filled,dashed" fillcolor="#f4f4f4" color="#718096"',
    "section": 'shape=folder style=filled fillcolor="#f3effa" color="#6b46c1"',
    "chapter": 'shape=folder style=filled fillcolor="#ece6f7" color="#553c9a"',
    "plan": 'shape=note style=filled fillcolor="#fdf2f2" color="#9b2c2c"',
}
_EDGE_STYLE = {"lead": 'color="#c05621" penwidth=2', "co": 'color="#2f855a"', "joint": 'color="#2f855a"',
               "local": 'color="#718096" style=dashed', "zone": 'color="#718096" style=dashed',
               "part": 'color="#6b46c1" arrowhead=none'}
_XML_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^>]*>")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_ACTIVE_TAG = re.compile(r"^<\s*/?\s*(script|foreignObject|iframe|style)\b|\son\w+\s*=", re.I)
_ACTIVE_HREF = re.compile(r"href\s*=\s*[\"']\s*(javascript|data|vbscript):", re.I)


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str  # measure, focus, unit, place, section, chapter, plan
    href: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    kind: str = "part"  # a role (lead, co, joint, local, zone) or "part" (contained in)


@dataclass
class Picture:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: dict[str, list[str]] = field(default_factory=dict)  # cluster label -> node ids

    def add(self, node: Node) -> Node:
        if all(n.id != node.id for n in self.nodes):
            self.nodes.append(node)
        return node


def wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width)) or " "


def dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as centred line breaks."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + text.replace("\n", "\\n") + '"'


def to_dot(picture: Picture) -> str:
    ids = {node.id: f"n{i}" for i, node in enumerate(picture.nodes)}
    lines = [
        "digraph kepu {",
        f"  graph [rankdir=LR fontname={dot_string(FONT)} bgcolor=transparent nodesep=0.25 ranksep=0.6];",
        f"  node [fontname={dot_string(FONT)} fontsize=11 margin=\"0.12,0.06\"];",
        f"  edge [fontname={dot_string(FONT)} fontsize=10];",
    ]
    clustered = {node_id for members in picture.clusters.values() for node_id in members}

    def node_line(node: Node) -> str:
        attrs = [f"label={dot_string(wrap(node.label))}", _STYLE.get(node.kind, "")]
        if node.href:
            attrs += [f"URL={dot_string(node.href)}", f"tooltip={dot_string(node.label)}", 'target="_top"']
        return f"  {ids[node.id]} [{' '.join(a for a in attrs if a)}];"

    for node in picture.nodes:
        if node.id not in clustered:
            lines.append(node_line(node))
    by_id = {node.id: node for node in picture.nodes}
    for i, (label, members) in enumerate(picture.clusters.items()):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label={dot_string(label)} style="rounded,dashed" color="#a0aec0" fontsize=11;')
        lines += ["  " + node_line(by_id[m]) for m in members if m in by_id]
        lines.append("  }")
    for edge in picture.edges:
        if edge.source in ids and edge.target in ids:
            attrs = [_EDGE_STYLE.get(edge.kind, "")]
            if edge.label:
                attrs.append(f"label={dot_string(edge.label)}")
            lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [{' '.join(a for a in attrs if a)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def clean_svg(svg: str) -> str | None:
    """The <svg> element alone (its own size kept: CSS only shrinks it to fit); None if it holds
    anything scriptable."""
    svg = _COMMENT.sub("", _XML_PROLOG.sub("", svg, count=1)).strip()
    # Text is escaped by dot, so only the tags themselves could carry anything active.
    if not svg.startswith("<svg") or any(_active(tag) for tag in _TAG.findall(svg)):
        return None
    return svg.replace("<svg", '<svg class="graph-svg" role="img"', 1)


def _active(tag: str) -> bool:
    """A tag that could run script: a script-like element, an on* attribute or a script: link.
    Attribute values are dropped before looking for attribute names (labels may say "onerror=")."""
    return bool(_ACTIVE_TAG.search(_QUOTED.sub('""', tag)) or _ACTIVE_HREF.search(tag))


class SvgRenderer:
    """Runs `dot -Tsvg`; keeps the last pictures, since the same page is often opened again."""

    def __init__(self, dot_binary: str | None = None, timeout: float = DOT_TIMEOUT_SECONDS, cache_size: int = 64):
        self.dot_binary = dot_binary if dot_binary is not None else (shutil.which("dot") or "")
        self.timeout = timeout
        self.cache_size = cache_size
        self._cache: OrderedDict[str, str | None] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return bool(self.dot_binary)

    def render(self, picture: Picture) -> str | None:
        if not self.available:
            return None
        source = to_dot(picture)
        key = hashlib.sha256(source.encode("utf-8")).hexdigest()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        svg = self._run(source)
        with self._lock:
            self._cache[key] = svg
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return svg

    def _run(self, source: str) -> str | None:
        try:
            done = subprocess.run([self.dot_binary, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            log.warning("dot timed out after %.1fs", self.timeout)
            return None
        except OSError as exc:
            log.warning("cannot run dot (%s): %s", self.dot_binary, exc)
            return None
        if done.returncode != 0:
            log.warning("dot failed (exit %s): %s", done.returncode, done.stderr.decode("utf-8", "replace")[:300])
            return None
        return clean_svg(done.stdout.decode("utf-8", "replace"))
