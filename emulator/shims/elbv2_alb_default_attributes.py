"""ELBv2: an Application Load Balancer reports its full set of default attributes.

Real ELBv2 answers DescribeLoadBalancerAttributes for a new Application Load Balancer with every attribute and its
default value (idle_timeout.timeout_seconds 60, routing.http2.enabled true, routing.http.desync_mitigation_mode
defensive, load_balancing.cross_zone.enabled true, which is always on for ALBs, ...). moto 5.2.5 returns only five
of them (idle_timeout.timeout_seconds is "commented out for TF compatibility"), so amazon.aws.elb_application_lb,
which reads ``idle_timeout_timeout_seconds`` and the routing attributes from that answer, fails with a KeyError
right after it creates a load balancer.

Patch: ``moto.elbv2.models.FakeLoadBalancer.__init__`` fills in the documented defaults of the attributes AWS returns
for an ``application`` load balancer (network and gateway load balancers keep moto's set). Attributes set later
through ModifyLoadBalancerAttributes still overwrite them as in moto.
"""

from __future__ import annotations

import functools
from typing import Any

from . import shim

# DescribeLoadBalancerAttributes of a new ALB (ELBv2 API reference, LoadBalancerAttribute; values as strings).
ALB_DEFAULT_ATTRIBUTES = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "client_keep_alive.seconds": "3600",
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "load_balancing.cross_zone.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}


@shim(
    name="elbv2_alb_default_attributes",
    service="elbv2",
    real_behaviour=(
        "DescribeLoadBalancerAttributes of a new Application Load Balancer lists every attribute with its default "
        "(idle_timeout.timeout_seconds 60, routing.http2.enabled true, routing.http.desync_mitigation_mode "
        "defensive, load_balancing.cross_zone.enabled true, waf.fail_open.enabled false, ...)."
    ),
    moto_behaviour=(
        "Only access_logs.s3.bucket/prefix, deletion_protection.enabled and load_balancing.cross_zone.enabled "
        "(false) are returned; amazon.aws.elb_application_lb fails with KeyError 'idle_timeout_timeout_seconds' "
        "after creating an ALB."
    ),
)
def apply() -> None:
    from moto.elbv2.models import FakeLoadBalancer

    original_init = FakeLoadBalancer.__init__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self.type == "application":
            attrs = dict(ALB_DEFAULT_ATTRIBUTES)
            attrs.update(
                {key: value for key, value in self.attrs.items() if key != "load_balancing.cross_zone.enabled"}
            )
            self.attrs = attrs

    FakeLoadBalancer.__init__ = __init__  # type: ignore[method-assign]
