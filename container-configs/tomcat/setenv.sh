# Cairn in a standalone Tomcat: $CATALINA_BASE/bin/setenv.sh, read by catalina.sh at every start.
# Tested by src/test/java/cairn/deploy/DeployIT.java, which fills in only the path of the ini.

# Heap: JGit's pack window cache ([git] window_cache_bytes, a quarter of -Xmx by default) lives in it, plus the
# delta base cache of every clone running at once. Packs are streamed, never held whole in memory.
CATALINA_OPTS="$CATALINA_OPTS -Xms512m -Xmx2g"
# G1 with short pauses; die at once on OutOfMemoryError so systemd restarts a healthy JVM.
CATALINA_OPTS="$CATALINA_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=200 -XX:+ExitOnOutOfMemoryError"
# Java 17-19 only (Java 21+ is better still: virtual threads, and no code sweeper at all): keep compiled code instead
# of flushing "cold" methods and compiling them again and again; a push cost ~90 ms of CPU with flushing, ~30 without.
cairn_java=java
[ -n "$JRE_HOME" ] && cairn_java=$JRE_HOME/bin/java
[ -n "$JAVA_HOME" ] && cairn_java=$JAVA_HOME/bin/java
case "$("$cairn_java" -version 2>&1 | awk -F'"' 'NR == 1 { print $2 }')" in
  17.*|18.*|19.*) CATALINA_OPTS="$CATALINA_OPTS -XX:-UseCodeCacheFlushing" ;;
esac
unset cairn_java
# Where Cairn's ini is (wins over the cairn.config <Parameter> of context.xml and over $CAIRN_CONFIG).
CATALINA_OPTS="$CATALINA_OPTS -Dcairn.config=/etc/cairn/cairn.ini"
# The MySQL driver sits in Tomcat's lib/ (context.xml); its cleanup thread would outlive redeploys.
CATALINA_OPTS="$CATALINA_OPTS -Dcom.mysql.cj.disableAbandonedConnectionCleanup=true"
CATALINA_OPTS="$CATALINA_OPTS -Dfile.encoding=UTF-8 -Djava.awt.headless=true"
export CATALINA_OPTS
