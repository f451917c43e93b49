"""Hand-computed line items for every priced kind: quantity x unit price, worked out from the public price.

Prices quoted in the comments are the catalogue's (compiler/cost/prices/<region>.json), taken from the
AWS pricing page named in each entry's ``source``. A month is 730 hours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .cost_helpers import estimate, lines, monthly


def _approx(expected: dict[str, float]) -> dict[str, object]:
    return {key: pytest.approx(value, rel=1e-9, abs=1e-12) for key, value in expected.items()}


# -- table ---------------------------------------------------------------------------------------

TABLE = """\
data:
  kind: table
  partition_key: pk
  usage: {reads_per_month: 3000000, writes_per_month: 500000, stored_gb: 40}
"""


def test_table_us_east_1(tmp_path: Path) -> None:
    result = estimate(tmp_path, TABLE)
    assert monthly(result, "data") == _approx(
        {
            "dynamodb.read_request_units": 3 * 0.125,  # 3M RRU x $0.125/M = $0.375
            "dynamodb.write_request_units": 0.5 * 0.625,  # 0.5M WRU x $0.625/M = $0.3125
            "dynamodb.storage_gb": 40 * 0.25,  # 40 GB x $0.25 = $10.00
            "dynamodb.pitr_gb": 40 * 0.20,  # PITR on by default: 40 GB x $0.20 = $8.00
        }
    )
    assert result.total == pytest.approx(18.6875)
    assert {line.item.logical_id for line in result.lines} == {"DataTable"}


def test_table_eu_west_1(tmp_path: Path) -> None:
    result = estimate(tmp_path, TABLE, region="eu-west-1")
    assert monthly(result, "data") == _approx(
        {
            "dynamodb.read_request_units": 3 * 0.1415,  # $0.4245
            "dynamodb.write_request_units": 0.5 * 0.7068,  # $0.3534
            "dynamodb.storage_gb": 40 * 0.283,  # $11.32
            "dynamodb.pitr_gb": 40 * 0.2264,  # $9.056
        }
    )
    assert result.total == pytest.approx(21.1539)


def test_table_without_pitr_and_with_free_storage(tmp_path: Path) -> None:
    result = estimate(tmp_path, TABLE.replace("  usage:", "  point_in_time_recovery: false\n  usage:"), free_tier=True)
    assert "dynamodb.pitr_gb" not in lines(result, "data")
    # 25 GB of table storage is always free: credit 25 x $0.25 = -$6.25.
    assert lines(result, "data", credit=True)["dynamodb.storage_gb"].monthly == pytest.approx(-6.25)
    assert result.total == pytest.approx(0.375 + 0.3125 + 10.0 - 6.25)


# -- function ------------------------------------------------------------------------------------

FUNCTION = """\
worker:
  kind: function
  code: handlers/worker
  memory: 512
  architecture: {arch}
  usage: {{requests_per_month: 2000000, avg_duration_ms: 150, log_gb: 2}}
"""


def test_function_arm64(tmp_path: Path) -> None:
    result = estimate(tmp_path, FUNCTION.format(arch="arm64"))
    # 2M x 0.150 s x 0.5 GB = 150,000 GB-s.
    # Logs: 2 GB/month kept 30 days (the stage default) settle at 2 / 30.4167 x 30 = 1.972603 GB stored.
    # X-Ray: 5% of 2M = 100,000 traces = 0.1M.
    found = lines(result, "worker")
    assert found["lambda.gb_second_arm"].item.quantity == pytest.approx(150_000)
    assert found["cloudwatch.logs_storage_gb"].item.quantity == pytest.approx(2 / (730 / 24) * 30)
    assert monthly(result, "worker") == _approx(
        {
            "lambda.requests": 2 * 0.20,  # $0.40
            "lambda.gb_second_arm": 150_000 * 0.0000133334,  # $2.00001
            "cloudwatch.logs_ingestion_gb": 2 * 0.50,  # $1.00
            "cloudwatch.logs_storage_gb": 2 / (730 / 24) * 30 * 0.03,  # $0.059178
            "xray.traces_recorded": 0.1 * 5.00,  # $0.50
        }
    )
    assert found["cloudwatch.logs_ingestion_gb"].item.logical_id == "WorkerLogGroup"
    assert found["lambda.requests"].item.logical_id == "WorkerFunction"


def test_function_x86_without_tracing_eu_west_1(tmp_path: Path) -> None:
    spec = FUNCTION.format(arch="x86_64").replace("  usage:", "  tracing: false\n  usage:")
    result = estimate(tmp_path, spec, region="eu-west-1")
    assert monthly(result, "worker") == _approx(
        {
            "lambda.requests": 2 * 0.20,  # $0.40
            "lambda.gb_second_x86": 150_000 * 0.0000166667,  # $2.500005
            "cloudwatch.logs_ingestion_gb": 2 * 0.57,  # $1.14 (Ireland)
            "cloudwatch.logs_storage_gb": 2 / (730 / 24) * 30 * 0.03,
        }
    )


# -- key, secret, parameter ----------------------------------------------------------------------


def test_key_secret_and_parameters(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        data-key:
          kind: key
          usage: {api_calls_per_month: 250000}
        openai-key:
          kind: secret
          usage: {api_calls_per_month: 30000}
        flags:
          kind: parameter
          value: "on"
        big-flags:
          kind: parameter
          tier: advanced
          value: "on"
        """,
    )
    assert monthly(result, "data-key") == _approx(
        {
            "kms.keys": 1 * 1.00,  # one customer-managed key: $1.00/month
            "kms.requests": 25 * 0.03,  # 250,000 requests = 25 x 10K x $0.03 = $0.75
        }
    )
    assert monthly(result, "openai-key") == _approx(
        {
            "secretsmanager.secrets": 1 * 0.40,  # $0.40 per secret-month
            "secretsmanager.api_calls": 3 * 0.05,  # 30,000 calls = 3 x 10K x $0.05 = $0.15
        }
    )
    assert monthly(result, "flags") == {"ssm.parameters_standard": 0.0}  # standard parameters are free
    assert monthly(result, "big-flags") == _approx({"ssm.parameters_advanced": 0.05})  # $0.05 per advanced
    assert result.total == pytest.approx(1.75 + 0.55 + 0.05)
    free = estimate(tmp_path, "k:\n  kind: key\n  usage: {api_calls_per_month: 250000}\n", free_tier=True)
    # 20,000 KMS requests are always free: credit 2 x 10K x $0.03 = -$0.06.
    assert lines(free, "k", credit=True)["kms.requests"].monthly == pytest.approx(-0.06)


# -- log group -----------------------------------------------------------------------------------


def test_log_group_with_own_retention(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        audit:
          kind: log_group
          retention_days: 90
          usage: {log_gb: 4}
        """,
    )
    found = lines(result, "audit")
    # 4 GB/month kept 90 days settles at 4 x 90 / 30 = 12 GB stored.
    assert found["cloudwatch.logs_storage_gb"].item.quantity == pytest.approx(12)
    assert monthly(result, "audit") == _approx(
        {
            "cloudwatch.logs_ingestion_gb": 4 * 0.50,  # $2.00
            "cloudwatch.logs_storage_gb": 12 * 0.03,  # $0.36
        }
    )


# -- websocket API -------------------------------------------------------------------------------


def test_websocket_api(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        chat:
          kind: websocket_api
          auth: none
          routes: {$default: chat-fn}
          usage: {messages_per_month: 5000000, connection_minutes: 2000000, log_gb: 1}
        chat-fn:
          kind: function
          code: handlers/chat
        """,
        region="eu-west-1",
    )
    assert monthly(result, "chat") == _approx(
        {
            "apigateway.websocket_messages": 5 * 1.14,  # 5M messages x $1.14/M (Ireland) = $5.70
            "apigateway.websocket_connection_minutes": 2 * 0.285,  # 2M minutes x $0.285/M = $0.57
            "cloudwatch.logs_ingestion_gb": 1 * 0.57,  # access logs, 1 GB x $0.57 = $0.57
        }
    )


# -- DNS zone ------------------------------------------------------------------------------------


def test_dns_zone_created_and_existing(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        zone:
          kind: dns_zone
          domain: example.com
          usage: {dns_queries_per_month: 3000000}
        """,
    )
    assert monthly(result, "zone") == _approx(
        {
            "route53.hosted_zones": 1 * 0.50,  # $0.50 per hosted zone-month
            "route53.queries": 3 * 0.40,  # 3M standard queries x $0.40/M = $1.20
        }
    )
    existing = estimate(
        tmp_path, "zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ}\n"
    )
    assert existing.lines == []  # an existing zone is billed where it was created


def test_function_logs_follow_invocations_unless_declared(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        worker:
          kind: function
          code: handlers/worker
          usage: {requests_per_month: 4000000, log_kb_per_request: 2}
        """,
    )
    found = lines(result, "worker")
    # 4M invocations x 2 KB = 8,000,000 KB = 8e6 / 1,048,576 GB = 7.629395 GB ingested.
    ingested = 4_000_000 * 2 / 1_048_576
    assert found["cloudwatch.logs_ingestion_gb"].item.quantity == pytest.approx(ingested)
    assert found["cloudwatch.logs_ingestion_gb"].monthly == pytest.approx(ingested * 0.50)  # $3.81
    assert {a.name for a in result.assumptions} >= {"log_kb_per_request"}
    assert "log_gb" not in {a.name for a in result.assumptions}
