#!/bin/sh
# Records JavaPatterns.java's runs under the OpenTelemetry Java agent (its OTLP JSON
# logging exporter) into tests/doctor/recorded/java-<pattern>.json.
#   tests/doctor/record/java_patterns.sh AGENT_JAR API_CLASSPATH
set -eu
agent=$1
classpath=$2
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../recorded"
mkdir -p "$out"
for pattern in work-queue leaked-scope late-consumer lost-baggage orphan correct; do
  java -javaagent:"$agent" -Dotel.javaagent.enabled=true \
    -Dotel.service.name=order-service \
    -Dotel.traces.exporter=logging-otlp -Dotel.metrics.exporter=none -Dotel.logs.exporter=none \
    -Dotel.bsp.schedule.delay=10 \
    -cp "$classpath" "$here/JavaPatterns.java" "$pattern" 2>&1 \
    | sed -n 's/^.*OtlpJsonLoggingSpanExporter - //p' > "$out/java-$pattern.json" || true
  test -s "$out/java-$pattern.json" || { echo "no spans recorded for $pattern" >&2; exit 1; }
  echo "recorded $pattern" >&2
done
