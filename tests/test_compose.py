"""docker-compose.yml is checked without Docker: its commands exist, its settings are real, its order holds."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from service.__main__ import build_parser
from service.config import ENV_NAMES

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
APP_SERVICES = [name for name, spec in SERVICES.items() if spec.get("build") == "."]
REQUIRED = ("web", "worker", "beat", "redis", "postgres")


def test_the_deployment_has_every_part_each_with_a_healthcheck() -> None:
    for name in REQUIRED:
        assert name in SERVICES
        assert SERVICES[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    assert set(APP_SERVICES) == {"migrate", "web", "worker", "beat"}


@pytest.mark.parametrize("name", ["migrate", "web", "worker", "beat"])
def test_each_command_exists_in_the_code(name: str) -> None:
    command = SERVICES[name]["command"]
    if command[0] == "python":
        assert command[1:3] == ["-m", "service"]
        build_parser().parse_args(command[3:])  # exits on an unknown sub-command
    elif command[0] == "celery":
        module = importlib.import_module(command[command.index("-A") + 1])
        assert hasattr(module, "app") and command[command.index("-A") + 2] in ("worker", "beat")
        module.app.loader.import_default_modules()  # the task modules the worker loads at start
        if command[command.index("-A") + 2] == "beat":
            scheduled = {entry["task"] for entry in module.app.conf.beat_schedule.values()}
            assert scheduled <= set(module.app.tasks), "beat schedules only tasks the worker has"
    elif command[0] == "gunicorn":
        target = command[-1]
        module_name, attribute = target.split(":")
        assert isinstance(getattr(importlib.import_module(module_name), attribute), Flask)
    else:
        pytest.fail(f"unexpected command {command}")


def test_every_variable_the_deployment_sets_is_one_the_config_reads() -> None:
    for name in APP_SERVICES:
        for variable in SERVICES[name].get("environment", {}):
            assert variable in ENV_NAMES, f"{name} sets {variable}, which nothing reads"
        assert SERVICES[name]["env_file"] == ".env"


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    listed = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), flags=re.M))
    compose_only = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "docker-compose.yml").read_text()))
    assert set(ENV_NAMES) <= listed
    assert listed - set(ENV_NAMES) <= compose_only


def test_dependencies_start_in_the_right_order() -> None:
    assert SERVICES["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for name in ("web", "worker", "beat"):
        needs = SERVICES[name]["depends_on"]
        assert needs["postgres"]["condition"] == "service_healthy"
        assert needs["redis"]["condition"] == "service_healthy"
        assert needs["migrate"]["condition"] == "service_completed_successfully"


def test_the_readme_documents_the_same_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in APP_SERVICES:
        assert " ".join(SERVICES[name]["command"]) in readme, f"README does not show {name}'s command"
