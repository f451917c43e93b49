"""The cost machinery: catalogue shape, usage layering, not-priced lines, free-tier credits, reports, CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import api
from compiler.cli import main
from compiler.cost.catalogue import REQUIRED_FIELDS, catalogue, load_prices, regions
from compiler.cost.report import render, render_compare
from compiler.usage import DEFAULT_USAGE, Usage

from .cost_helpers import estimate, lines, monthly, spec_file

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z0-9]+\.[a-z0-9_]+(\.[a-z0-9_.-]+)*$")

FUNCTION = """\
fn:
  kind: function
  code: handlers/fn
  memory: 1024
  usage: {requests_per_month: 3000000, avg_duration_ms: 100, log_gb: 0}
"""


# -- the catalogue ------------------------------------------------------------------------------


def test_catalogue_ships_us_east_1_and_eu_west_1() -> None:
    assert {"us-east-1", "eu-west-1"} <= set(regions())


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_catalogue_entries_are_well_formed(region: str) -> None:
    document = catalogue(region)
    assert document["region"] == region
    assert document["currency"] == "USD"
    prices = document["prices"]
    assert len(prices) > 100
    for key, entry in prices.items():
        assert KEY.match(key), f"{key}: keys are <service>.<thing>"
        assert set(REQUIRED_FIELDS) <= set(entry), f"{key} lacks {set(REQUIRED_FIELDS) - set(entry)}"
        assert set(entry) <= {*REQUIRED_FIELDS, "free_tier", "free_tier_pool", "note"}, f"{key} has unknown fields"
        assert isinstance(entry["price"], int | float) and entry["price"] >= 0, key
        assert entry["unit"].strip() and entry["description"].strip(), key
        assert entry["source"].startswith("https://aws.amazon.com/"), f"{key}: source must be a public AWS page"
        assert date.fromisoformat(entry["seen"]) <= date(2026, 12, 31), key
        if "free_tier" in entry:
            assert entry["free_tier"] > 0, key
        if "free_tier_pool" in entry:
            assert "free_tier" in entry, f"{key}: a pool needs an allowance"


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_pooled_allowances_agree(region: str) -> None:
    pools: dict[str, set[tuple[float, str]]] = {}
    for entry in load_prices(region).values():
        if "free_tier_pool" in entry:
            pools.setdefault(entry["free_tier_pool"], set()).add((entry["free_tier"], entry["unit"].split()[-1]))
    assert pools
    for pool, allowances in pools.items():
        assert len({a for a, _ in allowances}) == 1, f"pool {pool} has different allowances: {allowances}"


def test_every_region_has_the_same_keys_and_units() -> None:
    reference = load_prices("us-east-1")
    for region in regions():
        prices = load_prices(region)
        assert set(prices) == set(reference), f"{region} differs: {set(prices) ^ set(reference)}"
        for key, entry in prices.items():
            assert entry["unit"] == reference[key]["unit"], f"{region} {key}"


def test_current_prices_not_stale_ones() -> None:
    us = load_prices("us-east-1")
    # DynamoDB on-demand was halved in November 2024: $0.625 per million writes, $0.125 per million reads.
    assert us["dynamodb.write_request_units"]["price"] == 0.625
    assert us["dynamodb.read_request_units"]["price"] == 0.125
    # Cognito has Lite/Essentials/Plus tiers (November 2024), not one MAU price.
    assert {"cognito.mau_lite", "cognito.mau_essentials", "cognito.mau_plus"} <= set(us)
    assert us["cognito.mau_essentials"]["free_tier"] == 10_000


def test_docs_list_every_key() -> None:
    doc = (ROOT / "docs" / "cost.md").read_text(encoding="utf-8")
    missing = [key for key in load_prices("us-east-1") if f"`{key}`" not in doc]
    assert not missing, f"docs/cost.md does not list: {missing}"


def test_region_without_catalogue_prices_nothing_and_says_so(tmp_path: Path) -> None:
    result = estimate(tmp_path, FUNCTION, region="ap-south-1")
    assert result.lines and all(not line.priced for line in result.lines)
    assert len(result.unpriced) == len(result.lines)
    assert result.total == 0
    assert any("no price catalogue for ap-south-1" in note for note in result.notes)


# -- usage --------------------------------------------------------------------------------------


def test_every_usage_field_has_a_documented_default() -> None:
    assert set(Usage.model_fields) == set(DEFAULT_USAGE)
    for name, info in Usage.model_fields.items():
        assert info.description, name
    doc = (ROOT / "docs" / "cost.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in doc for name in DEFAULT_USAGE)


def test_usage_layers_component_over_stage_over_system_over_default(tmp_path: Path) -> None:
    head = """\
specc: 1
system: costs
usage: {requests_per_month: 5000000, avg_duration_ms: 40}
stages:
  prod:
    usage: {requests_per_month: 7000000}
components:
"""
    path = spec_file(
        tmp_path,
        """\
        fn:
          kind: function
          code: handlers/fn
          usage: {log_gb: 3}
        """,
        head=head,
    )
    (result,) = api.estimate_spec(path)
    seen = {(a.component, a.name): a for a in result.assumptions}
    assert seen[("fn", "log_gb")].declared and seen[("fn", "log_gb")].scope == "component"
    assert seen[("", "requests_per_month")].value == 7_000_000
    assert seen[("", "requests_per_month")].scope == "stage"
    assert seen[("", "avg_duration_ms")].scope == "system" and seen[("", "avg_duration_ms")].value == 40
    assert not seen[("", "trace_sample_rate")].declared
    assert seen[("", "trace_sample_rate")].scope == "default"
    # 7M requests, the stage's value, is what was priced: 7 x $0.20.
    assert monthly(result)["lambda.requests"] == pytest.approx(1.40)
    text = render([result], "table")
    assert "fn.log_gb = 3 [declared (component)]" in text
    assert "requests_per_month = 7,000,000 [declared (stage)]" in text
    assert "trace_sample_rate = 0.05 [default]" in text


def test_stage_overlay_usage_per_component(tmp_path: Path) -> None:
    head = """\
specc: 1
system: costs
stages:
  dev:
    components:
      fn: {usage: {requests_per_month: 10000}}
  prod: {}
components:
"""
    path = spec_file(tmp_path, "fn: {kind: function, code: handlers/fn}\n", head=head)
    dev, prod = api.estimate_spec(path)
    assert lines(dev)["lambda.requests"].item.quantity == pytest.approx(0.01)
    assert lines(prod)["lambda.requests"].item.quantity == pytest.approx(1.0)


# -- unknown prices and missing cost models ------------------------------------------------------


def test_unknown_price_key_is_not_priced_and_counted_never_zero(tmp_path: Path, monkeypatch) -> None:
    from compiler.components.function import Function

    original = Function.cost

    def with_unknown(self, ctx):
        return [*original(self, ctx), ctx.item(self, self.logical_id, "mystery", "lambda.no_such_key", 3)]

    monkeypatch.setattr(Function, "cost", with_unknown)
    result = estimate(tmp_path, FUNCTION)
    (unknown,) = result.unpriced
    assert unknown.item.unit_price is None and unknown.monthly is None
    assert unknown.item.quantity == 3
    priced = sum(line.monthly for line in result.lines if line.priced)
    assert result.total == pytest.approx(priced)
    data = result.to_dict()
    assert data["unpriced"] == 1
    assert data["components"][0]["unpriced"] == 1
    assert next(i for i in data["items"] if i["price_key"] == "lambda.no_such_key")["monthly"] is None
    text = render([result], "table")
    assert "not priced" in text and "1 line(s) not priced" in text


def test_kind_without_cost_model_is_reported_not_priced(tmp_path: Path, monkeypatch) -> None:
    from compiler.components.function import Function
    from compiler.model import Component

    monkeypatch.setattr(Function, "cost", Component.cost)
    result = estimate(tmp_path, FUNCTION)
    (line,) = result.lines
    assert not line.priced
    assert "no cost model for kind 'function'" in line.item.description


# -- free tier ----------------------------------------------------------------------------------


def test_free_tier_credits_are_separate_lines(tmp_path: Path) -> None:
    without = estimate(tmp_path, FUNCTION)
    with_free = estimate(tmp_path, FUNCTION, free_tier=True)
    assert not without.credits
    credits = lines(with_free, credit=True)
    # 3M requests, 1M always free: credit 1 x $0.20.
    assert credits["lambda.requests"].item.quantity == -1
    assert credits["lambda.requests"].monthly == pytest.approx(-0.20)
    # 3M x 0.1 s x 1 GB = 300,000 GB-s, all inside the 400,000 GB-s allowance.
    assert credits["lambda.gb_second_arm"].item.quantity == pytest.approx(-300_000)
    assert with_free.charges_total == pytest.approx(without.total)
    assert with_free.total == pytest.approx(without.total + with_free.credits_total)
    # Credits never exceed the charge they offset.
    for line in with_free.credits:
        assert line.monthly <= 0


def test_shared_allowance_is_applied_once_dearest_first(tmp_path: Path) -> None:
    components = """\
    a:
      kind: function
      code: handlers/a
      architecture: arm64
      memory: 1024
      usage: {requests_per_month: 3000000, avg_duration_ms: 100, log_gb: 0}
    b:
      kind: function
      code: handlers/b
      architecture: x86_64
      memory: 1024
      usage: {requests_per_month: 3000000, avg_duration_ms: 100, log_gb: 0}
    """
    result = estimate(tmp_path, components, free_tier=True)
    # Each uses 300,000 GB-s; the 400,000 GB-s pool goes to x86 ($0.0000166667) first, the rest to arm.
    assert lines(result, "b", credit=True)["lambda.gb_second_x86"].item.quantity == pytest.approx(-300_000)
    assert lines(result, "a", credit=True)["lambda.gb_second_arm"].item.quantity == pytest.approx(-100_000)
    # The 1M free requests are credited once, to the first function in spec order (same price).
    request_credits = [line for line in result.credits if line.item.price_key == "lambda.requests"]
    assert [c.item.component for c in request_credits] == ["a"]


# -- reports ------------------------------------------------------------------------------------


def test_json_items_carry_everything_a_bill_needs(tmp_path: Path) -> None:
    result = estimate(tmp_path, FUNCTION)
    data = json.loads(render([result], "json"))
    assert data["system"] == "costs" and data["stage"] == "prod" and data["region"] == "us-east-1"
    assert data["total"] == pytest.approx(sum(item["monthly"] for item in data["items"]))
    for item in data["items"]:
        for field in ("component", "logical_id", "quantity", "unit", "unit_price", "monthly", "source", "seen"):
            assert item[field] not in (None, ""), f"{field} missing in {item}"
        assert item["monthly"] == pytest.approx(item["quantity"] * item["unit_price"])
    assert {"name", "value", "declared", "scope"} <= set(data["assumptions"][0])


def test_table_markdown_and_csv(tmp_path: Path) -> None:
    result = estimate(tmp_path, FUNCTION)
    table = render([result], "table")
    assert "component" in table and "unit price" in table and "monthly USD" in table
    assert "fn (function)" in table and "subtotal" in table
    assert f"Stage total: {result.total:,.2f} USD/month" in table
    assert "Assumptions" in table
    markdown = render([result], "markdown")
    assert markdown.startswith("## costs / prod / us-east-1")
    assert "| component | resource | item |" in markdown
    rows = list(csv.DictReader(io.StringIO(render([result], "csv"))))
    assert len(rows) == len(result.lines)
    assert sum(float(r["monthly"]) for r in rows) == pytest.approx(result.total, abs=1e-5)
    assert {r["stage"] for r in rows} == {"prod"}


def test_money_is_rounded_half_up_in_reports(tmp_path: Path) -> None:
    # 1M reads x $0.125 = $0.125: shown as 0.13, never banker's 0.12.
    result = estimate(
        tmp_path,
        """\
        t:
          kind: table
          partition_key: pk
          point_in_time_recovery: false
          usage: {reads_per_month: 1000000, writes_per_month: 0, stored_gb: 0}
        """,
    )
    assert "0.13" in render([result], "table").split("on-demand reads")[1].splitlines()[0]


def test_compare_puts_stages_side_by_side(tmp_path: Path) -> None:
    head = """\
specc: 1
system: costs
stages:
  dev:
    usage: {requests_per_month: 100000}
  prod:
    region: eu-west-1
components:
"""
    path = spec_file(tmp_path, FUNCTION.replace("requests_per_month: 3000000, ", ""), head=head)
    estimates = api.estimate_spec(path)
    text = render_compare(estimates, "table")
    header = text.splitlines()[2]
    assert header.split() == ["component", "dev", "prod"]
    assert "eu-west-1" in text and "TOTAL" in text
    data = json.loads(render_compare(estimates, "json"))
    assert data["stages"]["dev"]["total"] == estimates[0].total
    assert data["stages"]["prod"]["region"] == "eu-west-1"
    rows = list(csv.reader(io.StringIO(render_compare(estimates, "csv"))))
    assert rows[0] == ["component", "dev", "prod"]


def test_estimates_are_deterministic(tmp_path: Path) -> None:
    first = render(api.estimate_spec(spec_file(tmp_path, FUNCTION)), "json")
    second = render(api.estimate_spec(spec_file(tmp_path, FUNCTION)), "json")
    assert first == second


# -- the command --------------------------------------------------------------------------------


def test_cli_cost(tmp_path: Path) -> None:
    path = str(spec_file(tmp_path, FUNCTION))
    runner = CliRunner()
    result = runner.invoke(main, ["cost", path])
    assert result.exit_code == 0, result.output
    assert "Stage total" in result.output
    result = runner.invoke(main, ["cost", path, "--format", "json", "--free-tier"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["free_tier"] is True
    result = runner.invoke(main, ["cost", path, "--compare", "--format", "markdown"])
    assert result.exit_code == 0 and "| component | prod |" in result.output
    result = runner.invoke(main, ["cost", path, "--region", "ap-south-1", "--fail-on-unpriced"])
    assert result.exit_code == 1


def test_cli_cost_bad_spec_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    path = spec_file(tmp_path, "fn: {kind: function, code: x, usage: {requests_per_mnth: 3}}\n")
    result = CliRunner().invoke(main, ["cost", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert re.search(r"costs\.yaml:\d+:\d+: components\.fn\.usage\.requests_per_mnth: unknown key", result.output)


def test_cli_cost_negative_usage_is_rejected(tmp_path: Path) -> None:
    path = spec_file(tmp_path, "fn: {kind: function, code: x, usage: {stored_gb: -1}}\n")
    result = CliRunner().invoke(main, ["cost", str(path)])
    assert result.exit_code == 1
    assert "components.fn.usage.stored_gb" in result.output


def test_compile_writes_cost_json_beside_each_template(tmp_path: Path) -> None:
    path = str(spec_file(tmp_path, FUNCTION))
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(main, ["compile", path, "--out", str(out)]).exit_code == 0
    written = out / "costs" / "prod.cost.json"
    first = written.read_text(encoding="utf-8")
    data = json.loads(first)
    assert data["stage"] == "prod" and data["unpriced"] == 0
    assert data["items"][0]["logical_id"] == "FnFunction"
    assert runner.invoke(main, ["compile", path, "--out", str(out)]).exit_code == 0
    assert written.read_text(encoding="utf-8") == first


def test_totals_by_aws_service(tmp_path: Path) -> None:
    table = (
        "t: {kind: table, partition_key: pk, usage: {reads_per_month: 2000000, writes_per_month: 0, stored_gb: 0}}\n"
    )
    result = estimate(tmp_path, table + FUNCTION)
    services = {service: monthly for service, monthly, _ in result.services()}
    assert services["Amazon DynamoDB"] == pytest.approx(2 * 0.125)
    assert services["AWS Lambda"] == pytest.approx(
        sum(line.monthly for line in result.lines if (line.item.price_key or "").startswith("lambda."))
    )
    assert sum(services.values()) == pytest.approx(result.total)
    assert json.loads(render([result], "json"))["services"][0]["service"] == result.services()[0][0]
    assert "By AWS service" in render([result], "table", by_service=True)
    compare = render_compare([result], "table", by_service=True)
    assert compare.splitlines()[2].split() == ["service", "prod"]
    assert "Amazon DynamoDB" in compare and "fn (function)" not in compare
    runner = CliRunner()
    out = runner.invoke(main, ["cost", str(spec_file(tmp_path, FUNCTION)), "--compare", "--by-service"])
    assert out.exit_code == 0 and "AWS Lambda" in out.output


def test_declared_usage_nothing_uses_is_said(tmp_path: Path) -> None:
    result = estimate(tmp_path, FUNCTION.replace("log_gb: 0}", "log_gb: 0, monthly_active_users: 5}"))
    assert result.notes == [
        "components.fn.usage.monthly_active_users is declared but no cost line of this function uses it"
    ]
    assert "Note: components.fn.usage.monthly_active_users" in render([result], "table")
    assert not estimate(tmp_path, FUNCTION).notes
