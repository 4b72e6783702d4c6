package io.ctxbridge;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The doctor: reads finished spans and names each broken context hand-off, with the span pair, the
 * evidence and a one-line fix (the engine is ctxbridge's core).
 *
 * <p>In a JUnit 5 test, over the SDK's {@code InMemorySpanExporter}:
 *
 * <pre>{@code
 * handleOrder();
 * Doctor.assertUnbroken(exporter.getFinishedSpanItems()); // fails with each break explained
 * }</pre>
 *
 * <p>Options are the command line's judging flags ({@code "--late-after", "5m"}, {@code
 * "--baggage-key", "tenant.id"}, {@code "--expect-root", "nightly"}, ...), parsed by the core. From
 * the command line: {@code java -cp ctxbridge.jar io.ctxbridge.Doctor --help}.
 */
public final class Doctor {
  private Doctor() {}

  /** How many packed fields the library writes per finding (its {@code doctor.rs}). */
  private static final int FIELDS_PER_FINDING = 11;

  /** A span of a finding. */
  public record SpanRef(String traceId, String spanId, String name, String service) {}

  /**
   * One break: its shape ({@code orphan}, {@code broken-handoff}, {@code stale-parent}, {@code
   * late-work}, {@code lost-baggage}), the span where it shows, the other span of the pair (or
   * null), what was seen and what to change.
   */
  public record Finding(
      String shape, SpanRef span, SpanRef related, List<String> evidence, String fix) {}

  /** Every finding, and the report: the broken traces' waterfalls with each break marked. */
  public record Diagnosis(List<Finding> findings, String report) {}

  /** Diagnoses finished spans under the given judging options. */
  public static Diagnosis diagnose(Collection<? extends SpanData> spans, String... options) {
    Args.noNulls(Args.notNull(spans, "Doctor.diagnose", "spans"), "Doctor.diagnose", "spans");
    return diagnose(OtlpJson.of(spans), options);
  }

  /**
   * Diagnoses JSON text in any format the doctor reads (OTLP JSON, Jaeger's query API, Python
   * console spans). Throws {@code IllegalArgumentException} naming what it cannot read.
   */
  public static Diagnosis diagnose(String json, String... options) {
    Args.notNull(json, "Doctor.diagnose", "json");
    Args.noNulls(Args.notNull(options, "Doctor.diagnose", "options"), "Doctor.diagnose", "options");
    List<String> input = new ArrayList<>(options.length + 1);
    input.add(json);
    input.addAll(Arrays.asList(options));
    byte[] packed = Fields.pack(input);
    String[] out = Fields.unpack(Native.doctorDiagnose(packed, packed.length));
    List<Finding> findings = new ArrayList<>();
    for (int at = 1; at + FIELDS_PER_FINDING <= out.length; at += FIELDS_PER_FINDING) {
      SpanRef span = new SpanRef(out[at + 1], out[at + 2], out[at + 3], out[at + 4]);
      SpanRef related =
          out[at + 6] == null
              ? null
              : new SpanRef(out[at + 5], out[at + 6], out[at + 7], out[at + 8]);
      findings.add(
          new Finding(out[at], span, related, List.of(out[at + 10].split("\n")), out[at + 9]));
    }
    return new Diagnosis(List.copyOf(findings), out[0]);
  }

  /** Fails with an {@link AssertionError} carrying the report when the spans show a break. */
  public static void assertUnbroken(Collection<? extends SpanData> spans, String... options) {
    Diagnosis diagnosis = diagnose(spans, options);
    if (!diagnosis.findings().isEmpty()) {
      throw new AssertionError("ctxbridge doctor:\n" + diagnosis.report());
    }
  }

  /** {@code ctxbridge-doctor}'s command line; exits with its status. */
  public static void main(String[] args) {
    System.out.flush();
    byte[] packed = Fields.pack(Arrays.asList(args));
    int status = Native.doctorMain(packed, packed.length);
    System.exit(status);
  }
}
