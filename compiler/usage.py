"""Usage assumptions a spec declares for cost estimates (system, stage and component level)."""

from __future__ import annotations

from pydantic import Field

from .base import SpecModel

HOURS_PER_MONTH = 730  # AWS pricing pages use 730 hours a month


class Usage(SpecModel):
    """Monthly usage assumptions. Anything left out falls back to the documented default."""

    requests_per_month: float | None = Field(None, ge=0, description="API requests or function invocations per month.")
    avg_duration_ms: float | None = Field(None, ge=0, description="Average function duration in milliseconds.")
    avg_payload_kb: float | None = Field(None, ge=0, description="Average request/response payload in KB.")
    stored_gb: float | None = Field(None, ge=0, description="Data stored, in GB (tables, buckets, databases).")
    reads_per_month: float | None = Field(None, ge=0, description="Table or bucket reads per month.")
    writes_per_month: float | None = Field(None, ge=0, description="Table or bucket writes per month.")
    monthly_active_users: float | None = Field(None, ge=0, description="Users who sign in at least once a month.")
    emails_per_month: float | None = Field(None, ge=0, description="Emails sent per month.")
    data_transfer_gb: float | None = Field(None, ge=0, description="Data transferred out to the internet, GB/month.")
    invocations_per_month: float | None = Field(None, ge=0, description="Schedule or queue invocations per month.")
    build_minutes: float | None = Field(None, ge=0, description="Build minutes per month (CodeBuild, Amplify).")
    log_gb: float | None = Field(None, ge=0, description="Log data ingested per month, GB.")
    messages_per_month: float | None = Field(None, ge=0, description="WebSocket or SNS messages per month.")
    connection_minutes: float | None = Field(None, ge=0, description="WebSocket connection minutes per month.")
    hours_per_month: float | None = Field(None, ge=0, le=744, description="Hours an always-on resource runs.")


#: Used where a spec is silent; printed in every report as "default".
DEFAULT_USAGE: dict[str, float] = {
    "requests_per_month": 1_000_000,
    "avg_duration_ms": 200,
    "avg_payload_kb": 10,
    "stored_gb": 1,
    "reads_per_month": 1_000_000,
    "writes_per_month": 200_000,
    "monthly_active_users": 1_000,
    "emails_per_month": 1_000,
    "data_transfer_gb": 10,
    "invocations_per_month": 8_760,
    "build_minutes": 100,
    "log_gb": 1,
    "messages_per_month": 1_000_000,
    "connection_minutes": 1_000_000,
    "hours_per_month": HOURS_PER_MONTH,
}
