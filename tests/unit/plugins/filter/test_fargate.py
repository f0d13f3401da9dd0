"""Unit tests of the fargate_pair_error filter (Fargate's valid CPU / memory pairs)."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacksmith.aws.plugins.filter.fargate import FilterModule, fargate_pair_error, valid_memory


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


def test_ecs_autoscaling_policies():
    from ansible_collections.stacksmith.aws.plugins.filter.fargate import ecs_autoscaling_policies

    services = [
        {"name": "api"},
        {
            "name": "web",
            "autoscaling": {
                "min": 2,
                "max": 4,
                "cpu_target": 70,
                "requests_per_target": 500,
                "resource_label": "app/alb/1/targetgroup/web/2",
                "scale_in_cooldown": 300,
                "scale_out_cooldown": 60,
            },
        },
    ]
    policies = ecs_autoscaling_policies(services, "c", "p")
    assert [p["policy_name"] for p in policies] == ["p-web-cpu", "p-web-requests"]
    assert policies[0]["resource_id"] == "service/c/p-web"
    assert policies[0]["configuration"]["TargetValue"] == 70.0
    assert policies[1]["configuration"]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "ALBRequestCountPerTarget",
        "ResourceLabel": "app/alb/1/targetgroup/web/2",
    }
    with pytest.raises(AnsibleFilterError, match="resource_label"):
        ecs_autoscaling_policies(
            [{"name": "x", "autoscaling": {"min": 1, "max": 2, "requests_per_target": 5}}], "c", "p"
        )
