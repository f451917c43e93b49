"""The Secure Media Processor's API function (handlers/secure-media/api/app.py): one router for the whole API.

The function runs behind ``ANY /{proxy+}`` of an HTTP API with a JWT authorizer, so it gets API
Gateway's payload format 2.0 with the verified claims. AWS calls go through stand-in clients here.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

APP = Path(__file__).resolve().parent.parent / "handlers" / "secure-media" / "api" / "app.py"


@pytest.fixture()
def app(monkeypatch: pytest.MonkeyPatch) -> Any:
    spec = importlib.util.spec_from_file_location("secure_media_app", APP)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    for var in ("USERS", "FILES", "LICENSES", "USAGE"):
        monkeypatch.setenv(f"{var}_TABLE_NAME", f"{var.lower()}-table")
    monkeypatch.setenv("BUCKET_NAME", "media-bucket")
    return module


class FakeDynamo:
    class exceptions:
        class ConditionalCheckFailedException(Exception):
            pass

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail_updates = False

    def _record(self, name: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((name, kwargs))

    def query(self, **kwargs: Any) -> dict[str, Any]:
        self._record("query", kwargs)
        return {"Items": [], "Count": 0}

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        self._record("put_item", kwargs)
        return {}

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        self._record("get_item", kwargs)
        return {}

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        self._record("update_item", kwargs)
        if self.fail_updates and kwargs["TableName"] == "licenses-table":
            raise self.exceptions.ConditionalCheckFailedException()
        return {}


class FakeS3:
    def __init__(self) -> None:
        self.presigned: list[tuple[str, dict[str, Any]]] = []

    def generate_presigned_url(self, method: str, Params: dict[str, Any], ExpiresIn: int) -> str:
        self.presigned.append((method, Params))
        return f"https://media-bucket.s3.amazonaws.com/{Params['Key']}?X-Amz-Expires={ExpiresIn}"


def event(method: str, path: str, body: Any = None, sub: str | None = "user-1") -> dict[str, Any]:
    claims = {"sub": sub, "email": "ada@example.com"} if sub else {}
    return {
        "rawPath": path,
        "requestContext": {"http": {"method": method}, "authorizer": {"jwt": {"claims": claims}}},
        "body": json.dumps(body) if body is not None else None,
    }


def call(app: Any, *args: Any, **kwargs: Any) -> tuple[int, Any]:
    response = app.handler(event(*args, **kwargs))
    return response["statusCode"], json.loads(response["body"])


def test_routing(app: Any) -> None:
    assert call(app, "GET", "/health") == (200, {"status": "ok"})
    assert call(app, "GET", "/nowhere")[0] == 404
    assert call(app, "PATCH", "/files") == (405, {"error": "use GET, POST"})
    assert call(app, "GET", "/me", sub=None) == (401, {"error": "not signed in"})
    response = app.handler({**event("POST", "/files"), "body": "{not json"})
    assert response["statusCode"] == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "", "contentType": "image/png", "size": 1}, "name must be 1 to 255 characters"),
        ({"name": "a.html", "contentType": "text/html", "size": 1}, "contentType must be an image"),
        ({"name": "a.png", "contentType": "image/png", "size": 0}, "size must be 1 to"),
    ],
)
def test_upload_requests_are_validated_before_any_aws_call(app: Any, body: dict, message: str) -> None:
    status, payload = call(app, "POST", "/files", body)
    assert status == 400 and payload["error"].startswith(message)
    assert app._clients == {}


def test_upload_records_metadata_and_returns_a_presigned_put(app: Any) -> None:
    db, s3 = FakeDynamo(), FakeS3()
    app._clients.update(dynamodb=db, s3=s3)
    status, payload = call(app, "POST", "/files", {"name": "cat.png", "contentType": "image/png", "size": 2048})
    assert status == 201
    ((method, params),) = s3.presigned
    assert method == "put_object" and params["Bucket"] == "media-bucket"
    assert params["Key"] == f"users/user-1/{payload['fileId']}" and params["ContentType"] == "image/png"
    puts = [kwargs for name, kwargs in db.calls if name == "put_item"]
    assert puts[0]["TableName"] == "files-table" and puts[0]["Item"]["status"] == {"S": "pending"}
    counted = [kwargs for name, kwargs in db.calls if name == "update_item"]
    assert counted[0]["TableName"] == "usage-table"
    assert counted[0]["ExpressionAttributeNames"] == {"#c": "uploads"}


def test_license_activation(app: Any) -> None:
    db = FakeDynamo()
    app._clients.update(dynamodb=db)
    assert call(app, "POST", "/licenses/activate", {"licenseKey": "nope"})[0] == 400
    assert call(app, "POST", "/licenses/activate", {"licenseKey": "ABCDE-FGHIJ-KLMNO-PQRST"}) == (
        200,
        {"licenseKey": "ABCDE-FGHIJ-KLMNO-PQRST", "status": "active"},
    )
    db.fail_updates = True
    assert call(app, "POST", "/licenses/activate", {"licenseKey": "ABCDE-FGHIJ-KLMNO-PQRST"})[0] == 409


def test_a_file_of_someone_else_is_not_found(app: Any) -> None:
    app._clients.update(dynamodb=FakeDynamo(), s3=FakeS3())
    assert call(app, "GET", "/files/abc") == (404, {"error": "no such file"})
