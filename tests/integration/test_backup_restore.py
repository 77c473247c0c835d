"""Backup and restore drill: an encrypted pg_dump restored into a new database has the same counts and checksums."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.candidates.factories import make_candidate
from tests.factories import make_org, make_tenant

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _admin(sql: str) -> None:
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=REPO, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300
    )


def test_encrypted_backup_restores_with_the_same_counts_and_checksums(reference_data, tmp_path):
    root = make_tenant("Tỉnh ủy Hà Nam", "HNAM")
    cell = make_org(make_org(root, "Huyện ủy Kim Bảng", "huyen-uy", "KB"), "Chi bộ thôn Yên Lạc", "chi-bo", "KB-YL")
    make_candidate(cell, full_name="Nguyễn Thị Lan", national_id="035123456789", religion="Công giáo")
    source = _url(connection.settings_dict["NAME"])
    target_name = f"ptdv_restore_{uuid.uuid4().hex[:8]}"
    backup = tmp_path / "ptdv.backup"
    env = {"BACKUP_PASSPHRASE": "mật khẩu sao lưu thử nghiệm", "VENV_PY": str(REPO / ".venv/bin/python")}
    _admin(f'CREATE DATABASE "{target_name}"')
    try:
        done = _run("bash", "ops/backup.sh", source, str(backup), env=env)
        assert done.returncode == 0, done.stderr
        assert b"035123456789" not in backup.read_bytes()  # encrypted at rest
        done = _run("bash", "ops/restore.sh", str(backup), _url(target_name), env=env)
        assert done.returncode == 0, done.stderr
        check = _run("bash", "ops/verify_restore.sh", source, _url(target_name), env=env)
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.startswith("Khớp:"), check.stdout
        # The check notices a difference.
        with psycopg.connect(_url(target_name), autocommit=True) as conn:
            conn.execute("UPDATE candidates_candidate SET full_name = 'Nguyễn Thị Lam'")
        check = _run("bash", "ops/verify_restore.sh", source, _url(target_name), env=env)
        assert check.returncode == 1 and "candidates_candidate" in check.stdout
        # A wrong passphrase restores nothing.
        wrong = _run("bash", "ops/restore.sh", str(backup), _url(target_name), env={**env, "BACKUP_PASSPHRASE": "sai"})
        assert wrong.returncode != 0
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
