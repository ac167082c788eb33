"""Proxy speed: Unigate against a bare Starlette+aiohttp passthrough (the floor), same upstream, same load.

Starts nginx as a fast local upstream (a 1 KB JSON answer, and a 1 GB body for the streaming run), the floor app
and Unigate (one worker each, SQLite), then loads each in turn with wrk (32 connections) and prints req/s, p50,
p99, peak RSS and the ratio Unigate/floor. Then streams 1 GB down and 1 GB up through Unigate and reports its peak
RSS. Needs nginx and wrk (Debian packages). Run: `.venv/bin/python bench/proxy.py [--seconds 10]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONNECTIONS = 32
NGINX_CONF = """
{user}
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  client_max_body_size 2g;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location = /1k.json {{ default_type application/json; alias {dir}/1k.json; }}
    location = /1g.bin {{ default_type application/octet-stream; alias {dir}/1g.bin; }}
    location /upload/ {{ root {dir}; dav_methods PUT; create_full_put_path on; client_body_buffer_size 1m; }}
  }}
}}
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, headers=headers, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url: str, headers: dict[str, str], seconds: int) -> dict[str, float]:
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    for name, value in headers.items():
        args[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.MULTILINE)
        assert match, out
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "non2xx": float(errors.group(1)) if errors else 0}


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


async def stream_gigabyte(base: str, headers: dict[str, str], pid: int) -> dict[str, float]:
    size = 1024**3
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=None) as client:
        received = 0
        started = time.perf_counter()
        async with client.stream("GET", "/proxy/1g.bin") as response:
            async for chunk in response.aiter_raw(1 << 20):
                received += len(chunk)
        down = time.perf_counter() - started
        assert received == size, received
        rss_down = peak_rss_mb(pid)

        async def body():  # type: ignore[no-untyped-def]
            block = b"u" * (1 << 20)
            for _ in range(1024):
                yield block

        started = time.perf_counter()
        response = await client.put("/proxy/upload/1g.bin", content=body())
        up = time.perf_counter() - started
        assert response.status_code in (201, 204), response.text
    return {"down_s": down, "up_s": up, "rss_after_down": rss_down, "rss_after_up": peak_rss_mb(pid)}


def uploaded_size(work: Path) -> int:
    path = work / "upload" / "1g.bin"
    size = path.stat().st_size
    path.unlink()
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-stream", action="store_true", help="skip the 1 GB runs")
    parser.add_argument("--profile", type=Path, help="record a py-spy profile of Unigate under load into this file")
    options = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is needed: apt-get install nginx-light wrk")
    work = Path(tempfile.mkdtemp(prefix="unigate-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    (work / "1k.json").write_text(json.dumps({"items": [{"id": i, "name": f"item {i:04d}"} for i in range(38)]})[:1024])
    with (work / "1g.bin").open("wb") as handle:
        handle.truncate(1024**3)
    nginx_port, floor_port, unigate_port = free_port(), free_port(), free_port()
    user = "user root;" if os.geteuid() == 0 else ""  # as root, workers would otherwise run as nobody
    (work / "nginx.conf").write_text(NGINX_CONF.format(dir=work, port=nginx_port, user=user))
    upstream = f"http://127.0.0.1:{nginx_port}"
    catalog = work / "bench.yaml"
    catalog.write_text(
        "bench-api:\n  display_name: Bench\n  categories: [dev-tools]\n  docs: https://example.test\n"
        "  auth_mode: API_KEY\n  proxy:\n    base_url: " + upstream + "\n    headers:\n"
        "      authorization: Bearer ${apiKey}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIGATE_")}
    env.update(
        {
            "UNIGATE_DATA_DIR": str(work / "data"),
            "UNIGATE_PROVIDERS_FILES": str(catalog),
            "UNIGATE_ALLOW_PRIVATE_HOSTS": "true",
            "UNIGATE_LOG_LEVEL": "warning",
            "UPSTREAM": upstream,
        }
    )
    processes = []
    try:
        nginx = start(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(work / "nginx.conf"), "-p", str(work)],
            env,
            work / "nginx.log",
        )
        processes.append(nginx)
        wait_http(f"{upstream}/1k.json")
        floor = start(
            [
                str(BIN / "uvicorn"),
                "bench.floor_app:app",
                "--port",
                str(floor_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            {**env, "PYTHONPATH": str(ROOT)},
            work / "floor.log",
        )
        processes.append(floor)
        subprocess.run([str(BIN / "unigate"), "migrate"], env=env, check=True, capture_output=True)
        unigate = start([str(BIN / "unigate"), "serve", "--port", str(unigate_port)], env, work / "unigate.log")
        processes.append(unigate)
        base = f"http://127.0.0.1:{unigate_port}"
        wait_http(f"{base}/health")
        wait_http(f"http://127.0.0.1:{floor_port}/proxy/1k.json")
        key = (work / "data" / "secret_key").read_text().strip()
        auth = {"Authorization": f"Bearer {key}"}
        httpx.post(f"{base}/integrations", headers=auth, json={"provider": "bench-api", "unique_key": "bench"})
        httpx.post(
            f"{base}/connections",
            headers=auth,
            json={
                "provider_config_key": "bench",
                "connection_id": "b1",
                "credentials": {"type": "API_KEY", "apiKey": "k"},
            },
        )
        proxy_headers = {**auth, "Connection-Id": "b1", "Provider-Config-Key": "bench"}
        probe = httpx.get(f"{base}/proxy/1k.json", headers=proxy_headers)
        assert probe.status_code == 200, probe.text
        wrk(f"http://127.0.0.1:{floor_port}/proxy/1k.json", {}, 2)  # warm up both
        wrk(f"{base}/proxy/1k.json", proxy_headers, 2)
        runs: dict[str, list[dict[str, float]]] = {"floor": [], "unigate": []}
        for _ in range(options.rounds):  # interleaved, so a busy moment of the machine hits both alike
            runs["floor"].append(wrk(f"http://127.0.0.1:{floor_port}/proxy/1k.json", {}, options.seconds))
            runs["unigate"].append(wrk(f"{base}/proxy/1k.json", proxy_headers, options.seconds))
        results = {name: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for name, rs in runs.items()}
        if options.profile:
            spy = subprocess.Popen(
                [
                    str(BIN / "py-spy"),
                    "record",
                    "-o",
                    str(options.profile),
                    "-f",
                    "raw",
                    "-d",
                    str(options.seconds),
                    "-p",
                    str(unigate.pid),
                ],
                stdout=subprocess.DEVNULL,
            )
            wrk(f"{base}/proxy/1k.json", proxy_headers, options.seconds)
            spy.wait()
        rss = {"floor": peak_rss_mb(floor.pid), "unigate": peak_rss_mb(unigate.pid)}
        print(
            f"1 KB JSON, {CONNECTIONS} connections, {options.rounds} interleaved rounds of {options.seconds} s, "
            "one worker each; medians"
        )
        print(f"{'':10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'peak RSS MB':>14}{'non-2xx':>9}")
        for name, r in results.items():
            print(f"{name:10}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}{rss[name]:>14.1f}{r['non2xx']:>9.0f}")
        print(
            f"Unigate/floor: req/s {results['unigate']['rps'] / results['floor']['rps']:.2f}, "
            f"p99 {results['unigate']['p99'] / results['floor']['p99']:.2f}"
        )
        if not options.no_stream:
            stream = asyncio.run(stream_gigabyte(base, proxy_headers, unigate.pid))
            assert uploaded_size(work) == 1024**3, "the upstream did not receive the whole upload"
            print(
                f"1 GB download {stream['down_s']:.1f} s, upload {stream['up_s']:.1f} s; Unigate peak RSS "
                f"{rss['unigate']:.1f} MB before, {stream['rss_after_down']:.1f} MB after the download, "
                f"{stream['rss_after_up']:.1f} MB after the upload"
            )
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
