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
