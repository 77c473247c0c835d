#!/usr/bin/env bash
# Kiểm tra một cơ sở dữ liệu đã phục hồi có cùng số dòng và mã kiểm tra với cơ sở dữ liệu gốc.
#
#   ops/verify_restore.sh SOURCE_DATABASE_URL RESTORED_DATABASE_URL
# Exit 0 when every table has the same row count and checksum; 1 (with the differing tables) otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source_url="${1:?cần DATABASE_URL gốc}"
target_url="${2:?cần DATABASE_URL đã phục hồi}"
py="${VENV_PY:-.venv/bin/python}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
DATABASE_URL="$source_url" TESTING=1 "$py" manage.py data_checksums >"$tmp/source.json"
DATABASE_URL="$target_url" TESTING=1 "$py" manage.py data_checksums >"$tmp/target.json"
"$py" - "$tmp/source.json" "$tmp/target.json" <<'PY'
import json, sys
source, target = (json.load(open(p)) for p in sys.argv[1:3])
bad = [t for t in sorted(set(source["tables"]) | set(target["tables"])) if source["tables"].get(t) != target["tables"].get(t)]
rows = sum(v["rows"] for v in source["tables"].values())
if bad:
    print(f"KHÁC NHAU ở {len(bad)} bảng: " + ", ".join(bad))
    sys.exit(1)
print(f"Khớp: {len(source['tables'])} bảng, {rows} dòng, mã tổng {source['summary']}.")
PY
