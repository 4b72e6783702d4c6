package io.ctxbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Wrong-thread, out-of-order and double close: counted always, logged once per call site in warn
 * mode (through java.util.logging, naming the caller), thrown in strict mode, and in every mode the
 * rule still takes effect.
 */
class ScopeMisuseTest {
  private static final ContextKey<String> LABEL = ContextKey.named("label");

  @BeforeEach
  void setUp() {
    TestSupport.reset();
  }

  private static Scope attach(String label) {
    return Context.root().with(LABEL, label).makeCurrent();
  }

  private static String label() {
    return Context.current().get(LABEL);
  }

  /** Closes {@code scope} on a new thread; returns what that close threw, if anything. */
  private static RuntimeException closeOnAnotherThread(Scope scope) throws InterruptedException {
    AtomicReference<RuntimeException> thrown = new AtomicReference<>();
    Thread other =
        new Thread(
            () -> {
              try {
                scope.close();
              } catch (RuntimeException e) {
                thrown.set(e);
              }
            });
    other.start();
    other.join();
    return thrown.get();
  }

  @Test
  void aMisuseInsideAnInstrumentationIsReportedThereNotAtItsCaller() throws Exception {
    try (TestSupport.LogCapture log = new TestSupport.LogCapture()) {
      io.opentelemetry.javaagent.instrumentation.fake.LeakyInstrumentation.handle();
      assertNull(label());
      List<String> warnings = log.messages();
      assertEquals(1, warnings.size(), String.valueOf(warnings));
      assertTrue(warnings.get(0).startsWith("ctxbridge out_of_order:"), warnings.get(0));
      assertTrue(
          warnings
              .get(0)
              .contains(
                  "(at io.opentelemetry.javaagent.instrumentation.fake.LeakyInstrumentation.handle("),
          warnings.get(0));
    }
  }

  @Test
  void warnModeLogsEachMisuseOncePerCallSite() throws Exception {
    try (TestSupport.LogCapture log = new TestSupport.LogCapture()) {
      for (int i = 0; i < 3; i++) {
        Scope a = attach("A");
        Scope b = attach("B");
        a.close(); // out of order: what was current before A is back, B ends with A
        assertNull(label());
        b.close(); // already ended: nothing changes, nothing is counted or logged
        assertNull(label());
        a.close(); // double close
        Scope c = attach("C");
        assertNull(closeOnAnotherThread(c)); // wrong thread: nothing changes
        assertEquals("C", label());
        c.close();
        assertNull(label());
      }
      Stats stats = Diagnostics.stats();
      assertEquals(3, stats.outOfOrder());
      assertEquals(3, stats.doubleDetach());
      assertEquals(3, stats.wrongScope());
      assertEquals(3, stats.leaked());
      assertEquals(stats.attached(), stats.detached() + stats.leaked());

      List<String> warnings = log.messages();
      assertEquals(3, warnings.size(), "one per misuse and site: " + warnings);
      assertTrue(warnings.get(0).startsWith("ctxbridge out_of_order:"), warnings.get(0));
      assertTrue(warnings.get(1).startsWith("ctxbridge double_detach:"), warnings.get(1));
      assertTrue(warnings.get(2).startsWith("ctxbridge wrong_scope:"), warnings.get(2));
      for (String warning : warnings) {
        assertTrue(warning.contains("(at io.ctxbridge.ScopeMisuseTest."), warning);
      }
    }
  }

  @Test
  void strictModeThrowsAtEachMisuseAfterTheRuleTookEffect() throws Exception {
    Diagnostics.setMode(Mode.STRICT);
    Scope a = attach("A");
    Scope b = attach("B");
    MisuseException outOfOrder = assertThrows(MisuseException.class, a::close);
    assertEquals(Misuse.OUT_OF_ORDER, outOfOrder.misuse());
    assertNull(label(), "what was current before A is current again");
    b.close(); // ended with A: no exception, nothing changes
    assertNull(label());

    MisuseException twice = assertThrows(MisuseException.class, () -> a.close());
    assertEquals(Misuse.DOUBLE_DETACH, twice.misuse());
    assertTrue(twice.getMessage().contains("ScopeMisuseTest"), twice.getMessage());
    // It travels: Java serialization keeps its kind and message.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(twice);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      MisuseException back = (MisuseException) in.readObject();
      assertEquals(Misuse.DOUBLE_DETACH, back.misuse());
      assertEquals(twice.getMessage(), back.getMessage());
    }

    Scope c = attach("C");
    RuntimeException elsewhere = closeOnAnotherThread(c);
    assertTrue(elsewhere instanceof MisuseException, String.valueOf(elsewhere));
    assertEquals(Misuse.WRONG_SCOPE, ((MisuseException) elsewhere).misuse());
    assertEquals("C", label());
    c.close();
    assertNull(label());

    Stats stats = Diagnostics.stats();
    assertEquals(1, stats.outOfOrder());
    assertEquals(1, stats.doubleDetach());
    assertEquals(1, stats.wrongScope());
  }

  @Test
  void offModeOnlyCounts() throws Exception {
    Diagnostics.setMode(Mode.OFF);
    try (TestSupport.LogCapture log = new TestSupport.LogCapture()) {
      Scope a = attach("A");
      a.close();
      a.close();
      assertEquals(1, Diagnostics.stats().doubleDetach());
      assertEquals(List.of(), log.messages());
    }
  }

  @Test
  void theModeIsReadable() {
    for (Mode mode : Mode.values()) {
      Diagnostics.setMode(mode);
      assertSame(mode, Diagnostics.mode());
    }
  }

  @Test
  void attachingNullIsANoop() {
    Scope scope = CtxbridgeContextStorage.get().attach(null);
    scope.close();
    assertEquals(0, Diagnostics.stats().attached());
  }
}
