"""EFS: implement the legacy ``DescribeTags`` API (``GET /2015-02-01/tags/{FileSystemId}/``).

Real EFS still serves ``DescribeTags`` (deprecated in favour of ListTagsForResource, but ``community.aws.efs`` calls
it) and answers ``{"Tags": [{"Key": ..., "Value": ...}]}``, or ``404 FileSystemNotFound`` for an unknown file
system. moto has no route for the path and answers an HTML 404.

Patch: add the route to ``moto.efs.urls.url_paths`` (read when moto's Flask app for EFS is first built, which is
after the shims are applied) and a ``describe_tags`` handler to ``EFSResponse``; moto's dispatcher already maps the
request to the ``DescribeTags`` operation through botocore's model. The tags are the ones moto keeps for
TagResource / ListTagsForResource / CreateFileSystem. ``MaxItems`` and ``Marker`` are accepted; all tags come back
in one page.
"""

from __future__ import annotations

import json
from typing import Any

from . import shim

ROUTE = "/2015-02-01/tags/<file_system_id>/"


@shim(
    name="efs_describe_tags",
    service="efs",
    real_behaviour=(
        "DescribeTags (GET /2015-02-01/tags/{FileSystemId}/) returns {'Tags': [...]} for the file system, "
        "or 404 FileSystemNotFound."
    ),
    moto_behaviour="No route: an HTML 404, so community.aws.efs fails.",
)
def apply() -> None:
    from moto.efs import urls as efs_urls
    from moto.efs.exceptions import FileSystemNotFound
    from moto.efs.responses import EFSResponse

    def describe_tags(self: Any) -> tuple[str, dict[str, Any]]:
        file_system_id = self._get_param("FileSystemId") or self.path.rstrip("/").rsplit("/", 1)[-1]
        if file_system_id not in self.efs_backend.file_systems_by_id:
            raise FileSystemNotFound(file_system_id)
        tags = self.efs_backend.list_tags_for_resource(file_system_id)
        return json.dumps({"Tags": tags}), {"Content-Type": "application/json"}

    EFSResponse.describe_tags = describe_tags  # type: ignore[attr-defined]
    efs_urls.url_paths.setdefault(ROUTE, efs_urls.response.dispatch)
