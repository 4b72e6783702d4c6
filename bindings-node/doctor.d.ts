// Types of 'ctxbridge/doctor': the doctor over finished spans (see lib/doctor.js).

/** A span of a finding. */
export interface DoctorSpan {
  trace_id: string;
  span_id: string;
  parent_id: string | null;
  name: string;
  service: string;
  kind: 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** The span's status was ERROR. */
  error: boolean;
}

/** One broken hand-off, the span pair involved, what was seen, and what to change. */
export interface Finding {
  shape: 'orphan' | 'broken-handoff' | 'stale-parent' | 'late-work' | 'lost-baggage';
  title: string;
  span: DoctorSpan;
  related: DoctorSpan | null;
  evidence: string[];
  fix: string;
  language: string;
}

export interface DoctorOptions {
  /** A child starting this long (ms) after its parent ended is late work (default 60 000). */
  lateAfter?: number;
  /** ... on the same thread, a stale parent (default 1 000). */
  staleAfter?: number;
  /** Attributes a baggage span processor copied from baggage (baggage.* always count). */
  baggageKeys?: string[];
  /** Span names that start traces by design. */
  expectedRoots?: string[];
  /** Also report server/consumer spans whose remote parent is absent. */
  entryOrphans?: boolean;
  /** The report shows every trace, not only broken ones. */
  allTraces?: boolean;
}

/** What `diagnose` accepts: an InMemorySpanExporter, finished spans, or JSON text. */
export type Spans = { getFinishedSpans(): unknown[] } | unknown[] | string;

export declare function diagnose(spans: Spans, options?: DoctorOptions): { findings: Finding[]; report: string };
/** Throws an AssertionError with the doctor's report when the spans show a break. */
export declare function assertUnbroken(spans: Spans, options?: DoctorOptions): void;
/** The command line (`npx ctxbridge-doctor --help`); returns its exit status. */
export declare function main(argv?: string[]): number;
