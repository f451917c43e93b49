"""specc diagram: components placed by group, networks as boundaries, arrows from references."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar, Literal

import pytest
from click.testing import CliRunner
from pydantic import Field

from compiler import diagram as diagrams
from compiler.cli import main
from compiler.components import component_kinds
from compiler.diagram import (
    DOCS_COMMAND,
    DOCS_PATH,
    GROUPS,
    GraphvizMissing,
    diagram,
    docs_specs,
    dot,
    draw_file,
    group_of,
    markdown,
    mermaid,
    service_of,
    svg,
)
from compiler.model import Component, Reference

from .golden import golden_specs

# -- a made-up system of made-up kinds: the generator must work for any kind ----------------------


class Net(Component):
    kind: Literal["net"] = "net"
    summary: ClassVar[str] = "VPC with subnets"
    diagram_group: ClassVar[str] = "network"


class Db(Component):
    kind: Literal["db"] = "db"
    network: str
    allow_from: list[str] = Field(default_factory=list)
    summary: ClassVar[str] = "PostgreSQL database (encrypted)"

    def references(self) -> Iterator[Reference]:
        yield Reference(("network",), self.network, ("net",))
        for i, name in enumerate(self.allow_from):
            yield Reference(("allow_from", i), name, ("fn",))


class Fn(Component):
    kind: Literal["fn"] = "fn"
    uses: dict[str, str] = Field(default_factory=dict)
    diagram_group: ClassVar[str] = "compute"
    network: str | None = None
    summary: ClassVar[str] = "Lambda function with a role"

    def references(self) -> Iterator[Reference]:
        for name in self.uses:
            yield Reference(("uses", name), name, ("db", "vault"))
        if self.network:
            yield Reference(("network",), self.network, ("net",))


class Gateway(Component):
    kind: Literal["gateway"] = "gateway"
    routes: dict[str, str] = Field(default_factory=dict)
    login: str | None = None
    diagram_group: ClassVar[str] = "api"

    def references(self) -> Iterator[Reference]:
        for route, target in self.routes.items():
            yield Reference(("routes", route), target, ("fn",))
        if self.login:
            yield Reference(("login",), self.login, ("signin",))


class Signin(Component):
    kind: Literal["signin"] = "signin"
    diagram_group: ClassVar[str] = "auth"


class Vault(Component):
    kind: Literal["vault"] = "vault"
    diagram_group: ClassVar[str] = "security"


class Timer(Component):
    kind: Literal["timer"] = "timer"
    target: str
    diagram_group: ClassVar[str] = "schedule"

    def references(self) -> Iterator[Reference]:
        yield Reference(("target",), self.target, ("fn",))


def _spec() -> Any:
    components = {
        "main": Net(),
        "orders-db": Db(network="main", allow_from=["worker"]),
        "worker": Fn(uses={"orders-db": "read_write", "keys": "read"}, network="main"),
        "front": Fn(uses={}),
        "api": Gateway(
            routes={"GET /a": "front", "GET /b": "worker", "PUT /b": "worker", "POST /b": "worker"},
            login="signin",
        ),
        "signin": Signin(),
        "keys": Vault(),
        "nightly": Timer(target="worker"),
        "worker_2": Fn(),  # "worker_2" and a "worker-2" must not share a Mermaid id
        "worker-2": Fn(),
    }
    return SimpleNamespace(
        system="shop",
        description="A shop.",
        region="eu-west-1",
        stages={"dev": SimpleNamespace(region=None), "prod": SimpleNamespace(region="us-east-1")},
        components=components,
    )


def test_components_are_placed_by_group_and_networks_contain_what_points_at_them() -> None:
    d = diagram(_spec())
    assert (d.system, d.stage, d.region) == ("shop", "dev", "eu-west-1")
    nodes = {n.name: n for n in d.nodes}
    assert "main" not in nodes and d.networks == {"main": "main (VPC)"}  # a boundary, not a box
    assert nodes["orders-db"].network == "main" and nodes["worker"].network == "main"
    assert nodes["front"].network is None
    assert nodes["orders-db"].service == "PostgreSQL database"  # from the kind's summary
    assert nodes["worker"].service == "Lambda function"
    assert nodes["api"].group == "api" and nodes["signin"].group == "auth" and nodes["keys"].group == "security"
    assert diagram(_spec(), "prod").region == "us-east-1"


def test_arrows_come_from_references_with_what_they_stand_for() -> None:
    edges = {(e.source, e.target): e for e in diagram(_spec()).edges}
    assert edges[("worker", "orders-db")].label == "read_write"  # the access asked for
    assert edges[("api", "front")].label == "GET /a"  # the key it sits under
    assert edges[("api", "worker")].label == "3 routes"  # many keys: counted
    assert edges[("api", "signin")].label == "login"  # the field's name
    assert edges[("nightly", "worker")].label == ""  # "target" says nothing an arrow does not
    assert edges[("worker", "keys")].dashed and not edges[("worker", "orders-db")].dashed
    # "allow_from: [worker]" on the database means the worker connects to it: drawn worker -> db, once.
    assert ("orders-db", "worker") not in edges
    assert not any(e.target == "main" or e.source == "main" for e in edges.values())


def test_users_reach_the_entry_points_only() -> None:
    assert diagram(_spec()).entries == ["api", "signin"]


def test_mermaid_text_is_deterministic_and_well_formed() -> None:
    text = mermaid(diagram(_spec()))
    assert text == mermaid(diagram(_spec()))
    lines = text.splitlines()
    assert lines[0] == "flowchart TB"
    assert '  users(("Users"))' in lines
    assert '    subgraph c_main["main (VPC)"]' in lines
    assert '      c_orders__db[("orders-db<br/><small>PostgreSQL database</small>")]' in lines
    assert '  c_worker -->|"read_write"| c_orders__db' in lines
    assert '  c_worker -.->|"read"| c_keys' in lines
    assert "  users --> c_api" in lines
    assert "c_worker_2(" in text and "c_worker__2(" in text  # distinct ids for worker_2 and worker-2
    assert text.count("subgraph") == 2 and text.count("\n    end") + text.count("\n  end") == 2


def test_dot_text_clusters_networks() -> None:
    text = dot(diagram(_spec()))
    assert text.startswith('digraph "shop" {')
    assert 'subgraph "cluster_main" { label="main (VPC)"' in text
    assert '"c:api" -> "c:worker" [label="3 routes"];' in text
    assert '"users" -> "c:api";' in text
    assert '"c:orders-db" [label="orders-db\\nPostgreSQL database", shape=cylinder' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed here")
def test_svg_is_drawn_by_graphviz() -> None:
    image = svg(diagram(_spec()))
    assert image.lstrip().startswith("<?xml") and "<svg" in image and "PostgreSQL database" in image


def test_svg_without_graphviz_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagrams.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizMissing, match=r"apt-get install graphviz.*--format mermaid"):
        svg(diagram(_spec()))
    result = CliRunner().invoke(main, ["diagram", "examples/api-with-table.yaml", "--format", "svg"])
    assert result.exit_code == 1
    assert "Graphviz's `dot` program, which is not installed" in result.output
    assert "Traceback" not in result.output


def test_a_kind_without_a_group_gets_one_from_its_name() -> None:
    class OrdersApi(Component):
        kind: Literal["orders_api"] = "orders_api"

    class Thing(Component):
        kind: Literal["thing"] = "thing"
        diagram_group: ClassVar[str] = "no-such-group"

    assert group_of(OrdersApi) == "api"
    assert group_of(Thing) == "other"
    assert service_of(OrdersApi) == "orders api"  # no summary: the kind's name


def test_every_kind_has_a_group_and_a_service_name() -> None:
    for kind, cls in component_kinds().items():
        assert group_of(cls) in GROUPS, kind
        assert service_of(cls), kind


@pytest.mark.parametrize("spec", golden_specs(), ids=[s.stem for s in golden_specs()])
def test_every_spec_draws_every_component(spec: Path) -> None:
    d = draw_file(str(spec))
    drawn = {n.name for n in d.nodes} | set(d.networks)
    from compiler import api

    assert drawn == set(next(iter(api.validate(api.load(spec)).values())).components)
    assert mermaid(d).startswith("flowchart TB")


def test_diagram_command_formats(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["diagram", "examples/api-with-table.yaml"])
    assert result.exit_code == 0, result.output
    assert '  c_todo -->|"read_write"| c_items' in result.output
    result = runner.invoke(main, ["diagram", "examples/api-with-table.yaml", "--format", "json"])
    data = json.loads(result.output)
    assert data[0]["spec"] == "examples/api-with-table.yaml"
    assert {"source": "todo", "target": "items", "label": "read_write", "dashed": False} in data[0]["edges"]
    result = runner.invoke(main, ["diagram", "examples/api-with-table.yaml", "--format", "dot"])
    assert result.output.startswith('digraph "todo" {')
    out = tmp_path / "d.md"
    result = runner.invoke(main, ["diagram", "examples/api-with-table.yaml", "--format", "markdown", "--out", str(out)])
    assert result.exit_code == 0
    assert "```mermaid\nflowchart TB" in out.read_text(encoding="utf-8")
    result = runner.invoke(main, ["diagram", "examples/api-with-table.yaml", "--stage", "qa"])
    assert result.exit_code == 1
    assert "no stage named 'qa'" in result.output
    result = runner.invoke(main, ["diagram", "a.yaml", "b.yaml", "--format", "svg"])
    assert result.exit_code == 2


def test_docs_diagrams_page_is_fresh() -> None:
    page = markdown([(path, draw_file(path)) for path in docs_specs()], DOCS_COMMAND)
    assert Path(DOCS_PATH).read_text(encoding="utf-8") == page, f"{DOCS_PATH} is stale; run: {DOCS_COMMAND}"
    for path in docs_specs():
        assert f"(`{path}`)" in page


class Zone(Component):
    kind: Literal["zone"] = "zone"
    diagram_group: ClassVar[str] = "edge"


class Logged(Component):
    kind: Literal["logged"] = "logged"
    log_key: str | None = None
    zone: str | None = None
    diagram_group: ClassVar[str] = "api"

    def references(self) -> Iterator[Reference]:
        if self.log_key:
            yield Reference(("log_key",), self.log_key, ("vault",))
        if self.zone:
            yield Reference(("zone",), self.zone, ("zone",))


class NetWithKey(Component):
    kind: Literal["net_with_key"] = "net_with_key"
    flow_log_key: str
    diagram_group: ClassVar[str] = "network"

    def references(self) -> Iterator[Reference]:
        yield Reference(("flow_log_key",), self.flow_log_key, ("vault",))


def test_plumbing_many_components_share_becomes_a_note_and_networks_draw_no_arrows() -> None:
    spec = _spec()
    spec.components["main"] = NetWithKey(flow_log_key="keys")  # a boundary draws no arrows of its own
    for i in range(4):
        spec.components[f"gw{i}"] = Logged(log_key="keys" if i else None, zone="dns")
    spec.components["gw0"] = Logged(log_key="keys", zone="dns")
    spec.components["dns"] = Zone()
    d = diagram(spec)
    nodes = {n.name: n for n in d.nodes}
    assert nodes["keys"].note == "used by 5 components"  # worker + gw0..gw3: a note, not five arrows
    assert not any(e.target == "keys" for e in d.edges)
    assert not any("main" in (e.source, e.target) for e in d.edges)
    assert all(e.label == "" or "log" not in e.label or e.dashed for e in d.edges)
    assert "dns" not in d.entries  # a zone others put names in is not where users go
    assert {"gw0", "gw1", "gw2", "gw3"} <= set(d.entries)
