# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.acm_certificate_request.

Every AWS call goes through botocore's Stubber on a real ACM client, so request parameters are validated against the
ACM API model and compared exactly with the expected ones. The client is wrapped as AnsibleAWSModule wraps it when a
retry decorator is given, so the module's aws_retry=True calls are exercised.
"""

import datetime
import json

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import acm_certificate_request as acm_module
from botocore.stub import Stubber

DOMAIN = "app.example.com"
SAN = "www.app.example.com"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-1111-1111-1111-111111111111"
OTHER_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/22222222-2222-2222-2222-222222222222"
THEIR_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/33333333-3333-3333-3333-333333333333"
LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-alb/0123456789abcdef"
TOKEN = "0123456789abcdef0123456789abcdef"
CREATED = datetime.datetime(2026, 11, 1, 10, 0, 0, tzinfo=datetime.UTC)
LIST_REQUEST = {
    "CertificateStatuses": ["PENDING_VALIDATION", "ISSUED", "FAILED", "VALIDATION_TIMED_OUT"],
    "Includes": {"keyTypes": ["RSA_2048"]},
}
OWNER = {"stack": "shop-prod"}


class FakeModule:
    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


@pytest.fixture
def acm():
    client = boto3.client("acm", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def sleeps():
    return []


def params(**overrides):
    result = {
        "state": "present",
        "domain_name": DOMAIN,
        "subject_alternative_names": [SAN],
        "validation_method": "DNS",
        "key_algorithm": "RSA_2048",
        "match_tags": ["stack"],
        "idempotency_token": None,
        "tags": {"stack": "shop-prod", "Name": DOMAIN},
        "purge_tags": True,
        "wait": False,
        "wait_timeout": 900,
        "wait_delay": 5,
    }
    result.update(overrides)
    return result


def record(domain):
    return {"Name": f"_abc.{domain}.", "Type": "CNAME", "Value": "_def.acm-validations.aws."}


def certificate(arn=ARN, status="PENDING_VALIDATION", records=True, domains=(DOMAIN, SAN), **overrides):
    cert = {
        "CertificateArn": arn,
        "DomainName": domains[0],
        "SubjectAlternativeNames": list(domains),
        "Status": status,
        "Type": "AMAZON_ISSUED",
        "KeyAlgorithm": "RSA-2048",
        "CreatedAt": CREATED,
        "InUseBy": [],
        "DomainValidationOptions": [
            {
                "DomainName": domain,
                "ValidationDomain": domain,
                "ValidationStatus": "SUCCESS" if status == "ISSUED" else "PENDING_VALIDATION",
                "ValidationMethod": "DNS",
                **({"ResourceRecord": record(domain)} if records else {}),
            }
            for domain in domains
        ],
    }
    cert.update(overrides)
    return cert


def expect_list(stubber, summaries):
    stubber.add_response(
        "list_certificates",
        {"CertificateSummaryList": [{"CertificateArn": arn, "DomainName": domain} for arn, domain in summaries]},
        LIST_REQUEST,
    )


def expect_tags(stubber, tags, arn=ARN):
    stubber.add_response(
        "list_tags_for_certificate",
        {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]},
        {"CertificateArn": arn},
    )


def expect_describe(stubber, cert, arn=ARN):
    stubber.add_response("describe_certificate", {"Certificate": cert}, {"CertificateArn": arn})


def expect_existing(stubber, cert=None, tags=None):
    expect_list(stubber, [(ARN, DOMAIN)])
    expect_tags(stubber, tags or {"stack": "shop-prod", "Name": DOMAIN})
    expect_describe(stubber, cert or certificate())


# ---------------------------------------------------------------------------------------------------------------------
# find_certificate


def test_find_adopts_only_the_domain_with_the_owner_tags(acm):
    client, stubber = acm
    expect_list(stubber, [(OTHER_ARN, "other.example.com"), (THEIR_ARN, DOMAIN), (ARN, DOMAIN)])
    expect_tags(stubber, {"stack": "someone-else"}, arn=THEIR_ARN)
    expect_tags(stubber, {"stack": "shop-prod"})
    expect_describe(stubber, certificate())

    found = acm_module.find_certificate(client, params())

    assert found["CertificateArn"] == ARN
    assert found["Tags"] == {"stack": "shop-prod"}


def test_find_prefers_an_issued_certificate(acm):
    client, stubber = acm
    expect_list(stubber, [(OTHER_ARN, DOMAIN), (ARN, DOMAIN)])
    expect_tags(stubber, OWNER, arn=OTHER_ARN)
    expect_describe(stubber, certificate(arn=OTHER_ARN), arn=OTHER_ARN)
    expect_tags(stubber, OWNER)
    expect_describe(stubber, certificate(status="ISSUED"))

    assert acm_module.find_certificate(client, params())["CertificateArn"] == ARN


def test_find_without_match_tags_needs_every_tag(acm):
    client, stubber = acm
    expect_list(stubber, [(ARN, DOMAIN)])
    expect_tags(stubber, OWNER)

    assert acm_module.find_certificate(client, params(match_tags=None)) is None


def test_match_tags_must_name_given_tags():
    with pytest.raises(acm_module.CertificateError, match="match_tags names owner"):
        acm_module.match_tag_values(params(match_tags=["owner"]))


# ---------------------------------------------------------------------------------------------------------------------
# present


def test_request_shape_and_polls_for_validation_records(acm, sleeps, monkeypatch):
    client, stubber = acm
    monkeypatch.setattr(acm_module, "default_token", lambda: TOKEN)
    expect_list(stubber, [])
    stubber.add_response(
        "request_certificate",
        {"CertificateArn": ARN},
        {
            "DomainName": DOMAIN,
            "ValidationMethod": "DNS",
            "IdempotencyToken": TOKEN,
            "KeyAlgorithm": "RSA_2048",
            "SubjectAlternativeNames": [DOMAIN, SAN],
            "Tags": [{"Key": "Name", "Value": DOMAIN}, {"Key": "stack", "Value": "shop-prod"}],  # sorted by key
        },
    )
    expect_describe(stubber, certificate(records=False))
    expect_describe(stubber, certificate())
    expect_tags(stubber, {"stack": "shop-prod", "Name": DOMAIN})

    result = acm_module.ensure_present(client, FakeModule(), params(), sleep=sleeps.append)

    assert result["changed"] is True
    assert result["arn"] == ARN
    assert result["status"] == "PENDING_VALIDATION"
    assert [o["resource_record"] for o in result["domain_validation_options"]] == [
        {"name": f"_abc.{DOMAIN}.", "type": "CNAME", "value": "_def.acm-validations.aws."},
        {"name": f"_abc.{SAN}.", "type": "CNAME", "value": "_def.acm-validations.aws."},
    ]
    assert sleeps == [acm_module.RECORD_POLL_FIRST_DELAY]
    assert result["diff"]["before"] == {}


def test_check_mode_create_makes_no_write(acm):
    client, stubber = acm
    expect_list(stubber, [])

    result = acm_module.ensure_present(client, FakeModule(check_mode=True), params())

    assert result["changed"] is True
    assert result["arn"] is None
    assert result["domain_validation_options"] == []
    assert result["certificate"]["subject_alternative_names"] == [DOMAIN, SAN]


def test_rerun_is_unchanged_without_writes(acm):
    client, stubber = acm
    expect_existing(stubber)

    result = acm_module.ensure_present(client, FakeModule(), params())

    assert result["changed"] is False
    assert result["arn"] == ARN
    assert result["diff"]["before"] == result["diff"]["after"]


@pytest.mark.parametrize("check_mode", [False, True])
def test_tags_are_converged(acm, check_mode):
    client, stubber = acm
    expect_existing(stubber, tags={"stack": "shop-prod", "Name": DOMAIN, "old": "x"})
    if not check_mode:
        stubber.add_response(
            "remove_tags_from_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "old", "Value": "x"}]}
        )
        stubber.add_response(
            "add_tags_to_certificate", {}, {"CertificateArn": ARN, "Tags": [{"Key": "owner", "Value": "platform"}]}
        )
        expect_tags(stubber, {"stack": "shop-prod", "Name": DOMAIN, "owner": "platform"})

    wanted = {"stack": "shop-prod", "Name": DOMAIN, "owner": "platform"}
    result = acm_module.ensure_present(client, FakeModule(check_mode=check_mode), params(tags=wanted))

    assert result["changed"] is True
    assert result["certificate"]["tags"] == wanted
    assert result["diff"]["before"]["tags"]["old"] == "x"


@pytest.mark.parametrize(
    "overrides, attribute",
    [
        ({"subject_alternative_names": ["api.app.example.com"]}, "subject_alternative_names"),
        ({"key_algorithm": "EC_prime256v1"}, "key_algorithm"),
    ],
)
def test_immutable_attributes_fail(acm, overrides, attribute):
    client, stubber = acm
    list_request = dict(LIST_REQUEST, Includes={"keyTypes": [overrides.get("key_algorithm", "RSA_2048")]})
    stubber.add_response(
        "list_certificates", {"CertificateSummaryList": [{"CertificateArn": ARN, "DomainName": DOMAIN}]}, list_request
    )
    expect_tags(stubber, {"stack": "shop-prod", "Name": DOMAIN})
    expect_describe(stubber, certificate())

    with pytest.raises(acm_module.CertificateError, match=f"{attribute} is .* but .* was requested"):
        acm_module.ensure_present(client, FakeModule(), params(**overrides))


# ---------------------------------------------------------------------------------------------------------------------
# wait


def test_wait_polls_until_issued(acm, sleeps):
    client, stubber = acm
    expect_describe(stubber, certificate())
    expect_describe(stubber, certificate(status="ISSUED"))

    issued = acm_module.wait_issued(client, ARN, timeout=60, delay=5, sleep=sleeps.append)

    assert issued["Status"] == "ISSUED"
    assert sleeps == [1.0]  # the shared poller: the second look 1 s after the first, then backing off up to 5 s


@pytest.mark.parametrize("status", ["FAILED", "VALIDATION_TIMED_OUT"])
def test_wait_fails_at_once_on_a_terminal_status(acm, sleeps, status):
    client, stubber = acm
    expect_describe(stubber, certificate(status=status, FailureReason="CAA_ERROR"))

    with pytest.raises(acm_module.CertificateError, match=f"is {status} \\(CAA_ERROR\\)"):
        acm_module.wait_issued(client, ARN, timeout=60, delay=5, sleep=sleeps.append)
    assert sleeps == []


def test_wait_times_out_naming_the_pending_domains(acm, sleeps):
    client, stubber = acm
    now = [0.0]

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    for _attempt in range(3):  # at 0, 1 and 2.5 s; the third sleep is cut to the 3 s deadline
        expect_describe(stubber, certificate())
    expect_describe(stubber, certificate())

    with pytest.raises(acm_module.CertificateError, match=f"Timed out after 3 seconds.*{DOMAIN}, {SAN}"):
        acm_module.wait_issued(client, ARN, timeout=3, delay=5, sleep=sleep, clock=lambda: now[0])
    assert sleeps == [1.0, 1.5, 0.5]


# ---------------------------------------------------------------------------------------------------------------------
# absent


def test_absent_deletes(acm):
    client, stubber = acm
    expect_existing(stubber)
    stubber.add_response("delete_certificate", {}, {"CertificateArn": ARN})

    result = acm_module.ensure_absent(client, FakeModule(), params())

    assert result["changed"] is True
    assert result["arn"] == ARN


def test_absent_without_certificate_is_unchanged(acm):
    client, stubber = acm
    expect_list(stubber, [])

    result = acm_module.ensure_absent(client, FakeModule(), params())

    assert result["changed"] is False
    assert result["arn"] is None


def test_absent_refuses_a_certificate_in_use(acm):
    client, stubber = acm
    expect_existing(stubber, cert=certificate(status="ISSUED", InUseBy=[LB_ARN]))

    with pytest.raises(acm_module.CertificateError, match=f"is in use by {LB_ARN}"):
        acm_module.ensure_absent(client, FakeModule(), params())


def test_absent_check_mode_warns_about_a_certificate_in_use(acm):
    client, stubber = acm
    expect_existing(stubber, cert=certificate(status="ISSUED", InUseBy=[LB_ARN]))
    module = FakeModule(check_mode=True)

    result = acm_module.ensure_absent(client, module, params())

    assert result["changed"] is True
    assert LB_ARN in module.warnings[0]


# ---------------------------------------------------------------------------------------------------------------------
# helpers and main()


@pytest.mark.parametrize("token", ["", "a" * 33, "has-dash"])
def test_bad_idempotency_token(token):
    assert "idempotency_token" in acm_module.validate_params(params(idempotency_token=token))


def test_key_algorithm_names_compare_equal():
    assert acm_module.normalize_key_algorithm("EC-prime256v1") == "EC_prime256v1"
    assert acm_module.normalize_key_algorithm(None) == "RSA_2048"


def test_main_check_mode_reports_change_and_diff(acm, monkeypatch, capsys):
    client, stubber = acm
    expect_list(stubber, [])
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)

    args = {"domain_name": DOMAIN, "tags": OWNER, "_ansible_check_mode": True, "_ansible_diff": True}
    with patch_module_args(args), pytest.raises(SystemExit):
        acm_module.main()
    result = json.loads(capsys.readouterr().out)

    assert result["changed"] is True
    assert result["arn"] is None
    assert result["diff"]["after"]["domain_name"] == DOMAIN
