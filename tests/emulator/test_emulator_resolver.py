"""Unit tests of the request -> (service, operation, kind) resolver, without a server."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from emulator.resolver import OperationResolver, default_resolver, kind_of


def signed(service: str, method: str, path: str, query: str = "", **headers: str) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1:4566",
        "HTTP_AUTHORIZATION": (
            f"AWS4-HMAC-SHA256 Credential=testing/20261124/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc"
        ),
    }
    for name, value in headers.items():
        environ[name] = value
    return environ


@pytest.fixture(scope="module")
def resolver() -> OperationResolver:
    return default_resolver()


@pytest.mark.parametrize(
    ("action", "method", "kind"),
    [
        ("DescribeVpcs", "POST", "read"),
        ("ListBuckets", "GET", "read"),
        ("GetBucketEncryption", "GET", "read"),
        ("HeadObject", "HEAD", "read"),
        ("BatchGetItem", "POST", "read"),
        ("LookupEvents", "POST", "read"),
        ("CreateVpc", "POST", "write"),
        ("PutBucketEncryption", "PUT", "write"),
        ("BatchWriteItem", "POST", "write"),
        ("DeleteBucket", "DELETE", "write"),
        (None, "GET", "read"),
        (None, "HEAD", "read"),
        (None, "POST", "write"),
        (None, "DELETE", "write"),
    ],
)
def test_kind_of(action: str | None, method: str, kind: str) -> None:
    assert kind_of(action, method) == kind


@pytest.mark.parametrize(
    ("signing_name", "expected_first"),
    [
        ("elasticfilesystem", "efs"),
        ("monitoring", "cloudwatch"),
        ("ec2", "ec2"),
        ("s3", "s3"),
        ("logs", "logs"),
        ("elasticloadbalancing", "elb"),
    ],
)
def test_signing_names_map_to_botocore_models(
    resolver: OperationResolver, signing_name: str, expected_first: str
) -> None:
    assert resolver.candidates_for_signing_name(signing_name)[0] == expected_first


def test_rest_operations_with_the_same_path(resolver: OperationResolver) -> None:
    def action(*args: Any, **kwargs: Any) -> str:
        return resolver.resolve(signed("s3", *args, **kwargs)).action

    assert action("GET", "/bucket") == "ListObjects"
    assert action("GET", "/bucket", "list-type=2&prefix=a") == "ListObjectsV2"
    assert action("GET", "/bucket", "encryption") == "GetBucketEncryption"
    assert action("GET", "/bucket", "encryption=") == "GetBucketEncryption"
    assert action("PUT", "/bucket", "encryption") == "PutBucketEncryption"
    assert action("PUT", "/bucket") == "CreateBucket"
    assert action("HEAD", "/bucket") == "HeadBucket"
    assert action("GET", "/") == "ListBuckets"
    assert action("PUT", "/bucket/a/b/c.txt") == "PutObject"
    assert action("PUT", "/bucket/a/b/c.txt", HTTP_X_AMZ_COPY_SOURCE="src/key") == "CopyObject"
    assert action("PUT", "/bucket/key", "partNumber=1&uploadId=u") == "UploadPart"
    assert action("DELETE", "/bucket/key") == "DeleteObject"
    assert action("DELETE", "/bucket/key", "uploadId=u") == "AbortMultipartUpload"
    # s3control shares the "s3" signing name
    res = resolver.resolve(
        signed("s3", "GET", "/v20180820/configuration/publicAccessBlock", HTTP_X_AMZ_ACCOUNT_ID="123456789012")
    )
    assert (res.service, res.action) == ("s3control", "GetPublicAccessBlock")


def test_efs_describe_tags_path_with_and_without_trailing_slash(resolver: OperationResolver) -> None:
    for path in ("/2015-02-01/tags/fs-123/", "/2015-02-01/tags/fs-123"):
        res = resolver.resolve(signed("elasticfilesystem", "GET", path))
        assert (res.service, res.action, res.kind) == ("efs", "DescribeTags", "read")


def test_query_protocol_version_picks_the_model(resolver: OperationResolver) -> None:
    env = signed("elasticloadbalancing", "POST", "/", CONTENT_TYPE="application/x-www-form-urlencoded")
    v1 = resolver.resolve(env, "Action=DescribeLoadBalancers&Version=2012-06-01")
    v2 = resolver.resolve(env, "Action=DescribeLoadBalancers&Version=2015-12-01")
    assert (v1.service, v1.action) == ("elb", "DescribeLoadBalancers")
    assert (v2.service, v2.action) == ("elbv2", "DescribeLoadBalancers")


def test_json_target_and_shared_signing_names(resolver: OperationResolver) -> None:
    streams = resolver.resolve(
        signed("dynamodb", "POST", "/", HTTP_X_AMZ_TARGET="DynamoDBStreams_20120810.ListStreams")
    )
    assert (streams.service, streams.action, streams.kind) == ("dynamodbstreams", "ListStreams", "read")
    sesv2 = resolver.resolve(signed("ses", "POST", "/v2/email/outbound-emails"))
    assert (sesv2.service, sesv2.action) == ("sesv2", "SendEmail")


def test_unsigned_and_unknown_requests(resolver: OperationResolver) -> None:
    unsigned = resolver.resolve(
        {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "HTTP_HOST": "127.0.0.1"},
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15",
    )
    assert (unsigned.service, unsigned.action) == ("sts", "AssumeRoleWithWebIdentity")
    unknown = resolver.resolve(signed("efs", "GET", "/no/such/path"))
    assert (unknown.action, unknown.kind, unknown.resolved) == ("GET /no/such/path", "read", False)
    unknown_post = resolver.resolve(signed("s3", "PATCH", "/bucket"))
    assert (unknown_post.action, unknown_post.kind) == ("PATCH /bucket", "write")


def _dummy(shape: Any, depth: int = 0) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {} if depth > 3 else {n: _dummy(shape.members[n], depth + 1) for n in shape.required_members}
    if kind == "list":
        return [_dummy(shape.member, depth + 1)]
    if kind == "map":
        return {}
    if kind in ("integer", "long"):
        return 1
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x"
    if kind == "timestamp":
        return datetime.datetime(2020, 1, 1)
    return shape.enum[0] if shape.enum else "abc123"


# Operations that no HTTP-level resolver can tell apart (same method, path, query and headers).
INDISTINGUISHABLE = {
    ("s3", "GetBucketLifecycle"),  # deprecated twin of GetBucketLifecycleConfiguration
    ("s3", "PutBucketLifecycle"),
    ("s3", "GetBucketNotification"),
    ("s3", "PutBucketNotification"),
    ("s3", "ListDirectoryBuckets"),  # signed for s3express
    ("s3", "WriteGetObjectResponse"),  # signed for s3-object-lambda
}


@pytest.mark.parametrize("service", ["s3", "efs", "route53", "lambda", "ec2", "logs", "ecs", "acm", "cloudwatch"])
def test_every_operation_built_by_botocore_resolves_to_itself(resolver: OperationResolver, service: str) -> None:
    """Serialise every operation of the model with botocore (no network) and resolve the request back."""
    import boto3
    import botocore
    from botocore.awsrequest import AWSResponse
    from botocore.config import Config

    client = boto3.session.Session().client(
        service,
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(parameter_validation=False, retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}),
    )
    captured: dict[str, Any] = {}

    def before_send(request: Any, **_: Any) -> AWSResponse:
        captured["request"] = request
        return AWSResponse(request.url, 200, {}, None)

    client.meta.events.register("before-send", before_send)
    wrong = []
    checked = 0
    operations = client.meta.service_model.operation_names
    for op in operations:
        model = client.meta.service_model.operation_model(op)
        try:
            getattr(client, botocore.xform_name(op))(**(_dummy(model.input_shape) if model.input_shape else {}))
        except Exception:  # noqa: BLE001 - only the request matters, not the parsing of the fake response
            pass
        request = captured.pop("request", None)
        if request is None or (service, op) in INDISTINGUISHABLE:
            continue
        url = urlsplit(request.url)
        environ: dict[str, Any] = {"REQUEST_METHOD": request.method, "PATH_INFO": unquote(url.path) or "/"}
        environ["QUERY_STRING"] = url.query
        for name, value in request.headers.items():
            value = value.decode() if isinstance(value, bytes) else value
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
        body = request.body
        form = None
        if str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded") and body:
            form = body.decode() if isinstance(body, bytes) else str(body)
        res = resolver.resolve(environ, form)
        checked += 1
        if (res.service, res.action) != (service, op):
            wrong.append((op, res.service, res.action))
    assert checked >= 0.9 * len(operations)
    assert wrong == []
