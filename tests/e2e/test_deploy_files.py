"""The shipped nginx files pass this machine's ``nginx -t``, with a throwaway certificate."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from service.metrics import metrics
from service.settings import Settings

DEPLOY = Path(__file__).parents[2] / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture(scope="module")
def nginx() -> str:
    if NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing (.ci/run installs nginx-light)")
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return NGINX


def check(nginx: str, site: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``site`` included in a minimal main configuration of its own."""
    certificate, key = tmp_path / "site.pem", tmp_path / "site.key"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subject = ["-subj", "/CN=soap.example.com", "-keyout", str(key), "-out", str(certificate)]
    subprocess.run(
        [*request, *subject],
        check=True,
        capture_output=True,
    )
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {certificate};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    (tmp_path / "site.conf").write_text(site)
    temp = "".join(
        f"    {kind}_temp_path {tmp_path / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}    include {tmp_path / 'site.conf'};\n}}\n"
    )
    return subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_site_passes_nginx_t(nginx: str, tmp_path: Path) -> None:
    result = check(nginx, (DEPLOY / "nginx.conf").read_text(), tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_site_with_the_several_hosts_upstream_passes_nginx_t(
    nginx: str, tmp_path: Path
) -> None:
    site = (DEPLOY / "nginx.conf").read_text()
    upstream = re.compile(r"^upstream usermanagement \{.*?^\}\n", re.M | re.S)
    several = upstream.search((DEPLOY / "nginx-upstream.conf").read_text())
    assert several is not None and upstream.search(site) is not None
    result = check(nginx, upstream.sub(several.group(0).replace("\\", "\\\\"), site), tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_broken_site_fails_nginx_t(nginx: str, tmp_path: Path) -> None:
    # The check itself can fail: an unknown directive is reported.
    site = (DEPLOY / "nginx.conf").read_text().replace("keepalive 16;", "no_such_directive 1;")
    result = check(nginx, site, tmp_path)
    assert result.returncode != 0 and "no_such_directive" in result.stderr


@pytest.mark.parametrize("unit", ["usermanagement.service", "usermanagement-purge.service"])
def test_the_units_sandbox_scores_at_most_2(unit: str) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(DEPLOY / unit)],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert found is not None, result.stdout + result.stderr
    assert float(found.group(1)) <= 2.0, result.stdout


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run(
        [str(hadolint), "--no-color", str(DEPLOY / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_example_environment_file_is_valid_settings() -> None:
    lines = (DEPLOY / "usermanagement.env").read_text().splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    settings = Settings.from_env(env)
    assert settings.database_url.startswith("postgresql://")
    assert settings.trusted_proxies == ("127.0.0.1",)


def test_the_dashboard_and_alerts_name_only_metrics_the_service_exposes() -> None:
    metrics()  # every metric, made in this process
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
    exposed = {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("usermanagement_")
        for suffix in suffixes[family.type]
    }
    dashboard = json.loads((DEPLOY / "monitoring" / "grafana-dashboard.json").read_text())
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    alerts = (DEPLOY / "monitoring" / "alerts.yaml").read_text()
    assert alerts.count("- alert: ") == 2
    named = set(re.findall(r"usermanagement_\w+", " ".join(expressions) + alerts))
    assert named and named <= exposed, named - exposed
