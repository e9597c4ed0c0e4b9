package com.shop.payments;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Authorizes and settles payments; its spans are what Span Lens puts its lenses on. */
final class PaymentService {
  static final String AUTHORIZE_SPAN = "payments.authorize";
  /** Authorizations above this are declined: the failing path. */
  static final long LIMIT_CENTS = 50_000;
  /** Settlement waits this long per pending authorization, one after the other: the deliberately slow path. */
  static final long SETTLE_MILLIS_EACH = 30;

  private final Tracer tracer = GlobalOpenTelemetry.getTracer("shop-payments", "1.0.0");
  private final AtomicLong ids = new AtomicLong();
  private final Deque<String> pending = new ArrayDeque<>();

  /** A manual span around the whole authorization; the checks below are @WithSpan methods inside it. */
  String authorize(String orderId, long amountCents) {
    Span span = tracer.spanBuilder(AUTHORIZE_SPAN).setSpanKind(SpanKind.INTERNAL).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      span.setAttribute("shop.order_id", orderId);
      span.setAttribute("payments.amount_cents", amountCents);
      fraudCheck(amountCents);
      if (amountCents > LIMIT_CENTS) {
        throw new PaymentDeclinedException("amount " + amountCents + " is over the limit of " + LIMIT_CENTS);
      }
      String id = record(orderId, amountCents);
      span.setAttribute("payments.authorization_id", id);
      return id;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getMessage());
      throw e;
    } finally {
      span.end();
    }
  }

  /** The agent names this span PaymentService.fraudCheck (no value given). */
  @WithSpan
  void fraudCheck(long amountCents) {
    pause(2 + ThreadLocalRandom.current().nextInt(4) + (amountCents > 10_000 ? 3 : 0));
  }

  @WithSpan("payments.ledger")
  String record(String orderId, long amountCents) {
    pause(1);
    String id = "auth-" + ids.incrementAndGet();
    synchronized (pending) {
      pending.add(id + ":" + orderId + ":" + amountCents);
    }
    return id;
  }

  /** Settles every pending authorization one at a time, each in its own span. */
  @WithSpan(value = "payments.settle", kind = SpanKind.INTERNAL)
  int settle() {
    int settled = 0;
    for (int i = 0; i < 4; i++) {
      String next;
      synchronized (pending) {
        next = pending.poll();
      }
      Span batch = tracer.spanBuilder("payments.settle.one").startSpan();
      try (Scope ignored = batch.makeCurrent()) {
        batch.setAttribute("payments.authorization", next == null ? "none" : next);
        pause(SETTLE_MILLIS_EACH);
        settled += next == null ? 0 : 1;
      } finally {
        batch.end();
      }
    }
    return settled;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final class PaymentDeclinedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PaymentDeclinedException(String message) {
      super(message);
    }
  }
}
