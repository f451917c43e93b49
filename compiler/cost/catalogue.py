"""The price catalogue shipped with specc: ``prices/<region>.json``, read once per region.

Each file is ``{"region", "currency", "note", "prices": {key: entry}}``; an entry is
``{price, unit, description, source, seen, free_tier?, free_tier_pool?, note?}``. Keys are
``<service>.<thing>`` (``lambda.requests``, ``rds.instance_hours.postgres.db.t3.micro``); the
quantity a component passes to ``CostContext.item`` is in the entry's ``unit``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

REQUIRED_FIELDS = ("price", "unit", "description", "source", "seen")

#: The AWS service a key's prefix bills under, as bills and pricing pages name it.
SERVICES: dict[str, str] = {
    "acm": "AWS Certificate Manager",
    "amplify": "AWS Amplify",
    "apigateway": "Amazon API Gateway",
    "cloudfront": "Amazon CloudFront",
    "cloudwatch": "Amazon CloudWatch",
    "codebuild": "AWS CodeBuild",
    "codepipeline": "AWS CodePipeline",
    "cognito": "Amazon Cognito",
    "docdb": "Amazon DocumentDB",
    "dynamodb": "Amazon DynamoDB",
    "ecr": "Amazon ECR",
    "elb": "Elastic Load Balancing",
    "eventbridge": "Amazon EventBridge",
    "fargate": "AWS Fargate",
    "kms": "AWS KMS",
    "lambda": "AWS Lambda",
    "rds": "Amazon RDS",
    "route53": "Amazon Route 53",
    "s3": "Amazon S3",
    "scheduler": "Amazon EventBridge Scheduler",
    "secretsmanager": "AWS Secrets Manager",
    "ses": "Amazon SES",
    "sns": "Amazon SNS",
    "sqs": "Amazon SQS",
    "ssm": "AWS Systems Manager",
    "transfer": "Data transfer",
    "vpc": "Amazon VPC",
    "waf": "AWS WAF",
    "xray": "AWS X-Ray",
}


def service_of(key: str | None) -> str:
    """``lambda.requests`` -> ``AWS Lambda``; an unknown prefix is shown as itself."""
    prefix = (key or "").split(".", 1)[0]
    return SERVICES.get(prefix, prefix or "unknown")


def regions() -> list[str]:
    """Regions that have a catalogue, sorted."""
    folder = resources.files(__package__).joinpath("prices")
    return sorted(p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json"))


@cache
def catalogue(region: str) -> dict[str, Any]:
    """The whole catalogue document of a region; empty prices when the region has none."""
    path = resources.files(__package__).joinpath("prices", f"{region}.json")
    if not path.is_file():
        return {"region": region, "currency": "USD", "note": "", "prices": {}}
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def load_prices(region: str) -> dict[str, dict[str, Any]]:
    """``{key: entry}`` for a region (empty when specc has no catalogue for it: everything is "not priced")."""
    prices: dict[str, dict[str, Any]] = catalogue(region)["prices"]
    return prices
