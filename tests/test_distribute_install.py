"""install.py: torch's CPU build from PyTorch's CPU index where it can, else pip's usual index, and it says which.

Every index here is on the loopback interface: a port nothing listens on (refused), a server of the test's
own (answers, or says 404), or a socket that accepts and never answers (a timeout).
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.distribute import install

from .conftest import ROOT
from .fresh_env import SYSTEM_PYTHON, UNREACHABLE_INDEX, bare_env


class _Index(http.server.BaseHTTPRequestHandler):
    """A package index that has a torch page, or (with `status` 404) none."""

    status = 200

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(self.status if self.path.endswith("/torch/") else 404)
        self.end_headers()
        self.wfile.write(b"<html></html>")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def index(request) -> Iterator[str]:
    """The URL of a loopback index whose torch page answers with `request.param` (200 by default)."""
    handler = type("Index", (_Index,), {"status": getattr(request, "param", 200)})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/whl/cpu"
    server.shutdown()
    server.server_close()


def linux_without_gpu(index: str, **probe) -> tuple[str | None, str]:
    return install.choose_index(index, platform="linux", gpu=False, cpu=False, **probe)


def test_an_unreachable_cpu_index_falls_back_to_pips_usual_index_and_says_so():
    chosen, why = linux_without_gpu(UNREACHABLE_INDEX)
    assert chosen is None
    assert f"PyTorch's CPU index {UNREACHABLE_INDEX} cannot be reached" in why and "refused" in why.lower()
    assert "falling back to pip's usual index" in why and "CUDA build" in why


def test_a_cpu_index_that_answers_is_where_torch_comes_from(index):
    chosen, why = linux_without_gpu(index)
    assert chosen == index and "CPU build" in why


@pytest.mark.parametrize("index", [404], indirect=True)
def test_an_index_without_a_torch_page_is_not_used(index):
    chosen, why = linux_without_gpu(index)
    assert chosen is None and "HTTP 404" in why and "falling back" in why


def test_an_index_that_never_answers_is_given_up_after_the_timeout():
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        chosen, why = linux_without_gpu(url, probe=lambda i: install.unreachable(i, timeout=0.5))
    assert chosen is None and "timed out" in why and "falling back" in why


def never(index: str) -> str | None:
    raise AssertionError(f"{index} must not be asked")


@pytest.mark.parametrize("platform, system", [("darwin", "macOS"), ("win32", "Windows")])
def test_on_macos_and_windows_pypis_torch_is_already_the_cpu_build(platform, system):
    chosen, why = install.choose_index(install.CPU_INDEX, platform=platform, gpu=False, cpu=False, probe=never)
    assert chosen is None and f"PyPI's torch for {system} has no CUDA packages" in why


def test_with_an_nvidia_gpu_torch_is_the_cuda_build_unless_the_cpu_build_is_asked_for(index):
    chosen, why = install.choose_index(index, platform="linux", gpu=True, cpu=False, probe=never)
    assert chosen is None and "NVIDIA GPU" in why and "--cpu" in why
    assert install.choose_index(index, platform="linux", gpu=True, cpu=True)[0] == index


def test_an_empty_torch_index_url_skips_the_cpu_index():
    chosen, why = install.choose_index("", platform="linux", gpu=False, cpu=False, probe=never)
    assert chosen is None and "TORCH_INDEX_URL is empty" in why


def test_when_pip_fails_at_the_cpu_index_torch_comes_from_pips_usual_index(capsys):
    calls: list[list[str]] = []

    def pip(args):
        calls.append(list(args))
        return 1 if "--index-url" in args else 0

    assert install.install_torch("torch==2.13.0", UNREACHABLE_INDEX, pip) == 0
    assert calls == [["install", "--index-url", UNREACHABLE_INDEX, "torch==2.13.0"], ["install", "torch==2.13.0"]]
    assert "could not install torch==2.13.0 from" in capsys.readouterr().out


def test_the_torch_pin_is_constraints_txts():
    assert install.torch_pin(ROOT) == "torch==2.13.0"
    assert install.torch_pin(ROOT / "assignments") == "torch"  # no constraints.txt: any torch


def dry_run(*args: str, python: str = sys.executable, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    """install.py run as a file, as the student bundle ships it, printing its pip commands instead of running them."""
    environment = {**os.environ, **env} if python == sys.executable else bare_env(**env)
    return subprocess.run([python, str(ROOT / "autograder" / "distribute" / "install.py"), "--dry-run", *args],
                          cwd=cwd, env=environment, capture_output=True, text=True, timeout=60)


def test_run_as_a_script_it_names_each_step_and_the_fallback():
    result = dry_run(TORCH_INDEX_URL=UNREACHABLE_INDEX)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    if not install.has_nvidia_gpu():
        assert f"torch==2.13.0: PyTorch's CPU index {UNREACHABLE_INDEX} cannot be reached" in lines[0]
    assert lines[1].endswith("-m pip install torch==2.13.0")
    assert "the `grade` command" in lines[2] and lines[3].endswith("pip install -c constraints.txt -e .")
    assert "JupyterLab" in lines[4] and lines[5].endswith("pip install jupyterlab")
    assert lines[6].startswith("install.py: done")


def test_torch_only_is_what_scripts_install_sh_asks_for():
    result = dry_run("--torch-only", "--torch-index", UNREACHABLE_INDEX)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2 and "pip install torch==2.13.0" in result.stdout


@pytest.mark.skipif(not Path(SYSTEM_PYTHON).exists(), reason="no system python3 here")
def test_outside_a_virtual_environment_it_refuses_with_what_to_do():
    result = dry_run(python=SYSTEM_PYTHON)
    assert result.returncode == 2 and not result.stdout
    assert "is not a virtual environment's python: first `python3 -m venv .venv`" in result.stderr


def test_outside_the_courses_folder_it_refuses_with_what_to_do(tmp_path):
    result = dry_run(cwd=tmp_path)
    assert result.returncode == 2 and "has no pyproject.toml: run this in the course's folder" in result.stderr
