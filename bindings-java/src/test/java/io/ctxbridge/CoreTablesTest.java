package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctxbridge.internal.Fields;
import io.ctxbridge.internal.Native;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The host constants Java cannot avoid (its public {@link Misuse} and {@link Mode} enums, and the
 * numbers {@link Native} reads from the library) checked against the core's own tables.
 */
class CoreTablesTest {
  @Test
  void misuseCodesAreTheCores() {
    for (Misuse misuse : Misuse.values()) {
      String id = Fields.string(Native.codeId(0, misuse.code()));
      assertEquals(misuse.name().toLowerCase(Locale.ROOT), id);
    }
    assertEquals("", Fields.string(Native.codeId(0, Misuse.values().length + 1)));
  }

  @Test
  void modeCodesAreTheCores() {
    for (Mode mode : Mode.values()) {
      assertEquals(
          mode.name().toLowerCase(Locale.ROOT), Fields.string(Native.codeId(1, mode.ordinal())));
    }
  }

  @Test
  void detachCodesAreDistinctAndOnlyInOrderAndAlreadyEndedAreNoMisuse() {
    Set<Long> codes =
        Set.of(
            Native.IN_ORDER,
            Native.ALREADY_ENDED,
            Native.OUT_OF_ORDER,
            Native.DOUBLE_DETACH,
            Native.WRONG_SCOPE,
            Native.FAILED);
    assertEquals(6, codes.size());
    assertTrue(Native.IN_ORDER >= 0 && Native.ALREADY_ENDED >= 0);
    assertTrue(Native.OUT_OF_ORDER < 0 && Native.DOUBLE_DETACH < 0 && Native.WRONG_SCOPE < 0);
  }

  @Test
  void theTraceparentJavaWritesIsTheCoresForEveryFlagByte() {
    for (int flags = 0; flags < 256; flags++) {
      var span =
          io.opentelemetry.api.trace.SpanContext.create(
              "4bf92f3577b34da6a3ce929d0e0e4736",
              "00f067aa0ba902b7",
              io.opentelemetry.api.trace.TraceFlags.fromByte((byte) flags),
              io.opentelemetry.api.trace.TraceState.getDefault());
      String written = CtxbridgePropagator.traceparent(span);
      byte[] bytes = Fields.utf8(written);
      int checked = Native.parseTraceparent(bytes, bytes.length);
      // What the core reads back is what it keeps of these flags, and it would write the same.
      assertEquals(flags & Native.readLimit(Native.KNOWN_FLAGS), checked & 0xff);
      assertEquals(
          String.format(
              "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-%02x",
              flags & Native.readLimit(Native.KNOWN_FLAGS)),
          written);
    }
  }
}
