# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn the `storage` role's bucket list into the config of stacksmith.aws.s3_buckets."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: s3_bucket_config
short_description: The config of stacksmith.aws.s3_buckets for the storage role's buckets
description:
  - Takes C(storage_buckets) (each merged over the role's bucket defaults) and returns one item per bucket, in
    order, in the API shapes the module takes. A bucket policy (the TLS-only deny statement when C(tls_only), then
    C(policy_statements)) is managed only when it has a statement; lifecycle rules only when C(lifecycle) is set
    (one rule, ID C(stacksmith), over the whole bucket).
positional: _input, defaults, public_access_defaults
options:
  _input:
    description: The buckets (C(storage_buckets)).
    type: list
    elements: dict
    required: true
  defaults:
    description: The defaults of each bucket (the role's C(__storage_bucket_defaults)).
    type: dict
    required: true
  public_access_defaults:
    description: The public access block settings a bucket's own C(public_access_block) is merged over.
    type: dict
    required: true
"""

LIFECYCLE_RULE_ID = "stacksmith"


def tls_only_statement(name: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def lifecycle_rule(lifecycle: dict[str, Any]) -> dict[str, Any]:
    """The one lifecycle rule of a bucket, over every object (the shape community.aws.s3_lifecycle sent)."""
    rule: dict[str, Any] = {"ID": LIFECYCLE_RULE_ID, "Filter": {"Prefix": ""}, "Status": "Enabled"}
    transitions = [
        {"Days": int(t["days"]), "StorageClass": t["storage_class"]} for t in lifecycle.get("transitions") or []
    ]
    if transitions:
        rule["Transitions"] = transitions
    if lifecycle.get("expiration_days"):
        rule["Expiration"] = {"Days": int(lifecycle["expiration_days"])}
    if lifecycle.get("noncurrent_expiration_days"):
        rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": int(lifecycle["noncurrent_expiration_days"])}
    return rule


def s3_bucket_config(
    buckets: list[dict[str, Any]], defaults: dict[str, Any], public_access_defaults: dict[str, Any]
) -> list[dict[str, Any]]:
    config = []
    for bucket in buckets or []:
        if not isinstance(bucket, dict) or not bucket.get("name"):
            raise AnsibleFilterError(f"storage_buckets: every bucket needs a name, got {bucket!r}")
        b = dict(defaults or {}, **bucket)
        name = b["name"]
        statements = ([tls_only_statement(name)] if b.get("tls_only") else []) + list(b.get("policy_statements") or [])
        kms = b.get("encryption") == "aws:kms" and b.get("kms_key_id")
        config.append(
            {
                "name": name,
                "versioning": bool(b.get("versioning")),
                "encryption": b.get("encryption"),
                "kms_key_id": b["kms_key_id"] if kms else None,
                "public_access_block": dict(public_access_defaults or {}, **(b.get("public_access_block") or {})),
                "object_ownership": b.get("object_ownership"),
                "policy": {"Version": "2012-10-17", "Statement": statements} if statements else None,
                "lifecycle_rules": [lifecycle_rule(b["lifecycle"])] if b.get("lifecycle") else None,
                "tags": {"Name": name},
            }
        )
    return config


class FilterModule:
    def filters(self):
        return {"s3_bucket_config": s3_bucket_config}
