"""The nginx configuration shipped in deploy/ and the one bench/load.py writes
for the several-server layout: nginx itself must accept them."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


def _bench():
    """bench/load.py, which is a script, not a package module."""
    if "bench_load" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_load"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["bench_load"]


def _nginx_test(prefix: Path, conf: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
    )


@needs_nginx
def test_it_writes_a_configuration_nginx_accepts_for_the_bench(tmp_path):
    conf = _bench().write_nginx_conf(tmp_path, listen=18299, upstreams=[18297, 18298])

    done = _nginx_test(tmp_path, conf)

    assert done.returncode == 0, done.stderr
    text = conf.read_text()
    assert "server 127.0.0.1:18297;" in text and "server 127.0.0.1:18298;" in text
    assert f"include {ROOT / 'deploy' / 'nginx' / 'jahesh-proxy.conf'};" in text


@needs_nginx
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_it_ships_a_site_configuration_nginx_accepts(tmp_path):
    # The site as installed (snippets/ beside it), with a throwaway certificate
    # and local ports in place of the real ones.
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=jahesh.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "snippets").mkdir()
    shutil.copy(ROOT / "deploy" / "nginx" / "jahesh-proxy.conf", tmp_path / "snippets")
    site = (ROOT / "deploy" / "nginx" / "jahesh.conf").read_text()
    for real, local in [
        ("/etc/letsencrypt/live/jahesh.example.ir/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/jahesh.example.ir/privkey.pem", str(key)),
        ("listen 80;", "listen 127.0.0.1:18296;"),
        ("listen 443 ssl http2;", "listen 127.0.0.1:18295 ssl http2;"),
        ("listen [::]:80;", ""),
        ("listen [::]:443 ssl http2;", ""),
    ]:
        assert real in site
        site = site.replace(real, local)
    (tmp_path / "site.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    temps = " ".join(
        f"{k}_temp_path {tmp_path / k};"
        for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\n"
        f"http {{ access_log off; {temps} include {tmp_path / 'site.conf'}; }}\n"
    )

    done = _nginx_test(tmp_path, conf)

    assert done.returncode == 0, done.stderr


def test_it_reads_percentiles_by_nearest_rank():
    percentile = _bench().percentile
    values = [n / 1000 for n in range(1, 101)]

    assert percentile(values, 0.50) == 0.050
    assert percentile(values, 0.95) == 0.095
    assert percentile(values, 0.99) == 0.099
    assert percentile([0.2], 0.99) == 0.2
