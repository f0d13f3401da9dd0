# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: iam_oidc_provider
version_added: 0.2.0
short_description: Manage an IAM OpenID Connect (OIDC) identity provider
description:
  - Creates, updates or deletes an IAM OpenID Connect identity provider, such as the one GitHub Actions uses
    (C(https://token.actions.githubusercontent.com)) to exchange its workflow tokens for AWS credentials.
  - Neither C(amazon.aws) nor C(community.aws) ships a module that manages IAM OIDC providers, so this module fills
    that gap, following the conventions of the C(amazon.aws) IAM modules (check mode, diff mode, tagging through
    O(tags) and O(purge_tags), and retries on throttling).
  - A provider is identified by its URL. An account has at most one provider per URL, and its ARN is
    C(arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH). The URL of an existing provider cannot change.
  - The client IDs (audiences) and the thumbprints of an existing provider are updated in place.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Create or update (V(present)) or delete (V(absent)) the provider.
    type: str
    choices: ['present', 'absent']
    default: present
  url:
    description:
      - The URL of the identity provider, starting with C(https://), for example
        C(https://token.actions.githubusercontent.com).
      - It must not contain a port, a query string or a fragment. A trailing slash is ignored.
      - The host name is compared case-insensitively; the path is case-sensitive.
    type: str
    required: true
  client_id_list:
    description:
      - The client IDs (audiences) the provider accepts, for example V(sts.amazonaws.com) for GitHub Actions with
        the official C(aws-actions/configure-aws-credentials) action.
      - The client IDs of an existing provider are made exactly this list (order does not matter); client IDs that
        are not listed are removed.
      - When not set, a new provider is created without client IDs and the client IDs of an existing provider are
        left as they are.
    type: list
    elements: str
  purge_client_ids:
    description:
      - Whether the client IDs of an existing provider that O(client_id_list) does not name are removed.
      - With V(false), missing client IDs are added and none is removed. Use it for a provider that other stacks may
        share, where each adds the audience it needs.
    type: bool
    default: true
    version_added: 0.5.0
  owner_tags:
    description:
      - The tags that mark a provider as owned by the caller, for example C(stack=my-stack).
      - When set, an existing provider that does not carry all of them belongs to someone else (another stack, or
        whoever created it by hand). Its thumbprints and tags are left as they are and only the missing client IDs
        of O(client_id_list) are added (none is removed). RV(owned) says which case applied.
      - A provider this module creates is created with O(tags), which should include these.
      - This saves the caller a separate read to decide what it may change (one module call instead of two).
    type: dict
    version_added: 0.5.0
  thumbprint_list:
    description:
      - The SHA-1 thumbprints (40 hexadecimal characters) of the certificates of the provider's certificate chain.
      - AWS no longer needs thumbprints for providers whose certificates it can verify through a trusted root CA,
        which includes GitHub Actions (since 2023). When not set (or empty), a new provider is created without
        thumbprints (AWS then fetches and records the thumbprint itself) and the thumbprints of an existing provider
        are not compared.
      - When set, the thumbprints of an existing provider are replaced by this list if they differ (order and case do
        not matter). At most 5 thumbprints.
    type: list
    elements: str
  keep_if_trusted:
    description:
      - With O(state=absent), do not delete the provider while an IAM role's trust policy still names it as a
        C(Federated) principal. The module then reports no change, warns, and lists those roles in RV(trusted_by).
      - An OIDC provider is account-wide and several stacks may share it; deleting it breaks every role that trusts
        it (for GitHub Actions, every workflow that assumes such a role). The check costs one C(ListRoles) page per
        1,000 roles.
      - Delete the roles you own first, then the provider with this option, or list them in O(ignore_roles).
    type: bool
    default: false
    version_added: 0.3.0
  ignore_roles:
    description:
      - With O(keep_if_trusted=true), the names of roles whose trust does not count, typically the roles deleted
        together with the provider (so that a check-mode run, where they still exist, predicts the deletion).
    type: list
    elements: str
    default: []
    version_added: 0.3.0
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - IAM is a global service; O(region) only selects the endpoint.
  - An OIDC provider is account-wide. Several stacks may share one; a role that creates it should record who
    owns it (for example in its tags) before deleting it.
seealso:
  - module: amazon.aws.iam_role
  - name: Creating OpenID Connect (OIDC) identity providers
    description: The AWS documentation on IAM OIDC providers.
    link: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_oidc.html
  - name: Configuring OpenID Connect in Amazon Web Services
    description: The GitHub documentation on GitHub Actions OIDC with AWS.
    link: https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Let GitHub Actions workflows assume roles in this account
  stacksmith.aws.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    client_id_list:
      - sts.amazonaws.com
    tags:
      managed-by: stacksmith
  register: github_oidc

- name: Pin the thumbprint of a self-hosted identity provider
  stacksmith.aws.iam_oidc_provider:
    url: https://oidc.example.com/realms/ci
    client_id_list:
      - ci-deployer
    thumbprint_list:
      - 6938fd4d98bab03faadb97b34396831e3780aea1

- name: Delete the provider
  stacksmith.aws.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    state: absent

- name: Delete the provider unless another role still trusts it
  stacksmith.aws.iam_oidc_provider:
    url: https://token.actions.githubusercontent.com
    state: absent
    keep_if_trusted: true
"""

RETURN = r"""
arn:
  description:
    - The ARN of the provider.
    - V(null) when the provider would be created in check mode, or when O(state=absent) and no provider existed.
    - With O(state=absent), the ARN of the provider that was deleted.
  returned: always
  type: str
  sample: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
oidc_provider:
  description:
    - The provider, as described by IAM C(GetOpenIDConnectProvider).
    - In check mode, when the provider would be created or updated, the attributes it would have.
    - An empty dictionary when O(state=absent).
  returned: always
  type: complex
  contains:
    arn:
      description: The ARN of the provider.
      returned: when the provider exists
      type: str
      sample: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    url:
      description: The URL of the provider, without the C(https://) scheme, as IAM reports it.
      returned: when O(state=present)
      type: str
      sample: token.actions.githubusercontent.com
    client_id_list:
      description: The client IDs (audiences) of the provider.
      returned: when O(state=present)
      type: list
      elements: str
      sample: ["sts.amazonaws.com"]
    thumbprint_list:
      description: The thumbprints of the provider's certificates.
      returned: when O(state=present)
      type: list
      elements: str
      sample: ["6938fd4d98bab03faadb97b34396831e3780aea1"]
    create_date:
      description: When the provider was created.
      returned: when the provider exists
      type: str
      sample: "2024-05-21T13:21:10+00:00"
    tags:
      description: The tags of the provider.
      returned: when O(state=present)
      type: dict
      sample: {"managed-by": "stacksmith"}
owned:
  description:
    - Whether the provider is owned by the caller, that is, it was created here, O(owner_tags) is not set, or it
      carries all of O(owner_tags). When V(false), only client IDs were added.
  returned: when O(state=present)
  type: bool
  sample: true
trusted_by:
  description:
    - With O(state=absent) and O(keep_if_trusted=true), the names of the IAM roles whose trust policy names the
      provider as a C(Federated) principal. The provider was kept when this list is not empty.
  returned: when O(state=absent) and O(keep_if_trusted=true) and the provider exists
  type: list
  elements: str
  sample: ["other-stack-github-deploy"]
"""

import json
import re
from urllib.parse import unquote, urlsplit

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError, IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
    updated_tags,
)

THUMBPRINT_PATTERN = re.compile(r"^[0-9a-fA-F]{40}$")
MAX_THUMBPRINTS = 5
MAX_URL_LENGTH = 255


# ---------------------------------------------------------------------------------------------------------------------
# Input


def normalize_url(url):
    """Returns the provider identity IAM keys on: ``host/path`` without scheme, trailing slash, lowercase host.

    Raises ValueError when the URL is not an https URL without port, query or fragment.
    """
    if not url:
        raise ValueError("url is required")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValueError(f"url {url} must start with https:// and name a host")
    if parts.port is not None or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"url {url} must not contain a port, credentials, a query string or a fragment")
    identity = parts.hostname.lower() + parts.path.rstrip("/")
    if len(identity) + len("https://") > MAX_URL_LENGTH:
        raise ValueError(f"url {url} is longer than {MAX_URL_LENGTH} characters")
    return identity


def normalize_thumbprints(thumbprints):
    """Lowercase, de-duplicated thumbprints in their order; ValueError for an invalid one or more than 5."""
    result = []
    for thumbprint in thumbprints or []:
        if not THUMBPRINT_PATTERN.match(thumbprint or ""):
            raise ValueError(f"thumbprint_list: {thumbprint!r} is not a SHA-1 thumbprint (40 hexadecimal characters)")
        if thumbprint.lower() not in result:
            result.append(thumbprint.lower())
    if len(result) > MAX_THUMBPRINTS:
        raise ValueError(f"thumbprint_list: at most {MAX_THUMBPRINTS} thumbprints are allowed, got {len(result)}")
    return result


def unique(items):
    result = []
    for item in items or []:
        if item not in result:
            result.append(item)
    return result


def validate_params(params):
    """Returns an error message for invalid parameters, or None."""
    try:
        normalize_url(params.get("url"))
        normalize_thumbprints(params.get("thumbprint_list"))
    except ValueError as e:
        return str(e)
    for client_id in params.get("client_id_list") or []:
        if not client_id or len(client_id) > 255:
            return f"client_id_list: {client_id!r} must be 1 to 255 characters long"
    return None


# ---------------------------------------------------------------------------------------------------------------------
# AWS calls


@IAMErrorHandler.list_error_handler("list OIDC providers", default_value=[])
def list_provider_arns(client):
    response = client.list_open_id_connect_providers(aws_retry=True)
    return [item["Arn"] for item in response.get("OpenIDConnectProviderList", [])]


@IAMErrorHandler.list_error_handler("get OIDC provider")
def get_provider(client, arn):
    """Returns the GetOpenIDConnectProvider response (plus the ARN), or None if there is no such provider."""
    response = client.get_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn)
    provider = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    provider["OpenIDConnectProviderArn"] = arn
    return provider


@IAMErrorHandler.common_error_handler("get OIDC provider")
@AWSRetry.jittered_backoff(catch_extra_error_codes=["NoSuchEntity"])
def get_new_provider(client, arn):
    """GetOpenIDConnectProvider for a provider just created (IAM is eventually consistent: retries NoSuchEntity)."""
    response = client.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    provider = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    provider["OpenIDConnectProviderArn"] = arn
    return provider


def provider_identity_from_arn(arn):
    """``host/path`` of an OIDC provider ARN (arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST/PATH)."""
    _prefix, _sep, identity = arn.partition(":oidc-provider/")
    host, _slash, path = identity.partition("/")
    return host.lower() + ("/" + path if path else "")


def find_provider(client, url):
    """Returns the provider for ``url`` (GetOpenIDConnectProvider plus its ARN), or None."""
    identity = normalize_url(url)
    for arn in list_provider_arns(client):
        if provider_identity_from_arn(arn) == identity:
            return get_provider(client, arn)
    return None


@IAMErrorHandler.common_error_handler("create OIDC provider")
def create_provider(client, url, client_ids, thumbprints, tags):
    """The new provider's ARN, or None when another run created the same URL's provider in the meantime
    (the provider is account-wide: two stacks deployed in parallel both find none and both create it)."""
    params = {"Url": "https://" + normalize_url(url), "ClientIDList": client_ids}
    if thumbprints:
        params["ThumbprintList"] = thumbprints
    if tags:
        params["Tags"] = boto3_tag_list(tags)
    try:
        return client.create_open_id_connect_provider(aws_retry=True, **params)["OpenIDConnectProviderArn"]
    except is_boto3_error_code("EntityAlreadyExists"):
        return None


@IAMErrorHandler.deletion_error_handler("delete OIDC provider")
def delete_provider(client, arn):
    client.delete_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn)
    return True


@IAMErrorHandler.common_error_handler("add client ID to OIDC provider")
def add_client_id(client, arn, client_id):
    client.add_client_id_to_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, ClientID=client_id)


@IAMErrorHandler.common_error_handler("remove client ID from OIDC provider")
def remove_client_id(client, arn, client_id):
    client.remove_client_id_from_open_id_connect_provider(
        aws_retry=True, OpenIDConnectProviderArn=arn, ClientID=client_id
    )


@IAMErrorHandler.common_error_handler("update OIDC provider thumbprints")
def update_thumbprints(client, arn, thumbprints):
    client.update_open_id_connect_provider_thumbprint(
        aws_retry=True, OpenIDConnectProviderArn=arn, ThumbprintList=thumbprints
    )


@IAMErrorHandler.common_error_handler("tag OIDC provider")
def tag_provider(client, arn, tags):
    client.tag_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, Tags=boto3_tag_list(tags))


@IAMErrorHandler.common_error_handler("untag OIDC provider")
def untag_provider(client, arn, tag_keys):
    client.untag_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn, TagKeys=tag_keys)


# ---------------------------------------------------------------------------------------------------------------------
# Updates: each returns whether something changed (and changes nothing in check mode)


def update_client_ids(client, check_mode, provider, wanted, purge=True):
    if wanted is None:
        return False
    current = provider.get("ClientIDList") or []
    to_add = [item for item in unique(wanted) if item not in current]
    to_remove = [item for item in current if item not in wanted] if purge else []
    if not to_add and not to_remove:
        return False
    if check_mode:
        return True
    arn = provider["OpenIDConnectProviderArn"]
    # Add first: a provider is never left without the audiences both lists share.
    for client_id in to_add:
        add_client_id(client, arn, client_id)
    for client_id in to_remove:
        remove_client_id(client, arn, client_id)
    return True


def update_provider_thumbprints(client, check_mode, provider, wanted):
    if not wanted:
        return False
    current = normalize_thumbprints(provider.get("ThumbprintList") or [])
    if sorted(current) == sorted(wanted):
        return False
    if check_mode:
        return True
    update_thumbprints(client, provider["OpenIDConnectProviderArn"], wanted)
    return True


def update_tags(client, check_mode, provider, tags, purge_tags):
    if tags is None:
        return False
    current = boto3_tag_list_to_ansible_dict(provider.get("Tags") or [])
    tags_to_set, tags_to_unset = compare_tags(current, tags, purge_tags=purge_tags)
    if not tags_to_set and not tags_to_unset:
        return False
    if check_mode:
        return True
    arn = provider["OpenIDConnectProviderArn"]
    if tags_to_unset:
        untag_provider(client, arn, tags_to_unset)
    if tags_to_set:
        tag_provider(client, arn, tags_to_set)
    return True


# ---------------------------------------------------------------------------------------------------------------------
# Results


def format_provider(provider):
    """Snake-cased provider with ``arn`` and tags as a dict (tag keys untouched)."""
    if not provider:
        return {}
    result = {
        "arn": provider.get("OpenIDConnectProviderArn"),
        "url": provider.get("Url"),
        "client_id_list": list(provider.get("ClientIDList") or []),
        "thumbprint_list": list(provider.get("ThumbprintList") or []),
    }
    extra = {
        key: value
        for key, value in provider.items()
        if key not in ("OpenIDConnectProviderArn", "Url", "ClientIDList", "ThumbprintList", "Tags")
    }
    result.update(camel_dict_to_snake_dict(extra))
    result["tags"] = boto3_tag_list_to_ansible_dict(provider.get("Tags") or [])
    return result


def predict_provider(params, existing=None):
    """The provider as it will be after the module ran (for check mode and diffs)."""
    if existing is None:
        return {
            "arn": None,
            "url": normalize_url(params["url"]),
            "client_id_list": unique(params.get("client_id_list")),
            "thumbprint_list": normalize_thumbprints(params.get("thumbprint_list")),
            "tags": dict(params.get("tags") or {}),
        }
    after = format_provider(existing)
    if params.get("client_id_list") is not None:
        current = after["client_id_list"]
        wanted = unique(params["client_id_list"])
        kept = current if not params.get("purge_client_ids", True) else [item for item in current if item in wanted]
        after["client_id_list"] = kept + [item for item in wanted if item not in current]
    wanted_thumbprints = normalize_thumbprints(params.get("thumbprint_list"))
    if wanted_thumbprints and sorted(normalize_thumbprints(after["thumbprint_list"])) != sorted(wanted_thumbprints):
        after["thumbprint_list"] = wanted_thumbprints
    after["tags"] = updated_tags(after["tags"], params.get("tags"), params.get("purge_tags", True))
    return after


# ---------------------------------------------------------------------------------------------------------------------
# States


def is_owned(provider, owner_tags):
    """Whether an existing provider carries every owner tag (no owner tags: every provider is the caller's)."""
    if not owner_tags:
        return True
    current = boto3_tag_list_to_ansible_dict(provider.get("Tags") or [])
    return all(current.get(key) == value for key, value in owner_tags.items())


def foreign_params(params):
    """What the caller may change on a provider it does not own: add its client IDs, nothing else."""
    return dict(params, purge_client_ids=False, thumbprint_list=None, tags=None)


def ensure_present(client, module, params):
    existing = find_provider(client, params["url"])
    check_mode = module.check_mode

    if existing is None:
        predicted = predict_provider(params)
        result = {"changed": True, "arn": None, "oidc_provider": predicted}
        if not check_mode:
            arn = create_provider(
                client,
                params["url"],
                unique(params.get("client_id_list")),
                normalize_thumbprints(params.get("thumbprint_list")),
                params.get("tags"),
            )
            if arn is None:
                # Created by a concurrent run: its creator owns the tags and thumbprints; only add our audiences.
                module.warn(
                    f"OIDC provider {normalize_url(params['url'])} was created by another run meanwhile: "
                    "its tags and thumbprints are left as they are; only missing client IDs are added."
                )
                existing = find_provider(client, params["url"])
                changed = update_client_ids(client, False, existing, params.get("client_id_list"), purge=False)
                provider = format_provider(get_provider(client, existing["OpenIDConnectProviderArn"]) or existing)
                return {
                    "changed": changed,
                    "arn": provider["arn"],
                    "oidc_provider": provider,
                    "owned": False,
                    "diff": {"before": format_provider(existing), "after": provider},
                }
            result["arn"] = arn
            result["oidc_provider"] = format_provider(get_new_provider(client, arn))
        result["owned"] = True
        result["diff"] = {"before": {}, "after": result["oidc_provider"]}
        return result

    owned = is_owned(existing, params.get("owner_tags"))
    if not owned:
        params = foreign_params(params)
    arn = existing["OpenIDConnectProviderArn"]
    before = format_provider(existing)
    changed = False
    changed |= update_client_ids(
        client, check_mode, existing, params.get("client_id_list"), purge=params.get("purge_client_ids", True)
    )
    changed |= update_provider_thumbprints(
        client, check_mode, existing, normalize_thumbprints(params.get("thumbprint_list"))
    )
    changed |= update_tags(client, check_mode, existing, params.get("tags"), params.get("purge_tags", True))

    if changed and not check_mode:
        after = format_provider(get_provider(client, arn) or existing)
    else:
        after = predict_provider(params, existing)
    return {
        "changed": changed,
        "arn": arn,
        "oidc_provider": after,
        "owned": owned,
        "diff": {"before": before, "after": after},
    }


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def trust_names_provider(document, arn):
    """Whether a role trust policy has an Allow statement whose Federated principal is the provider ARN."""
    if isinstance(document, str):  # the raw API URL-encodes policy documents; botocore normally decodes them
        document = json.loads(unquote(document))
    for statement in _as_list((document or {}).get("Statement")):
        principal = statement.get("Principal")
        if statement.get("Effect") == "Allow" and isinstance(principal, dict):
            if arn in _as_list(principal.get("Federated")):
                return True
    return False


@AWSRetry.jittered_backoff()
def _list_roles(client):
    paginator = client.get_paginator("list_roles")
    return paginator.paginate(PaginationConfig={"PageSize": 1000}).build_full_result().get("Roles", [])


@IAMErrorHandler.list_error_handler("list IAM roles", [])
def roles_trusting(client, arn):
    """Names of the roles whose trust policy names the provider (ListRoles returns each trust policy)."""
    roles = _list_roles(client)
    return sorted(r["RoleName"] for r in roles if trust_names_provider(r.get("AssumeRolePolicyDocument"), arn))


def ensure_absent(client, module, params):
    existing = find_provider(client, params["url"])
    if existing is None:
        return {"changed": False, "arn": None, "oidc_provider": {}, "diff": {"before": {}, "after": {}}}
    arn = existing["OpenIDConnectProviderArn"]
    if params.get("keep_if_trusted"):
        ignored = set(params.get("ignore_roles") or [])
        trusted_by = [name for name in roles_trusting(client, arn) if name not in ignored]
        if trusted_by:
            module.warn(
                f"The OIDC provider {arn} was kept: the trust policies of these IAM roles still name it, and deleting "
                f"it would break them: {', '.join(trusted_by)}."
            )
            before = format_provider(existing)
            return {
                "changed": False,
                "arn": arn,
                "oidc_provider": {},
                "trusted_by": trusted_by,
                "diff": {"before": before, "after": before},
            }
    changed = True
    if not module.check_mode:
        changed = delete_provider(client, arn)
    result = {
        "changed": changed,
        "arn": arn,
        "oidc_provider": {},
        "diff": {"before": format_provider(existing), "after": {}},
    }
    if params.get("keep_if_trusted"):
        result["trusted_by"] = []
    return result


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "url": {"type": "str", "required": True},
        "client_id_list": {"type": "list", "elements": "str"},
        "purge_client_ids": {"type": "bool", "default": True},
        "owner_tags": {"type": "dict"},
        "thumbprint_list": {"type": "list", "elements": "str"},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "keep_if_trusted": {"type": "bool", "default": False},
        "ignore_roles": {"type": "list", "elements": "str", "default": []},
    }

    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    error = validate_params(module.params)
    if error:
        module.fail_json(msg=error)

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())

    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module, module.params)
        else:
            result = ensure_absent(client, module, module.params)
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
