# Copyright: Contributors to the stacksmith.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Imports follow DOCUMENTATION/EXAMPLES/RETURN, as ansible-test validate-modules requires.

DOCUMENTATION = r"""
---
module: s3_buckets
version_added: 0.5.0
short_description: Manage a set of S3 buckets with their encryption, public access block, policy and lifecycle
description:
  - Creates, updates and deletes S3 buckets given as a list (O(config)), each with its versioning, default
    encryption, public access block, object ownership, bucket policy, lifecycle rules and tags, in one task.
  - Replaces a C(loop:) of M(amazon.aws.s3_bucket) followed by a C(loop:) of M(community.aws.s3_lifecycle), one
    Python process (about 0.5 s) per bucket and per lifecycle rule, neither with check mode (a preview skipped
    them and showed nothing), and a lifecycle module that reads and rewrites the whole configuration for each rule.
  - This module lists the account's buckets once (C(ListBuckets)), reads the settings of the listed buckets
    concurrently (seven reads each), and writes only what differs. It follows the states of Ansible's network
    resource modules (O(state)); ownership is proven by the bucket's tags (O(owner_tags)).
  - A bucket that holds objects (any version or delete marker) is never deleted; O(state=deleted) refuses it, naming
    it, before anything is deleted. Empty it first, deliberately.
author:
  - stacksmith.aws maintainers (@stacksmith)
options:
  config:
    description:
      - The buckets, each named once.
      - With O(state=deleted), an empty list means every bucket of the account that carries the O(owner_tags).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The bucket name (global across AWS).
        type: str
        required: true
      versioning:
        description:
          - V(true) enables versioning; V(false) suspends it on a bucket where it was enabled (a bucket that never
            had it stays unversioned). Not set, left as it is.
        type: bool
      encryption:
        description:
          - The default encryption, C(SSEAlgorithm) V(AES256) (SSE-S3), V(aws:kms) or V(aws:kms:dsse). Not set, left
            as it is (every bucket has SSE-S3 at least since 2023).
        type: str
        choices: ['AES256', 'aws:kms', 'aws:kms:dsse']
      kms_key_id:
        description: The KMS key of V(aws:kms) encryption (else the C(aws/s3) key).
        type: str
      bucket_key_enabled:
        description: Whether the bucket uses an S3 Bucket Key with KMS encryption. Not set, not compared.
        type: bool
      public_access_block:
        description:
          - The four public access block settings (C(block_public_acls), C(ignore_public_acls),
            C(block_public_policy), C(restrict_public_buckets)), each V(true) when not given. Not set, left as it is.
        type: dict
      object_ownership:
        description: The object ownership control. Not set, left as it is.
        type: str
        choices: ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']
      policy:
        description:
          - The bucket policy (a dict). Compared by meaning, not text. Not set, left as it is.
          - With O(state=replaced) or O(state=overridden), an empty dict deletes the policy.
        type: dict
      lifecycle_rules:
        description:
          - The lifecycle rules, in the API's shape (C(ID), C(Status), C(Filter), C(Transitions), C(Expiration),
            C(NoncurrentVersionExpiration), ...). Not set, left as they are.
          - With O(state=merged) rules are merged by C(ID) (others kept); with O(state=replaced) the configuration is
            exactly this list (an empty list deletes it).
        type: list
        elements: dict
      tags:
        description: Tags of this bucket only, added to (and overriding) the common O(tags).
        type: dict
        default: {}
  state:
    description:
      - V(merged) creates the missing buckets and sets what is given; tags and lifecycle rules not named are kept.
      - V(replaced) makes every listed bucket exactly as described (what is given); unlisted buckets are untouched.
      - V(overridden) is V(replaced), and deletes every empty bucket of the account that carries the O(owner_tags)
        and is no longer listed (one holding objects is refused, before any delete).
      - V(deleted) deletes the listed buckets (every owned bucket when O(config) is empty). A bucket without the
        O(owner_tags), or one that holds objects, is refused before anything is deleted.
      - V(gathered) only reads, and returns every owned bucket in the O(config) format.
      - V(rendered) makes no AWS call and returns the requests a create of each listed bucket sends.
    type: str
    choices: ['merged', 'replaced', 'overridden', 'deleted', 'gathered', 'rendered']
    default: merged
  tags:
    description:
      - Tags every bucket carries (the stack's common tags); each gets these, then its own tags.
      - Include the O(owner_tags) here, or the buckets created will not be owned.
      - Unlike EC2 resources, buckets get no C(Name) tag (the name is the bucket's own).
    type: dict
    default: {}
  owner_tags:
    description:
      - The tags that mark a bucket as belonging to this set. Only buckets carrying all of them are deleted,
        rewritten by O(state=replaced) or returned by O(state=gathered). When empty, no bucket is owned.
    type: dict
    default: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
notes:
  - Reads run concurrently; writes are sent bucket after bucket in O(config) order, tags sorted by key.
  - A new bucket is created with its object ownership (C(CreateBucket)); its other settings follow at once, retried
    while S3 still answers C(NoSuchBucket) for it (S3 is eventually consistent right after a create).
  - O(state=gathered), O(state=overridden) and an empty O(state=deleted) read the settings of every bucket of the
    account in the module's region (ListBuckets gives each bucket's region), concurrently; the other states read
    only the listed buckets.
seealso:
  - module: amazon.aws.s3_bucket
  - module: community.aws.s3_lifecycle
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Converge the buckets of a stack
  stacksmith.aws.s3_buckets:
    tags: {stack: shop-prod, managed-by: stacksmith}
    owner_tags: {stack: shop-prod, managed-by: stacksmith}
    state: replaced
    config:
      - name: shop-prod-assets
        versioning: true
        encryption: AES256
        public_access_block: {}
        object_ownership: BucketOwnerEnforced
        policy:
          Version: "2012-10-17"
          Statement:
            - Sid: DenyInsecureTransport
              Effect: Deny
              Principal: "*"
              Action: "s3:*"
              Resource: ["arn:aws:s3:::shop-prod-assets", "arn:aws:s3:::shop-prod-assets/*"]
              Condition: {Bool: {"aws:SecureTransport": "false"}}
        lifecycle_rules:
          - ID: stacksmith
            Status: Enabled
            Filter: {Prefix: ""}
            NoncurrentVersionExpiration: {NoncurrentDays: 30}
"""

RETURN = r"""
buckets:
  description:
    - The listed buckets as they now are (as they would be, in check mode), in O(config) order, in the O(config)
      format (C(name), C(exists), C(versioning), C(encryption), C(kms_key_id), C(bucket_key_enabled),
      C(public_access_block), C(object_ownership), C(policy), C(lifecycle_rules), C(tags)).
    - With O(state=gathered), every owned bucket, sorted by name. Empty with O(state=deleted).
  returned: always
  type: list
  elements: dict
created:
  description: The names of the buckets created (that would be created, in check mode), in O(config) order.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
updated:
  description: The names of the existing buckets of which a setting or a tag changed.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
deleted:
  description: The names of the buckets deleted.
  returned: when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: list
  elements: str
rendered:
  description: Per listed bucket, the requests (operation name and parameters) a create sends, in order.
  returned: when O(state=rendered)
  type: list
  elements: dict
diff:
  description: Before and after, keyed by bucket name, of the buckets that change.
  returned: in diff mode, when O(state) is V(merged), V(replaced), V(overridden) or V(deleted)
  type: dict
"""

import json

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.s3 import (
    AnsibleS3Error,
    get_s3_bucket_encryption,
    get_s3_bucket_ownership_controls,
    get_s3_bucket_policy,
    get_s3_bucket_public_access_block,
    get_s3_bucket_tagging,
    get_s3_bucket_versioning,
    validate_bucket_name,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.resource_set import (
    ResourceSetError,
    converge_set,
    duplicate_names,
    is_owned,
    item_tags,
    resource_set_argument_spec,
    run_concurrently,
)
from ansible_collections.stacksmith.aws.plugins.module_utils.tagging import boto3_tag_list, sorted_tags, updated_tags

CONFIG_OPTIONS = {
    "name": {"type": "str", "required": True},
    "versioning": {"type": "bool"},
    "encryption": {"type": "str", "choices": ["AES256", "aws:kms", "aws:kms:dsse"]},
    "kms_key_id": {"type": "str"},
    "bucket_key_enabled": {"type": "bool"},
    "public_access_block": {"type": "dict"},
    "object_ownership": {"type": "str", "choices": ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"]},
    "policy": {"type": "dict"},
    "lifecycle_rules": {"type": "list", "elements": "dict"},
    "tags": {"type": "dict", "default": {}},
}
PUBLIC_ACCESS_KEYS = (
    ("block_public_acls", "BlockPublicAcls"),
    ("ignore_public_acls", "IgnorePublicAcls"),
    ("block_public_policy", "BlockPublicPolicy"),
    ("restrict_public_buckets", "RestrictPublicBuckets"),
)
# Right after CreateBucket, S3 can answer NoSuchBucket for a moment (eventual consistency).
NEW_BUCKET_RETRY = AWSRetry.jittered_backoff(retries=8, catch_extra_error_codes=["NoSuchBucket", "OperationAborted"])


# ---------------------------------------------------------------------------------------------------------------------
# input


def public_access_block(value):
    """The four settings, each true unless given false (None: not managed)."""
    if value is None:
        return None
    unknown = sorted(set(value) - {key for key, _api in PUBLIC_ACCESS_KEYS})
    if unknown:
        raise ResourceSetError(f"public_access_block: unknown settings {', '.join(unknown)}")
    return {key: bool(value.get(key, True)) for key, _api in PUBLIC_ACCESS_KEYS}


def normalize_config(config):
    errors = []
    items = []
    for item in config:
        error = validate_bucket_name(item["name"])
        if error:
            errors.append(f"{item['name']}: {error}")
        if item.get("kms_key_id") and item.get("encryption") not in ("aws:kms", "aws:kms:dsse"):
            errors.append(f"{item['name']}: kms_key_id needs encryption aws:kms or aws:kms:dsse")
        for rule in item.get("lifecycle_rules") or []:
            if not rule.get("ID") or rule.get("Status") not in ("Enabled", "Disabled"):
                errors.append(f"{item['name']}: every lifecycle rule needs an ID and a Status (Enabled or Disabled)")
                break
        try:
            block = public_access_block(item.get("public_access_block"))
        except ResourceSetError as e:
            errors.append(f"{item['name']}: {e}")
            block = None
        items.append(dict(item, tags=item.get("tags") or {}, public_access_block=block))
    if errors:
        raise ResourceSetError("; ".join(errors))
    return items


# ---------------------------------------------------------------------------------------------------------------------
# reading


def list_bucket_regions(client):
    """Bucket name -> its region (None when the endpoint does not say) for every bucket of the account."""
    buckets = client.list_buckets(aws_retry=True).get("Buckets") or []
    return {bucket["Name"]: bucket.get("BucketRegion") for bucket in buckets}


def list_bucket_names(client, region, listed=()):
    """The account's buckets in ``region``, sorted. ListBuckets lists every region's; AWS gives each its
    ``BucketRegion``, and one in another region is not this set's (its settings cannot be read through this
    region's endpoint either). A bucket listed without a region (older S3-compatible endpoints) is kept. A bucket of
    ``listed`` that exists in another region is refused (ResourceSetError), before any write."""
    region = region or "us-east-1"
    regions = list_bucket_regions(client)
    elsewhere = sorted(f"{name} ({regions[name]})" for name in listed if regions.get(name) not in (None, region))
    if elsewhere:
        raise ResourceSetError(
            f"the buckets {', '.join(elsewhere)} exist in another region than {region}: converge them there"
        )
    return sorted(name for name, where in regions.items() if where in (None, region))


@AWSRetry.jittered_backoff(max_delay=120, catch_extra_error_codes=["NoSuchBucket", "OperationAborted"])
def _get_lifecycle(client, name):
    return client.get_bucket_lifecycle_configuration(Bucket=name).get("Rules") or []


def get_lifecycle_rules(client, name):
    try:
        return _get_lifecycle(client, name)
    except is_boto3_error_code("NoSuchLifecycleConfiguration"):
        return []


def read_bucket(client, name):
    """The bucket's settings, its seven reads run concurrently."""
    readers = {
        "versioning": get_s3_bucket_versioning,
        "encryption": get_s3_bucket_encryption,
        "public_access_block": get_s3_bucket_public_access_block,
        "ownership": get_s3_bucket_ownership_controls,
        "policy": get_s3_bucket_policy,
        "tags": get_s3_bucket_tagging,
        "lifecycle": get_lifecycle_rules,
    }
    keys = list(readers)
    values = run_concurrently(lambda key: readers[key](client, name), keys)
    raw = dict(zip(keys, values, strict=True))
    raw["name"] = name
    return raw


def read_buckets(client, names):
    return {raw["name"]: raw for raw in run_concurrently(lambda name: read_bucket(client, name), names)}


def view(raw):
    """A bucket as read, in the config format."""
    rules = ((raw.get("encryption") or {}).get("Rules") or [{}])[0]
    default = rules.get("ApplyServerSideEncryptionByDefault") or {}
    block = raw.get("public_access_block") or {}
    ownership = ((raw.get("ownership") or {}).get("Rules") or [{}])[0].get("ObjectOwnership")
    return {
        "name": raw["name"],
        "exists": True,
        "versioning": (raw.get("versioning") or {}).get("Status") == "Enabled",
        "encryption": default.get("SSEAlgorithm"),
        "kms_key_id": default.get("KMSMasterKeyID"),
        "bucket_key_enabled": rules.get("BucketKeyEnabled"),
        "public_access_block": {key: bool(block.get(api)) for key, api in PUBLIC_ACCESS_KEYS} if block else None,
        "object_ownership": ownership,
        "policy": raw.get("policy") or None,
        "lifecycle_rules": raw.get("lifecycle") or [],
        "tags": sorted_tags(raw.get("tags") or {}),
    }


# ---------------------------------------------------------------------------------------------------------------------
# comparing


def canonical_rule(rule):
    """A lifecycle rule without the empty parts S3 may or may not echo (Filter {Prefix: ''} is Filter {})."""
    result = {}
    for key, value in rule.items():
        if value in (None, [], {}, ""):
            continue
        if key == "Filter" and value in ({"Prefix": ""},):
            continue
        if key == "Transitions":
            value = sorted(value, key=lambda t: (t.get("Days") or 0, t.get("StorageClass") or ""))
        result[key] = value
    return result


def wanted_rules(item, current_rules, purge):
    """The lifecycle rules the bucket should have (None: not managed)."""
    if item.get("lifecycle_rules") is None:
        return None
    if purge:
        return list(item["lifecycle_rules"])
    listed = {rule["ID"] for rule in item["lifecycle_rules"]}
    return [rule for rule in current_rules if rule.get("ID") not in listed] + list(item["lifecycle_rules"])


def rule_id(rule):
    return rule.get("ID") or ""


def same_rules(current, wanted):
    return [canonical_rule(r) for r in sorted(current, key=rule_id)] == [
        canonical_rule(r) for r in sorted(wanted, key=rule_id)
    ]


def encryption_differs(current, item):
    if item.get("encryption") is None:
        return False
    if current["encryption"] != item["encryption"]:
        return True
    if item.get("kms_key_id") and current["kms_key_id"] != item["kms_key_id"]:
        # AWS may echo the key as an ARN when given an ID (or the reverse): compare the key id part.
        return (
            current["kms_key_id"] is None or current["kms_key_id"].split("/")[-1] != item["kms_key_id"].split("/")[-1]
        )
    return (
        item.get("bucket_key_enabled") is not None and bool(current["bucket_key_enabled"]) != item["bucket_key_enabled"]
    )


def encryption_request(item):
    default = {"SSEAlgorithm": item["encryption"]}
    if item.get("kms_key_id"):
        default["KMSMasterKeyID"] = item["kms_key_id"]
    rule = {"ApplyServerSideEncryptionByDefault": default}
    if item.get("bucket_key_enabled") is not None:
        rule["BucketKeyEnabled"] = item["bucket_key_enabled"]
    return {"Rules": [rule]}


def public_access_request(block):
    return {api: block[key] for key, api in PUBLIC_ACCESS_KEYS}


def plan(item, current, tags, purge):
    """The writes (operation, parameters) that bring ``current`` (a view; None for a new bucket) to ``item``, in
    order, and the resulting view."""
    name = item["name"]
    new = current is None
    now = current or {
        "name": name,
        "exists": False,
        "versioning": False,
        "encryption": "AES256",
        "kms_key_id": None,
        "bucket_key_enabled": None,
        "public_access_block": None,
        "object_ownership": None,
        "policy": None,
        "lifecycle_rules": [],
        "tags": {},
    }
    after = dict(now, exists=True)
    calls = []
    if new:
        request = {"Bucket": name}
        if item.get("object_ownership"):
            request["ObjectOwnership"] = item["object_ownership"]
            after["object_ownership"] = item["object_ownership"]
        calls.append(("create_bucket", request))
    elif item.get("object_ownership") and now["object_ownership"] != item["object_ownership"]:
        calls.append(
            (
                "put_bucket_ownership_controls",
                {"Bucket": name, "OwnershipControls": {"Rules": [{"ObjectOwnership": item["object_ownership"]}]}},
            )
        )
        after["object_ownership"] = item["object_ownership"]
    block = item.get("public_access_block")
    if block is not None and now["public_access_block"] != block:
        calls.append(
            (
                "put_public_access_block",
                {"Bucket": name, "PublicAccessBlockConfiguration": public_access_request(block)},
            )
        )
        after["public_access_block"] = block
    if encryption_differs(now, item):
        calls.append(
            ("put_bucket_encryption", {"Bucket": name, "ServerSideEncryptionConfiguration": encryption_request(item)})
        )
        after.update(
            encryption=item["encryption"],
            kms_key_id=item.get("kms_key_id") or None,
            bucket_key_enabled=item.get("bucket_key_enabled"),
        )
    versioning = item.get("versioning")
    # False on a bucket that never had versioning (no Status) or has it suspended: nothing to do.
    if versioning is not None and now["versioning"] != versioning:
        status = "Enabled" if versioning else "Suspended"
        calls.append(("put_bucket_versioning", {"Bucket": name, "VersioningConfiguration": {"Status": status}}))
        after["versioning"] = versioning
    policy = item.get("policy")
    if policy is not None:
        if policy == {}:
            if purge and now["policy"]:
                calls.append(("delete_bucket_policy", {"Bucket": name}))
            after["policy"] = None if purge else now["policy"]
        elif not now["policy"] or compare_policies(now["policy"], policy):
            calls.append(("put_bucket_policy", {"Bucket": name, "Policy": json.dumps(policy, sort_keys=True)}))
            after["policy"] = policy
    rules = wanted_rules(item, now["lifecycle_rules"], purge)
    if rules is not None and not same_rules(now["lifecycle_rules"], rules):
        if rules:
            calls.append(
                ("put_bucket_lifecycle_configuration", {"Bucket": name, "LifecycleConfiguration": {"Rules": rules}})
            )
        else:
            calls.append(("delete_bucket_lifecycle", {"Bucket": name}))
        after["lifecycle_rules"] = rules
    new_tags = updated_tags(now["tags"], tags, purge)
    if new_tags != now["tags"]:
        if new_tags:
            calls.append(("put_bucket_tagging", {"Bucket": name, "Tagging": {"TagSet": boto3_tag_list(new_tags)}}))
        else:
            calls.append(("delete_bucket_tagging", {"Bucket": name}))
        after["tags"] = new_tags
    return calls, after


# ---------------------------------------------------------------------------------------------------------------------
# writing


def holds_objects(client, name):
    """Whether the bucket holds any object version or delete marker (one ListObjectVersions call)."""
    answer = client.list_object_versions(aws_retry=True, Bucket=name, MaxKeys=1)
    return bool(answer.get("Versions") or answer.get("DeleteMarkers"))


class BucketSet:
    """The buckets of a stack, converged as a set."""

    def __init__(self, client, module):
        self.client = client
        self.check_mode = module.check_mode
        self.region = module.region
        self.common_tags = module.params["tags"]
        self.owner_tags = module.params["owner_tags"]

    def owned(self, raw):
        return is_owned(raw.get("tags") or {}, self.owner_tags)

    def present(self, item, raw, purge):
        current = view(raw) if raw is not None else None
        calls, after = plan(item, current, item_tags(self.common_tags, item, name_tag=False), purge)
        if calls and not self.check_mode:
            self.send(calls, new=current is None)
        return bool(calls), after

    def send(self, calls, new):
        for operation, params in calls:
            if operation == "create_bucket":
                self.create_bucket(params)
                continue
            method = getattr(self.client, operation)
            if new:
                NEW_BUCKET_RETRY(method)(**params)
            else:
                method(aws_retry=True, **params)

    def create_bucket(self, params):
        params = dict(params)
        if self.region and self.region != "us-east-1":
            params["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        try:
            self.client.create_bucket(aws_retry=True, **params)
        except is_boto3_error_code("BucketAlreadyOwnedByYou"):
            return  # created by an earlier run whose answer was lost: converge it
        except is_boto3_error_code("BucketAlreadyExists") as e:
            raise ResourceSetError(
                f"bucket {params['Bucket']} belongs to another AWS account (bucket names are global): choose another"
            ) from e

    def absent(self, raw):
        try:
            self.client.delete_bucket(aws_retry=True, Bucket=raw["name"])
        except is_boto3_error_code("NoSuchBucket"):
            return

    def refuse_nonempty(self, names):
        full = [
            name
            for name, busy in zip(names, run_concurrently(lambda n: holds_objects(self.client, n), names), strict=True)
            if busy
        ]
        if full:
            raise ResourceSetError(
                f"refusing to delete the buckets {', '.join(full)}: they hold objects (versions or delete markers); "
                "nothing was deleted. Empty them first"
            )

    def converge(self, state, config):
        listed = [item["name"] for item in config]
        names = list_bucket_names(self.client, self.region, listed)
        wide = state == "overridden" or (state == "deleted" and not config)
        scope = names if wide else [name for name in listed if name in set(names)]
        existing = read_buckets(self.client, scope)
        if state == "deleted":
            targets = listed or sorted(name for name, raw in existing.items() if self.owned(raw))
            foreign = [name for name in targets if name in existing and not self.owned(existing[name])]
            if not foreign:
                self.refuse_nonempty([name for name in targets if name in existing])
        elif state == "overridden":
            self.refuse_nonempty(
                [name for name, raw in existing.items() if name not in set(listed) and self.owned(raw)]
            )
        result = converge_set(
            state=state,
            config=config,
            existing=existing,
            owned=self.owned,
            present=self.present,
            absent=self.absent,
            view=view,
            check_mode=self.check_mode,
        )
        result["buckets"] = result.pop("items")
        return result

    def gathered(self):
        existing = read_buckets(self.client, list_bucket_names(self.client, self.region))
        return {"changed": False, "buckets": [view(raw) for name, raw in sorted(existing.items()) if self.owned(raw)]}


def rendered(params, config):
    requests = []
    buckets = []
    for item in config:
        calls, after = plan(item, None, item_tags(params["tags"], item, name_tag=False), True)
        requests.append({"name": item["name"], "requests": [{"operation": op, "params": p} for op, p in calls]})
        buckets.append(after)
    return {"changed": False, "rendered": requests, "buckets": buckets}


def main():
    module = AnsibleAWSModule(argument_spec=resource_set_argument_spec(CONFIG_OPTIONS), supports_check_mode=True)
    state = module.params["state"]
    try:
        config = normalize_config(module.params["config"])
        dupes = duplicate_names(config)
        if dupes:
            raise ResourceSetError(f"config names each bucket once; repeated: {', '.join(dupes)}")
        if state == "rendered":
            result = rendered(module.params, config)
        else:
            client = module.client("s3", retry_decorator=AWSRetry.jittered_backoff())
            bucket_set = BucketSet(client, module)
            result = bucket_set.gathered() if state == "gathered" else bucket_set.converge(state, config)
    except ResourceSetError as e:
        module.fail_json(msg=str(e))
    except AnsibleS3Error as e:
        module.fail_json_aws_error(e)
    except (BotoCoreError, ClientError) as e:
        module.fail_json_aws(e, msg="Failed to converge the S3 buckets")

    diff = result.pop("diff", None)
    if diff is not None and module._diff:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
