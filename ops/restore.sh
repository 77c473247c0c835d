#!/usr/bin/env bash
# Phục hồi một bản sao lưu của ops/backup.sh vào một cơ sở dữ liệu (trống hoặc sẽ bị ghi đè).
#
#   BACKUP_PASSPHRASE=... ops/restore.sh BACKUP_FILE TARGET_DATABASE_URL
set -euo pipefail
file="${1:?cần tệp sao lưu (need a backup file)}"
url="${2:?cần DATABASE_URL đích (need the target database URL)}"
: "${BACKUP_PASSPHRASE:?cần biến BACKUP_PASSPHRASE (the backup passphrase)}"
openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -pass env:BACKUP_PASSPHRASE -in "$file" \
    | pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname="$url"
echo "Đã phục hồi $file vào cơ sở dữ liệu đích."
