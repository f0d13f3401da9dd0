# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for stacksmith.aws.iam_oidc_provider.

Every AWS call goes through botocore's Stubber on a real IAM client, so request parameters are validated against
the IAM API model and compared exactly with the expected ones. The client is wrapped the way AnsibleAWSModule wraps
it when a retry decorator is given, so the module's aws_retry=True calls are exercised.
"""

import datetime
import json
from urllib.parse import quote

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry, RetryingBotoClientWrapper
from ansible_collections.stacksmith.aws.plugins.modules import iam_oidc_provider as oidc
from ansible_collections.stacksmith.aws.plugins.modules import iam_oidc_provider_info as info_module
from botocore.stub import Stubber

URL = "https://token.actions.githubusercontent.com"
HOST = "token.actions.githubusercontent.com"
ARN = f"arn:aws:iam::123456789012:oidc-provider/{HOST}"
OTHER_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
THUMB_A = "6938fd4d98bab03faadb97b34396831e3780aea1"
THUMB_B = "1c58a3a8518e8759bf075b76b750d4f2df264fcd"
CREATED = datetime.datetime(2024, 5, 21, 13, 21, 10, tzinfo=datetime.UTC)


class FakeModule:
    def __init__(self, check_mode=False):
        self.check_mode = check_mode
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)


@pytest.fixture
def iam():
    client = boto3.client("iam", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, AWSRetry.jittered_backoff()), stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def no_sleep(monkeypatch):
    sleeps = []
    monkeypatch.setattr("time.sleep", sleeps.append)
    return sleeps


def params(**overrides):
    result = {
        "state": "present",
        "url": URL,
        "client_id_list": ["sts.amazonaws.com"],
        "thumbprint_list": None,
        "tags": None,
        "purge_tags": True,
    }
    result.update(overrides)
    return result


def provider_response(client_ids=("sts.amazonaws.com",), thumbprints=(THUMB_A,), tags=None):
    return {
        "Url": HOST,
        "ClientIDList": list(client_ids),
        "ThumbprintList": list(thumbprints),
        "CreateDate": CREATED,
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }


def expect_find(stubber, provider=None, arns=(ARN,)):
    """ListOpenIDConnectProviders, then GetOpenIDConnectProvider when ``provider`` is given."""
    stubber.add_response(
        "list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": arn} for arn in arns]}, {}
    )
    if provider is not None:
        stubber.add_response("get_open_id_connect_provider", provider, {"OpenIDConnectProviderArn": ARN})


# ---------------------------------------------------------------------------------------------------------------------
# Input validation and normalisation


@pytest.mark.parametrize(
    "url, identity",
    [
        (URL, HOST),
        (URL + "/", HOST),
        ("https://Token.Actions.GitHubUserContent.com", HOST),
        ("https://oidc.example.com/realms/CI/", "oidc.example.com/realms/CI"),
    ],
)
def test_normalize_url(url, identity):
    assert oidc.normalize_url(url) == identity


@pytest.mark.parametrize(
    "url",
    [
        "http://token.actions.githubusercontent.com",
        "token.actions.githubusercontent.com",
        "https://h:8443",
        "https://h?x=1",
    ],
)
def test_normalize_url_rejects(url):
    with pytest.raises(ValueError):
        oidc.normalize_url(url)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"url": "http://x.example.com"}, "must start with https://"),
        ({"thumbprint_list": ["abc"]}, "is not a SHA-1 thumbprint"),
        ({"thumbprint_list": [f"{i:040x}" for i in range(6)]}, "at most 5 thumbprints"),
        ({"client_id_list": [""]}, "must be 1 to 255 characters long"),
        ({"client_id_list": ["x" * 256]}, "must be 1 to 255 characters long"),
    ],
)
def test_validate_params_rejects(overrides, message):
    assert message in oidc.validate_params(params(**overrides))


def test_validate_params_accepts_thumbprints_in_any_case():
    assert oidc.validate_params(params(thumbprint_list=[THUMB_A.upper(), THUMB_B])) is None


def test_provider_identity_from_arn():
    assert oidc.provider_identity_from_arn(ARN) == HOST
    assert oidc.provider_identity_from_arn(OTHER_ARN) == "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"


# ---------------------------------------------------------------------------------------------------------------------
# find_provider


def test_find_matches_the_url_among_providers(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(), arns=(OTHER_ARN, ARN))
    found = oidc.find_provider(client, URL + "/")
    assert found["OpenIDConnectProviderArn"] == ARN
    assert found["ClientIDList"] == ["sts.amazonaws.com"]


def test_find_returns_none_without_a_match(iam):
    client, stubber = iam
    expect_find(stubber, arns=(OTHER_ARN,))
    assert oidc.find_provider(client, URL) is None


def test_find_retries_throttling(iam, no_sleep):
    client, stubber = iam
    stubber.add_client_error("list_open_id_connect_providers", "Throttling", http_status_code=400)
    expect_find(stubber, provider_response())
    assert oidc.find_provider(client, URL)["OpenIDConnectProviderArn"] == ARN
    assert no_sleep


# ---------------------------------------------------------------------------------------------------------------------
# present


def test_present_creates_provider_without_thumbprints(iam):
    client, stubber = iam
    expect_find(stubber, arns=())
    stubber.add_response(
        "create_open_id_connect_provider",
        {"OpenIDConnectProviderArn": ARN},
        {"Url": URL, "ClientIDList": ["sts.amazonaws.com"], "Tags": [{"Key": "stack", "Value": "s1"}]},
    )
    stubber.add_response(
        "get_open_id_connect_provider", provider_response(tags={"stack": "s1"}), {"OpenIDConnectProviderArn": ARN}
    )

    result = oidc.ensure_present(client, FakeModule(), params(tags={"stack": "s1"}))

    assert result["changed"] is True
    assert result["arn"] == ARN
    assert result["oidc_provider"]["tags"] == {"stack": "s1"}
    assert result["oidc_provider"]["url"] == HOST
    assert result["diff"]["before"] == {}


def test_present_creates_provider_with_normalised_thumbprints(iam):
    client, stubber = iam
    expect_find(stubber, arns=())
    stubber.add_response(
        "create_open_id_connect_provider",
        {"OpenIDConnectProviderArn": ARN},
        {"Url": URL, "ClientIDList": ["sts.amazonaws.com"], "ThumbprintList": [THUMB_A]},
    )
    stubber.add_response("get_open_id_connect_provider", provider_response(), {"OpenIDConnectProviderArn": ARN})

    result = oidc.ensure_present(client, FakeModule(), params(url=URL + "/", thumbprint_list=[THUMB_A.upper()]))
    assert result["oidc_provider"]["thumbprint_list"] == [THUMB_A]


def test_present_check_mode_create_makes_no_write_call(iam):
    client, stubber = iam
    expect_find(stubber, arns=())

    result = oidc.ensure_present(client, FakeModule(check_mode=True), params(tags={"stack": "s1"}))

    assert result["changed"] is True
    assert result["arn"] is None
    assert result["oidc_provider"] == {
        "arn": None,
        "url": HOST,
        "client_id_list": ["sts.amazonaws.com"],
        "thumbprint_list": [],
        "tags": {"stack": "s1"},
    }


@pytest.mark.parametrize("check_mode", [False, True])
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"thumbprint_list": None, "tags": None},
        {"thumbprint_list": [THUMB_A.upper()], "tags": {"stack": "s1"}},
        {"client_id_list": None},
        {"thumbprint_list": []},
    ],
)
def test_present_unchanged_makes_no_write_call(iam, check_mode, overrides):
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"stack": "s1"}))

    result = oidc.ensure_present(client, FakeModule(check_mode), params(**overrides))

    assert result["changed"] is False
    assert result["arn"] == ARN
    assert result["diff"]["before"] == result["diff"]["after"]


def test_present_updates_client_ids_adding_first(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(client_ids=["old-audience", "sts.amazonaws.com"]))
    stubber.add_response(
        "add_client_id_to_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN, "ClientID": "new"}
    )
    stubber.add_response(
        "remove_client_id_from_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": ARN, "ClientID": "old-audience"},
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(client_ids=["sts.amazonaws.com", "new"]),
        {"OpenIDConnectProviderArn": ARN},
    )

    result = oidc.ensure_present(client, FakeModule(), params(client_id_list=["sts.amazonaws.com", "new"]))

    assert result["changed"] is True
    assert result["diff"]["before"]["client_id_list"] == ["old-audience", "sts.amazonaws.com"]
    assert result["diff"]["after"]["client_id_list"] == ["sts.amazonaws.com", "new"]


def test_present_updates_thumbprints_and_tags(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"stack": "s1", "old": "x"}))
    stubber.add_response(
        "update_open_id_connect_provider_thumbprint",
        {},
        {"OpenIDConnectProviderArn": ARN, "ThumbprintList": [THUMB_B]},
    )
    stubber.add_response("untag_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN, "TagKeys": ["old"]})
    stubber.add_response(
        "tag_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": ARN, "Tags": [{"Key": "team", "Value": "platform"}]},
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(thumbprints=[THUMB_B], tags={"stack": "s1", "team": "platform"}),
        {"OpenIDConnectProviderArn": ARN},
    )

    result = oidc.ensure_present(
        client, FakeModule(), params(thumbprint_list=[THUMB_B], tags={"stack": "s1", "team": "platform"})
    )

    assert result["changed"] is True
    assert result["oidc_provider"]["thumbprint_list"] == [THUMB_B]
    assert result["oidc_provider"]["tags"] == {"stack": "s1", "team": "platform"}


def test_present_keeps_other_tags_without_purge(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"owner": "other-stack"}))

    result = oidc.ensure_present(client, FakeModule(check_mode=True), params(tags={}, purge_tags=False))
    assert result["changed"] is False


def test_present_update_in_check_mode_predicts_without_writing(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"old": "x"}))

    result = oidc.ensure_present(
        client,
        FakeModule(check_mode=True),
        params(client_id_list=["new"], thumbprint_list=[THUMB_B], tags={"stack": "s1"}),
    )

    assert result["changed"] is True
    assert result["oidc_provider"]["client_id_list"] == ["new"]
    assert result["oidc_provider"]["thumbprint_list"] == [THUMB_B]
    assert result["oidc_provider"]["tags"] == {"stack": "s1"}
    assert result["diff"]["before"]["tags"] == {"old": "x"}


def test_present_without_purge_adds_client_ids_and_removes_none(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(client_ids=["theirs"]))
    stubber.add_response(
        "add_client_id_to_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": ARN, "ClientID": "sts.amazonaws.com"},
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(client_ids=["theirs", "sts.amazonaws.com"]),
        {"OpenIDConnectProviderArn": ARN},
    )

    result = oidc.ensure_present(client, FakeModule(), params(purge_client_ids=False))

    assert result["changed"] is True
    assert result["oidc_provider"]["client_id_list"] == ["theirs", "sts.amazonaws.com"]


def test_present_without_purge_predicts_the_union_in_check_mode(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(client_ids=["theirs"]))

    result = oidc.ensure_present(client, FakeModule(check_mode=True), params(purge_client_ids=False))

    assert result["changed"] is True
    assert result["oidc_provider"]["client_id_list"] == ["theirs", "sts.amazonaws.com"]


def test_present_owned_provider_is_converged(iam):
    """A provider carrying every owner tag is the caller's: thumbprints and tags are converged, owned is true."""
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"stack": "s1"}))
    stubber.add_response(
        "update_open_id_connect_provider_thumbprint",
        {},
        {"OpenIDConnectProviderArn": ARN, "ThumbprintList": [THUMB_B]},
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(thumbprints=[THUMB_B], tags={"stack": "s1"}),
        {"OpenIDConnectProviderArn": ARN},
    )

    result = oidc.ensure_present(
        client, FakeModule(), params(thumbprint_list=[THUMB_B], tags={"stack": "s1"}, owner_tags={"stack": "s1"})
    )

    assert result["changed"] is True
    assert result["owned"] is True
    assert result["oidc_provider"]["thumbprint_list"] == [THUMB_B]


def test_present_foreign_provider_only_gets_missing_client_ids(iam):
    """A provider without the owner tags belongs to someone else: its thumbprints, tags and other client IDs stay;
    only the missing client ID is added (one write)."""
    client, stubber = iam
    expect_find(stubber, provider_response(client_ids=["theirs"], tags={"stack": "other", "team": "x"}))
    stubber.add_response(
        "add_client_id_to_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": ARN, "ClientID": "sts.amazonaws.com"},
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(client_ids=["theirs", "sts.amazonaws.com"], tags={"stack": "other", "team": "x"}),
        {"OpenIDConnectProviderArn": ARN},
    )

    result = oidc.ensure_present(
        client,
        FakeModule(),
        params(thumbprint_list=[THUMB_B], tags={"stack": "s1"}, owner_tags={"stack": "s1"}),
    )

    assert result["changed"] is True
    assert result["owned"] is False
    assert result["oidc_provider"]["tags"] == {"stack": "other", "team": "x"}
    assert result["oidc_provider"]["thumbprint_list"] == [THUMB_A]
    assert result["oidc_provider"]["client_id_list"] == ["theirs", "sts.amazonaws.com"]


def test_present_foreign_provider_with_the_client_id_makes_no_call(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"stack": "other"}))

    result = oidc.ensure_present(
        client, FakeModule(), params(thumbprint_list=[THUMB_B], tags={"stack": "s1"}, owner_tags={"stack": "s1"})
    )

    assert result["changed"] is False
    assert result["owned"] is False
    assert result["diff"]["before"] == result["diff"]["after"]


def test_present_created_provider_is_owned(iam):
    client, stubber = iam
    expect_find(stubber, arns=())

    result = oidc.ensure_present(
        client, FakeModule(check_mode=True), params(tags={"stack": "s1"}, owner_tags={"stack": "s1"})
    )

    assert result["changed"] is True
    assert result["owned"] is True


def test_create_error_is_raised_as_iam_error(iam):
    client, stubber = iam
    expect_find(stubber, arns=())
    stubber.add_client_error("create_open_id_connect_provider", "LimitExceeded", http_status_code=409)
    with pytest.raises(AnsibleIAMError, match="create OIDC provider"):
        oidc.ensure_present(client, FakeModule(), params())


def test_provider_created_by_a_concurrent_run_is_adopted_without_its_tags(iam):
    """Two stacks deployed in parallel both find no provider; the second create fails with EntityAlreadyExists:
    the module converges the existing one (client IDs only) and leaves its creator's tags and thumbprints."""
    client, stubber = iam
    expect_find(stubber, arns=())
    stubber.add_client_error("create_open_id_connect_provider", "EntityAlreadyExists", http_status_code=409)
    theirs = provider_response(client_ids=("sts.amazonaws.com",), tags={"stack": "other"})
    expect_find(stubber, provider=theirs)
    stubber.add_response(
        "add_client_id_to_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN, "ClientID": "extra"}
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        provider_response(client_ids=("sts.amazonaws.com", "extra"), tags={"stack": "other"}),
        {"OpenIDConnectProviderArn": ARN},
    )
    module = FakeModule()

    result = oidc.ensure_present(
        client, module, params(client_id_list=["sts.amazonaws.com", "extra"], tags={"stack": "mine"})
    )

    assert result["changed"] is True
    assert result["arn"] == ARN
    assert result["oidc_provider"]["tags"] == {"stack": "other"}
    assert result["oidc_provider"]["client_id_list"] == ["sts.amazonaws.com", "extra"]
    assert module.warnings and "another run" in module.warnings[0]


# ---------------------------------------------------------------------------------------------------------------------
# absent


def test_absent_deletes_provider(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    stubber.add_response("delete_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN})

    result = oidc.ensure_absent(client, FakeModule(), params(state="absent"))
    assert result["changed"] is True
    assert result["arn"] == ARN
    assert result["diff"]["before"]["arn"] == ARN
    assert result["diff"]["after"] == {}


def test_absent_check_mode_makes_no_write_call(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    assert oidc.ensure_absent(client, FakeModule(check_mode=True), params(state="absent"))["changed"] is True


def test_absent_without_provider_is_unchanged(iam):
    client, stubber = iam
    expect_find(stubber, arns=(OTHER_ARN,))
    result = oidc.ensure_absent(client, FakeModule(), params(state="absent"))
    assert result == {"changed": False, "arn": None, "oidc_provider": {}, "diff": {"before": {}, "after": {}}}


def test_absent_provider_gone_meanwhile_is_unchanged(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    stubber.add_client_error("delete_open_id_connect_provider", "NoSuchEntity", http_status_code=404)
    assert oidc.ensure_absent(client, FakeModule(), params(state="absent"))["changed"] is False


# keep_if_trusted: a provider shared by several stacks is kept while another role trusts it


def trust(federated, effect="Allow"):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": effect,
                "Principal": {"Federated": federated},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }


def role(name, document):
    """A ListRoles item; the wire format carries the trust policy URL-encoded (botocore decodes it)."""
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + name.upper().replace("-", "")[:17].ljust(17, "X"),
        "Arn": f"arn:aws:iam::123456789012:role/{name}",
        "CreateDate": CREATED,
        "AssumeRolePolicyDocument": quote(json.dumps(document)),
    }


def expect_roles(stubber, *pages):
    marker = None
    for index, roles in enumerate(pages):
        expected = {"MaxItems": 1000} if marker is None else {"MaxItems": 1000, "Marker": marker}
        response = {"Roles": list(roles), "IsTruncated": index < len(pages) - 1}
        if index < len(pages) - 1:
            marker = f"page-{index + 1}"
            response["Marker"] = marker
        stubber.add_response("list_roles", response, expected)


def test_absent_keeps_a_provider_another_role_trusts(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    expect_roles(
        stubber,
        [role("ecs-task", {"Statement": {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}}})],
        [role("other-stack-github-deploy", trust(ARN)), role("eks-irsa", trust([OTHER_ARN, ARN]))],
    )
    module = FakeModule()

    result = oidc.ensure_absent(client, module, params(state="absent", keep_if_trusted=True))

    assert result["changed"] is False
    assert result["trusted_by"] == ["eks-irsa", "other-stack-github-deploy"]
    assert result["diff"]["before"] == result["diff"]["after"]
    assert module.warnings and "other-stack-github-deploy" in module.warnings[0] and ARN in module.warnings[0]


def test_absent_deletes_a_provider_only_denied_or_other_providers_name(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    expect_roles(stubber, [role("deny", trust(ARN, effect="Deny")), role("eks", trust(OTHER_ARN))])
    stubber.add_response("delete_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN})

    result = oidc.ensure_absent(client, FakeModule(), params(state="absent", keep_if_trusted=True))

    assert result["changed"] is True
    assert result["trusted_by"] == []


def test_absent_check_mode_keeps_a_trusted_provider_without_writing(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    expect_roles(stubber, [role("other-stack-github-deploy", trust(ARN))])
    result = oidc.ensure_absent(client, FakeModule(check_mode=True), params(state="absent", keep_if_trusted=True))
    assert result["changed"] is False


def test_absent_ignores_the_trust_of_the_roles_deleted_with_it(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    expect_roles(stubber, [role("my-stack-github-deploy", trust(ARN))])
    result = oidc.ensure_absent(
        client,
        FakeModule(check_mode=True),
        params(state="absent", keep_if_trusted=True, ignore_roles=["my-stack-github-deploy"]),
    )
    assert result["changed"] is True and result["trusted_by"] == []


def test_absent_without_keep_if_trusted_does_not_list_roles(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    stubber.add_response("delete_open_id_connect_provider", {}, {"OpenIDConnectProviderArn": ARN})
    result = oidc.ensure_absent(client, FakeModule(), params(state="absent", keep_if_trusted=False))
    assert result["changed"] is True and "trusted_by" not in result


def test_list_roles_error_fails_instead_of_deleting(iam):
    client, stubber = iam
    expect_find(stubber, provider_response())
    stubber.add_client_error("list_roles", "AccessDenied", http_status_code=403)
    with pytest.raises(AnsibleIAMError):
        oidc.ensure_absent(client, FakeModule(), params(state="absent", keep_if_trusted=True))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (trust(ARN), True),
        (quote(json.dumps(trust(ARN))), True),  # URL-encoded, as the raw API sends it
        (trust([OTHER_ARN]), False),
        (trust(ARN, effect="Deny"), False),
        ({"Statement": [{"Effect": "Allow", "Principal": "*"}]}, False),
        (None, False),
    ],
)
def test_trust_names_provider(document, expected):
    assert oidc.trust_names_provider(document, ARN) is expected


# ---------------------------------------------------------------------------------------------------------------------
# main()


def run_main(monkeypatch, capsys, client, args):
    monkeypatch.setattr(AnsibleAWSModule, "client", lambda self, service, retry_decorator=None, **kw: client)
    with patch_module_args(args), pytest.raises(SystemExit):
        oidc.main()
    return json.loads(capsys.readouterr().out)


def test_main_check_mode_reports_change_and_diff(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_find(stubber, arns=())
    result = run_main(
        monkeypatch,
        capsys,
        client,
        {"url": URL, "client_id_list": ["sts.amazonaws.com"], "_ansible_check_mode": True, "_ansible_diff": True},
    )
    assert result["changed"] is True
    assert result["arn"] is None
    assert result["diff"] == {"before": {}, "after": result["oidc_provider"]}


def test_main_without_diff_mode_returns_no_diff(iam, monkeypatch, capsys):
    client, stubber = iam
    expect_find(stubber, provider_response())
    result = run_main(monkeypatch, capsys, client, {"url": URL, "client_id_list": ["sts.amazonaws.com"]})
    assert result["changed"] is False
    assert result["oidc_provider"]["create_date"].startswith("2024-05-21")
    assert "diff" not in result


def test_main_rejects_invalid_input_before_any_call(iam, monkeypatch, capsys):
    client, _stubber = iam
    result = run_main(monkeypatch, capsys, client, {"url": "http://token.actions.githubusercontent.com"})
    assert result["failed"] is True
    assert "must start with https://" in result["msg"]


# ---------------------------------------------------------------------------------------------------------------------
# iam_oidc_provider_info


def test_info_describes_the_provider_of_a_url(iam):
    client, stubber = iam
    expect_find(stubber, provider_response(tags={"stack": "s1"}), arns=(OTHER_ARN, ARN))
    providers = info_module.describe_providers(client, "https://TOKEN.actions.githubusercontent.com/")
    assert [p["arn"] for p in providers] == [ARN]
    assert providers[0]["tags"] == {"stack": "s1"}
    assert providers[0]["client_id_list"] == ["sts.amazonaws.com"]


def test_info_without_url_describes_every_provider(iam):
    client, stubber = iam
    stubber.add_response(
        "list_open_id_connect_providers", {"OpenIDConnectProviderList": [{"Arn": ARN}, {"Arn": OTHER_ARN}]}, {}
    )
    stubber.add_response("get_open_id_connect_provider", provider_response(), {"OpenIDConnectProviderArn": ARN})
    stubber.add_client_error("get_open_id_connect_provider", "NoSuchEntity", http_status_code=404)
    assert [p["arn"] for p in info_module.describe_providers(client)] == [ARN]


def test_info_without_a_match_is_empty(iam):
    client, stubber = iam
    expect_find(stubber, arns=(OTHER_ARN,))
    assert info_module.describe_providers(client, URL) == []
