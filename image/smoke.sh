#!/usr/bin/env bash
# Runs the built image without a container engine (root only: chroot and a /proc mount): unpacks
# target/image/headroom-image.tar, starts a throwaway PostgreSQL on this machine, runs the image's
# entrypoint as its user (65532) against it, and checks that Headroom answers health and creates
# an org. Run image/build.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work=$(mktemp -d)
root="$work/rootfs"
cleanup() {
  pkill -f "$work/Pg.java" 2>/dev/null || true
  [ -n "${app:-}" ] && kill "$app" 2>/dev/null || true
  sleep 1
  umount "$root/proc" 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$root" "$work/layers"
tar -xf target/image/headroom-image.tar -C "$work/layers"
for layer in $(sed 's/.*"Layers":\[\(.*\)\]}\]/\1/' "$work/layers/manifest.json" | tr -d '"' | tr ',' ' '); do
  tar --warning=no-unknown-keyword -xzf "$work/layers/$layer" -C "$root"
done
mount -t proc proc "$root/proc"
mknod -m 666 "$root/dev/null" c 1 3
mknod -m 666 "$root/dev/urandom" c 1 9

# A PostgreSQL outside the image, as a deployment would have.
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test > /dev/null
cat > "$work/Pg.java" <<'JAVA'
public class Pg {
    public static void main(String[] a) throws Exception {
        var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().setPort(15432).start();
        System.out.println("up");
        Thread.sleep(600_000);
    }
}
JAVA
"$JAVA_HOME/bin/java" -cp "$(cat "$work/cp.txt")" "$work/Pg.java" > "$work/pg.log" 2>&1 &
for _ in $(seq 1 60); do grep -q '^up' "$work/pg.log" && break; sleep 1; done

env -i PORT=18080 HEADROOM_OPERATOR_KEY=smoke-operator HEADROOM_DEMO=false \
  SPRING_DATASOURCE_URL=jdbc:postgresql://localhost:15432/postgres \
  SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=postgres \
  HEADROOM_SECRET_KEY=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
  "$(command -v chroot)" --userspec=65532:65532 "$root" /opt/java/bin/java -XX:MaxRAMPercentage=75 \
  -cp @/app/jib-classpath-file dev.headroom.HeadroomApplication > "$work/app.log" 2>&1 &
app=$!
for _ in $(seq 1 90); do
  curl -fs -m 2 localhost:18080/actuator/health > /dev/null && break
  sleep 1
done
curl -fs localhost:18080/actuator/health
echo
curl -fs -X POST localhost:18080/api/v1/orgs -H 'Authorization: Bearer smoke-operator' \
  -H 'Content-Type: application/json' -d '{"name":"Image smoke","plan":"TEAM"}'
echo
echo "The image runs: health UP and an org created, as user 65532, on an external PostgreSQL."
