import { shutdownTelemetry } from './instrument'; // first
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { serviceUrl } from './lib/config';
import { sleep } from './lib/sleep';

/**
 * The queue consumer: polls the broker, continues each message's trace from its headers, schedules shipping.
 * On SIGTERM it drains the queue first, then flushes its spans and exits.
 */
const tracer = trace.getTracer('shop-fulfilment', '1.0.0');
const IDLE_POLL_MS = 25;

interface Message {
  readonly headers: Record<string, string>;
  readonly body: { readonly orderId: string; readonly items: readonly unknown[] };
}

let stopRequested = false;
process.on('SIGTERM', () => (stopRequested = true));
process.on('SIGINT', () => (stopRequested = true));

async function poll(): Promise<Message | undefined> {
  // The broker protocol is plain fetch (not instrumented): polling creates no spans.
  const res = await fetch(`${serviceUrl('queue')}/poll`, { signal: AbortSignal.timeout(5000) });
  if (res.status === 204) return undefined;
  if (!res.ok) throw new Error(`queue answered HTTP ${res.status}`);
  return (await res.json()) as Message;
}

async function handle(message: Message): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers);
  await tracer.startActiveSpan(
    'fulfilment.process',
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system.name': 'shop-queue', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'process', 'order.id': message.body.orderId },
    },
    parent,
    async (span) => {
      try {
        await scheduleShipping(message.body.orderId, message.body.items.length);
      } finally {
        span.end();
      }
    },
  );
}

async function scheduleShipping(orderId: string, itemCount: number): Promise<void> {
  await tracer.startActiveSpan('shipping.schedule', async (span) => {
    try {
      span.setAttributes({ 'order.id': orderId, 'shipping.parcels': Math.ceil(itemCount / 2) });
      await sleep(3);
    } finally {
      span.end();
    }
  });
}

async function main(): Promise<void> {
  console.log('[fulfilment] consuming the orders queue');
  let failures = 0;
  for (;;) {
    let message: Message | undefined;
    try {
      message = await poll();
      failures = 0;
    } catch (e) {
      if (stopRequested || ++failures > 40) {
        console.error(`[fulfilment] queue unreachable: ${String(e)}`);
        break;
      }
      await sleep(IDLE_POLL_MS * 4);
      continue;
    }
    if (message) {
      await context.with(ROOT_CONTEXT, () => handle(message!));
    } else if (stopRequested) {
      break; // drained
    } else {
      await sleep(IDLE_POLL_MS);
    }
  }
  await shutdownTelemetry();
  process.exit(0);
}

void main();
