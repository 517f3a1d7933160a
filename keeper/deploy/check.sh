#!/usr/bin/env bash
# Checks the keeper's deploy files: the systemd unit with `systemd-analyze verify`
# (ExecStart pointed at a stand-in executable, the rest as shipped), the Containerfile's
# syntax and stages, and that the command both run is one the keeper accepts (it
# starts, then names the missing config file).
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. The unit.
if command -v systemd-analyze >/dev/null 2>&1; then
  printf '#!/bin/sh\nexit 0\n' > "$tmp/hedge-keeper" && chmod +x "$tmp/hedge-keeper"
  sed "s|^ExecStart=/usr/local/bin/hedge-keeper |ExecStart=$tmp/hedge-keeper |" \
    "$here/hedge-keeper.service" > "$tmp/hedge-keeper.service"
  grep -q "^ExecStart=$tmp/hedge-keeper run --config " "$tmp/hedge-keeper.service"
  out="$(systemd-analyze verify "$tmp/hedge-keeper.service" 2>&1 || true)"
  # Users that do not exist on this machine are expected; anything else is an error.
  problems="$(printf '%s\n' "$out" | grep -v -E "^$|User=|Group=|hedge-keeper.*user" || true)"
  if [ -n "$problems" ]; then
    echo "systemd-analyze verify hedge-keeper.service:" >&2
    echo "$problems" >&2
    exit 1
  fi
  echo "hedge-keeper.service: systemd-analyze verify clean"
else
  echo "systemd-analyze is missing: the unit is checked by the parser below only" >&2
fi

# 2. Both files' structure.
python3 - "$here" <<'PY'
import json, re, sys, pathlib
here = pathlib.Path(sys.argv[1])
errors = []

unit = (here / "hedge-keeper.service").read_text()
sections, section = {}, None
for n, line in enumerate(unit.splitlines(), 1):
    s = line.strip()
    if not s or s.startswith("#"):
        continue
    m = re.fullmatch(r"\[(\w+)\]", s)
    if m:
        section = m.group(1)
        sections[section] = {}
        continue
    if section is None or "=" not in s:
        errors.append(f"hedge-keeper.service:{n}: not `key=value` in a section: {s}")
        continue
    k, v = s.split("=", 1)
    sections[section][k] = v
for need in ("Unit", "Service", "Install"):
    if need not in sections:
        errors.append(f"hedge-keeper.service: no [{need}] section")
svc = sections.get("Service", {})
if not svc.get("ExecStart", "").startswith("/usr/local/bin/hedge-keeper run --config "):
    errors.append("hedge-keeper.service: ExecStart must run `hedge-keeper run --config …`")
if svc.get("User") in (None, "root"):
    errors.append("hedge-keeper.service: runs as root")
if svc.get("Restart") != "on-failure":
    errors.append("hedge-keeper.service: Restart=on-failure expected")

KNOWN = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
         "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}
text = (here / "Containerfile").read_text()
logical, buf = [], ""
for n, line in enumerate(text.splitlines(), 1):
    if not buf and (not line.strip() or line.lstrip().startswith("#")):
        continue
    buf += line.rstrip("\\").rstrip() + " " if line.rstrip().endswith("\\") else line
    if not line.rstrip().endswith("\\"):
        logical.append((n, buf.strip()))
        buf = ""
if buf:
    errors.append("Containerfile: ends inside a continued line")
stages, user, final_from = [], None, None
for i, (n, l) in enumerate(logical):
    word = l.split(None, 1)[0]
    rest = l.split(None, 1)[1] if " " in l else ""
    if word.upper() != word or word not in KNOWN:
        errors.append(f"Containerfile:{n}: unknown instruction {word}")
        continue
    if i == 0 and word not in ("FROM", "ARG"):
        errors.append("Containerfile: the first instruction must be FROM")
    if word == "FROM":
        m = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest)
        if not m:
            errors.append(f"Containerfile:{n}: bad FROM")
        else:
            stages.append(m.group(2))
            final_from, user = n, None
    if word == "COPY":
        m = re.search(r"--from=(\S+)", rest)
        if m and m.group(1) not in stages:
            errors.append(f"Containerfile:{n}: COPY --from an unknown stage {m.group(1)}")
    if word in ("CMD", "ENTRYPOINT"):
        try:
            v = json.loads(rest)
            assert isinstance(v, list) and all(isinstance(x, str) for x in v)
        except Exception:
            errors.append(f"Containerfile:{n}: {word} must be a JSON array of strings")
    if word == "USER":
        user = rest.strip()
    if word == "RUN" and "cargo build" in rest and "-p hedge-keeper" not in rest:
        errors.append(f"Containerfile:{n}: builds more than the operator's binary")
if user in (None, "root", "0"):
    errors.append("Containerfile: the final stage runs as root")
if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
print("Containerfile and unit: structure checked")
PY

# 3. The command both run is the keeper's: it parses and names the missing config.
cargo build -q -p hedge-keeper --bin hedge-keeper
set +e
msg="$("$CARGO_TARGET_DIR/debug/hedge-keeper" run --config "$tmp/missing.toml" 2>&1)"
rc=$?
set -e
if [ "$rc" -ne 2 ] || ! grep -q "missing.toml" <<<"$msg"; then
  echo "hedge-keeper run --config: expected exit 2 naming the file, got $rc: $msg" >&2
  exit 1
fi
echo "hedge-keeper run --config FILE: accepted (a missing file is named, exit 2)"
