"""The registry of responsible units (corpus/units.yaml): canonical names, full names, aliases, kinds.

A plan names the same unit many ways (区教体局, 教体局, 区教育局, 淮阴区教育体育局); everything
downstream (graph, questions, exports) speaks of it by one canonical name. The registry also knows
the region it describes (淮阴区), so prefixed and bare forms resolve alike: 科协, 区科协, 淮阴区科协.
It knows nothing of other regions: 市科协 stays unknown rather than becoming 区科协.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from graph.errors import GraphError
from graph.settings import UNIT_REGISTRY_PATH

log = logging.getLogger(__name__)

_SHARED: dict[tuple[str, int], UnitRegistry] = {}
_SHARED_LOCK = threading.Lock()

KINDS = ("party", "government", "institution", "mass_organisation", "group", "local", "zone")
# Forms shorter than this are too ambiguous to look for inside free text (镇 in 城镇).
_MIN_TEXT_FORM = 2
# Prefixes after which a bare unit name is a self-contained name of another level.
_OTHER_LEVEL = ("市", "省", "县", "团", "中共", "共青团", "各")


@dataclass(frozen=True)
class UnitInfo:
    canonical: str  # 区教体局
    full_name: str  # 淮阴区教育体育局
    aliases: tuple[str, ...] = ()  # 教体局, 教育体育局, 区教育局 ...
    kind: str = "government"  # one of KINDS


@dataclass
class UnitRegistry:
    region: str = "淮阴区"  # the region the canonical names belong to
    prefix: str = "区"  # the level prefix of canonical names (区科协)
    infos: list[UnitInfo] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_canonical = {info.canonical: info for info in self.infos}
        self._explicit: dict[str, str] = {}
        for info in self.infos:
            for form in (info.canonical, info.full_name, *info.aliases):
                owner = self._explicit.setdefault(form, info.canonical)
                if owner != info.canonical:
                    raise GraphError(
                        f"unit registry: form {form!r} belongs to both {owner!r} and {info.canonical!r}",
                        f"单位名录中“{form}”同时属于“{owner}”和“{info.canonical}”，请修改 units.yaml。",
                    )
        self._forms = dict(self._explicit)
        for info in self.infos:
            for form in self._derived_forms(info):
                self._forms.setdefault(form, info.canonical)
        self._text_forms = sorted((f for f in self._forms if len(f) >= _MIN_TEXT_FORM), key=len, reverse=True)
        self._by_first: dict[str, list[str]] = {}
        for form in self._text_forms:
            self._by_first.setdefault(form[0], []).append(form)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: Path | str = UNIT_REGISTRY_PATH) -> UnitRegistry:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise GraphError(f"cannot read unit registry {path}: {exc}", f"无法读取单位名录 {path}。") from exc
        except yaml.YAMLError as exc:
            raise GraphError(f"unit registry {path} is not valid YAML: {exc}",
                             f"单位名录 {path} 格式有误（YAML）。") from exc
        return cls.from_dict(data, source=str(path))

    @classmethod
    def shared(cls, path: Path | str | None = None) -> UnitRegistry:
        """The registry of `path` (default: the settings' KEPU_UNIT_REGISTRY, else corpus/units.yaml),
        read once per modification and shared by every caller: the parser, the answerer, the CLI."""
        if path is None:
            from graph.settings import Settings

            path = Settings.from_env().unit_registry
        path = Path(path)
        try:
            key = (str(path.resolve()), path.stat().st_mtime_ns)
        except OSError:
            return cls.load(path)  # raises GraphError naming the file
        with _SHARED_LOCK:
            if key not in _SHARED:
                _SHARED.clear()
                _SHARED[key] = cls.load(path)
            return _SHARED[key]

    @classmethod
    def from_dict(cls, data: object, source: str = "units.yaml") -> UnitRegistry:
        if not isinstance(data, dict) or not isinstance(data.get("units"), list):
            raise GraphError(f"unit registry {source}: expected a mapping with a 'units' list",
                             f"单位名录 {source} 缺少 units 列表。")
        infos = []
        for i, row in enumerate(data["units"], 1):
            if not isinstance(row, dict) or not str(row.get("canonical") or "").strip():
                raise GraphError(f"unit registry {source}: entry {i} has no canonical name",
                                 f"单位名录 {source} 第{i}项缺少 canonical 名称。")
            kind = str(row.get("kind") or "government")
            if kind not in KINDS:
                raise GraphError(f"unit registry {source}: entry {i} has unknown kind {kind!r}",
                                 f"单位名录 {source} 第{i}项的类别“{kind}”无效。")
            canonical = str(row["canonical"]).strip()
            aliases = tuple(dict.fromkeys(str(a).strip() for a in row.get("aliases") or [] if str(a).strip()))
            infos.append(UnitInfo(canonical, str(row.get("full_name") or canonical).strip(), aliases, kind))
        return cls(str(data.get("region") or "淮阴区"), str(data.get("prefix") or "区"), infos)

    # ------------------------------------------------------------------ lookups

    def units(self) -> list[UnitInfo]:
        return list(self.infos)

    def get(self, canonical: str) -> UnitInfo | None:
        return self._by_canonical.get(canonical)

    def full_name(self, name: str | UnitInfo) -> str:
        """Full name of a unit given any of its names; the name itself when unknown."""
        name = getattr(name, "canonical", name)
        canonical = self.canonical(name)
        return self._by_canonical[canonical].full_name if canonical else name

    def kind(self, name: str) -> str | None:
        canonical = self.canonical(name)
        return self._by_canonical[canonical].kind if canonical else None

    def all_surface_forms(self) -> dict[str, str]:
        """Every written form (canonical, full name, alias, prefixed variants) -> canonical name."""
        return dict(self._forms)

    def canonical(self, name: str) -> str | None:
        """The canonical name for an exact name, full name or alias, with or without the region prefix."""
        name = _tidy(name)
        if not name:
            return None
        for candidate in self._candidates(name):
            if candidate in self._forms:
                return self._forms[candidate]
        return None

    def fuzzy(self, name: str, cutoff: float = 65.0) -> str | None:
        """The canonical name of the closest form (rapidfuzz ratio >= cutoff, 0-100), for typos."""
        exact = self.canonical(name)
        if exact or not name.strip():
            return exact
        hit = process.extractOne(_tidy(name), list(self._forms), scorer=fuzz.ratio, score_cutoff=cutoff)
        return self._forms[hit[0]] if hit else None

    def find_in_text(self, text: str) -> list[tuple[str, int, int]]:
        """Unit mentions in `text` as (canonical, start, end), longest form first, no overlaps."""
        found: list[tuple[str, int, int]] = []
        i = 0
        while i < len(text):
            for form in self._by_first.get(text[i], ()):
                if text.startswith(form, i):
                    found.append((self._forms[form], i, i + len(form)))
                    i += len(form)
                    break
            else:
                i += 1
        return found

    # ------------------------------------------------------------------ helpers

    @property
    def region_stem(self) -> str:
        """淮阴区 -> 淮阴: the form used by self-contained names such as 淮阴生态环境局."""
        return self.region[:-1] if len(self.region) > 2 else self.region

    def _candidates(self, name: str) -> list[str]:
        out = [name]
        region, stem, prefix = self.region, self.region_stem, self.prefix
        if name.startswith(region):
            out += [prefix + name[len(region):], name[len(region):]]
        elif name.startswith(stem):
            out += [name[len(stem):], prefix + name[len(stem):]]
        elif name.startswith(prefix):
            out.append(name[len(prefix):])
        elif not name.startswith(_OTHER_LEVEL):
            out.append(prefix + name)
        return [c for c in out if c]

    def _derived_forms(self, info: UnitInfo) -> list[str]:
        """Prefixed and bare variants that people write: 科协 <-> 区科协 <-> 淮阴区科协."""
        out: list[str] = []
        prefix, region, stem = self.prefix, self.region, self.region_stem
        for form in (info.canonical, *info.aliases):
            if form.startswith(region) or form.startswith(_OTHER_LEVEL) or info.kind in ("local", "zone"):
                continue
            if form.startswith(prefix + "委"):
                out.append(stem + form)  # 淮阴区委宣传部
            elif form.startswith(prefix):
                out += [form[len(prefix):], stem + form]  # 科协, 淮阴区科协
            elif not form.startswith(stem):
                out += [prefix + form, region + form]  # 区教育局, 淮阴区教育局
        return [f for f in out if len(f) >= _MIN_TEXT_FORM]


def _tidy(name: str) -> str:
    return "".join(name.split()).strip("，、。；：,;:")
