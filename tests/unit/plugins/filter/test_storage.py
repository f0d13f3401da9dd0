# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the storage filters (the config of stacksmith.aws.s3_buckets)."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacksmith.aws.plugins.filter.storage import s3_bucket_config

DEFAULTS = {
    "versioning": True,
    "encryption": "AES256",
    "kms_key_id": "",
    "public_access_block": {},
    "tls_only": True,
    "policy_statements": [],
    "lifecycle": None,
    "object_ownership": "BucketOwnerEnforced",
}
BLOCK = {
    "block_public_acls": True,
    "ignore_public_acls": True,
    "block_public_policy": True,
    "restrict_public_buckets": True,
}


def test_a_default_bucket_gets_the_tls_policy_and_no_lifecycle():
    (item,) = s3_bucket_config([{"name": "b1"}], DEFAULTS, BLOCK)
    assert item == {
        "name": "b1",
        "versioning": True,
        "encryption": "AES256",
        "kms_key_id": None,
        "public_access_block": BLOCK,
        "object_ownership": "BucketOwnerEnforced",
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": ["arn:aws:s3:::b1", "arn:aws:s3:::b1/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        },
        "lifecycle_rules": None,
        "tags": {"Name": "b1"},
    }


def test_lifecycle_kms_public_access_and_extra_statements():
    extra = {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject"}
    (item,) = s3_bucket_config(
        [
            {
                "name": "b2",
                "tls_only": False,
                "policy_statements": [extra],
                "encryption": "aws:kms",
                "kms_key_id": "alias/k",
                "public_access_block": {"block_public_policy": False},
                "lifecycle": {
                    "transitions": [{"days": 30, "storage_class": "STANDARD_IA"}],
                    "expiration_days": None,
                    "noncurrent_expiration_days": "90",
                },
            }
        ],
        DEFAULTS,
        BLOCK,
    )
    assert item["policy"]["Statement"] == [extra]
    assert item["kms_key_id"] == "alias/k"
    assert item["public_access_block"]["block_public_policy"] is False
    assert item["lifecycle_rules"] == [
        {
            "ID": "stacksmith",
            "Filter": {"Prefix": ""},
            "Status": "Enabled",
            "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
        }
    ]


def test_no_statement_leaves_the_policy_unmanaged_and_kms_key_needs_kms():
    (item,) = s3_bucket_config([{"name": "b3", "tls_only": False, "kms_key_id": "k"}], DEFAULTS, BLOCK)
    assert item["policy"] is None
    assert item["kms_key_id"] is None


def test_a_bucket_without_a_name_names_the_variable():
    with pytest.raises(AnsibleFilterError, match="storage_buckets: every bucket needs a name"):
        s3_bucket_config([{"versioning": True}], DEFAULTS, BLOCK)
