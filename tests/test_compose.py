"""docker-compose.yml and the Dockerfile cannot run here (no Docker engine): check them by reading.

What is checked: the four services and their health checks, the start order, that every environment variable
given to web and worker is one that config/settings.py reads (and every required one is given), that the
gunicorn and Celery targets import, and that the image installs the pinned requirements.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.urls import resolve

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS = ROOT / "config" / "settings.py"

APP_SERVICES = ("web", "worker")
REQUIRED_SETTINGS = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"}
ENV_READ = re.compile(r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']""")
ENV_INDEX = re.compile(r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _command(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def _healthcheck(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def settings_environment_names() -> set[str]:
    source = SETTINGS.read_text(encoding="utf-8")
    return set(ENV_READ.findall(source)) | set(ENV_INDEX.findall(source))


def test_compose_has_the_four_services(services):
    assert {"db", "redis", "web", "worker"} <= set(services)


def test_compose_db_and_redis_have_volumes_and_health_checks(compose, services):
    assert services["db"]["image"].startswith("postgres:15")
    assert "pg_isready" in _healthcheck(services["db"])
    data_volume = services["db"]["volumes"][0].split(":")[0]
    assert data_volume in compose["volumes"]
    assert services["redis"]["image"].startswith("redis:7")
    assert "ping" in _healthcheck(services["redis"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_app_services_wait_for_healthy_db_and_redis(services, name):
    depends_on = services[name]["depends_on"]
    assert isinstance(depends_on, dict), "long form needed to state a condition"
    for dependency in ("db", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_app_environment_is_read_by_settings(services, name):
    environment = services[name]["environment"]
    assert isinstance(environment, dict)
    read_by_settings = settings_environment_names()
    unknown = set(environment) - read_by_settings
    assert not unknown, f"{name} sets variables config/settings.py never reads: {sorted(unknown)}"
    missing = REQUIRED_SETTINGS - set(environment)
    assert not missing, f"{name} lacks required settings: {sorted(missing)}"
    assert environment["DEBUG"] == "0"
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), "no secret key may have a default in the file"
    assert environment["DATABASE_URL"].startswith("postgres://") and "@db:" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"].startswith("redis://redis:")


def test_settings_read_every_required_variable():
    assert settings_environment_names() >= REQUIRED_SETTINGS


def test_compose_web_runs_migrations_then_gunicorn_and_checks_a_real_page(services):
    web = services["web"]
    command = _command(web)
    assert command.index("migrate") < command.index("collectstatic") < command.index("gunicorn")
    assert "0.0.0.0:8000" in command
    assert any(str(port).endswith("8000") for port in web["ports"])
    media = [volume for volume in web["volumes"] if volume.endswith(":/app/var/media")]
    assert media and media[0].split(":")[0] in {v.split(":")[0] for v in services["worker"]["volumes"]}
    url = re.search(r"http://127\.0\.0\.1:8000(/[^'\"]*)", _healthcheck(web)).group(1)
    resolve(url)  # the page the health check asks for exists


def test_compose_gunicorn_target_imports(services):
    target = re.search(r"gunicorn\s+(\S+)", _command(services["web"])).group(1)
    module_name, _, attribute = target.partition(":")
    assert module_name == "config.wsgi"
    module = importlib.import_module(module_name)
    assert callable(getattr(module, attribute or "application"))


def test_compose_celery_app_imports(services):
    argv = shlex.split(_command(services["worker"]))
    assert argv[0] == "celery" and "worker" in argv
    app_name = argv[argv.index("-A") + 1]
    assert app_name == "config"
    app = find_app(app_name)
    assert isinstance(app, Celery)
    app.loader.import_default_modules()
    assert "config.ping" in app.tasks
    assert f"-A {app_name}" in _healthcheck(services["worker"])
    # The worker consumes the default queue and the queue the PDF renders are sent to.
    from django.conf import settings

    queues = argv[argv.index("-Q") + 1].split(",")
    assert app.conf.task_default_queue in queues and settings.DOCUMENT_QUEUE in queues


def test_dockerfile_installs_pinned_base_requirements():
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    assert re.search(r"pip install .*--require-hashes.*-r requirements/base\.txt", dockerfile)
    assert "COPY requirements/base.txt" in dockerfile
    assert (ROOT / "requirements" / "base.txt").is_file()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-liberation2"):
        assert package in dockerfile
    # Never a registry's address in a project file.
    assert not re.search(r"index-url|find-links|https?://", dockerfile)
