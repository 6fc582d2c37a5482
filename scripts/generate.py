"""Regenerate the client package generated/sms_api from openapi/ and write its spec fingerprint.

Run: `make generate` (or `.venv/bin/python scripts/generate.py [--output DIR]`).
The generator and the ruff its post-hooks call are taken from the interpreter's own environment,
so the output does not depend on the caller's PATH.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "sms-api.yaml"
CONFIG = ROOT / "openapi" / "generator-config.yaml"
GENERATED = ROOT / "generated"
PACKAGE = "sms_api"
FINGERPRINT = GENERATED / "SPEC_FINGERPRINT"


class GenerationError(RuntimeError):
    """The generator could not run, or it warned (a warning means part of the spec was dropped)."""


def tool_versions() -> dict[str, str]:
    return {"openapi-python-client": version("openapi-python-client"), "ruff": version("ruff")}


def fingerprint_text(spec: Path = SPEC, config: Path = CONFIG) -> str:
    """The fingerprint of what generated/ is made from: the spec, the config and the tool versions."""
    lines = [
        "# Written by scripts/generate.py; scripts/check_generated.py compares it. Do not edit.",
        f"spec sha256 {hashlib.sha256(spec.read_bytes()).hexdigest()}",
        f"config sha256 {hashlib.sha256(config.read_bytes()).hexdigest()}",
    ]
    lines += [f"tool {name} {ver}" for name, ver in sorted(tool_versions().items())]
    return "\n".join(lines) + "\n"


def _bin_dir() -> Path:
    return Path(sys.executable).parent


def run_generator(package_dir: Path, spec: Path = SPEC, config: Path = CONFIG) -> None:
    """Run openapi-python-client into package_dir (which must not exist yet)."""
    bin_dir = _bin_dir()
    generator = bin_dir / "openapi-python-client"
    if not generator.exists() or shutil.which("ruff", path=str(bin_dir)) is None:
        raise GenerationError(
            f"openapi-python-client and ruff must be installed beside {sys.executable}: run `make install`"
        )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    cmd = [
        str(generator), "generate",
        "--path", str(spec),
        "--config", str(config),
        "--meta", "none",
        "--output-path", str(package_dir),
        "--fail-on-warning",
    ]  # fmt: skip
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or "warning" in (proc.stdout + proc.stderr).lower():
        raise GenerationError(f"openapi-python-client failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def generate(target: Path = GENERATED, spec: Path = SPEC, config: Path = CONFIG) -> Path:
    """Write target/sms_api and target/SPEC_FINGERPRINT, replacing what was there only on success."""
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        fresh = Path(tmp) / PACKAGE
        run_generator(fresh, spec, config)
        final = target / PACKAGE
        if final.exists():
            shutil.rmtree(final)
        fresh.rename(final)
    (target / FINGERPRINT.name).write_text(fingerprint_text(spec, config), encoding="utf-8")
    return target / PACKAGE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=GENERATED, help="folder to write sms_api/ into")
    args = parser.parse_args(argv)
    try:
        package = generate(args.output)
    except GenerationError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"generated {package.relative_to(ROOT) if package.is_relative_to(ROOT) else package}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
