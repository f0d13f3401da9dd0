"""Unit tests of the fargate filters: fargate_pair_error (valid CPU / memory pairs), ecs_autoscaling_targets."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.stacksmith.aws.plugins.filter.fargate import (
    FilterModule,
    ecs_autoscaling_targets,
    ecs_service_config,
    ecs_service_outputs,
    ecs_service_refs,
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


# ---------------------------------------------------------------------------------------------------------------------
# ecs_service_config / ecs_service_outputs / ecs_service_refs

API = {
    "name": "api",
    "cpu": 512,
    "memory": 1024,
    "container_port": 3001,
    "image_repository": "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod-api",
    "image_tag": "1.0",
    "environment": {"NODE_ENV": "production", "PORT": 3001},
    "secrets": [
        {"name": "JWT", "secret_arn": "arn:secret:api", "key": "JWT_SECRET"},
        {"name": "ALL", "secret_arn": "arn:s"},
    ],
    "health_check": {"command": ["CMD-SHELL", "true"], "interval": None, "start_period": 10},
    "efs_volumes": [
        {"name": "storage", "file_system_id": "fs-1", "access_point_id": "fsap-1", "container_path": "/data"}
    ],
    "execution_role_arn": "arn:role/exec",
    "task_role_arn": "",
    "subnet_ids": ["subnet-a", "subnet-b"],
    "security_group_ids": ["sg-1"],
    "target_group_arn": "arn:tg/api",
    "autoscaling": {"min": 2, "max": 4, "cpu_target": 70},
}
WEB = {
    "name": "web",
    "cpu": 256,
    "memory": 512,
    "container_port": 3000,
    "image_repository": "repo/web",
    "desired_count": 3,
    "circuit_breaker": False,
    "capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1}],
}


def test_ecs_service_config_builds_the_task_definition_and_service():
    (api, web) = ecs_service_config([API, WEB], "shop-prod-cluster", "shop-prod", "/ecs/shop/prod/", "us-east-1")

    assert api["name"] == "shop-prod-api"
    definition = api["task_definition"]
    assert definition["family"] == "shop-prod-api"
    assert (definition["cpu"], definition["memory"]) == ("512", "1024")
    assert definition["execution_role_arn"] == "arn:role/exec"
    assert definition["task_role_arn"] is None
    container = definition["containers"][0]
    assert container["image"].endswith("shop-prod-api:1.0")
    assert container["portMappings"] == [{"containerPort": 3001, "hostPort": 3001, "protocol": "tcp"}]
    assert container["environment"] == [{"name": "NODE_ENV", "value": "production"}, {"name": "PORT", "value": "3001"}]
    assert container["secrets"] == [
        {"name": "JWT", "valueFrom": "arn:secret:api:JWT_SECRET::"},
        {"name": "ALL", "valueFrom": "arn:s"},
    ]
    assert container["healthCheck"] == {
        "command": ["CMD-SHELL", "true"],
        "interval": 30,
        "timeout": 5,
        "retries": 3,
        "startPeriod": 10,
    }
    assert container["mountPoints"] == [{"sourceVolume": "storage", "containerPath": "/data", "readOnly": False}]
    assert container["logConfiguration"]["options"] == {
        "awslogs-group": "/ecs/shop/prod/api",
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "api",
    }
    assert definition["volumes"][0]["efsVolumeConfiguration"] == {
        "fileSystemId": "fs-1",
        "rootDirectory": "/",
        "transitEncryption": "ENABLED",
        "authorizationConfig": {"accessPointId": "fsap-1", "iam": "ENABLED"},
    }
    # autoscaled: no desired count (the service keeps its own), starts at the minimum
    assert "desired_count" not in api
    assert api["initial_desired_count"] == 2
    assert api["launch_type"] == "FARGATE"
    assert "capacity_provider_strategy" not in api
    assert api["load_balancers"] == [
        {"target_group_arn": "arn:tg/api", "container_name": "api", "container_port": 3001}
    ]
    assert api["health_check_grace_period_seconds"] == 60
    assert api["autoscaling"]["min_capacity"] == 2
    assert api["autoscaling"]["policies"][0]["name"] == "shop-prod-api-cpu"

    assert web["desired_count"] == 3
    assert "healthCheck" not in web["task_definition"]["containers"][0]
    assert web["task_definition"]["containers"][0]["image"] == "repo/web"  # untagged: the running image is kept
    assert web["capacity_provider_strategy"] == [{"capacity_provider": "FARGATE_SPOT", "weight": 1}]
    assert "launch_type" not in web
    assert "load_balancers" not in web and "health_check_grace_period_seconds" not in web
    assert web["deployment_configuration"] == {"deployment_circuit_breaker": {"enable": False, "rollback": False}}
    assert "autoscaling" not in web


def test_ecs_service_config_image_tags_win_and_the_default_strategy_drops_the_launch_type():
    (api,) = ecs_service_config(
        [API], "c", "shop-prod", "/ecs/", "us-east-1", {"api": "2.0"}, [{"capacity_provider": "FARGATE"}]
    )

    assert api["task_definition"]["containers"][0]["image"].endswith(":2.0")
    assert "launch_type" not in api


def test_ecs_service_outputs_and_refs():
    converged = [
        {
            "name": "shop-prod-api",
            "service_arn": "arn:svc",
            "task_definition_arn": "arn:td:3",
            "revision": 3,
            "images": {"api": "repo:1.0"},
        }
    ]

    outputs = ecs_service_outputs([API, WEB], converged, "shop-prod")

    assert outputs["api"] == {
        "name": "shop-prod-api",
        "arn": "arn:svc",
        "task_definition_arn": "arn:td:3",
        "revision": 3,
        "image": "repo:1.0",
    }
    assert outputs["web"]["arn"] == "(known after apply)"
    assert outputs["web"]["revision"] == "(known after apply)"
    assert ecs_service_refs([API, WEB], "shop-prod") == [{"name": "shop-prod-api"}, {"name": "shop-prod-web"}]
    assert set(FilterModule().filters()) >= {"ecs_service_config", "ecs_service_outputs", "ecs_service_refs"}
