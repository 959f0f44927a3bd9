#!/usr/bin/env bash
# MSRV check: the `rust-version` declared in Cargo.toml must be at least the newest
# `rust-version` any locked dependency (normal, build or dev) declares. Clippy's
# `incompatible_msrv` lint checks our own code against the same number.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
m = json.load(sys.stdin)
v = lambda s: tuple(int(x) for x in s.split("."))[:2] if s else (0, 0)
ours = next(p for p in m["packages"] if p["name"] == "caseload")
declared = v(ours["rust_version"])
deps = [(v(p["rust_version"]), p["name"], p["version"]) for p in m["packages"] if p["name"] != "caseload" and p["rust_version"]]
need, name, ver = max(deps)
print(f"declared MSRV {declared[0]}.{declared[1]}; dependencies need {need[0]}.{need[1]} ({name} {ver})")
sys.exit(0 if declared >= need else 1)
'
