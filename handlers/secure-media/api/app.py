"""Secure Media Processor API: one Lambda function serving the whole API behind ``ANY /{proxy+}``.

A FastAPI-style app without third-party dependencies: routes are declared with ``@app.get(...)``
etc., path parameters are ``{name}``, handlers receive a ``Request`` and return a dict (200 JSON) or
a ``(status, body)`` tuple. The caller is identified by the Cognito JWT that the HTTP API's
authorizer already verified (``requestContext.authorizer.jwt.claims``). boto3 is part of the Lambda
Python runtime.

Data: users (PK userId), files (PK userId, SK fileId), licenses (PK licenseKey, GSI byUser on
userId), usage (PK userId, SK month, counters, expires after 13 months). Media objects live under
``users/<userId>/`` in the media bucket and move through it only by presigned URLs.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
FREE_FILE_LIMIT = 50
URL_SECONDS = 900
ALLOWED_TYPES = re.compile(r"^(image|video|audio)/[a-z0-9.+-]+$|^application/pdf$")


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> str:
        sub = self.claims.get("sub")
        if not sub:
            raise HttpError(401, "not signed in")
        return str(sub)


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Handler = Callable[[Request], Any]


class App:
    """A tiny router: method + path template -> handler."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

        def register(handler: Handler) -> Handler:
            self.routes.append((method, pattern, handler))
            return handler

        return register

    def get(self, template: str) -> Callable[[Handler], Handler]:
        return self.route("GET", template)

    def post(self, template: str) -> Callable[[Handler], Handler]:
        return self.route("POST", template)

    def put(self, template: str) -> Callable[[Handler], Handler]:
        return self.route("PUT", template)

    def delete(self, template: str) -> Callable[[Handler], Handler]:
        return self.route("DELETE", template)

    def __call__(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        http = event.get("requestContext", {}).get("http", {})
        method, path = http.get("method", "GET"), event.get("rawPath", "/")
        try:
            body = json.loads(event["body"]) if event.get("body") else None
        except json.JSONDecodeError:
            return _response(400, {"error": "the body is not JSON"})
        allowed = []
        for route_method, pattern, handler in self.routes:
            match = pattern.match(path)
            if not match:
                continue
            allowed.append(route_method)
            if route_method != method:
                continue
            claims = event.get("requestContext", {}).get("authorizer", {}).get("jwt", {}).get("claims", {})
            request = Request(method, path, match.groupdict(), event.get("queryStringParameters") or {}, body, claims)
            try:
                result = handler(request)
            except HttpError as error:
                return _response(error.status, {"error": error.message})
            status, payload = result if isinstance(result, tuple) else (200, result)
            return _response(status, payload)
        if allowed:
            return _response(405, {"error": f"use {', '.join(sorted(set(allowed)))}"})
        return _response(404, {"error": f"no route for {method} {path}"})


def _response(status: int, payload: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(payload, default=str),
    }


# -- AWS clients, created on first use (module import stays cheap and testable) ----------------
_clients: dict[str, Any] = {}


def _client(name: str) -> Any:
    if name not in _clients:
        import boto3

        _clients[name] = boto3.client(name)
    return _clients[name]


def _table(var: str) -> str:
    return os.environ[var]


app = App()


@app.get("/health")
def health(request: Request) -> dict[str, Any]:
    return {"status": "ok"}


@app.get("/me")
def me(request: Request) -> dict[str, Any]:
    user_id = request.user_id
    item = _client("dynamodb").get_item(TableName=_table("USERS_TABLE_NAME"), Key={"userId": {"S": user_id}})
    if "Item" not in item:
        profile = {"userId": user_id, "email": request.claims.get("email", ""), "plan": "free"}
        _client("dynamodb").put_item(
            TableName=_table("USERS_TABLE_NAME"),
            Item={k: {"S": str(v)} for k, v in {**profile, "createdAt": _now()}.items()},
            ConditionExpression="attribute_not_exists(userId)",
        )
        return profile
    return {k: next(iter(v.values())) for k, v in item["Item"].items()}


@app.put("/me")
def update_me(request: Request) -> dict[str, Any]:
    name = (request.body or {}).get("displayName")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        raise HttpError(400, "displayName must be 1 to 100 characters")
    _client("dynamodb").update_item(
        TableName=_table("USERS_TABLE_NAME"),
        Key={"userId": {"S": request.user_id}},
        UpdateExpression="SET displayName = :n, updatedAt = :t",
        ExpressionAttributeValues={":n": {"S": name}, ":t": {"S": _now()}},
    )
    return {"displayName": name}


@app.get("/files")
def list_files(request: Request) -> dict[str, Any]:
    result = _client("dynamodb").query(
        TableName=_table("FILES_TABLE_NAME"),
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": request.user_id}},
    )
    return {"files": [_plain(item) for item in result.get("Items", [])]}


@app.post("/files")
def create_file(request: Request) -> tuple[int, dict[str, Any]]:
    body = request.body or {}
    name, content_type, size = body.get("name"), body.get("contentType"), body.get("size")
    if not isinstance(name, str) or not 1 <= len(name) <= 255:
        raise HttpError(400, "name must be 1 to 255 characters")
    if not isinstance(content_type, str) or not ALLOWED_TYPES.match(content_type):
        raise HttpError(400, "contentType must be an image, video, audio or PDF type")
    if not isinstance(size, int) or not 0 < size <= MAX_UPLOAD_BYTES:
        raise HttpError(400, f"size must be 1 to {MAX_UPLOAD_BYTES} bytes")
    user_id = request.user_id
    if not _has_license(user_id) and _count_files(user_id) >= FREE_FILE_LIMIT:
        raise HttpError(402, f"the free plan keeps {FREE_FILE_LIMIT} files; activate a license for more")
    file_id = str(uuid.uuid4())
    key = f"users/{user_id}/{file_id}"
    _client("dynamodb").put_item(
        TableName=_table("FILES_TABLE_NAME"),
        Item={
            "userId": {"S": user_id},
            "fileId": {"S": file_id},
            "name": {"S": name},
            "contentType": {"S": content_type},
            "size": {"N": str(size)},
            "key": {"S": key},
            "status": {"S": "pending"},
            "createdAt": {"S": _now()},
        },
    )
    _count_usage(user_id, "uploads")
    url = _client("s3").generate_presigned_url(
        "put_object",
        Params={"Bucket": os.environ["BUCKET_NAME"], "Key": key, "ContentType": content_type},
        ExpiresIn=URL_SECONDS,
    )
    return 201, {"fileId": file_id, "uploadUrl": url, "expiresIn": URL_SECONDS}


@app.get("/files/{file_id}")
def get_file(request: Request) -> dict[str, Any]:
    item = _own_file(request)
    url = _client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": os.environ["BUCKET_NAME"], "Key": item["key"]}, ExpiresIn=URL_SECONDS
    )
    _count_usage(request.user_id, "downloads")
    return {**item, "downloadUrl": url, "expiresIn": URL_SECONDS}


@app.delete("/files/{file_id}")
def delete_file(request: Request) -> tuple[int, dict[str, Any]]:
    item = _own_file(request)
    _client("s3").delete_object(Bucket=os.environ["BUCKET_NAME"], Key=item["key"])
    _client("dynamodb").delete_item(
        TableName=_table("FILES_TABLE_NAME"),
        Key={"userId": {"S": request.user_id}, "fileId": {"S": request.params["file_id"]}},
    )
    return 200, {"deleted": request.params["file_id"]}


@app.get("/licenses")
def list_licenses(request: Request) -> dict[str, Any]:
    result = _client("dynamodb").query(
        TableName=_table("LICENSES_TABLE_NAME"),
        IndexName="byUser",
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": request.user_id}},
    )
    return {"licenses": [_plain(item) for item in result.get("Items", [])]}


@app.post("/licenses/activate")
def activate_license(request: Request) -> dict[str, Any]:
    key = (request.body or {}).get("licenseKey")
    if not isinstance(key, str) or not re.fullmatch(r"[A-Z0-9]{5}(-[A-Z0-9]{5}){3}", key):
        raise HttpError(400, "licenseKey looks like XXXXX-XXXXX-XXXXX-XXXXX")
    errors = _client("dynamodb").exceptions
    try:
        _client("dynamodb").update_item(
            TableName=_table("LICENSES_TABLE_NAME"),
            Key={"licenseKey": {"S": key}},
            UpdateExpression="SET userId = :u, activatedAt = :t",
            ConditionExpression="attribute_exists(licenseKey) AND attribute_not_exists(userId)",
            ExpressionAttributeValues={":u": {"S": request.user_id}, ":t": {"S": _now()}},
        )
    except errors.ConditionalCheckFailedException as exc:
        raise HttpError(409, "unknown or already activated license") from exc
    return {"licenseKey": key, "status": "active"}


@app.get("/usage")
def usage(request: Request) -> dict[str, Any]:
    item = _client("dynamodb").get_item(
        TableName=_table("USAGE_TABLE_NAME"),
        Key={"userId": {"S": request.user_id}, "period": {"S": time.strftime("%Y-%m")}},
    )
    return _plain(item.get("Item", {})) or {"period": time.strftime("%Y-%m"), "uploads": 0, "downloads": 0}


# -- helpers -------------------------------------------------------------------------------------
def _own_file(request: Request) -> dict[str, Any]:
    item = _client("dynamodb").get_item(
        TableName=_table("FILES_TABLE_NAME"),
        Key={"userId": {"S": request.user_id}, "fileId": {"S": request.params["file_id"]}},
    )
    if "Item" not in item:
        raise HttpError(404, "no such file")
    return _plain(item["Item"])


def _has_license(user_id: str) -> bool:
    result = _client("dynamodb").query(
        TableName=_table("LICENSES_TABLE_NAME"),
        IndexName="byUser",
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": user_id}},
        Limit=1,
    )
    return bool(result.get("Items"))


def _count_files(user_id: str) -> int:
    result = _client("dynamodb").query(
        TableName=_table("FILES_TABLE_NAME"),
        KeyConditionExpression="userId = :u",
        ExpressionAttributeValues={":u": {"S": user_id}},
        Select="COUNT",
    )
    return int(result.get("Count", 0))


def _count_usage(user_id: str, counter: str) -> None:
    expires = int(time.time()) + 400 * 24 * 3600  # kept 13 months
    _client("dynamodb").update_item(
        TableName=_table("USAGE_TABLE_NAME"),
        Key={"userId": {"S": user_id}, "period": {"S": time.strftime("%Y-%m")}},
        UpdateExpression="ADD #c :one SET expiresAt = :e",
        ExpressionAttributeNames={"#c": counter},
        ExpressionAttributeValues={":one": {"N": "1"}, ":e": {"N": str(expires)}},
    )


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        (kind, raw), = value.items()
        out[key] = int(raw) if kind == "N" and raw.isdigit() else raw
    return out


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


#: The Lambda entry point (handler: app.handler).
handler = app
