package io.ctxbridge;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The SDK's finished spans as one OTLP JSON document (one resource entry per span), the form the
 * doctor reads. A conversion of fields: no rule is applied here.
 */
final class OtlpJson {
  private OtlpJson() {}

  static String of(Collection<? extends SpanData> spans) {
    StringBuilder out = new StringBuilder(256 * spans.size() + 32).append("{\"resourceSpans\":[");
    boolean first = true;
    for (SpanData span : spans) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"resource\":{\"attributes\":");
      attributes(out, span.getResource().getAttributes());
      out.append("},\"scopeSpans\":[{\"spans\":[{\"traceId\":");
      string(out, span.getTraceId());
      out.append(",\"spanId\":");
      string(out, span.getSpanId());
      out.append(",\"parentSpanId\":");
      string(out, span.getParentSpanContext().isValid() ? span.getParentSpanId() : "");
      out.append(",\"name\":");
      string(out, span.getName());
      out.append(",\"kind\":").append(kind(span.getKind()));
      out.append(",\"startTimeUnixNano\":\"").append(span.getStartEpochNanos());
      out.append("\",\"endTimeUnixNano\":\"").append(span.getEndEpochNanos());
      out.append("\",\"attributes\":");
      attributes(out, span.getAttributes());
      out.append(",\"links\":[");
      List<LinkData> links = span.getLinks();
      for (int i = 0; i < links.size(); i++) {
        out.append(i == 0 ? "{\"traceId\":" : ",{\"traceId\":");
        string(out, links.get(i).getSpanContext().getTraceId());
        out.append(",\"spanId\":");
        string(out, links.get(i).getSpanContext().getSpanId());
        out.append('}');
      }
      out.append("],\"status\":{\"code\":")
          .append(span.getStatus().getStatusCode() == StatusCode.ERROR ? 2 : 0)
          .append("}}]}]}");
    }
    return out.append("]}").toString();
  }

  /** OTLP's SpanKind numbers (UNSPECIFIED is 0). */
  private static int kind(SpanKind kind) {
    return switch (kind) {
      case INTERNAL -> 1;
      case SERVER -> 2;
      case CLIENT -> 3;
      case PRODUCER -> 4;
      case CONSUMER -> 5;
    };
  }

  /** Attributes as a KeyValue list, every value as a stringValue (the doctor reads text). */
  private static void attributes(StringBuilder out, Attributes attributes) {
    out.append('[');
    boolean first = true;
    for (Map.Entry<AttributeKey<?>, Object> entry : attributes.asMap().entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      out.append("{\"key\":");
      string(out, entry.getKey().getKey());
      out.append(",\"value\":{\"stringValue\":");
      string(out, String.valueOf(entry.getValue()));
      out.append("}}");
    }
    out.append(']');
  }

  /** A JSON string. */
  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
