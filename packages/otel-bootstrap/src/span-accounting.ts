import type { Context } from "@opentelemetry/api";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/** What became of every span that ended: exported, waiting, dropped at a full queue, or lost in a failed export. */
export interface SpanStats {
  ended: number;
  exported: number;
  /** Dropped because the queue was full (the collector was slow or down). */
  dropped: number;
  /** Handed to the exporter but not accepted (after the exporter's own retries). */
  failed: number;
  /** Waiting in the queue now. */
  queued: number;
}

/**
 * Counts spans through a bounded batch pipeline. The SDK's BatchSpanProcessor drops spans silently when
 * its queue is full and keeps its own count private, so this pair (a processor in front of it and a
 * wrapper around its exporter) keeps the exact count: queue length = spans forwarded - spans handed to
 * the exporter; a span that would not fit is counted and not forwarded.
 */
export class SpanAccounting {
  readonly stats: SpanStats = { ended: 0, exported: 0, dropped: 0, failed: 0, queued: 0 };
  private forwarded = 0;
  private handedToExporter = 0;

  constructor(private readonly maxQueueSize: number) {}

  /** Wraps the exporter the batch processor sends to. */
  exporter(inner: SpanExporter): SpanExporter {
    return {
      export: (spans: ReadableSpan[], done: (result: ExportResult) => void) => {
        this.handedToExporter += spans.length;
        this.stats.queued = this.forwarded - this.handedToExporter;
        inner.export(spans, (result) => {
          if (result.code === ExportResultCode.SUCCESS) this.stats.exported += spans.length;
          else this.stats.failed += spans.length;
          done(result);
        });
      },
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    };
  }

  /** Wraps the batch processor. */
  processor(inner: SpanProcessor): SpanProcessor {
    return {
      onStart: (span: Span, context: Context) => inner.onStart(span, context),
      onEnd: (span: ReadableSpan) => {
        if ((span.spanContext().traceFlags & 1) === 0) return;
        this.stats.ended++;
        if (this.forwarded - this.handedToExporter >= this.maxQueueSize) {
          this.stats.dropped++;
          return;
        }
        this.forwarded++;
        this.stats.queued = this.forwarded - this.handedToExporter;
        inner.onEnd(span);
      },
      forceFlush: () => inner.forceFlush(),
      shutdown: () => inner.shutdown(),
    };
  }
}
