"""Spec change guard: compare openapi/sms-api.yaml with the spec at a git ref and fail on a breaking change.

Run: `make spec-guard` (against the commit before the last change to the spec), or
`.venv/bin/python scripts/spec_guard.py --base <ref>`. Prints every change, breaking ones first.

Breaking for existing clients: a removed operation or response, a renamed operationId (the generated
function is renamed), a new required request field, a request field removed where extra fields are
refused, a tightened request constraint (length, items, range, pattern, enum, type,
additionalProperties), a request variant of a oneOf removed, a response field that clients could
rely on and that is now optional or gone, a response type, enum or oneOf widened, a new security
requirement.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from sms_contract.spec import resolve_refs

ROOT = Path(__file__).resolve().parent.parent
SPEC = Path("openapi") / "sms-api.yaml"
# Changes the guard cannot prove compatible but a review did, one `<where>: <what>` line each.
ACCEPTED = ROOT / "openapi" / "spec-guard-accepted.txt"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

Role = Literal["request", "response"]


@dataclass(frozen=True)
class Change:
    breaking: bool
    where: str
    what: str

    def __str__(self) -> str:
        return f"{'BREAKING' if self.breaking else 'compatible'}  {self.where}: {self.what}"

    @property
    def key(self) -> str:
        return f"{self.where}: {self.what}"


def accepted_changes(path: Path = ACCEPTED) -> set[str]:
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if kind is None:
        return set()
    return set(kind) if isinstance(kind, list) else {kind}


# keyword -> (tightened when the new value is "lower" or "higher", or whenever it differs)
_LIMITS = {
    "maxLength": "lower",
    "maxItems": "lower",
    "maximum": "lower",
    "exclusiveMaximum": "lower",
    "maxProperties": "lower",
    "minLength": "higher",
    "minItems": "higher",
    "minimum": "higher",
    "exclusiveMinimum": "higher",
    "minProperties": "higher",
}
# Formats that validators commonly assert; any other format name is an annotation they ignore.
_ASSERTED_FORMATS = {"date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname"}


def _variants(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The members of a oneOf (or the schema itself) by the value of their `const` property, e.g. `webservice`."""
    members = schema.get("oneOf") or [schema]
    keyed: dict[str, dict[str, Any]] = {}
    for index, member in enumerate(members):
        tags = [p["const"] for p in member.get("properties", {}).values() if isinstance(p, dict) and "const" in p]
        keyed[str(tags[0]) if tags else f"#{index}"] = member
    return keyed


def _compare_variants(old: dict[str, Any], new: dict[str, Any], role: Role, where: str) -> list[Change]:
    """A body that is one of several schemas: each variant against its namesake (a plain schema is one variant).

    A request variant removed breaks the clients that send it; one added breaks nobody. In a
    response it is the other way round: a new variant is an answer old clients cannot read.
    """
    old_variants, new_variants = _variants(old), _variants(new)
    changes: list[Change] = []
    for tag in sorted(old_variants.keys() | new_variants.keys()):
        at = f"{where}({tag})"
        if tag not in new_variants:
            changes.append(Change(role == "request", at, "variant removed"))
        elif tag not in old_variants:
            changes.append(Change(role == "response", at, "variant added"))
        else:
            changes += _compare(old_variants[tag], new_variants[tag], role, at)
    return changes


def _compare(old: Any, new: Any, role: Role, where: str) -> list[Change]:
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    if "oneOf" in old or "oneOf" in new:
        return _compare_variants(old, new, role, where)
    changes: list[Change] = []
    old_types, new_types = _types(old), _types(new)
    if old_types != new_types and old_types and new_types:
        narrowed = not old_types <= new_types
        widened = not new_types <= old_types
        changes.append(
            Change(
                narrowed if role == "request" else widened,
                where,
                f"type {sorted(old_types)} -> {sorted(new_types)}",
            )
        )
    if role == "request":
        for keyword, direction in _LIMITS.items():
            before, after = old.get(keyword), new.get(keyword)
            if before == after or after is None:
                if before is not None and after is None:
                    changes.append(Change(False, where, f"{keyword} {before} removed"))
                continue
            tighter = (
                before is None
                or (direction == "lower" and after < before)
                or (direction == "higher" and after > before)
            )
            changes.append(Change(tighter, where, f"{keyword} {before} -> {after}"))
        if old.get("pattern") != new.get("pattern"):
            changes.append(
                Change(
                    new.get("pattern") is not None, where, f"pattern {old.get('pattern')!r} -> {new.get('pattern')!r}"
                )
            )
        if old.get("format") != new.get("format"):
            asserted = new.get("format") in _ASSERTED_FORMATS
            changes.append(Change(asserted, where, f"format {old.get('format')!r} -> {new.get('format')!r}"))
        if "const" in new and old.get("const") != new.get("const"):
            changes.append(Change(True, where, f"const {old.get('const')!r} -> {new['const']!r}"))
        if "enum" in new and set(map(repr, old.get("enum", []))) - set(map(repr, new["enum"])):
            changes.append(Change(True, where, f"enum narrowed {old.get('enum')} -> {new['enum']}"))
        if old.get("additionalProperties", True) is not False and new.get("additionalProperties", True) is False:
            changes.append(Change(True, where, "extra fields are now refused (additionalProperties: false)"))
    elif "enum" in new and set(map(repr, new["enum"])) - set(map(repr, old.get("enum") or new["enum"])):
        changes.append(Change(True, where, f"enum widened {old.get('enum')} -> {new['enum']}"))

    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name in sorted(set(old_props) | set(new_props)):
        at = f"{where}.{name}"
        if name not in new_props:
            if role == "request":
                refused = new.get("additionalProperties", True) is False
                changes.append(Change(refused, at, "field removed" + (" (now refused)" if refused else "")))
            else:
                changes.append(Change(name in old_required, at, "field removed"))
        elif name not in old_props:
            changes.append(Change(role == "request" and name in new_required, at, "field added"))
        else:
            changes += _compare(old_props[name], new_props[name], role, at)
    for name in sorted(new_required - old_required):
        if role == "request" and name in old_props:
            changes.append(Change(True, f"{where}.{name}", "field is now required"))
    for name in sorted(old_required - new_required):
        if role == "response" and name in new_props:
            changes.append(Change(True, f"{where}.{name}", "field is no longer always present"))
    if "items" in old or "items" in new:
        changes += _compare(old.get("items", {}), new.get("items", {}), role, f"{where}[]")
    return changes


def _media_schema(container: dict[str, Any]) -> Any:
    return container.get("content", {}).get("application/json", {}).get("schema")


def breaking_changes(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[Change]:
    """Every change between two specs that a client can notice, breaking ones first."""
    old, new = resolve_refs(old_doc, old_doc), resolve_refs(new_doc, new_doc)
    changes: list[Change] = []
    for path in sorted(set(old.get("paths", {})) | set(new.get("paths", {}))):
        old_item, new_item = old.get("paths", {}).get(path, {}), new.get("paths", {}).get(path, {})
        for method in METHODS:
            where = f"{method.upper()} {path}"
            before, after = old_item.get(method), new_item.get(method)
            if before is None and after is None:
                continue
            if after is None:
                changes.append(Change(True, where, "operation removed"))
                continue
            if before is None:
                changes.append(Change(False, where, "operation added"))
                continue
            if after.get("security") and not before.get("security"):
                changes.append(Change(True, where, "now requires credentials"))
            if before.get("operationId") != after.get("operationId"):
                # The generated client names its function after it: code that calls the old name breaks.
                what = f"operationId {before.get('operationId')!r} -> {after.get('operationId')!r}"
                changes.append(Change(True, where, f"{what} (the generated function is renamed)"))
            changes += _compare(
                _media_schema(before.get("requestBody", {})), _media_schema(after.get("requestBody", {})),
                "request", f"{where} request",
            )  # fmt: skip
            old_responses, new_responses = before.get("responses", {}), after.get("responses", {})
            for status in sorted(set(old_responses) | set(new_responses)):
                at = f"{where} {status}"
                if status not in new_responses:
                    changes.append(Change(True, at, "response removed"))
                elif status not in old_responses:
                    changes.append(Change(False, at, "response added"))
                else:
                    changes += _compare(
                        _media_schema(old_responses[status]), _media_schema(new_responses[status]), "response", at
                    )
    return sorted(changes, key=lambda change: not change.breaking)


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def previous_spec_ref() -> str | None:
    """The ref to compare with: HEAD if the spec has uncommitted edits, else the commit before its last change."""
    try:
        if git("status", "--porcelain", "--", str(SPEC)).strip():
            return "HEAD"
        last = git("log", "-n", "1", "--format=%H", "--", str(SPEC)).strip()
        if not last:
            return None
        parent = git("rev-parse", "--verify", "--quiet", f"{last}^").strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    if not parent or not git("ls-tree", parent, "--", str(SPEC)).strip():
        return None
    return parent


def spec_at(ref: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(git("show", f"{ref}:{SPEC.as_posix()}"))
    return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="git ref of the spec to compare with (default: before its last change)")
    parser.add_argument("--spec", type=Path, default=ROOT / SPEC, help="the spec to check (default: the working copy)")
    args = parser.parse_args(argv)
    base = args.base or previous_spec_ref()
    if base is None:
        print("spec guard: no earlier version of the spec in git history; nothing to compare")
        return 0
    try:
        old = spec_at(base)
    except subprocess.CalledProcessError as exc:
        print(f"spec guard: cannot read {SPEC} at {base}: {exc.stderr.strip()}", file=sys.stderr)
        return 2
    changes = breaking_changes(old, yaml.safe_load(args.spec.read_text(encoding="utf-8")))
    reviewed = accepted_changes()
    print(f"spec guard: {args.spec.name} against {base}: {len(changes)} change(s)")
    for change in changes:
        note = "  (accepted after review, see openapi/spec-guard-accepted.txt)" if change.key in reviewed else ""
        print(f"  {change}{note}")
    if any(change.breaking and change.key not in reviewed for change in changes):
        print("spec guard: breaking changes for existing clients (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
