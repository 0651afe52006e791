"""Derive a non-root nginx.conf from deploy/nginx.conf for the benchmark: same proxy and cache settings, the
upstream pointed at the bench gunicorn, plain HTTP on a local port, everything under one prefix directory.

    python bench/pages/nginx_conf.py PREFIX NGINX_PORT APP_PORT > PREFIX/nginx.conf
"""

import re
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def derive(text: str, prefix: str, nginx_port: int, app_port: int) -> str:
    text = re.sub(r"^user .*\n", "", text, flags=re.M)
    text = re.sub(r"^pid .*;", f"pid {prefix}/nginx.pid;", text, flags=re.M)
    text = re.sub(r"^error_log .*;", f"error_log {prefix}/error.log warn;", text, flags=re.M)
    text = re.sub(r"access_log /var/log/nginx/access.log", f"access_log {prefix}/access.log", text)
    text = text.replace("/var/cache/nginx/", f"{prefix}/cache/")
    # The upstream: the bench's gunicorn only.
    text = re.sub(
        r"(upstream wecare_app \{\n)(?:\s*server .*\n)+", rf"\1        server 127.0.0.1:{app_port};\n", text
    )
    # Drop the port-80 redirect server; the TLS server listens on plain HTTP on the bench port.
    text = re.sub(r"    server \{\n        listen 80;.*?\n    \}\n\n", "", text, count=1, flags=re.S)
    text = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{nginx_port};", text)
    text = re.sub(r"\s*listen \[::\]:443 ssl http2;", "", text)
    text = re.sub(r"\n\s*ssl_[a-z_]+ [^;]*;", "", text)
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {prefix}/temp/{kind};" for kind in kinds)
    return text.replace("http {\n", f"http {{\n{temp}\n", 1)


if __name__ == "__main__":
    prefix, nginx_port, app_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.stdout.write(derive(DEPLOY.read_text(), prefix, nginx_port, app_port))
