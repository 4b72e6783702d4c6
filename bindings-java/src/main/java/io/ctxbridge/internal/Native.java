package io.ctxbridge.internal;

/**
 * The JNI library ({@code bindings-java/native}). Arguments are {@code long} ids, primitives and
 * {@code byte[]}; several strings come back packed in one array (see {@link Fields}). {@code
 * Context} objects never cross: Java keeps them beside the frame ids.
 *
 * <p>Internal: the public API is in {@code io.ctxbridge}.
 */
public final class Native {
  static {
    NativeLibrary.load();
  }

  // What {@link #detach} returns: the core's own numbers (bridge::codes::DetachCode), read
  // once from the library rather than copied, in DetachCode::ALL order.
  private static final long[] DETACH_CODES = detachCodes();

  /** {@link #detach}: the latest live attach was detached; its parent is current again. */
  public static final long IN_ORDER = DETACH_CODES[0];

  /**
   * {@link #detach}: the frame had already ended with an earlier frame or its task, and was counted
   * then; nothing changed.
   */
  public static final long ALREADY_ENDED = DETACH_CODES[1];

  /**
   * {@link #detach}: the frame was not the latest live attach. It took effect: its parent is
   * current again and the live frames above it ended (counted as leaked).
   */
  public static final long OUT_OF_ORDER = DETACH_CODES[2];

  /** {@link #detach}: the frame was already detached. */
  public static final long DOUBLE_DETACH = DETACH_CODES[3];

  /** {@link #detach}: the frame belongs to another thread. */
  public static final long WRONG_SCOPE = DETACH_CODES[4];

  /** {@link #detach}: the library failed (a caught Rust panic); nothing changed. */
  public static final long FAILED = DETACH_CODES[5];

  private Native() {}

  // Scopes: one native stack per Java thread, owned by that thread's ThreadLocal entry.

  /**
   * The core's id of a code ({@code kind} 0: a misuse code, 1: a mode code), empty for none: tests
   * check {@code Misuse} and {@code Mode} against the core's tables with it.
   */
  public static native byte[] codeId(int kind, int code);

  // The core's verdicts on a tracestate (bridge::trace::TracestateVerdict), read from the
  // library: checkTrace packs one in bits 8-9.
  private static final int[] VERDICTS = tracestateVerdicts();

  /** {@link #checkTrace}'s verdict: absent, empty or invalid; no tracestate. */
  public static final int TRACESTATE_ABSENT = VERDICTS[0];

  /** {@link #checkTrace}'s verdict: one header already canonical; keep it as it came. */
  public static final int TRACESTATE_CANONICAL = VERDICTS[1];

  /** {@link #checkTrace}'s verdict: valid but not canonical; keep {@link #canonicalTracestate}. */
  public static final int TRACESTATE_REWRITE = VERDICTS[2];

  private static native int[] tracestateVerdicts();

  /** The core's detach codes, in its {@code DetachCode::ALL} order. */
  private static native long[] detachCodes();

  /** A new, empty stack for the calling thread; free it with {@link #freeScope}. */
  /**
   * The doctor over packed fields (the spans' OTLP JSON, then the options as command-line flags):
   * packed fields of the report and each finding (see the library's {@code doctor.rs}).
   */
  public static native byte[] doctorDiagnose(byte[] packed, int len);

  /** Runs {@code ctxbridge-doctor} with packed arguments; its exit status. */
  public static native int doctorMain(byte[] packed, int len);

  public static native long newScope();

  public static native void freeScope(long scope);

  /** Pushes a frame on {@code scope}'s stack and returns its id. */
  public static native long attach(long scope);

  /**
   * Detaches frame {@code id} from the calling thread's {@code scope}. The answer's low byte, as a
   * signed byte, is the code: {@link #IN_ORDER}, {@link #OUT_OF_ORDER} (both make the frame's
   * parent current), {@link #ALREADY_ENDED}, or another negative misuse code; the bits above it are
   * the depth of the frame now current (0: nothing attached).
   */
  public static native long detach(long scope, long id);

  /**
   * Notes the stack under {@code own}, the frame a task wrapper has just attached (the top);
   * returns the depth to hand to {@link #exitTask}.
   */
  public static native int enterTask(long scope, long own);

  /**
   * Restores the stack as it was before the task's own frame, which it detaches. The answer's high
   * 32 bits are how many frames the task leaked, the low 32 the depth now current; negative if the
   * library failed.
   */
  public static native long exitTask(long scope, int depth);

  /**
   * Applies the mode to a counted misuse (1 out_of_order, 2 double_detach, 3 wrong_scope, 4 leaked)
   * at {@code site}: {@code null} when nothing is to be done, else the message to log (warn) or
   * throw (strict).
   */
  public static native byte[] judge(int misuse, byte[] site, int siteLength);

  // Diagnostics.

  /** attached, detached, out_of_order, double_detach, wrong_scope, leaked. */
  public static native long[] stats();

  /**
   * The metrics the counters are published as (the core's {@code bridge::metrics}), packed: the
   * meter name, the misuse-kind attribute, then per instrument its name, unit, description, each
   * counter's id and index in {@link #stats()}, and a null.
   */
  public static native byte[] metricTable();

  public static native void resetStats();

  /** 0 off, 1 warn, 2 strict. */
  public static native int mode();

  public static native void setMode(int mode);

  /** Starts or stops recording where each attach is made (process-wide). */
  public static native void setAttachSites(boolean on);

  public static native boolean attachSites();

  /**
   * Notes {@code site} (UTF-8) as where the frame on top of {@code scope}'s stack, the one just
   * attached, was attached.
   */
  public static native void noteSite(long scope, byte[] site, int siteLength);

  /**
   * Applies a setting given as text ({@code which} 0: the mode, 1: the attach-site switch): {@code
   * null} when applied, else the core's message naming the bad value.
   */
  public static native byte[] applySetting(int which, byte[] text, int length);

  /** Whether a dropped header waits to be reported. */
  public static native boolean dropsPending();

  /** The reports of headers dropped for a rule not reported before (taken), as fields. */
  public static native byte[] takeDropReports();

  /** Each rule that counted drops and its count (decimal), as fields. */
  public static native byte[] droppedCounts();

  /** Bytes the library holds on the native heap. */
  public static native long liveBytes();

  // Codecs: header values in as bytes.

  /**
   * The flags of a valid traceparent (only sampled and random kept); an invalid one throws {@link
   * IllegalArgumentException} naming the rule.
   */
  public static native int parseTraceparent(byte[] value, int length);

  /** {@link #readLimit}: bytes of a traceparent value that decide it. */
  public static final int TRACEPARENT_READ = 0;

  /** {@link #readLimit}: bytes of combined tracestate values that decide them. */
  public static final int TRACESTATE_READ = 1;

  /** {@link #readLimit}: bytes of combined baggage values that decide them. */
  public static final int BAGGAGE_READ = 2;

  /** {@link #readLimit}: the longest tracestate header sent. */
  public static final int TRACESTATE_SENT = 3;

  /** {@link #readLimit}: the traceparent flag bits kept (the rest are zeroed). */
  public static final int KNOWN_FLAGS = 4;

  /** {@link #readLimit}: where the trace-id starts in a trimmed traceparent. */
  public static final int TRACE_ID_AT = 6;

  /** {@link #readLimit}: where the parent-id starts in a trimmed traceparent. */
  public static final int SPAN_ID_AT = 7;

  /** {@link #readLimit}: the bit of {@link #checkTrace}'s answer set while a drop waits. */
  public static final int DROP_PENDING = 8;

  /** {@link #readLimit}: the mask of {@link #checkTrace}'s start, once shifted right by 10. */
  public static final int START_MASK = 9;

  /**
   * One of the core's numbers by its code (the constants above, the core's {@code
   * bridge::limits::Limit}): how much of a header can matter (the rest cannot change the outcome,
   * so it need not be copied), the longest tracestate sent, the flags kept.
   */
  public static native int readLimit(int code);

  /**
   * A traceparent and the tracestate that came with it, in one call: -1 when the traceparent is
   * invalid, else the core's packed check, {@code flags | verdict << 8 | start << 10}: the flags
   * kept, the verdict on the tracestate (1 already canonical, 0 absent, empty or invalid, 2 valid
   * but not canonical) and where the value starts once SP and HTAB around it are trimmed (its ids
   * start at {@link #TRACE_ID_AT} and {@link #SPAN_ID_AT} from there).
   */
  public static native int checkTrace(
      byte[] traceparent, int traceparentLength, byte[] tracestate, int tracestateLength);

  /** The canonical form of a tracestate; empty when it is invalid. */
  public static native byte[] canonicalTracestate(byte[] value, int length);

  /** The header to send for a tracestate (at most 512 characters; empty when invalid). */
  public static native byte[] tracestateHeader(byte[] value, int length);

  /**
   * The header to send for packed key, value members of any {@code TraceState}, in order: members
   * W3C cannot carry are left out; at most 512 characters.
   */
  public static native byte[] tracestateHeaderOf(byte[] packed, int length);

  /**
   * The canonical tracestate of packed key, value members of any {@code TraceState}, in order, each
   * checked alone: members W3C cannot carry are left out; nothing is truncated.
   */
  public static native byte[] canonicalOfMembers(byte[] packed, int length);

  /**
   * The {@code tracestate} header of packed key, value members, each checked (the core's strict
   * build); throws {@link IllegalArgumentException} naming the rule a member breaks.
   */
  public static native byte[] encodeTracestate(byte[] packed, int length);

  /** The members of a tracestate as packed key, value fields; none when it is invalid. */
  public static native byte[] parseTracestate(byte[] value, int length);

  /**
   * Applies packed ops ({@code start, [set, key, value | delete, key]...}) and returns the
   * canonical result. A broken rule (in {@code start} too) throws, unless {@code lenient}: then the
   * op is skipped.
   */
  public static native byte[] editTracestate(byte[] packed, int length, boolean lenient);

  /** Packed key, value, metadata fields; {@code strict} throws at the first bad member. */
  public static native byte[] parseBaggage(byte[] value, int length, boolean strict);

  /**
   * Baggage members as {@code W3cCodecs} returns them: each member's key and value, then each
   * property's key and value ({@code null} for a bare key), then a {@code null} field.
   */
  public static native byte[] parseBaggageMembers(byte[] value, int length, boolean strict);

  /** The header for packed key, value, metadata fields; {@code strict} throws for bad ones. */
  public static native byte[] encodeBaggage(byte[] packed, int length, boolean strict);

  /**
   * The {@code baggage} header of members packed as {@link #parseBaggageMembers} returns them;
   * throws {@link IllegalArgumentException} naming the rule a key or property breaks.
   */
  public static native byte[] encodeBaggageMembers(byte[] packed, int length);

  /** The metadata string ({@code a=1;b}) of properties packed as key, value-or-null pairs. */
  public static native byte[] metadataOf(byte[] packed, int length);

  /**
   * The queue decision for packed name, value header fields: kind, trace id, span id, flags,
   * tracestate, then key, value, metadata per baggage member.
   */
  public static native byte[] resume(
      byte[] headers, int length, long enqueuedAtMillis, long maxAgeMillis, long nowMillis);
}
