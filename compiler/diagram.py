"""Diagrams of a system at the component level: Mermaid, Graphviz DOT, SVG.

The picture is the one the seed documents draw by hand: users at the top, then the edge (DNS,
firewall), frontend and CDN, APIs and auth, compute, data and storage, with networks drawn as
boundaries around what runs inside them, and schedules, alarms, keys and pipelines beside.

Nothing here knows a particular kind. Each component is placed by its kind's ``diagram_group``
(or a group derived from the kind's name), labelled with its name and the AWS service its kind's
``summary`` names, and connected by its ``references()``: a component pointing at a network is
drawn inside it; every other reference is an arrow, labelled with the access or route it stands for.

    d = diagram(spec)          # a validated Spec (one stage)
    mermaid(d)                 # text for a README: ```mermaid ... ```
    dot(d); svg(d)             # Graphviz; svg needs the `dot` program
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from typing import Any

#: Groups from the top of a picture to the bottom; a kind's ``diagram_group`` is one of these.
GROUPS = (
    "edge",
    "frontend",
    "cdn",
    "api",
    "auth",
    "compute",
    "messaging",
    "data",
    "storage",
    "security",
    "schedule",
    "monitoring",
    "cicd",
    "network",
    "other",
)

#: Groups people reach from the internet.
ENTRY_GROUPS = ("edge", "frontend", "cdn", "api")

_KIND_GROUPS = {
    "function": "compute",
    "service": "compute",
    "container": "compute",
    "cluster": "compute",
    "layer": "compute",
    "table": "data",
    "rds": "data",
    "documentdb": "data",
    "database": "data",
    "cache": "data",
    "bucket": "storage",
    "auth": "auth",
    "user_pool": "auth",
    "http_api": "api",
    "rest_api": "api",
    "websocket_api": "api",
    "load_balancer": "api",
    "cdn": "cdn",
    "static_site": "frontend",
    "amplify": "frontend",
    "site": "frontend",
    "schedule": "schedule",
    "monitoring": "monitoring",
    "alarm": "monitoring",
    "dashboard": "monitoring",
    "log_group": "monitoring",
    "network": "network",
    "key": "security",
    "secret": "security",
    "parameter": "security",
    "certificate": "edge",
    "dns_zone": "edge",
    "waf": "edge",
    "firewall": "edge",
    "email": "messaging",
    "queue": "messaging",
    "topic": "messaging",
    "pipeline": "cicd",
    "build_project": "cicd",
    "image_repository": "cicd",
}

_NAME_HINTS = (
    ("api", "api"),
    ("cdn", "cdn"),
    ("site", "frontend"),
    ("frontend", "frontend"),
    ("db", "data"),
    ("database", "data"),
    ("table", "data"),
    ("bucket", "storage"),
    ("storage", "storage"),
    ("function", "compute"),
    ("service", "compute"),
    ("task", "compute"),
    ("queue", "messaging"),
    ("topic", "messaging"),
    ("mail", "messaging"),
    ("alarm", "monitoring"),
    ("schedule", "schedule"),
    ("cron", "schedule"),
    ("secret", "security"),
    ("key", "security"),
    ("network", "network"),
    ("vpc", "network"),
    ("waf", "edge"),
    ("dns", "edge"),
    ("auth", "auth"),
    ("build", "cicd"),
    ("pipeline", "cicd"),
)


def group_of(cls: type) -> str:
    """A kind's group: its ``diagram_group``, else from its name (``http_api`` -> ``api``)."""
    declared = getattr(cls, "diagram_group", "")
    if declared:
        return declared if declared in GROUPS else "other"
    kind = cls.model_fields["kind"].default  # type: ignore[attr-defined]
    if kind in _KIND_GROUPS:
        return _KIND_GROUPS[kind]
    for hint, group in _NAME_HINTS:
        if hint in kind:
            return group
    return "other"


def service_of(cls: type) -> str:
    """The AWS service a kind stands for, from its summary (``"Lambda function with ..."`` -> ``Lambda function``)."""
    summary = getattr(cls, "summary", "") or ""
    short = re.split(r" \(| with |: |; |, | for | behind ", summary, maxsplit=1)[0].strip()
    kind = cls.model_fields["kind"].default  # type: ignore[attr-defined]
    return short if 0 < len(short) <= 32 else kind.replace("_", " ")


@dataclass
class Node:
    name: str
    kind: str
    group: str
    service: str
    network: str | None = None  # the network component it is drawn inside
    note: str = ""  # e.g. "watches 11 components" when the arrows would only clutter


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    dashed: bool = False


@dataclass
class Diagram:
    system: str
    stage: str
    region: str
    description: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    networks: dict[str, str] = field(default_factory=dict)  # network component -> its label
    entries: list[str] = field(default_factory=list)  # components users reach directly

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


USERS = "users"
#: A monitoring component watching more components than this gets a note, not an arrow to each.
MAX_MONITORING_ARROWS = 3
#: A key, secret or log bucket that more components than this point at gets a note, not an arrow from each.
MAX_FAN_IN = 3


def diagram(spec: Any, stage: str | None = None) -> Diagram:
    """The component-level picture of one stage of a validated spec."""
    stage = stage or next(iter(spec.stages))
    region = spec.stages[stage].region or spec.region
    d = Diagram(spec.system, stage, region, spec.description or "")
    order = {name: i for i, name in enumerate(spec.components)}
    nodes: dict[str, Node] = {}
    for name, component in spec.components.items():
        cls = type(component)
        nodes[name] = Node(name, component.kind_name, group_of(cls), service_of(cls))
    for name, node in nodes.items():
        if node.group == "network":
            d.networks[name] = f"{name} ({node.service})"
    raw: dict[tuple[str, str], list[tuple[str, str]]] = {}
    reversed_: dict[tuple[str, str], list[tuple[str, str]]] = {}  # labelled only when nothing else says more
    for name, component in spec.components.items():
        for reference in component.references():
            target = reference.target
            if target not in nodes or target == name:
                continue
            if nodes[target].group == "network" and nodes[name].group != "network":
                nodes[name].network = nodes[name].network or target
                continue
            first = str(reference.path[0]) if reference.path else ""
            if first.endswith("_from"):  # "allow_from: [api]": the api connects to this component
                reversed_.setdefault((target, name), []).append(("connects", ""))
            else:
                raw.setdefault((name, target), []).append(_label(component, reference))
    for pair, labels in reversed_.items():
        raw.setdefault(pair, labels)
    for name, node in nodes.items():  # alarms on many things: a note instead of a fan of arrows
        watched = [pair for pair in raw if pair[0] == name]
        if node.group == "monitoring" and len(watched) > MAX_MONITORING_ARROWS:
            for pair in watched:
                del raw[pair]
            node.note = f"watches {len(watched)} components"
    boundaries = {n.name for n in nodes.values() if n.group == "network" and _has_members(n.name, nodes)}
    d.nodes = [n for n in nodes.values() if n.name not in boundaries]
    for (source, dest), labels in sorted(raw.items(), key=lambda item: (order[item[0][0]], order[item[0][1]])):
        if source in boundaries or dest in boundaries:  # a network's own links (flow-log key): not drawn
            continue
        unique = [label for label in dict.fromkeys(text for text, _ in labels) if label]
        fields = list(dict.fromkeys(f for _, f in labels if f))
        if len(unique) <= 1:
            label = "".join(unique)
        else:
            label = f"{len(unique)} {fields[0].replace('_', ' ')}" if len(fields) == 1 else f"{len(unique)} links"
        dashed = (
            nodes[dest].group in ("security", "monitoring")
            or nodes[source].group == "monitoring"
            or "log" in label  # access logs, log keys: plumbing, not the system's flow
        )
        d.edges.append(Edge(source, dest, label, dashed))
    fan_in: dict[str, list[Edge]] = {}
    for edge in d.edges:
        if edge.dashed:
            fan_in.setdefault(edge.target, []).append(edge)
    for target, edges in fan_in.items():  # a key or log bucket everything uses: a note, not a fan
        if len(edges) > MAX_FAN_IN:
            d.edges = [e for e in d.edges if e not in edges]
            note = f"used by {len({e.source for e in edges})} components"
            nodes[target].note = f"{nodes[target].note} · {note}" if nodes[target].note else note
    fed = {e.target for e in d.edges if nodes[e.source].group in ENTRY_GROUPS}
    targets = {e.target for e in d.edges}  # a DNS zone others put names in is not where users go
    d.entries = [
        n.name
        for n in d.nodes
        if (n.group in ENTRY_GROUPS and n.name not in fed and not (n.group == "edge" and n.name in targets))
        or (n.group == "auth" and not any(e.target == n.name and nodes[e.source].group == "frontend" for e in d.edges))
    ]
    return d


def _has_members(network: str, nodes: dict[str, Node]) -> bool:
    return any(n.network == network for n in nodes.values())


def _label(component: Any, reference: Any) -> tuple[str, str]:
    """What a reference stands for, and the field it sits in.

    The access it asks for (``uses: {data: read_write}`` -> ``read_write``), else the key the user
    wrote it under (a route: ``GET /items``), else the field's name (``authorizer``). A field named
    like a kind (``function``) or ``target`` says nothing an arrow does not, and gives no label.
    """
    from .components import component_kinds

    value: Any = component
    user_key: str | None = None
    fields: list[str] = []
    for part in reference.path:
        try:
            if isinstance(value, dict):
                value = value[part]
                user_key = str(part)
            elif isinstance(value, list | tuple):
                value = value[part]
            else:
                value = getattr(value, str(part))
                fields.append(str(part))
        except (KeyError, IndexError, AttributeError, TypeError):
            value = None
            break
    field = fields[0] if fields else ""
    if isinstance(value, str) and value != reference.target:
        return value, field
    if user_key and user_key != reference.target:
        return user_key, field
    name = field
    if name in component_kinds() or name in ("target", "targets"):
        name = ""
    return name.replace("_", " "), field


# -- Mermaid ------------------------------------------------------------------------------------

_MERMAID_SHAPES = {
    "edge": ('(["', '"])'),
    "frontend": ('(["', '"])'),
    "cdn": ('(["', '"])'),
    "api": ('{{"', '"}}'),
    "auth": ('[["', '"]]'),
    "compute": ('("', '")'),
    "messaging": ('>"', '"]'),
    "data": ('[("', '")]'),
    "storage": ('[("', '")]'),
    "security": ('[/"', '"\\]'),
    "schedule": ('>"', '"]'),
    "monitoring": ('[/"', '"/]'),
    "cicd": ('["', '"]'),
    "network": ('["', '"]'),
    "other": ('["', '"]'),
}

#: fill, stroke per group (light fills, readable in light and dark themes).
_COLOURS = {
    "edge": ("#f3e8fd", "#8e44ad"),
    "frontend": ("#e8f1fd", "#2b6cb0"),
    "cdn": ("#e8f1fd", "#2b6cb0"),
    "api": ("#fdf0e6", "#c05621"),
    "auth": ("#fde8ef", "#b83280"),
    "compute": ("#fff7e0", "#b7791f"),
    "messaging": ("#e6fffa", "#2c7a7b"),
    "data": ("#e6f6ec", "#2f855a"),
    "storage": ("#e6f6ec", "#2f855a"),
    "security": ("#f0f0f0", "#4a5568"),
    "schedule": ("#edf2f7", "#4a5568"),
    "monitoring": ("#fff5f5", "#c53030"),
    "cicd": ("#f0f0f0", "#4a5568"),
    "network": ("#f7fafc", "#718096"),
    "other": ("#ffffff", "#4a5568"),
}


def _mid(name: str) -> str:
    """A Mermaid id; names cannot hold "__", so replacing "-" by it keeps ids distinct."""
    return "c_" + name.replace("-", "__")


def _mtext(text: str) -> str:
    return text.replace('"', "#quot;")


def mermaid(d: Diagram) -> str:
    out = ["flowchart TB"]
    if d.entries:
        out.append(f'  {USERS}(("Users"))')
    out.append(f'  subgraph aws["AWS {d.region} · {d.system} ({d.stage})"]')
    out.append("    direction TB")

    def node_line(node: Node, indent: str) -> str:
        start, end = _MERMAID_SHAPES.get(node.group, _MERMAID_SHAPES["other"])
        service = f"{node.service} · {node.note}" if node.note else node.service
        return f"{indent}{_mid(node.name)}{start}{_mtext(node.name)}<br/><small>{_mtext(service)}</small>{end}"

    for network, label in d.networks.items():
        members = [n for n in d.nodes if n.network == network]
        if not members:
            continue
        out.append(f'    subgraph {_mid(network)}["{_mtext(label)}"]')
        out.append("      direction TB")
        out += [node_line(n, "      ") for n in members]
        out.append("    end")
    out += [node_line(n, "    ") for n in d.nodes if n.network is None]
    out.append("  end")
    for name in d.entries:
        out.append(f"  {USERS} --> {_mid(name)}")
    for edge in d.edges:
        arrow = "-.->" if edge.dashed else "-->"
        label = f'|"{_mtext(edge.label)}"|' if edge.label else ""
        out.append(f"  {_mid(edge.source)} {arrow}{label} {_mid(edge.target)}")
    used = [g for g in GROUPS if any(n.group == g for n in d.nodes)]
    for group in used:
        fill, stroke = _COLOURS[group]
        out.append(f"  classDef {group} fill:{fill},stroke:{stroke},color:#1a202c")
        members = ",".join(_mid(n.name) for n in d.nodes if n.group == group)
        out.append(f"  class {members} {group}")
    for network in d.networks:
        if any(n.network == network for n in d.nodes):
            out.append(f"  style {_mid(network)} fill:#f7fafc,stroke:#718096,stroke-dasharray:5 5")
    return "\n".join(out) + "\n"


# -- Graphviz -----------------------------------------------------------------------------------

_DOT_SHAPES = {
    "edge": "box",
    "frontend": "box",
    "cdn": "box",
    "api": "hexagon",
    "auth": "component",
    "compute": "box",
    "messaging": "cds",
    "data": "cylinder",
    "storage": "cylinder",
    "security": "octagon",
    "schedule": "cds",
    "monitoring": "note",
    "cicd": "box3d",
    "network": "box",
    "other": "box",
}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(d: Diagram) -> str:
    out = [
        f"digraph {_q(d.system)} {{",
        "  rankdir=TB;",
        "  compound=true;",
        '  graph [fontname="Helvetica", fontsize=11, nodesep=0.4, ranksep=0.6];',
        '  node [fontname="Helvetica", fontsize=10, style="filled", penwidth=1.2];',
        '  edge [fontname="Helvetica", fontsize=9, color="#4a5568"];',
        f'  subgraph "cluster_aws" {{ label={_q(f"AWS {d.region} · {d.system} ({d.stage})")}; '
        'style="rounded"; color="#a0aec0";',
    ]

    if d.entries:
        out.insert(6, f'  {_q(USERS)} [label="Users", shape=circle, fillcolor="#ffffff"];')

    def node_line(node: Node, indent: str) -> str:
        fill, stroke = _COLOURS.get(node.group, _COLOURS["other"])
        label = f"{node.name}\\n{node.service}" + (f"\\n{node.note}" if node.note else "")
        shape = _DOT_SHAPES.get(node.group, "box")
        style = '"rounded,filled"' if shape == "box" else '"filled"'
        return (
            f'{indent}{_q("c:" + node.name)} [label="{label}", shape={shape}, style={style}, '
            f'fillcolor="{fill}", color="{stroke}"];'
        )

    for network, label in d.networks.items():
        members = [n for n in d.nodes if n.network == network]
        if not members:
            continue
        out.append(
            f'    subgraph {_q("cluster_" + network)} {{ label={_q(label)}; style="dashed,rounded"; color="#718096";'
        )
        out += [node_line(n, "      ") for n in members]
        out.append("    }")
    out += [node_line(n, "    ") for n in d.nodes if n.network is None]
    out.append("  }")
    for name in d.entries:
        out.append(f"  {_q(USERS)} -> {_q('c:' + name)};")
    for e in d.edges:
        attrs = []
        if e.label:
            attrs.append(f"label={_q(e.label)}")
        if e.dashed:
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {_q('c:' + e.source)} -> {_q('c:' + e.target)}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"


class GraphvizMissing(Exception):
    """``dot`` is not installed; the message says how to get it or what to use instead."""


def svg(d: Diagram) -> str:
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizMissing(
            "SVG needs Graphviz's `dot` program, which is not installed (not on PATH). Install Graphviz "
            "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; Windows: winget install "
            "graphviz), or use --format mermaid (renders on GitHub and GitLab) or --format dot."
        )
    result = subprocess.run(
        [executable, "-Tsvg"], input=dot(d), capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise GraphvizMissing(f"Graphviz `dot` failed: {result.stderr.strip()}")
    return result.stdout


def markdown(diagrams: list[tuple[str, Diagram]], command: str) -> str:
    """One page with every diagram, for docs/diagrams.md."""
    out = [
        "# System diagrams",
        "",
        f"Generated from the specs by `{command}`; do not edit by hand "
        "(`tests/test_diagram.py` fails when this page is stale). Users at the top; dashed boxes are networks; "
        "dashed arrows go to keys, secrets and alarms.",
        "",
    ]
    for path, d in diagrams:
        out += [f"## {d.system} (`{path}`)", ""]
        if d.description:
            out += [d.description, ""]
        out += ["```mermaid", mermaid(d).rstrip(), "```", ""]
    return "\n".join(out).rstrip() + "\n"


DOCS_PATH = "docs/diagrams.md"
DOCS_GLOBS = ("specs/*.yaml", "examples/*.yaml")
DOCS_COMMAND = f"specc diagram {' '.join(DOCS_GLOBS)} --format markdown --out {DOCS_PATH}"


def docs_specs() -> list[str]:
    """The specs docs/diagrams.md draws, in the order the shell expands the globs of DOCS_COMMAND."""
    from pathlib import Path

    return [str(p) for pattern in DOCS_GLOBS for p in sorted(Path().glob(pattern))]


def draw_file(path: str, stage: str | None = None) -> Diagram:
    """Load, validate and draw one spec file (raises SpecError)."""
    from . import api

    specs = api.validate(api.load(path), [stage] if stage else None)
    chosen = stage or next(iter(specs))
    return diagram(specs[chosen], chosen)


def as_json(diagrams: list[tuple[str, Diagram]]) -> str:
    return json.dumps([{"spec": path, **d.to_json()} for path, d in diagrams], indent=2) + "\n"
