"""Unit tests of the fargate filters: fargate_pair_error (valid CPU / memory pairs), ecs_autoscaling_targets."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacksmith.aws.plugins.filter.fargate import (
    FilterModule,
    ecs_autoscaling_targets,
    fargate_pair_error,
    valid_memory,
)


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [
        (256, 512),
        (256, 2048),
        ("512", "1024"),
        (512, 4096),
        (1024, 2048),
        (1024, 8192),
        (2048, 16384),
        (4096, 30720),
        (8192, 16384),
        (8192, 61440),
        (16384, 32768),
        (16384, 122880),
    ],
)
def test_valid_pairs(cpu, memory):
    assert fargate_pair_error(cpu, memory) == ""


@pytest.mark.parametrize(
    ("cpu", "memory", "fragment"),
    [
        (256, 4096, "512, 1024 or 2048"),
        (256, 1536, "512, 1024 or 2048"),
        (512, 512, "1024 to 4096 in steps of 1024"),
        (512, 1536, "1024 to 4096 in steps of 1024"),
        (1024, 9216, "2048 to 8192"),
        (4096, 31744, "8192 to 30720"),
        (8192, 18432, "16384 to 61440 in steps of 4096"),
        (16384, 36864, "32768 to 122880 in steps of 8192"),
    ],
)
def test_invalid_memory_names_the_valid_values(cpu, memory, fragment):
    message = fargate_pair_error(cpu, memory)
    assert f"memory {memory}" in message and f"cpu {cpu}" in message and fragment in message


def test_invalid_cpu():
    assert "valid cpu values" in fargate_pair_error(300, 1024)


@pytest.mark.parametrize("value", ["abc", None, True])
def test_non_numbers_raise(value):
    with pytest.raises(AnsibleFilterError):
        fargate_pair_error(value, 1024)


def test_valid_memory_lists():
    assert valid_memory(256) == [512, 1024, 2048]
    assert valid_memory(512) == [1024, 2048, 3072, 4096]
    assert len(valid_memory(16384)) == 12
    assert valid_memory(3) == []


def test_filter_is_registered():
    assert FilterModule().filters()["fargate_pair_error"] is fargate_pair_error


def test_ecs_autoscaling_targets_group_the_policies_per_service():
    services = [
        {"name": "api"},
        {
            "name": "web",
            "autoscaling": {
                "min": "2",
                "max": 4,
                "cpu_target": 70,
                "memory_target": None,
                "requests_per_target": 500,
                "resource_label": "app/alb/1/targetgroup/web/2",
                "scale_in_cooldown": 120,
                "scale_out_cooldown": None,
            },
        },
    ]
    assert ecs_autoscaling_targets(services, "c", "p") == [
        {
            "service": "web",
            "resource_id": "service/c/p-web",
            "min_capacity": 2,
            "max_capacity": 4,
            "policies": [
                {
                    "name": "p-web-cpu",
                    "predefined_metric_type": "ECSServiceAverageCPUUtilization",
                    "target_value": 70.0,
                    "scale_in_cooldown": 120,
                    "scale_out_cooldown": 60,
                },
                {
                    "name": "p-web-requests",
                    "predefined_metric_type": "ALBRequestCountPerTarget",
                    "target_value": 500.0,
                    "scale_in_cooldown": 120,
                    "scale_out_cooldown": 60,
                    "resource_label": "app/alb/1/targetgroup/web/2",
                },
            ],
        }
    ]


@pytest.mark.parametrize(
    ("scaling", "metrics"),
    [
        ({"min": 1, "max": 2, "memory_target": 80}, ["ECSServiceAverageMemoryUtilization"]),
        (
            {"min": 1, "max": 2, "cpu_target": 60, "memory_target": 80},
            ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"],
        ),
    ],
)
def test_ecs_autoscaling_targets_one_policy_per_metric(scaling, metrics):
    (target,) = ecs_autoscaling_targets([{"name": "w", "autoscaling": scaling}], "c", "p")
    assert [p["predefined_metric_type"] for p in target["policies"]] == metrics
    assert all(p["scale_in_cooldown"] == 300 and p["scale_out_cooldown"] == 60 for p in target["policies"])
    assert all("resource_label" not in p for p in target["policies"])


def test_ecs_autoscaling_targets_need_a_resource_label_for_requests():
    with pytest.raises(AnsibleFilterError, match="resource_label"):
        ecs_autoscaling_targets(
            [{"name": "x", "autoscaling": {"min": 1, "max": 2, "requests_per_target": 5}}], "c", "p"
        )


def test_ecs_autoscaling_targets_filter_is_registered():
    assert FilterModule().filters()["ecs_autoscaling_targets"] is ecs_autoscaling_targets
