#!/usr/bin/env bash
# The container image's base, made on this machine because no registry of base images is reachable
# from it: a Java 25 runtime (jlink, from the JDK the build uses) and the C library it needs, taken
# from this Debian system, in one layer of a `docker save` tarball that Jib reads as `tar://`.
# Writes target/image/base-image.tar.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out=target/image
root="$out/rootfs"
rm -rf "$out"
mkdir -p "$root"/{opt,etc,tmp,proc,dev,lib64,usr/lib/x86_64-linux-gnu,lib/x86_64-linux-gnu}
chmod 1777 "$root/tmp"

# What Spring Boot, Tomcat, the JDBC driver, JavaMail and the JDK's HTTP client use.
"$JAVA_HOME/bin/jlink" --output "$root/opt/java" --strip-debug --no-header-files --no-man-pages \
  --add-modules java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,java.compiler,jdk.crypto.cryptoki,jdk.httpserver,jdk.jfr,jdk.management,jdk.management.jfr,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

# The shared libraries the runtime links to, resolved by this system's loader, at the same paths.
# (The runtime's own libraries resolve inside it, through $ORIGIN.)
find "$root/opt/java" -name '*.so' -o -path '*/bin/*' -type f | while read -r f; do
  ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/lib64/{print $1}'
done | grep -v "^$PWD/" | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
# Name resolution (glibc has files and dns built in since 2.34) and a user to run as.
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
printf 'root:x:0:0:root:/root:/sbin/nologin\nheadroom:x:65532:65532:Headroom:/tmp:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nheadroom:x:65532:\n' > "$root/etc/group"

# One layer, with fixed owners and times so the same inputs give the same digest.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00Z' \
  -C "$root" -cf "$out/layer.tar" .
diff_id="sha256:$(sha256sum "$out/layer.tar" | cut -d' ' -f1)"
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"65532"},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"2026-01-01T00:00:00Z","created_by":"image/base-image.sh: jlink runtime and glibc"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["headroom-base:java25"],"Layers":["layer.tar"]}]\n' \
  > "$out/manifest.json"
tar -C "$out" -cf "$out/base-image.tar" manifest.json config.json layer.tar
rm -rf "$root" "$out/layer.tar"
echo "$out/base-image.tar ($(du -h "$out/base-image.tar" | cut -f1))"
