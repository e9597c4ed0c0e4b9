import { shutdownTelemetry } from './instrument'; // first: instruments http and express before they load
import express from 'express';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { DISCONTINUED_SKU, serviceUrl, PORTS } from './lib/config';
import { requestJson } from './lib/httpJson';
import { serve } from './lib/serve';
import { sleep } from './lib/sleep';

const tracer = trace.getTracer('shop-orders', '1.0.0');
const app = express();
app.use(express.json());

interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
}

let nextOrderId = 1;

app.post('/orders', async (req, res) => {
  const items = ((req.body as { items?: OrderItem[] }).items ?? []).slice(0, 50);
  await tracer.startActiveSpan('orders.create', async (span) => {
    try {
      span.setAttribute('order.item_count', items.length);
      validateOrder(items);
      // One inventory call per item, one after the other.
      for (const item of items) {
        const reply = await requestJson('POST', `${serviceUrl('inventory')}/reserve`, item);
        if (reply.status !== 200) throw new Error(`inventory refused ${item.sku}: HTTP ${reply.status}`);
      }
      const orderId = `ord-${nextOrderId++}`;
      span.setAttribute('order.id', orderId);
      await publishOrderPlaced(orderId, items);
      await sendAudit(orderId, items);
      res.status(201).json({ orderId });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      span.recordException(e instanceof Error ? e : new Error(message));
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      res.status(422).json({ error: message });
    } finally {
      span.end();
    }
  });
});

function validateOrder(items: readonly OrderItem[]): void {
  tracer.startActiveSpan('orders.validate', (span) => {
    try {
      if (items.length === 0) throw new Error('an order needs at least one item');
      const discontinued = items.find((i) => i.sku === DISCONTINUED_SKU);
      if (discontinued) throw new Error(`SKU ${discontinued.sku} is discontinued`);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** Puts an "order placed" message on the queue; the trace context travels in the message headers. */
async function publishOrderPlaced(orderId: string, items: readonly OrderItem[]): Promise<void> {
  await tracer.startActiveSpan(
    'orders.publish',
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system.name': 'shop-queue', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'publish' } },
    async (span) => {
      try {
        const headers: Record<string, string> = {};
        propagation.inject(context.active(), headers);
        const res = await fetch(`${serviceUrl('queue')}/publish`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ headers, body: { orderId, items } }),
          signal: AbortSignal.timeout(5000),
        });
        if (!res.ok) throw new Error(`queue refused the message: HTTP ${res.status}`);
      } finally {
        span.end();
      }
    },
  );
}

/** Records the order with the audit endpoint of the inventory service. */
async function sendAudit(orderId: string, items: readonly OrderItem[]): Promise<void> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  // fetch is not instrumented in this service (only node:http is), so nothing adds a traceparent header here.
  const res = await fetch(`${serviceUrl('inventory')}/audit`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ orderId, items, at: new Date().toISOString() }),
    signal: AbortSignal.timeout(5000),
  });
  await res.arrayBuffer();
}

app.get('/orders/report', async (_req, res) => {
  const report = await tracer.startActiveSpan('orders.report', async (span) => {
    try {
      await sleep(120); // the slow path: a report query that scans every order
      return aggregate();
    } finally {
      span.end();
    }
  });
  res.json(report);
});

function aggregate(): { orders: number; checksum: number } {
  return tracer.startActiveSpan('orders.aggregate', (span) => {
    try {
      let checksum = 0;
      for (let i = 0; i < 2_000_000; i++) checksum = (checksum * 31 + i) % 1_000_003;
      return { orders: nextOrderId - 1, checksum };
    } finally {
      span.end();
    }
  });
}

serve(app, { name: 'orders', port: PORTS.orders, shutdownTelemetry });
