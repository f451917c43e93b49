"""Usage assumptions a spec declares for cost estimates (system, stage and component level).

```yaml
usage:                       # system-wide
  requests_per_month: 2000000
stages:
  dev:
    usage: {requests_per_month: 50000}    # this stage
components:
  api:
    kind: http_api
    usage: {avg_payload_kb: 4}            # this component, every stage
```

A value is looked up component > stage > system > ``DEFAULT_USAGE``; every value an estimate used
is printed with it, marked "declared" or "default". Things the spec itself states (memory, instance
classes, task counts, alarms) are read from the components, never from usage.
"""

from __future__ import annotations

from pydantic import Field

from .base import SpecModel

HOURS_PER_MONTH = 730  # AWS pricing pages use 730 hours a month


class Usage(SpecModel):
    """Monthly usage assumptions. Anything left out falls back to the documented default."""

    requests_per_month: float | None = Field(
        None, ge=0, description="API requests or function invocations per month.", examples=[2_000_000]
    )
    avg_duration_ms: float | None = Field(
        None, ge=0, description="Average function duration in milliseconds.", examples=[120]
    )
    avg_payload_kb: float | None = Field(
        None, ge=0, description="Average request/response payload in KB.", examples=[4]
    )
    stored_gb: float | None = Field(
        None, ge=0, description="Data stored, in GB (tables, buckets, databases, images).", examples=[20]
    )
    reads_per_month: float | None = Field(
        None, ge=0, description="Table or bucket reads per month.", examples=[5000000]
    )
    writes_per_month: float | None = Field(
        None, ge=0, description="Table or bucket writes per month.", examples=[1000000]
    )
    monthly_active_users: float | None = Field(
        None, ge=0, description="Users who sign in at least once a month.", examples=[5_000]
    )
    emails_per_month: float | None = Field(None, ge=0, description="Emails sent per month.", examples=[20000])
    data_transfer_gb: float | None = Field(
        None, ge=0, description="Data transferred out to the internet, GB/month.", examples=[50]
    )
    invocations_per_month: float | None = Field(
        None, ge=0, description="Schedule or queue invocations per month.", examples=[720]
    )
    build_minutes: float | None = Field(
        None, ge=0, description="Build minutes per month (CodeBuild, Amplify).", examples=[300]
    )
    log_kb_per_request: float | None = Field(
        None,
        ge=0,
        description=(
            "Log written per request or invocation, KB (platform lines included); gives a log group's "
            "ingestion when log_gb is not declared."
        ),
        examples=[2],
    )
    log_gb: float | None = Field(None, ge=0, description="Log data ingested per month, GB.", examples=[2])
    messages_per_month: float | None = Field(
        None, ge=0, description="WebSocket, SNS or SQS messages per month.", examples=[3000000]
    )
    notifications_per_month: float | None = Field(
        None,
        ge=0,
        description="Alarm or operational notifications a monitoring topic publishes per month.",
        examples=[300],
    )
    connection_minutes: float | None = Field(
        None, ge=0, description="WebSocket connection minutes per month.", examples=[500000]
    )
    hours_per_month: float | None = Field(
        None, ge=0, le=744, description="Hours an always-on resource runs (730 is all month).", examples=[200]
    )
    data_processed_gb: float | None = Field(
        None, ge=0, description="Data processed by NAT gateways or VPC endpoints, GB/month.", examples=[100]
    )
    load_balancer_lcus: float | None = Field(
        None, ge=0, description="Average load balancer capacity units (LCUs) in use over the month.", examples=[2]
    )
    io_requests_per_month: float | None = Field(
        None, ge=0, description="Database storage I/O requests per month (DocumentDB Standard).", examples=[50000000]
    )
    backup_gb: float | None = Field(
        None,
        ge=0,
        description="Backup storage beyond the free allowance (100% of the database's storage), GB.",
        examples=[20],
    )
    dns_queries_per_month: float | None = Field(
        None, ge=0, description="DNS queries per month (non-alias records).", examples=[2000000]
    )
    api_calls_per_month: float | None = Field(
        None, ge=0, description="API calls per month to a secret or key (Secrets Manager, KMS).", examples=[100000]
    )
    trace_sample_rate: float | None = Field(
        None,
        ge=0,
        le=1,
        description="Share of requests X-Ray records as traces (default sampling is 5%).",
        examples=[0.1],
    )
    action_minutes: float | None = Field(
        None, ge=0, description="Pipeline action execution minutes per month (CodePipeline V2).", examples=[300]
    )


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
    "log_kb_per_request": 1,
    "messages_per_month": 1_000_000,
    "notifications_per_month": 100,
    "connection_minutes": 1_000_000,
    "hours_per_month": HOURS_PER_MONTH,
    "data_processed_gb": 10,
    "load_balancer_lcus": 1,
    "io_requests_per_month": 10_000_000,
    "backup_gb": 0,
    "dns_queries_per_month": 1_000_000,
    "api_calls_per_month": 10_000,
    "trace_sample_rate": 0.05,
    "action_minutes": 100,
}
