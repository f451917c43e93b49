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


def expect(result: object, component: str, expected: dict[str, float]) -> None:
    """Each hand-computed line (by price key) is there with that monthly amount.

    Lines a kind adds later (another engineer's logs, say) are tested where they are added; this checks
    that none of these disappeared or changed.
    """
    found = monthly(result, component)
    missing = sorted(set(expected) - set(found))
    assert not missing, f"{component}: no line for {missing}; lines are {sorted(found)}"
    assert {key: found[key] for key in expected} == _approx(expected)


# -- table ---------------------------------------------------------------------------------------

TABLE = """\
data:
  kind: table
  partition_key: pk
  usage: {reads_per_month: 3000000, writes_per_month: 500000, stored_gb: 40}
"""


def test_table_us_east_1(tmp_path: Path) -> None:
    result = estimate(tmp_path, TABLE)
    expect(
        result,
        "data",
        {
            "dynamodb.read_request_units": 3 * 0.125,  # 3M RRU x $0.125/M = $0.375
            "dynamodb.write_request_units": 0.5 * 0.625,  # 0.5M WRU x $0.625/M = $0.3125
            "dynamodb.storage_gb": 40 * 0.25,  # 40 GB x $0.25 = $10.00
            "dynamodb.pitr_gb": 40 * 0.20,  # PITR on by default: 40 GB x $0.20 = $8.00
        },
    )
    assert result.total == pytest.approx(18.6875)
    assert {line.item.logical_id for line in result.lines} == {"DataTable"}


def test_table_eu_west_1(tmp_path: Path) -> None:
    result = estimate(tmp_path, TABLE, region="eu-west-1")
    expect(
        result,
        "data",
        {
            "dynamodb.read_request_units": 3 * 0.1415,  # $0.4245
            "dynamodb.write_request_units": 0.5 * 0.7068,  # $0.3534
            "dynamodb.storage_gb": 40 * 0.283,  # $11.32
            "dynamodb.pitr_gb": 40 * 0.2264,  # $9.056
        },
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
    expect(
        result,
        "worker",
        {
            "lambda.requests": 2 * 0.20,  # $0.40
            "lambda.gb_second_arm": 150_000 * 0.0000133334,  # $2.00001
            "cloudwatch.logs_ingestion_gb": 2 * 0.50,  # $1.00
            "cloudwatch.logs_storage_gb": 2 / (730 / 24) * 30 * 0.03,  # $0.059178
            "xray.traces_recorded": 0.1 * 5.00,  # $0.50
        },
    )
    assert found["cloudwatch.logs_ingestion_gb"].item.logical_id == "WorkerLogGroup"
    assert found["lambda.requests"].item.logical_id == "WorkerFunction"


def test_function_x86_without_tracing_eu_west_1(tmp_path: Path) -> None:
    spec = FUNCTION.format(arch="x86_64").replace("  usage:", "  tracing: false\n  usage:")
    result = estimate(tmp_path, spec, region="eu-west-1")
    expect(
        result,
        "worker",
        {
            "lambda.requests": 2 * 0.20,  # $0.40
            "lambda.gb_second_x86": 150_000 * 0.0000166667,  # $2.500005
            "cloudwatch.logs_ingestion_gb": 2 * 0.57,  # $1.14 (Ireland)
            "cloudwatch.logs_storage_gb": 2 / (730 / 24) * 30 * 0.03,
        },
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
    expect(
        result,
        "data-key",
        {
            "kms.keys": 1 * 1.00,  # one customer-managed key: $1.00/month
            "kms.requests": 25 * 0.03,  # 250,000 requests = 25 x 10K x $0.03 = $0.75
        },
    )
    expect(
        result,
        "openai-key",
        {
            "secretsmanager.secrets": 1 * 0.40,  # $0.40 per secret-month
            "secretsmanager.api_calls": 3 * 0.05,  # 30,000 calls = 3 x 10K x $0.05 = $0.15
        },
    )
    assert monthly(result, "flags") == {"ssm.parameters_standard": 0.0}  # standard parameters are free
    expect(result, "big-flags", {"ssm.parameters_advanced": 0.05})  # $0.05 per advanced
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
    expect(
        result,
        "audit",
        {
            "cloudwatch.logs_ingestion_gb": 4 * 0.50,  # $2.00
            "cloudwatch.logs_storage_gb": 12 * 0.03,  # $0.36
        },
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
    expect(
        result,
        "chat",
        {
            "apigateway.websocket_messages": 5 * 1.14,  # 5M messages x $1.14/M (Ireland) = $5.70
            "apigateway.websocket_connection_minutes": 2 * 0.285,  # 2M minutes x $0.285/M = $0.57
            "cloudwatch.logs_ingestion_gb": 1 * 0.57,  # access logs, 1 GB x $0.57 = $0.57
        },
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
    expect(
        result,
        "zone",
        {
            "route53.hosted_zones": 1 * 0.50,  # $0.50 per hosted zone-month
            "route53.queries": 3 * 0.40,  # 3M standard queries x $0.40/M = $1.20
        },
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


# -- network, containers, load balancer, WAF -----------------------------------------------------

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
CONTAINERS = f"""\
main:
  kind: network
  nat_gateways: single
  usage: {{data_processed_gb: 100, log_gb: 3}}
logs:
  kind: log_bucket
  usage: {{stored_gb: 10, writes_per_month: 20000}}
app:
  kind: container_cluster
  usage: {{log_gb: 2}}
api-images:
  kind: image_repository
  usage: {{stored_gb: 3}}
api:
  kind: service
  cluster: app
  network: main
  image: {{repository: api-images}}
  cpu: 1024
  memory: 2048
  port: 8080
  desired_count: 2
  health_check: {{path: /health}}
  writable_paths: [/tmp]
  usage: {{log_gb: 5}}
edge:
  kind: load_balancer
  network: main
  certificate_arn: {CERT}
  access_logs: logs
  routes:
    - {{service: api}}
  usage: {{load_balancer_lcus: 2, data_transfer_gb: 200}}
shield:
  kind: waf
  attach_to: [edge]
  rate_limit: 1000
  usage: {{requests_per_month: 10000000, log_gb: 1}}
"""


def test_network_containers_load_balancer_and_waf(tmp_path: Path) -> None:
    result = estimate(tmp_path, CONTAINERS)
    # The S3 and DynamoDB gateway endpoints are two free lines with the same key: compare by description.
    main = {line.item.description: line.monthly for line in result.lines if line.item.component == "main"}
    expected = {
        "1 NAT gateway(s)": 32.85,
        "NAT gateway data processed": 4.50,
        "1 public IPv4 address(es) of the NAT gateways": 3.65,
        "dynamodb gateway endpoint (no charge)": 0.0,
        "s3 gateway endpoint (no charge)": 0.0,
        "flow logs delivered": 1.50,
    }
    assert {d: main.get(d) for d in expected} == _approx(expected)
    if "flow logs storage (30-day retention)" in main:
        # 3 GB a month kept 30 days: 3 / (730 / 24) x 30 = 2.959 GB-month x $0.03
        assert main["flow logs storage (30-day retention)"] == pytest.approx(3 / (730 / 24) * 30 * 0.03)
    expect(
        result,
        "logs",
        {
            "s3.storage_standard_gb": 10 * 0.023,  # $0.23
            "s3.put_requests": 20 * 0.005,  # 20,000 deliveries = 20 x 1K x $0.005 = $0.10
        },
    )
    expect(
        result,
        "app",
        {
            "cloudwatch.custom_metrics": 27 * 0.30,  # Container Insights: 12 cluster + 15 for its 1 service = $8.10
            "cloudwatch.logs_ingestion_gb": 2 * 0.50,  # performance events: $1.00
        },
    )
    expect(result, "api-images", {"ecr.storage_gb": 3 * 0.10})  # $0.30
    expect(
        result,
        "api",
        {
            "fargate.vcpu_hours_x86": 2 * 1 * 730 * 0.04048,  # 2 tasks x 1 vCPU x 730 h = 1,460 vCPU-h: $59.1008
            "fargate.gb_hours_x86": 2 * 2 * 730 * 0.004445,  # 2 tasks x 2 GB x 730 h = 2,920 GB-h: $12.9794
            "cloudwatch.logs_ingestion_gb": 5 * 0.50,  # $2.50
        },
    )
    expect(
        result,
        "edge",
        {
            "elb.alb_hours": 730 * 0.0225,  # $16.425
            "elb.alb_lcu_hours": 2 * 730 * 0.008,  # 2 LCUs all month: $11.68
            "vpc.public_ipv4_hours": 2 * 730 * 0.005,  # one public IPv4 per zone, 2 zones: $7.30
            "transfer.internet_out_gb": 200 * 0.09,  # 200 GB out: $18.00
        },
    )
    expect(
        result,
        "shield",
        {
            "waf.web_acls": 5.00,  # one web ACL
            "waf.rules": 5 * 1.00,  # 4 default managed rule groups + the rate rule = 5 rules: $5.00
            "waf.requests": 10 * 0.60,  # 10M requests: $6.00
            "cloudwatch.logs_vended_gb": 1 * 0.50,  # WAF logs: $0.50
        },
    )
    assert not result.unpriced


def test_network_per_az_endpoints_without_nat_and_s3_flow_logs(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        main:
          kind: network
          availability_zones: 3
          nat_gateways: none
          interface_endpoints: [secretsmanager, logs]
          flow_logs: {destination: s3}
          usage: {data_processed_gb: 50, log_gb: 4}
        """,
        region="eu-west-1",
    )
    main = {line.item.description: line.monthly for line in result.lines}
    # 2 endpoints x 3 zones = 6 endpoint-AZs x 730 h x $0.011 (Ireland) = $48.18; 50 GB x $0.01 = $0.50;
    # flow logs to S3: 4 GB x $0.25 = $1.00.
    assert main["2 interface endpoint(s) x 3 zone(s)"] == pytest.approx(6 * 730 * 0.011)
    assert main["interface endpoint data processed"] == pytest.approx(0.50)
    assert main["flow logs delivered"] == pytest.approx(1.00)
    assert not any("NAT" in description for description in main)


# -- databases -----------------------------------------------------------------------------------


def test_postgres_multi_az_and_documentdb(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        net:
          kind: network
          nat_gateways: none
          usage: {log_gb: 0}
        users:
          kind: postgres
          network: net
          instance_class: db.t3.medium
          version: "16.10"
          storage_gb: 50
          max_storage_gb: 200
          multi_az: true
          usage: {stored_gb: 80, backup_gb: 10}
        docs:
          kind: documentdb
          network: net
          instance_class: db.t3.medium
          instances: 3
          usage: {stored_gb: 20, io_requests_per_month: 40000000, backup_gb: 5}
        """,
    )
    expect(
        result,
        "users",
        {
            "rds.instance_hours_multi_az.postgres.db.t3.medium": 730 * 0.144,  # 2 x $0.072 Multi-AZ: $105.12
            "rds.storage_gp3_gb_multi_az": 80 * 0.23,  # storage grew to the 80 GB of data (limit 200): $18.40
            "rds.backup_gb": 10 * 0.095,  # $0.95
            "secretsmanager.secrets": 0.40,  # the managed master-password secret
            # PostgreSQL logs, default 1 GB a month, kept 30 days: $0.50 + 0.986 GB-month x $0.03
            "cloudwatch.logs_ingestion_gb": 1 * 0.50,
            "cloudwatch.logs_storage_gb": 1 / (730 / 24) * 30 * 0.03,
        },
    )
    expect(
        result,
        "docs",
        {
            "docdb.instance_hours.db.t3.medium": 3 * 730 * 0.078,  # 3 instances: $170.82
            "docdb.storage_gb": 20 * 0.10,  # $2.00
            "docdb.io_requests": 40 * 0.20,  # 40M I/Os: $8.00
            "docdb.backup_gb": 5 * 0.021,  # $0.105
            "secretsmanager.secrets": 0.40,
            "cloudwatch.logs_ingestion_gb": 1 * 0.50,  # audit logs, default 1 GB a month
            "cloudwatch.logs_storage_gb": 1 / (730 / 24) * 30 * 0.03,
        },
    )


def test_postgres_single_az_keeps_allocated_storage(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        net: {kind: network, nat_gateways: none, flow_logs: {destination: none}}
        users:
          kind: postgres
          network: net
          instance_class: db.t4g.micro
          version: "16.10"
          storage_gb: 20
          multi_az: false
          usage: {stored_gb: 2}
        """,
    )
    found = monthly(result, "users")
    assert found["rds.instance_hours.postgres.db.t4g.micro"] == pytest.approx(730 * 0.016)  # $11.68
    assert found["rds.storage_gp3_gb"] == pytest.approx(20 * 0.115)  # the 20 GB allocated, not 2 GB used: $2.30


# -- delivery: build, pipeline, Amplify ----------------------------------------------------------


def test_amplify_app_and_rest_api(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        hello:
          kind: function
          code: handlers/hello
          usage: {requests_per_month: 0}
        api:
          kind: rest_api
          access: public
          routes: {"GET /hello": hello}
          usage: {requests_per_month: 2000000, log_gb: 1}
        site:
          kind: amplify_app
          repository: https://github.com/example/site
          access_token: {secret_name: example/github-token}
          framework: React
          build: {commands: [npm run build], output: dist}
          usage: {build_minutes: 120, stored_gb: 2, data_transfer_gb: 30}
        """,
    )
    api = monthly(result, "api")
    assert api["apigateway.rest_requests"] == pytest.approx(2 * 3.50)  # 2M REST requests: $7.00
    if "cloudwatch.logs_ingestion_gb" in api:
        assert api["cloudwatch.logs_ingestion_gb"] == pytest.approx(1 * 0.50)  # access logs: $0.50
    if "xray.traces_recorded" in api:
        assert api["xray.traces_recorded"] == pytest.approx(2 * 0.05 * 5.00)  # 5% of 2M = 0.1M traces: $0.50
    expect(
        result,
        "site",
        {
            "amplify.build_minutes": 120 * 0.01,  # $1.20
            "amplify.storage_gb": 2 * 0.023,  # $0.046
            "amplify.transfer_out_gb": 30 * 0.15,  # $4.50
        },
    )


# -- observability and mail ----------------------------------------------------------------------


def test_dashboard_and_email(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        data: {kind: table, partition_key: PK, usage: {reads_per_month: 0, writes_per_month: 0, stored_gb: 0}}
        ops:
          kind: dashboard
          widgets:
            - {"on": data, metrics: [read_throttles]}
        mail-key: {kind: key, usage: {api_calls_per_month: 0}}
        news:
          kind: email
          sender: news@letters.example.org
          kms_key: mail-key
          usage: {emails_per_month: 50000}
        """,
    )
    expect(result, "ops", {"cloudwatch.dashboards": 3.00})  # $3 per dashboard-month
    news = {line.item.description: line.monthly for line in result.lines if line.item.component == "news"}
    assert news["emails sent"] == pytest.approx(50 * 0.10)  # 50,000 emails = 50 x 1K x $0.10 = $5.00
    for description, amount in news.items():
        if description != "emails sent":  # bounce/complaint topics: 5% of 50,000 = 2,500 publishes each
            assert amount == pytest.approx(0.0025 * 0.50)


def test_build_project_and_pipeline(tmp_path: Path) -> None:
    spec = """\
        net: {kind: network, nat_gateways: single, usage: {data_processed_gb: 0, log_gb: 0}}
        cluster: {kind: container_cluster, container_insights: disabled}
        images: {kind: image_repository, usage: {stored_gb: 1}}
        build:
          kind: build_project
          buildspec: buildspec.yml
          image_repository: images
          compute: medium
          usage: {build_minutes: 400}
        api:
          kind: service
          cluster: cluster
          network: net
          image: {repository: images}
          desired_count: 1
          usage: {log_gb: 0}
        ship:
          kind: pipeline
          source:
            repository: example-org/relay
            branch: main
            connection_arn: arn:aws:codeconnections:us-east-1:123456789012:connection/0a1b2c3d-1111-2222-3333-444455556666
          access_logs: false
          stages:
            - {name: build, build: [build]}
            - {name: release, deploy: [api]}
          usage: {action_minutes: 250}
        """
    result = estimate(tmp_path, spec)
    expect(result, "build", {"codebuild.linux_medium_minutes": 400 * 0.01})  # $4.00
    expect(result, "ship", {"codepipeline.v2_action_minutes": 250 * 0.002})  # $0.50
    assert monthly(result, "cluster") == {}  # Container Insights disabled: nothing to pay
    free = estimate(tmp_path, spec.replace("compute: medium", "compute: small"), free_tier=True)
    # general1.small: 400 min x $0.005 = $2.00, of which 100 minutes are always free (-$0.50).
    expect(free, "build", {"codebuild.linux_small_minutes": 2.00})
    assert lines(free, "build", credit=True)["codebuild.linux_small_minutes"].monthly == pytest.approx(-0.50)


# -- serverless front door: auth, HTTP API, bucket, schedule, monitoring ---------------------------

SERVERLESS = """\
auth:
  kind: auth
  sign_in: [email_otp]
  clients:
    web: {}
  usage: {monthly_active_users: 25000}
data:
  kind: table
  partition_key: PK
  usage: {reads_per_month: 0, writes_per_month: 0, stored_gb: 0}
photos:
  kind: bucket
  usage: {stored_gb: 50, reads_per_month: 400000, writes_per_month: 60000}
api:
  kind: http_api
  authorizer: {auth: auth}
  routes:
    "GET /batches": handle
  usage: {requests_per_month: 3000000, log_kb_per_request: 0.5}
handle:
  kind: function
  code: handlers/handle
  uses: {data: read_write, photos: read_write}
  usage: {requests_per_month: 3000000, avg_duration_ms: 50, log_gb: 0}
tick:
  kind: schedule
  expression: rate(5 minutes)
  target: handle
alerts:
  kind: monitoring
  email: ops@example.com
  alarms:
    - {"on": handle, metric: errors, above: 10}
    - {"on": api, metric: 5xx, above: 5}
  usage: {notifications_per_month: 200}
"""


def test_auth_http_api_bucket_schedule_and_monitoring(tmp_path: Path) -> None:
    result = estimate(tmp_path, SERVERLESS)
    # Email OTP needs the Essentials tier: 25,000 MAU x $0.015 = $375.00 at list price.
    expect(result, "auth", {"cognito.mau_essentials": 25_000 * 0.015})
    expect(
        result,
        "photos",
        {
            "s3.put_requests": 60 * 0.005,  # 60,000 writes = 60 x 1K x $0.005 = $0.30
            "s3.get_requests": 400 * 0.0004,  # 400,000 reads = 400 x 1K x $0.0004 = $0.16
        },
    )
    photos = lines(result, "photos")
    storage = [line for line in photos.values() if (line.item.price_key or "").startswith("s3.storage_")]
    assert storage and sum(line.item.quantity for line in storage) == pytest.approx(50)
    expect(
        result,
        "api",
        {
            "apigateway.http_requests": 3 * 1.00,  # 3M requests x $1.00/M = $3.00
            # access logs: 3M x 0.5 KB = 1,500,000 KB = 1.430511 GB x $0.50 = $0.715256
            "cloudwatch.logs_ingestion_gb": 3_000_000 * 0.5 / 1_048_576 * 0.50,
        },
    )
    # rate(5 minutes): 12 an hour x 730 h = 8,760 runs = 0.00876M x $1.00 = $0.00876.
    expect(result, "tick", {"scheduler.invocations": 8_760 / 1e6 * 1.00})
    alerts = {line.item.price_key: line for line in result.lines if line.item.component == "alerts"}
    assert alerts["sns.publishes"].monthly == pytest.approx(200 / 1e6 * 0.50)  # 200 notifications: $0.0001
    # each notification e-mailed to 1 subscriber: 200 / 100K x $2.00 = $0.004
    assert alerts["sns.email_deliveries"].monthly == pytest.approx(200 / 100_000 * 2.00)
    alarms = [line for line in result.lines if line.item.price_key == "cloudwatch.alarms_standard"]
    assert len(alarms) == 2 and all(line.monthly == pytest.approx(0.10) for line in alarms)  # $0.10 each
    free = estimate(tmp_path, SERVERLESS, free_tier=True)
    # Lite and Essentials share 10,000 free MAUs: credit 10,000 x $0.015 = -$150.00.
    assert lines(free, "auth", credit=True)["cognito.mau_essentials"].monthly == pytest.approx(-150.0)
    # 10 standard alarms are free: both alarms credited.
    assert sum(line.monthly for line in free.credits if line.item.price_key == "cloudwatch.alarms_standard") == (
        pytest.approx(-0.20)
    )


# -- CloudFront: cdn and static site; layers -------------------------------------------------------


def test_cdn_static_site_and_layer(tmp_path: Path) -> None:
    result = estimate(
        tmp_path,
        """\
        zone: {kind: dns_zone, domain: example.com, hosted_zone_id: Z0123456789ABCDEFGHIJ}
        logs: {kind: log_bucket, usage: {stored_gb: 0, writes_per_month: 0}}
        exports:
          kind: bucket
          usage: {stored_gb: 0, reads_per_month: 0, writes_per_month: 0}
        pdfs:
          kind: cdn
          origin: exports
          access_logs: logs
          domain: {name: files.example.com, zone: zone}
          usage: {data_transfer_gb: 2000, requests_per_month: 30000000}
        web:
          kind: static_site
          access_logs: logs
          usage: {stored_gb: 0.5, data_transfer_gb: 40, requests_per_month: 2000000}
        deps:
          kind: layer
          code: handlers/deps
          runtimes: [python3.12]
        """,
    )
    expect(
        result,
        "pdfs",
        {
            "cloudfront.transfer_out_gb": 2000 * 0.085,  # 2,000 GB x $0.085 = $170.00
            "cloudfront.https_requests": 3000 * 0.01,  # 30M = 3,000 x 10K x $0.01 = $30.00
            "route53.records": 0.0,  # alias record in the existing zone: no charge
            "acm.public_certificates": 0.0,  # DNS-validated public certificate: no charge
        },
    )
    expect(
        result,
        "web",
        {
            "s3.storage_standard_gb": 0.5 * 0.023,  # site files: $0.0115
            "cloudfront.transfer_out_gb": 40 * 0.085,  # $3.40
            "cloudfront.https_requests": 200 * 0.01,  # 2M = 200 x 10K x $0.01 = $2.00
        },
    )
    assert lines(result, "deps") == {}  # layers are stored free (75 GB of code storage per account)
    free = estimate(
        tmp_path,
        "logs: {kind: log_bucket}\nweb: {kind: static_site, access_logs: logs, usage: {data_transfer_gb: 40}}\n",
        free_tier=True,
    )
    # CloudFront's always-free 1 TB covers the 40 GB: credit -$3.40.
    assert lines(free, "web", credit=True)["cloudfront.transfer_out_gb"].monthly == pytest.approx(-3.40)
