#!/usr/bin/env bash
# Sao lưu cơ sở dữ liệu PostgreSQL, mã hóa bằng AES-256 (dữ liệu cá nhân nhạy cảm: bản sao lưu luôn được mã hóa).
#
#   BACKUP_PASSPHRASE=... ops/backup.sh DATABASE_URL OUTPUT_FILE
#
# pg_dump in custom format (compressed, restorable table by table), piped through openssl; the passphrase is read
# from the environment, never from the command line. Keep the passphrase apart from the backups.
set -euo pipefail
url="${1:?cần DATABASE_URL (need a database URL)}"
out="${2:?cần tên tệp đầu ra (need an output file)}"
: "${BACKUP_PASSPHRASE:?cần biến BACKUP_PASSPHRASE (the backup passphrase)}"
umask 077
pg_dump --format=custom --no-owner --no-privileges --dbname="$url" \
    | openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -salt -pass env:BACKUP_PASSPHRASE -out "$out"
echo "Đã sao lưu vào $out ($(stat -c %s "$out") byte, mã hóa AES-256)."
