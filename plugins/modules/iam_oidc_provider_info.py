# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: iam_oidc_provider_info
version_added: 0.2.0
short_description: Describe IAM OpenID Connect (OIDC) identity providers
description:
  - Describes the IAM OpenID Connect identity providers of the account, or the one provider of a URL.
  - Neither C(amazon.aws) nor C(community.aws) ships a module that reads IAM OIDC providers; this is the
    C(_info) companion of M(stacksmith.aws.iam_oidc_provider).
  - Used, for example, to find out whether a provider exists and who owns it (its tags) before deciding to tag
    or delete it, since an OIDC provider is shared by everything in the account.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  url:
    description:
      - The URL of the provider to describe, starting with C(https://). A trailing slash is ignored and the host
        name is compared case-insensitively.
      - When not set, every OIDC provider of the account is described.
    type: str
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: The module does not change anything.
seealso:
  - module: stacksmith.aws.iam_oidc_provider
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Find the GitHub Actions provider
  stacksmith.aws.iam_oidc_provider_info:
    url: https://token.actions.githubusercontent.com
  register: github_oidc

- name: Say whether it exists
  ansible.builtin.debug:
    msg: "{{ github_oidc.oidc_providers | length == 1 }}"
"""

RETURN = r"""
oidc_providers:
  description:
    - The providers, as described by IAM C(GetOpenIDConnectProvider). Empty when O(url) names no provider.
  returned: always
  type: list
  elements: dict
  contains:
    arn:
      description: The ARN of the provider.
      returned: always
      type: str
      sample: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com
    url:
      description: The URL of the provider, without the C(https://) scheme, as IAM reports it.
      returned: always
      type: str
      sample: token.actions.githubusercontent.com
    client_id_list:
      description: The client IDs (audiences) of the provider.
      returned: always
      type: list
      elements: str
      sample: ["sts.amazonaws.com"]
    thumbprint_list:
      description: The thumbprints of the provider's certificates.
      returned: always
      type: list
      elements: str
      sample: ["6938fd4d98bab03faadb97b34396831e3780aea1"]
    create_date:
      description: When the provider was created.
      returned: always
      type: str
      sample: "2024-05-21T13:21:10+00:00"
    tags:
      description: The tags of the provider.
      returned: always
      type: dict
      sample: {"managed-by": "stacksmith"}
"""

from urllib.parse import urlsplit

from ansible_collections.amazon.aws.plugins.module_utils.iam import AnsibleIAMError, IAMErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.transformation import camel_dict_to_snake_dict


def normalize_url(url):
    """``host/path`` (lowercase host, no scheme, no trailing slash); ValueError for a URL that is not https."""
    parts = urlsplit((url or "").strip())
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValueError(f"url {url} must start with https:// and name a host")
    return parts.hostname.lower() + parts.path.rstrip("/")


def provider_identity_from_arn(arn):
    _prefix, _sep, identity = arn.partition(":oidc-provider/")
    host, _slash, path = identity.partition("/")
    return host.lower() + ("/" + path if path else "")


@IAMErrorHandler.list_error_handler("list OIDC providers", default_value=[])
def list_provider_arns(client):
    response = client.list_open_id_connect_providers(aws_retry=True)
    return [item["Arn"] for item in response.get("OpenIDConnectProviderList", [])]


@IAMErrorHandler.list_error_handler("get OIDC provider")
def get_provider(client, arn):
    """GetOpenIDConnectProvider plus the ARN, or None when the provider was deleted meanwhile."""
    response = client.get_open_id_connect_provider(aws_retry=True, OpenIDConnectProviderArn=arn)
    provider = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    provider["OpenIDConnectProviderArn"] = arn
    return provider


def format_provider(provider):
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


def describe_providers(client, url=None):
    identity = normalize_url(url) if url else None
    providers = []
    for arn in list_provider_arns(client):
        if identity is not None and provider_identity_from_arn(arn) != identity:
            continue
        provider = get_provider(client, arn)
        if provider is not None:
            providers.append(format_provider(provider))
    return providers


def main():
    module = AnsibleAWSModule(argument_spec={"url": {"type": "str"}}, supports_check_mode=True)

    url = module.params.get("url")
    if url:
        try:
            normalize_url(url)
        except ValueError as e:
            module.fail_json(msg=str(e))

    client = module.client("iam", retry_decorator=AWSRetry.jittered_backoff())
    try:
        providers = describe_providers(client, url)
    except AnsibleIAMError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, oidc_providers=providers)


if __name__ == "__main__":
    main()
