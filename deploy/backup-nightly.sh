#!/bin/sh
# Nightly backup of dost-fieldbot, with rotation. Run by dost-fieldbot-backup.timer (or cron, see below).
#
#   FIELDBOT_HOME      the installed repository (default /opt/dost-fieldbot)
#   FIELDBOT_BACKUP_DIR where backups go (default /var/backups/dost-fieldbot); keep a copy off this machine
#   FIELDBOT_KEEP_DAYS  backups older than this many days are deleted (default 14)
#   FIELDBOT_ENV_FILE   the service's environment file, read first when it is readable (default
#                       /etc/dost-fieldbot/env): from cron too, the backup is of the production database
#
# Files written (the README says the same): fieldbot-YYYY-MM-DD_HHMM.sqlite3 (fieldbot-…_HHMM.dump on
# PostgreSQL) and media-YYYY-MM-DD_HHMM.tar.gz.
#
# The database is copied while the bot runs (`main.py backup`: SQLite's online backup API, or pg_dump);
# the photos folder (<data_dir>/media) is archived beside it. Cron instead of the timer:
#   15 2 * * *  dost-fieldbot  /opt/dost-fieldbot/deploy/backup-nightly.sh
set -eu
ENV_FILE="${FIELDBOT_ENV_FILE:-/etc/dost-fieldbot/env}"
if [ -r "$ENV_FILE" ]; then
  set -a
  . "$ENV_FILE"
  set +a
fi
HOME_DIR="${FIELDBOT_HOME:-/opt/dost-fieldbot}"
DIR="${FIELDBOT_BACKUP_DIR:-/var/backups/dost-fieldbot}"
KEEP="${FIELDBOT_KEEP_DAYS:-14}"
PYTHON="${FIELDBOT_PYTHON:-$HOME_DIR/.venv/bin/python}"
STAMP="$(date +%Y-%m-%d_%H%M)"
umask 077
mkdir -p "$DIR"
case "${DATABASE_URL:-}" in
  postgres*) OUT="$DIR/fieldbot-$STAMP.dump" ;;
  *)         OUT="$DIR/fieldbot-$STAMP.sqlite3" ;;
esac
cd "$HOME_DIR"
"$PYTHON" main.py backup --out "$OUT"
DATA="${FIELDBOT_DATA_DIR:-$HOME_DIR/data}"
if [ -d "$DATA/media" ]; then
  tar -C "$DATA" -czf "$DIR/media-$STAMP.tar.gz" media
fi
# Rotation: only our own files, only older than KEEP days.
find "$DIR" -maxdepth 1 -type f \( -name 'fieldbot-*.sqlite3' -o -name 'fieldbot-*.dump' -o -name 'media-*.tar.gz' \) \
  -mtime +"$KEEP" -delete
