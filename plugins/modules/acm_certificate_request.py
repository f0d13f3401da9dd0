# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: acm_certificate_request
version_added: 0.2.0
short_description: Request, tag, wait for or delete a DNS-validated ACM certificate
description:
  - Requests a public certificate from AWS Certificate Manager (ACM) validated through DNS, keeps its tags,
    returns the CNAME records ACM needs to validate it, optionally waits until it is issued, and deletes it.
  - C(community.aws.acm_certificate) can only import certificates; it cannot request one from ACM, and no
    module of C(amazon.aws) or C(community.aws) does. This module fills that gap, following the conventions of
    the C(amazon.aws) modules (check mode, diff mode, O(tags) and O(purge_tags), retries on throttling).
  - A certificate is identified by its O(domain_name) and by the tags named in O(match_tags) (all the keys of
    O(tags) when O(match_tags) is not set), so a certificate for the same domain that belongs to someone else
    is never adopted, modified or deleted. When several match, an issued one is preferred, then the newest.
  - The domains (O(domain_name) and O(subject_alternative_names)), the validation method and the key algorithm
    of a certificate cannot be changed. If the certificate found differs, the module fails and names the
    difference; delete it (O(state=absent)) and request it again.
  - ACM fills in the validation records a few seconds after the request. The module polls
    C(DescribeCertificate) (from 0.5 s, backing off up to 2 s, for up to 60 seconds) until every domain has its
    record, so the records can be created in DNS straight away.
  - With O(wait=true) the module polls the certificate (from 1 s, backing off up to O(wait_delay) seconds) until
    it is C(ISSUED) (the botocore C(certificate_validated) waiter polls only once a minute), and fails at once,
    with ACM's reason, when the certificate is C(FAILED), C(VALIDATION_TIMED_OUT), C(REVOKED) or C(EXPIRED).
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  state:
    description:
      - Request (V(present)) or delete (V(absent)) the certificate.
      - A certificate still used by another AWS resource (for example a load balancer listener) cannot be
        deleted; the module then fails and names the resources that use it.
    type: str
    choices: ['present', 'absent']
    default: present
  domain_name:
    description:
      - The fully qualified domain name of the certificate, for example C(app.example.com) or
        C(*.example.com).
    type: str
    required: true
  subject_alternative_names:
    description:
      - Additional domain names of the certificate.
      - O(domain_name) is always part of the certificate and need not be repeated here.
      - Cannot be changed on an existing certificate.
    type: list
    elements: str
    default: []
  validation_method:
    description:
      - How ACM validates that you own the domains. Only DNS validation is supported.
      - Cannot be changed on an existing certificate.
    type: str
    choices: ['DNS']
    default: DNS
  key_algorithm:
    description:
      - The algorithm of the certificate's public and private key pair.
      - Cannot be changed on an existing certificate.
    type: str
    choices: ['RSA_2048', 'EC_prime256v1', 'EC_secp384r1']
    default: RSA_2048
  match_tags:
    description:
      - The keys of O(tags) whose values an existing certificate must carry to be managed by this task.
      - When not set, every key of O(tags) must match; with O(tags) unset or empty, any certificate for
        O(domain_name) matches.
      - Use the ownership tags (for example C(stack)) so that other tags can change without a new certificate.
    type: list
    elements: str
  idempotency_token:
    description:
      - The token ACM uses to recognise repeated requests (up to 32 word characters). Requests with the same
        token within one hour return the same certificate.
      - A new random token is used for each run when not set; retries of one request reuse it.
    type: str
  wait:
    description:
      - With O(state=present), wait until the certificate is C(ISSUED).
      - Not done in check mode.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait for the certificate to be issued.
    type: int
    default: 900
  wait_delay:
    description:
      - The longest pause, in seconds, between two looks at the certificate while waiting (the second look comes
        after 1 s, the pauses then grow by half up to this).
    type: int
    default: 5
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Only certificates of the key algorithm O(key_algorithm) are considered when looking for an existing one
    (C(ListCertificates) returns RSA 2048 certificates only unless told otherwise).
  - In check mode, a certificate that would be requested has no ARN and no validation records yet.
seealso:
  - module: community.aws.acm_certificate
  - module: community.aws.acm_certificate_info
  - name: DNS validation
    description: The ACM documentation on DNS validation.
    link: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Request a certificate for a domain and its www name
  stacksmith.aws.acm_certificate_request:
    domain_name: app.example.com
    subject_alternative_names:
      - www.app.example.com
    tags:
      stack: shop-prod
      Name: app.example.com
    match_tags: [stack]
  register: cert

- name: Create the validation records
  amazon.aws.route53:
    state: present
    zone: example.com
    record: "{{ item.resource_record.name }}"
    type: "{{ item.resource_record.type }}"
    value: "{{ item.resource_record.value }}"
    ttl: 300
    overwrite: true
  loop: "{{ cert.domain_validation_options | unique(attribute='resource_record.name') }}"

- name: Wait until the certificate is issued (polled every 5 seconds)
  stacksmith.aws.acm_certificate_request:
    domain_name: app.example.com
    subject_alternative_names:
      - www.app.example.com
    tags:
      stack: shop-prod
      Name: app.example.com
    match_tags: [stack]
    wait: true
    wait_timeout: 1200

- name: Delete the certificate
  stacksmith.aws.acm_certificate_request:
    state: absent
    domain_name: app.example.com
    tags:
      stack: shop-prod
    match_tags: [stack]
"""

RETURN = r"""
arn:
  description:
    - The ARN of the certificate.
    - V(null) when the certificate would be requested in check mode, or when O(state=absent) and no
      certificate existed. With O(state=absent), the ARN of the certificate that was deleted.
  returned: always
  type: str
  sample: arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012
status:
  description:
    - The status of the certificate (V(PENDING_VALIDATION), V(ISSUED), V(FAILED), ...).
    - V(PENDING_VALIDATION) when it would be requested in check mode; V(null) with O(state=absent).
  returned: always
  type: str
  sample: ISSUED
domain_validation_options:
  description:
    - One entry per domain of the certificate, with the DNS record that validates it.
    - Empty in check mode when the certificate does not exist yet, and with O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    domain_name:
      description: The domain.
      type: str
      returned: always
      sample: app.example.com
    validation_status:
      description: V(PENDING_VALIDATION), V(SUCCESS) or V(FAILED).
      type: str
      returned: always
      sample: PENDING_VALIDATION
    validation_method:
      description: V(DNS).
      type: str
      returned: always
      sample: DNS
    resource_record:
      description: The CNAME record to create in the domain's public DNS zone.
      type: dict
      returned: always
      contains:
        name:
          description: The record name.
          type: str
          returned: always
          sample: _a79865eb4cd1a6ab990a45779b4e0b96.app.example.com.
        type:
          description: The record type, always V(CNAME).
          type: str
          returned: always
          sample: CNAME
        value:
          description: The record value.
          type: str
          returned: always
          sample: _424c7224e9b0146f9a8808af955727d0.acm-validations.aws.
certificate:
  description:
    - The certificate as C(DescribeCertificate) reports it, in snake_case, with its tags.
    - In check mode, when the certificate would be requested, the attributes it would be requested with.
    - An empty dictionary with O(state=absent).
  returned: always
  type: dict
  contains:
    certificate_arn:
      description: The ARN of the certificate.
      type: str
      returned: when the certificate exists
      sample: arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012
    domain_name:
      description: The domain name of the certificate.
      type: str
      returned: when O(state=present)
      sample: app.example.com
    subject_alternative_names:
      description: Every domain of the certificate, O(domain_name) first.
      type: list
      elements: str
      returned: when O(state=present)
      sample: [app.example.com, www.app.example.com]
    status:
      description: The status of the certificate.
      type: str
      returned: when O(state=present)
      sample: PENDING_VALIDATION
    key_algorithm:
      description: The key algorithm, as ACM reports it.
      type: str
      returned: when O(state=present)
      sample: RSA-2048
    in_use_by:
      description: The ARNs of the AWS resources that use the certificate.
      type: list
      elements: str
      returned: when the certificate exists
      sample: []
    failure_reason:
      description: Why the certificate could not be issued.
      type: str
      returned: when the certificate failed
      sample: CAA_ERROR
    tags:
      description: The tags of the certificate.
      type: dict
      returned: when O(state=present)
      sample: {"stack": "shop-prod"}
"""

import uuid

try:
    import botocore
except ImportError:
    pass  # caught by AnsibleAWSModule

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import (
    boto3_tag_list,
    compare_tags,
    updated_tags,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.waiter import WaitTimeout, poll

# Statuses of certificates that can still be (or are) in use; expired, revoked and inactive ones are ignored.
LIVE_STATUSES = ["PENDING_VALIDATION", "ISSUED", "FAILED", "VALIDATION_TIMED_OUT"]
FAILED_STATUSES = ("FAILED", "VALIDATION_TIMED_OUT", "REVOKED", "EXPIRED")
# ACM writes the validation records a few seconds after RequestCertificate.
RECORD_POLL_FIRST_DELAY = 0.5
RECORD_POLL_MAX_DELAY = 2
RECORD_POLL_TIMEOUT = 60
CHECK_MODE_ARN = None


class CertificateError(Exception):
    """A failure the module reports with its message."""


def normalize_key_algorithm(value):
    """RequestCertificate says RSA_2048, DescribeCertificate RSA-2048: compare them as one."""
    return (value or "RSA_2048").replace("-", "_")


def wanted_domains(params):
    """The certificate's domains in request order: domain_name first, then the SANs, without duplicates."""
    domains = []
    for name in [params["domain_name"]] + list(params.get("subject_alternative_names") or []):
        if name and name not in domains:
            domains.append(name)
    return domains


def match_tag_values(params):
    """The tags an existing certificate must carry to be managed here."""
    tags = params.get("tags") or {}
    keys = params.get("match_tags")
    if keys is None:
        return dict(tags)
    missing = [key for key in keys if key not in tags]
    if missing:
        raise CertificateError(f"match_tags names {', '.join(missing)}, which tags does not set")
    return {key: tags[key] for key in keys}


def list_certificates(client, key_algorithm):
    paginator = client.get_paginator("list_certificates")
    result = paginator.paginate(
        CertificateStatuses=LIVE_STATUSES,
        Includes={"keyTypes": [key_algorithm]},
    ).build_full_result()
    return result.get("CertificateSummaryList", [])


def get_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(
        client.list_tags_for_certificate(aws_retry=True, CertificateArn=arn).get("Tags", [])
    )


def describe_certificate(client, arn):
    try:
        return client.describe_certificate(aws_retry=True, CertificateArn=arn)["Certificate"]
    except is_boto3_error_code("ResourceNotFoundException"):
        return None


def find_certificate(client, params):
    """The certificate for domain_name with the ownership tags (DescribeCertificate + Tags), or None."""
    owner = match_tag_values(params)
    candidates = []
    for summary in list_certificates(client, params["key_algorithm"]):
        if summary.get("DomainName", "").lower() != params["domain_name"].lower():
            continue
        arn = summary["CertificateArn"]
        tags = get_tags(client, arn)
        if any(tags.get(key) != value for key, value in owner.items()):
            continue
        certificate = describe_certificate(client, arn)
        if certificate is None:
            continue
        certificate["Tags"] = tags
        candidates.append(certificate)
    if not candidates:
        return None
    # An issued certificate first, then the newest.
    candidates.sort(
        key=lambda c: (c.get("Status") == "ISSUED", str(c.get("CreatedAt") or "")),
        reverse=True,
    )
    return candidates[0]


def compare_certificate(certificate, params):
    """(attribute, current, wanted) for every immutable attribute that differs."""
    differences = []
    current_domains = certificate.get("SubjectAlternativeNames") or [certificate.get("DomainName")]
    if sorted(d.lower() for d in current_domains) != sorted(d.lower() for d in wanted_domains(params)):
        differences.append(("subject_alternative_names", current_domains, wanted_domains(params)))
    current_algorithm = normalize_key_algorithm(certificate.get("KeyAlgorithm"))
    if current_algorithm != params["key_algorithm"]:
        differences.append(("key_algorithm", current_algorithm, params["key_algorithm"]))
    methods = {o.get("ValidationMethod") for o in certificate.get("DomainValidationOptions") or []} - {None}
    if methods and methods != {params["validation_method"]}:
        differences.append(("validation_method", sorted(methods), params["validation_method"]))
    return differences


def immutable_error_message(arn, differences):
    details = "; ".join(
        f"{attribute} is {current!r} but {wanted!r} was requested" for attribute, current, wanted in differences
    )
    return (
        f"Certificate {arn} cannot be modified: {details}. The domains, validation method and key algorithm of a "
        "certificate are immutable; delete it (state=absent) and request it again."
    )


def has_all_records(certificate):
    options = certificate.get("DomainValidationOptions") or []
    return bool(options) and all(o.get("ResourceRecord") for o in options)


def poll_validation_records(client, arn, sleep=None, clock=None):
    """DescribeCertificate until every domain has its ResourceRecord (ACM adds them shortly after the request)."""

    def done(certificate):
        return certificate is not None and (
            has_all_records(certificate) or certificate.get("Status") != "PENDING_VALIDATION"
        )

    try:
        return poll(
            lambda: describe_certificate(client, arn),
            done,
            RECORD_POLL_TIMEOUT,
            what=f"the DNS validation records of certificate {arn}",
            first_delay=RECORD_POLL_FIRST_DELAY,
            max_delay=RECORD_POLL_MAX_DELAY,
            sleep=sleep,
            clock=clock,
        )
    except WaitTimeout as e:
        if e.value is None:
            raise CertificateError(
                f"Certificate {arn} was requested but DescribeCertificate does not find it"
            ) from None
        raise CertificateError(
            f"Certificate {arn} has no DNS validation records after {RECORD_POLL_TIMEOUT} seconds"
        ) from None


def failure_message(certificate):
    reason = certificate.get("FailureReason") or "no reason given"
    return (
        f"Certificate {certificate.get('CertificateArn')} for {certificate.get('DomainName')} is "
        f"{certificate.get('Status')} ({reason}); it will not be issued. Check the validation records "
        "and CAA records of the domain, then delete the certificate (state=absent) and request it again."
    )


def wait_issued(client, arn, timeout, delay, sleep=None, clock=None):
    """Polls DescribeCertificate until ISSUED (the shared poller: the second look after 1 s, the pauses growing up
    to `delay` seconds); fails at once on a terminal status, or at the timeout."""

    def read():
        certificate = describe_certificate(client, arn)
        if certificate is None:
            raise CertificateError(f"Certificate {arn} disappeared while waiting for it to be issued")
        return certificate

    def done(certificate):
        if certificate.get("Status") in FAILED_STATUSES:
            raise CertificateError(failure_message(certificate))
        return certificate.get("Status") == "ISSUED"

    try:
        return poll(
            read, done, timeout, what=f"certificate {arn} to be issued", max_delay=delay, sleep=sleep, clock=clock
        )
    except WaitTimeout as e:
        certificate = e.value
        pending = [
            o.get("DomainName")
            for o in certificate.get("DomainValidationOptions") or []
            if o.get("ValidationStatus") != "SUCCESS"
        ]
        raise CertificateError(
            f"Timed out after {timeout} seconds waiting for certificate {arn} to be issued (status "
            f"{certificate.get('Status')}; domains not validated yet: {', '.join(pending) or 'none'}). Check that the "
            "validation CNAME records exist in the domain's public DNS."
        ) from None


def format_validation_options(certificate):
    options = []
    for option in certificate.get("DomainValidationOptions") or []:
        record = option.get("ResourceRecord") or {}
        options.append(
            {
                "domain_name": option.get("DomainName"),
                "validation_status": option.get("ValidationStatus"),
                "validation_method": option.get("ValidationMethod"),
                "resource_record": {
                    "name": record.get("Name"),
                    "type": record.get("Type"),
                    "value": record.get("Value"),
                },
            }
        )
    return options


def format_certificate(certificate):
    tags = certificate.get("Tags") or {}
    body = {key: value for key, value in certificate.items() if key != "Tags"}
    result = camel_dict_to_snake_dict(body)
    result["domain_validation_options"] = format_validation_options(certificate)
    result["tags"] = dict(tags)
    return result


def predict_certificate(params):
    return {
        "domain_name": params["domain_name"],
        "subject_alternative_names": wanted_domains(params),
        "status": "PENDING_VALIDATION",
        "key_algorithm": params["key_algorithm"].replace("_", "-", 1),
        "type": "AMAZON_ISSUED",
        "in_use_by": [],
        "domain_validation_options": [],
        "tags": dict(params.get("tags") or {}),
    }


def ensure_tags(client, module, arn, current_tags, tags, purge_tags):
    """Adds/removes tags so the certificate carries `tags`. Returns whether anything changed."""
    if tags is None:
        return False
    to_set, to_unset = compare_tags(current_tags, tags, purge_tags=purge_tags)
    if not to_set and not to_unset:
        return False
    if module.check_mode:
        return True
    if to_unset:
        client.remove_tags_from_certificate(
            aws_retry=True,
            CertificateArn=arn,
            Tags=[{"Key": key, "Value": current_tags[key]} for key in to_unset],
        )
    if to_set:
        client.add_tags_to_certificate(aws_retry=True, CertificateArn=arn, Tags=boto3_tag_list(to_set))
    return True


def build_request(params, token):
    request = {
        "DomainName": params["domain_name"],
        "ValidationMethod": params["validation_method"],
        "IdempotencyToken": token,
        "KeyAlgorithm": params["key_algorithm"],
    }
    sans = wanted_domains(params)[1:]
    if sans:
        request["SubjectAlternativeNames"] = [params["domain_name"]] + sans
    if params.get("tags"):
        request["Tags"] = boto3_tag_list(params["tags"])
    return request


def default_token():
    return uuid.uuid4().hex


def result_for(certificate):
    formatted = format_certificate(certificate)
    return {
        "arn": certificate.get("CertificateArn"),
        "status": certificate.get("Status"),
        "domain_validation_options": formatted["domain_validation_options"],
        "certificate": formatted,
    }


def ensure_present(client, module, params, sleep=None):
    existing = find_certificate(client, params)

    if existing is None:
        predicted = predict_certificate(params)
        result = {
            "changed": True,
            "arn": CHECK_MODE_ARN,
            "status": "PENDING_VALIDATION",
            "domain_validation_options": [],
            "certificate": predicted,
        }
        if not module.check_mode:
            token = params.get("idempotency_token") or default_token()
            arn = client.request_certificate(aws_retry=True, **build_request(params, token))["CertificateArn"]
            certificate = poll_validation_records(client, arn, sleep=sleep)
            certificate["Tags"] = get_tags(client, arn)
            if params.get("wait"):
                certificate = wait_issued(client, arn, params["wait_timeout"], params["wait_delay"], sleep=sleep)
                certificate["Tags"] = get_tags(client, arn)
            result.update(result_for(certificate))
        result["diff"] = {"before": {}, "after": result["certificate"]}
        return result

    arn = existing["CertificateArn"]
    differences = compare_certificate(existing, params)
    if differences:
        raise CertificateError(immutable_error_message(arn, differences))

    before = format_certificate(existing)
    changed = ensure_tags(client, module, arn, existing["Tags"], params.get("tags"), params.get("purge_tags", True))
    certificate = existing
    if existing.get("Status") == "PENDING_VALIDATION" and not has_all_records(existing) and not module.check_mode:
        certificate = poll_validation_records(client, arn, sleep=sleep)
    if params.get("wait") and not module.check_mode:
        if certificate.get("Status") in FAILED_STATUSES:
            raise CertificateError(failure_message(certificate))
        if certificate.get("Status") != "ISSUED":
            certificate = wait_issued(client, arn, params["wait_timeout"], params["wait_delay"], sleep=sleep)
    if changed and not module.check_mode:
        certificate["Tags"] = get_tags(client, arn)
    else:
        certificate["Tags"] = updated_tags(existing["Tags"], params.get("tags"), params.get("purge_tags", True))
    result = {"changed": changed}
    result.update(result_for(certificate))
    after = dict(before)
    after["tags"] = result["certificate"]["tags"]
    result["diff"] = {"before": before, "after": after}
    return result


def in_use_message(certificate):
    users = ", ".join(certificate.get("InUseBy") or [])
    return (
        f"Certificate {certificate['CertificateArn']} for {certificate.get('DomainName')} is in use by {users}; "
        "remove it from those resources (for a load balancer, delete its HTTPS listener) before deleting it."
    )


# ACM takes a few seconds to notice that a deleted listener no longer uses a certificate.
_delete_retry = AWSRetry.jittered_backoff(retries=6, delay=3, catch_extra_error_codes=["ResourceInUseException"])


def ensure_absent(client, module, params):
    existing = find_certificate(client, params)
    empty = {"arn": None, "status": None, "domain_validation_options": [], "certificate": {}}
    if existing is None:
        result = {"changed": False, **empty, "diff": {"before": {}, "after": {}}}
        return result
    arn = existing["CertificateArn"]
    result = {"changed": True, **empty, "arn": arn, "diff": {"before": format_certificate(existing), "after": {}}}
    if existing.get("InUseBy"):
        if module.check_mode:
            module.warn(in_use_message(existing))
            return result
        raise CertificateError(in_use_message(existing))
    if module.check_mode:
        return result
    try:
        _delete_retry(client.delete_certificate)(CertificateArn=arn)
    except is_boto3_error_code("ResourceNotFoundException"):
        result["changed"] = False
    except is_boto3_error_code("ResourceInUseException") as e:
        certificate = describe_certificate(client, arn) or existing
        raise CertificateError(in_use_message(certificate)) from e
    return result


def validate_params(params):
    token = params.get("idempotency_token")
    if token is not None and (not token or len(token) > 32 or not token.replace("_", "a").isalnum()):
        return "idempotency_token must be 1 to 32 word characters (letters, digits, underscore)"
    if params["wait_timeout"] < 0 or params["wait_delay"] < 1:
        return "wait_timeout must be >= 0 and wait_delay >= 1"
    return None


def main():
    argument_spec = {
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
        "domain_name": {"type": "str", "required": True},
        "subject_alternative_names": {"type": "list", "elements": "str", "default": []},
        "validation_method": {"type": "str", "default": "DNS", "choices": ["DNS"]},
        "key_algorithm": {
            "type": "str",
            "default": "RSA_2048",
            "choices": ["RSA_2048", "EC_prime256v1", "EC_secp384r1"],
        },
        "match_tags": {"type": "list", "elements": "str"},
        "idempotency_token": {"type": "str", "no_log": False},
        "tags": {"type": "dict", "aliases": ["resource_tags"]},
        "purge_tags": {"type": "bool", "default": True},
        "wait": {"type": "bool", "default": False},
        "wait_timeout": {"type": "int", "default": 900},
        "wait_delay": {"type": "int", "default": 5},
    }
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    error = validate_params(module.params)
    if error:
        module.fail_json(msg=error)

    client = module.client("acm", retry_decorator=AWSRetry.jittered_backoff())
    try:
        if module.params["state"] == "present":
            result = ensure_present(client, module, module.params)
        else:
            result = ensure_absent(client, module, module.params)
    except CertificateError as e:
        module.fail_json(msg=str(e))
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        module.fail_json_aws(e, msg="Failed to manage the ACM certificate")

    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
