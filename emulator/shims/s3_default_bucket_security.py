"""S3: new buckets get the security defaults AWS has applied since 2023.

Since January 2023 every new bucket has default encryption SSE-S3 (``AES256``, ``BucketKeyEnabled`` false), and since
April 2023 every new bucket has a public access block with all four flags true and Object Ownership
``BucketOwnerEnforced`` (ACLs disabled). So on a brand-new bucket GetBucketEncryption, GetPublicAccessBlock and
GetBucketOwnershipControls all answer with those settings. moto creates buckets with none of them and answers
``ServerSideEncryptionConfigurationNotFoundError``, ``NoSuchPublicAccessBlockConfiguration`` and
``OwnershipControlsNotFoundError``.

Patch: ``moto.s3.models.S3Backend.create_bucket`` sets the three defaults on the bucket it creates. Explicit
Put* calls overwrite them as before, and an ``x-amz-object-ownership`` header on CreateBucket still wins (moto's
response handler applies it after creation). DeletePublicAccessBlock and DeleteBucketOwnershipControls remove the
setting, as on AWS; DeleteBucketEncryption resets the bucket to the SSE-S3 default, as AWS has done since 2023 (a
bucket can no longer be unencrypted), where moto would leave it without encryption. Objects put without an SSE
header now report ``ServerSideEncryption: AES256``, as on AWS.
Not covered: AWS also rejects ACL-granting requests on BucketOwnerEnforced buckets; moto accepts them.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

DEFAULT_ENCRYPTION: dict[str, Any] = {
    "Rule": {
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
        "BucketKeyEnabled": False,
    }
}
DEFAULT_OBJECT_OWNERSHIP = "BucketOwnerEnforced"


@shim(
    name="s3_default_bucket_security",
    service="s3",
    real_behaviour=(
        "A new bucket has default encryption SSE-S3 (AES256, BucketKeyEnabled false), a public access block "
        "with all four flags true and Object Ownership BucketOwnerEnforced (AWS defaults since Jan/Apr 2023); "
        "DeleteBucketEncryption resets the bucket to SSE-S3."
    ),
    moto_behaviour=(
        "A new bucket has none of them: GetBucketEncryption, GetPublicAccessBlock and GetBucketOwnershipControls "
        "fail with ServerSideEncryptionConfigurationNotFoundError / NoSuchPublicAccessBlockConfiguration / "
        "OwnershipControlsNotFoundError; DeleteBucketEncryption leaves the bucket unencrypted."
    ),
)
def apply() -> None:
    import copy

    from moto.s3.models import PublicAccessBlock, S3Backend

    original_create_bucket = S3Backend.create_bucket

    @functools.wraps(original_create_bucket)
    def create_bucket(self: Any, *args: Any, **kwargs: Any) -> Any:
        bucket = original_create_bucket(self, *args, **kwargs)
        bucket.encryption = copy.deepcopy(DEFAULT_ENCRYPTION)
        bucket.public_access_block = PublicAccessBlock(True, True, True, True)
        bucket.ownership_rule = DEFAULT_OBJECT_OWNERSHIP
        return bucket

    def delete_bucket_encryption(self: Any, bucket_name: str) -> None:
        self.get_bucket(bucket_name).encryption = copy.deepcopy(DEFAULT_ENCRYPTION)

    S3Backend.create_bucket = create_bucket  # type: ignore[method-assign]
    S3Backend.delete_bucket_encryption = delete_bucket_encryption  # type: ignore[method-assign]
