#!/usr/bin/env bash
# Cairn in a real WildFly, with MariaDB through a WildFly datasource, everything private and on 127.0.0.1:
# unpacks org.wildfly:wildfly-dist from Maven Central, runs cairn.cli (driver module, datasource, cairn.config),
# deploys the WAR as ROOT.war, then clones, pushes and clones again with the git CLI and checks the push in MariaDB.
# The samples are used as they are; only paths, the database port and password are filled in (each must occur).
#
# Usage (from anywhere, after `mvn package`):  container-configs/wildfly/test.sh [WAR]
# Environment: DESCRIPTOR=1 tests jboss-deployment-structure.xml (in a copy of the WAR) instead of cairn.cli's
# global module; WILDFLY_VERSION (default 37.0.1.Final), M2_REPO (default ~/.m2/repository), KEEP=1 keeps the work
# folder.
# Needs: a JDK 17+, mvn, git, python3, unzip, mariadb-server (mariadbd, mariadb-install-db, mariadb client).
# Not part of `mvn verify` (the distribution is 250 MB and WildFly adds about half a minute): run it by hand or in a
# separate CI job.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PROJECT=$(cd "$HERE/../.." && pwd)
WAR=$(readlink -f "${1:-$PROJECT/target/cairn.war}")
WILDFLY_VERSION=${WILDFLY_VERSION:-37.0.1.Final}
ADMIN_PASSWORD=Adm1n-WildFly-Secret
DB_PASSWORD=cairn-wf-db-Secret-9
T0=$(date +%s)

log() { printf '[%4ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }
fail() { log "FAIL: $*"; exit 1; }
[ -f "$WAR" ] || fail "no WAR at $WAR (mvn package first)"
for c in git python3 unzip zip curl mvn mariadbd mariadb-install-db mariadb; do
  command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || fail "$c is not installed"
done
PATH=$PATH:/usr/sbin

WORK=$(mktemp -d /tmp/cairn-wildfly.XXXXXX)
WF_PID= DB_PID=
stop_pid() { # SIGTERM, up to 30 s, then SIGKILL
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  if [ -n "$WF_PID" ]; then # standalone.sh runs the JVM as its child
    for j in $(pgrep -P "$WF_PID" || true); do stop_pid "$j"; done
    stop_pid "$WF_PID"
  fi
  [ -n "$DB_PID" ] && stop_pid "$DB_PID"
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# fill FILE KEY VALUE [KEY VALUE...]: replaces each KEY, which must occur (the samples cannot drift from this test)
fill() {
  python3 - "$@" <<'PY'
import sys
path, pairs = sys.argv[1], sys.argv[2:]
s = open(path).read()
for k, v in zip(pairs[::2], pairs[1::2]):
    if k not in s:
        sys.exit(f"{path} no longer contains {k!r}")
    s = s.replace(k, v)
open(path, "w").write(s)
PY
}
await() { # await SECONDS WHAT COMMAND...
  local deadline=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}

# 1. WildFly from Maven Central
log "WildFly $WILDFLY_VERSION: resolving org.wildfly:wildfly-dist:$WILDFLY_VERSION:zip"
mvn -B -q -Dstyle.color=never dependency:get -Dartifact="org.wildfly:wildfly-dist:$WILDFLY_VERSION:zip" -Dtransitive=false
M2=${M2_REPO:-$HOME/.m2/repository}
ZIP="$M2/org/wildfly/wildfly-dist/$WILDFLY_VERSION/wildfly-dist-$WILDFLY_VERSION.zip"
[ -f "$ZIP" ] || fail "no $ZIP"
unzip -q "$ZIP" -d "$WORK"
JBOSS_HOME="$WORK/wildfly-$WILDFLY_VERSION"
log "unpacked $(du -sh "$ZIP" | cut -f1) zip into $JBOSS_HOME"

# 2. a private MariaDB (docs/deploy.md section 1)
DB_PORT=$(free_port)
mkdir -p "$WORK/db"
user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(--user=root)
mariadb-install-db --no-defaults --datadir="$WORK/db/data" --auth-root-authentication-method=normal \
  --skip-test-db --skip-name-resolve "${user_opt[@]}" >"$WORK/db/install.log" 2>&1 || { cat "$WORK/db/install.log"; fail "mariadb-install-db"; }
mariadbd --no-defaults --datadir="$WORK/db/data" --socket="$WORK/db/s" --port="$DB_PORT" --bind-address=127.0.0.1 \
  --skip-name-resolve --pid-file="$WORK/db/pid" --log-error="$WORK/db/error.log" --tmpdir="$WORK/db" \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=32M \
  --skip-log-bin "${user_opt[@]}" >"$WORK/db/out.log" 2>&1 &
DB_PID=$!
sql() { mariadb --no-defaults --socket="$WORK/db/s" -uroot "$@"; }
await 60 "MariaDB" sql -e 'SELECT 1'
sql <<SQL
CREATE DATABASE cairn CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'cairn'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON cairn.* TO 'cairn'@'127.0.0.1';
SQL
log "MariaDB $(sql -N -e 'SELECT VERSION()') on 127.0.0.1:$DB_PORT"

# 3. Cairn's ini and data, the driver, the CLI script (docs/deploy.md, WildFly section)
mkdir -p "$WORK/cairn/data/repos/team" "$WORK/cairn/lib"
git init -q --bare "$WORK/cairn/data/repos/team/app.git"
cp "$HERE/cairn.ini" "$WORK/cairn/cairn.ini"
fill "$WORK/cairn/cairn.ini" /var/lib/cairn "$WORK/cairn/data"
unzip -q -j "$WAR" 'WEB-INF/lib/mysql-connector-j-*.jar' -d "$WORK/cairn/lib"
mv "$WORK/cairn/lib"/mysql-connector-j-*.jar "$WORK/cairn/lib/mysql-connector-j.jar"
cp "$HERE/cairn.cli" "$WORK/cairn/cairn.cli"
fill "$WORK/cairn/cairn.cli" /opt/cairn/mysql-connector-j.jar "$WORK/cairn/lib/mysql-connector-j.jar" \
  127.0.0.1:3306 "127.0.0.1:$DB_PORT" change-me-db-password "$DB_PASSWORD" /etc/cairn/cairn.ini "$WORK/cairn/cairn.ini"
export JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac || command -v java)")")")}
if [ "${DESCRIPTOR:-0}" = 1 ]; then # the per-deployment variant: the descriptor in the WAR, no global module
  fill "$WORK/cairn/cairn.cli" '/subsystem=ee:list-add(name=global-modules, value={name=jdk.unsupported})' ''
  mkdir -p "$WORK/war/WEB-INF" && cp "$HERE/jboss-deployment-structure.xml" "$WORK/war/WEB-INF/"
  cp "$WAR" "$WORK/cairn.war" && (cd "$WORK/war" && zip -q "$WORK/cairn.war" WEB-INF/jboss-deployment-structure.xml)
  WAR="$WORK/cairn.war"
  log "DESCRIPTOR=1: WEB-INF/jboss-deployment-structure.xml added to a copy of the WAR, no global module"
fi
"$JBOSS_HOME/bin/jboss-cli.sh" --file="$WORK/cairn/cairn.cli" >"$WORK/cli.log" 2>&1 || { cat "$WORK/cli.log"; fail "cairn.cli"; }
log "cairn.cli applied (driver module, datasource java:jboss/datasources/cairn, cairn.config)"

# 4. start WildFly on free loopback ports, deploy the WAR as ROOT.war
HTTP=$(free_port) HTTPS=$(free_port) MGMT=$(free_port) MGMTS=$(free_port)
START=$(date +%s)
CAIRN_ADMIN_PASSWORD=$ADMIN_PASSWORD "$JBOSS_HOME/bin/standalone.sh" -b 127.0.0.1 -bmanagement 127.0.0.1 \
  -Djboss.http.port="$HTTP" -Djboss.https.port="$HTTPS" -Djboss.management.http.port="$MGMT" \
  -Djboss.management.https.port="$MGMTS" >"$WORK/wildfly.out" 2>&1 &
WF_PID=$!
cp "$WAR" "$JBOSS_HOME/standalone/deployments/ROOT.war"
deployed() {
  [ -f "$JBOSS_HOME/standalone/deployments/ROOT.war.failed" ] && { cat "$JBOSS_HOME/standalone/deployments/ROOT.war.failed"; tail -50 "$WORK/wildfly.out"; fail "ROOT.war failed to deploy"; }
  kill -0 "$WF_PID" 2>/dev/null || { tail -50 "$WORK/wildfly.out"; fail "WildFly exited"; }
  [ -f "$JBOSS_HOME/standalone/deployments/ROOT.war.deployed" ]
}
deadline=$(( $(date +%s) + 240 ))
until deployed; do [ "$(date +%s)" -lt "$deadline" ] || { tail -50 "$WORK/wildfly.out"; fail "no deployment in 240 s"; }; sleep 0.5; done
log "WildFly started and deployed ROOT.war in $(( $(date +%s) - START )) s: $(grep -o 'WFLYSRV0025: .*' "$WORK/wildfly.out" | head -1)"
grep -E 'Cairn cannot start' "$WORK/wildfly.out" && fail "Cairn did not start"

# 5. checks
BASE="http://127.0.0.1:$HTTP"
code=$(curl -s -o "$WORK/home.html" -w '%{http_code}' "$BASE/")
[ "$code" = 200 ] || { tail -50 "$WORK/wildfly.out"; fail "home page answered $code"; }
grep -q 'href="/team"' "$WORK/home.html" || fail "home page does not list the group team"
log "home page: 200, lists the group team (found on disk at start)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/team/app.git/info/refs?service=git-receive-pack")" = 401 ] \
  || fail "anonymous receive-pack was not refused with 401"
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK/home"; mkdir -p "$HOME"
git config --global user.name "WildFly Test"; git config --global user.email wf@example.invalid
git config --global init.defaultBranch main
URL="http://admin:$ADMIN_PASSWORD@127.0.0.1:$HTTP/team/app.git"
git clone -q "$URL" "$WORK/w1" 2>&1
echo "hello from WildFly" > "$WORK/w1/README"; git -C "$WORK/w1" add README; git -C "$WORK/w1" commit -q -m first
git -C "$WORK/w1" push -q origin HEAD:refs/heads/main 2>&1
C1=$(git -C "$WORK/w1" rev-parse HEAD)
git clone -q "$URL" "$WORK/w2" 2>&1
[ "$(git -C "$WORK/w2" rev-parse HEAD)" = "$C1" ] || fail "second clone does not have the pushed commit"
git -C "$WORK/w2" fsck --no-progress >/dev/null
log "git clone, push $C1, clone again: OK (fsck OK)"
git -C "$WORK/w1" commit -q --allow-empty -m refused
if git -C "$WORK/w1" push -q "http://admin:wrong@127.0.0.1:$HTTP/team/app.git" HEAD:refs/heads/main 2>/dev/null; then
  fail "a push with a wrong password was accepted"
fi
log "push with a wrong password: refused"
row=$(sql -N -e "SELECT action, username, repository_name FROM cairn.user_logs WHERE action LIKE 'push:%'")
echo "$row" | grep -q "$C1" || fail "no push row in MariaDB: $row"
log "MariaDB (via java:jboss/datasources/cairn) journal: $row"
rss=$(ps -o rss= -p "$(pgrep -P "$WF_PID" java || echo "$WF_PID")" 2>/dev/null | tr -d ' ' || true)
log "WildFly JVM RSS: $(( ${rss:-0} / 1024 )) MiB"
grep -E 'WARN|ERROR' "$WORK/wildfly.out" | grep -v 'WFLYELY01084' | head -20 | sed 's/^/  log: /' || true
log "PASS: Cairn in WildFly $WILDFLY_VERSION with MariaDB"
