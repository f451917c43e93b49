"""The DocumentDB connection: endpoint and port from the environment, credentials from Secrets Manager.

One client per container, reused across invocations (connection pooling as the plan asks). TLS is
required by the cluster's parameter group; the driver checks the server against Amazon's CA bundle
shipped in this layer (see the layer's README).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

CA_BUNDLE = Path(__file__).with_name("global-bundle.pem")
DATABASE = "malumz"


@cache
def _credentials() -> dict[str, str]:
    import boto3

    secret = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["DOCDB_SECRET_ARN"])
    return json.loads(secret["SecretString"])


@cache
def client() -> Any:
    from pymongo import MongoClient

    credentials = _credentials()
    return MongoClient(
        host=os.environ["DOCDB_HOST"],
        port=int(os.environ["DOCDB_PORT"]),
        username=credentials["username"],
        password=credentials["password"],
        tls=True,
        tlsCAFile=str(CA_BUNDLE),
        replicaSet="rs0",
        readPreference="secondaryPreferred",
        retryWrites=False,  # DocumentDB does not support retryable writes
        serverSelectionTimeoutMS=5000,
        maxPoolSize=2,
    )


def collection(name: str) -> Any:
    return client()[DATABASE][name]
