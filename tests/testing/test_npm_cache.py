"""The test cache: processes fetching the same package at once fetch it once; a killed fetch leaves nothing behind.

A stand-in ``npm`` first on ``PATH`` (a script that logs each call and takes its time) makes the overlap certain.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

FAKE_NPM = """#!{python}
import io, json, os, sys, tarfile, time
args = sys.argv[1:]
with open(os.environ["FAKE_NPM_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
delay = float(os.environ.get("FAKE_NPM_DELAY", "0"))
if args[0] == "pack":
    destination = args[args.index("--pack-destination") + 1]
    with tarfile.open(os.path.join(destination, "acme-spec-1.0.0.tgz"), "w:gz") as tar:
        for n in range(3):
            data = json.dumps({{"part": n}}).encode()
            member = tarfile.TarInfo(f"package/spec/part{{n}}.json")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
            time.sleep(delay)
    print("acme-spec-1.0.0.tgz")
elif args[0] == "install":
    package = os.path.join(args[args.index("--prefix") + 1], "node_modules", "acme-sdk")
    os.makedirs(package)
    with open(os.path.join(package, "package.json"), "w") as f:  # written first, as npm does
        f.write('{{"name": "acme-sdk"}}')
    time.sleep(delay)
    with open(os.path.join(package, "index.js"), "w") as f:
        f.write("module.exports = 1;")
"""


def fake_npm_env(tmp_path: Path, delay: float) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    if not bin_dir.exists():
        bin_dir.mkdir()
        (bin_dir / "npm").write_text(FAKE_NPM.format(python=sys.executable))
        (bin_dir / "npm").chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "UNIGATE_TEST_CACHE": str(tmp_path / "cache"),
        "FAKE_NPM_LOG": str(tmp_path / "npm.log"),
        "FAKE_NPM_DELAY": str(delay),
    }


def start(call: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """A Python process making ``call``, in a session of its own (so it can be killed with its npm)."""
    code = f"from gateway.testing.npm_cache import npm_member, npm_install; print({call})"
    command = [sys.executable, "-c", code]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def finish(process: subprocess.Popen[str]) -> Path:
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return Path(out.strip())


def npm_calls(tmp_path: Path) -> list[str]:
    return (tmp_path / "npm.log").read_text().splitlines()


def test_two_processes_extracting_one_member_fetch_it_once(tmp_path: Path) -> None:
    env = fake_npm_env(tmp_path, delay=0.3)
    call = 'npm_member("@acme/spec", "1.0.0", "package/spec")'
    first, second = start(call, env), start(call, env)
    paths = {finish(first), finish(second)}
    assert len(paths) == 1
    spec = paths.pop()
    assert sorted(p.name for p in spec.iterdir()) == ["part0.json", "part1.json", "part2.json"]
    assert json.loads((spec / "part2.json").read_text()) == {"part": 2}
    assert len(npm_calls(tmp_path)) == 1
    assert [p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith(".")] == []  # no staging left


def test_two_processes_installing_one_package_install_it_once(tmp_path: Path) -> None:
    env = fake_npm_env(tmp_path, delay=0.5)
    call = 'npm_install("acme-sdk", "2.0.0")'
    first, second = start(call, env), start(call, env)
    modules = {finish(first), finish(second)}
    assert len(modules) == 1
    assert (modules.pop() / "acme-sdk" / "index.js").read_text() == "module.exports = 1;"
    assert len(npm_calls(tmp_path)) == 1


def test_an_install_killed_midway_is_redone_by_the_next_process(tmp_path: Path) -> None:
    killed = start('npm_install("acme-sdk", "2.0.0")', fake_npm_env(tmp_path, delay=30))
    deadline = time.monotonic() + 30
    while not (tmp_path / "npm.log").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # npm has written package.json and is "downloading" the rest
    os.killpg(killed.pid, signal.SIGKILL)  # the Python process and its npm
    killed.communicate(timeout=10)
    modules = finish(start('npm_install("acme-sdk", "2.0.0")', fake_npm_env(tmp_path, delay=0)))
    assert (modules / "acme-sdk" / "index.js").read_text() == "module.exports = 1;"
    assert len(npm_calls(tmp_path)) == 2
