"""EC2: DescribeTags reports NAT gateways as ``natgateway`` and flow logs as ``vpc-flow-log``.

Real EC2 files tags under the resource types of the ``TagSpecification`` API (``natgateway``,
``vpc-flow-log``) and DescribeTags both reports and filters by those names. moto derives the type from
the id prefix with its own names (``nat-gateway``, ``flow-logs``), so amazon.aws's ``ensure_ec2_tags``
(which filters DescribeTags by ``resource-type``) sees no tags on a NAT gateway or a flow log, re-applies
them on every run and never purges any: every re-run reports ``changed``.

Patch: the prefix -> resource-type map moto uses for DescribeTags (one dict, shared by its tag backend).
"""

from __future__ import annotations

from . import shim

REAL_RESOURCE_TYPES = {"nat": "natgateway", "fl": "vpc-flow-log"}


@shim(
    name="ec2_tag_resource_types",
    service="ec2",
    real_behaviour=(
        "DescribeTags reports and filters NAT gateway tags under resource-type natgateway and flow log tags "
        "under vpc-flow-log, the TagSpecification resource types."
    ),
    moto_behaviour=(
        "They are filed under nat-gateway and flow-logs, so a resource-type filter finds none and every "
        "re-run of amazon.aws.ec2_vpc_nat_gateway or stacksmith.aws.ec2_vpc_flow_log with tags reports changed."
    ),
)
def apply() -> None:
    from moto.ec2 import utils

    utils.EC2_PREFIX_TO_RESOURCE.update(REAL_RESOURCE_TYPES)
