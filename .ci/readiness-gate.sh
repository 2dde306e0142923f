#!/usr/bin/env bash
# Readiness gate smoke test: `evac report` on the fixtures of this repository must find the
# scenario the fixtures cannot absorb (exit 3), and still write all three reports.
# Exits non-zero, saying why, otherwise. Run from anywhere; needs `npm ci` done.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
out="$(mktemp -d "${TMPDIR:-/tmp}/evac-readiness.XXXXXX")"
trap 'rm -rf "$out"' EXIT

fail() {
  echo "readiness-gate: FAIL: $*" >&2
  exit 1
}

# Not a real report: keep it out of a GitHub job summary.
GITHUB_STEP_SUMMARY='' npm run -s evac -- report --config metrics-config --data fixtures --out-dir "$out" >"$out/stdout" 2>"$out/stderr"
code=$?
if [ "$code" -ne 3 ]; then
  cat "$out/stdout" "$out/stderr" >&2
  fail "evac report exited $code, expected 3 (not ready: the fixtures contain a service that cannot absorb a scenario)"
fi

for f in report.md report.json report.junit.xml; do
  [ -s "$out/$f" ] || fail "$f was not written to --out-dir"
done
grep -q 'not ready' "$out/report.md" || fail 'report.md does not say "not ready"'
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (r.kind !== "evac-report" || r.schemaVersion !== 1 || r.ready !== false) process.exit(1)' "$out/report.json" ||
  fail 'report.json is not a not-ready evac-report with schemaVersion 1'
grep -q '<failure ' "$out/report.junit.xml" || fail 'report.junit.xml has no <failure>'
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$out/report.junit.xml" || fail 'report.junit.xml is not well-formed XML'
fi

echo "readiness-gate: ok (exit 3, $(grep -c '<failure ' "$out/report.junit.xml") failing service-region(s); $(head -n 1 "$out/stdout"))"
