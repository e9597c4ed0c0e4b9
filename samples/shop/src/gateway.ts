import { shutdownTelemetry } from './instrument'; // first: instruments http and express before they load
import express from 'express';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { CATALOG, PORTS, serviceUrl } from './lib/config';
import { requestJson } from './lib/httpJson';
import { serve } from './lib/serve';

const tracer = trace.getTracer('shop-gateway', '1.0.0');
const app = express();
// start-all says whether the Go pricing service runs (it needs a Go toolchain); without it products carry list prices.
const pricingOn = process.env['SHOP_PRICING'] === 'on';
// start-all says whether the Java payments service runs (it needs java); without it checkout skips payment.
const paymentsOn = process.env['SHOP_PAYMENTS'] === 'on';
// Likewise the Python recommendations service (it needs python3).
const recommendationsOn = process.env['SHOP_RECOMMENDATIONS'] === 'on';
app.use(express.json());

app.get('/products', async (_req, res) => {
  const reply = await tracer.startActiveSpan('catalog.list', async (span) => {
    try {
      const stock = await requestJson('GET', `${serviceUrl('inventory')}/stock`);
      if (recommendationsOn) await requestJson('GET', `${serviceUrl('recommendations')}/recommendations/${CATALOG[Math.floor(Math.random() * CATALOG.length)]!.sku}`);
      return stock;
    } finally {
      span.end();
    }
  });
  res.status(reply.status).json(pricingOn && reply.status === 200 ? await withPrices(reply.body) : reply.body);
});

/** Each item with its current price from the Go pricing service, which start-all runs when Go is there. */
async function withPrices(items: unknown): Promise<unknown> {
  const prices = await requestJson('GET', `${serviceUrl('pricing')}/prices`);
  if (prices.status !== 200 || !Array.isArray(items)) return items;
  const table = prices.body as Record<string, number | undefined>;
  return items.map((item: { sku?: string; priceCents?: number }) => ({ ...item, priceCents: table[item.sku ?? ''] ?? item.priceCents }));
}

app.post('/checkout', async (req, res) => {
  const reply = await tracer.startActiveSpan('checkout.submit', async (span) => {
    try {
      const answer = await requestJson('POST', `${serviceUrl('orders')}/orders`, req.body);
      if (answer.status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: `orders answered ${answer.status}` });
      } else if (paymentsOn) {
        await authorizePayment(answer.body, req.body);
      }
      return answer;
    } finally {
      span.end();
    }
  });
  res.status(reply.status).json(reply.body);
});

app.get('/report', async (_req, res) => {
  const reply = await requestJson('GET', `${serviceUrl('orders')}/orders/report`);
  // The payments settlement is the Java service's slow path.
  if (paymentsOn) await requestJson('GET', `${serviceUrl('payments')}/payments/settlement`);
  // And the recommendations digest is the Python service's.
  if (recommendationsOn) await requestJson('GET', `${serviceUrl('recommendations')}/recommendations/digest`);
  res.status(reply.status).json(reply.body);
});

/** The order's total, authorized by the Java payments service; a declined payment does not fail the checkout. */
async function authorizePayment(order: unknown, checkout: unknown): Promise<void> {
  const orderId = (order as { orderId?: unknown } | undefined)?.orderId;
  const items = (checkout as { items?: Array<{ sku?: unknown; quantity?: unknown }> } | undefined)?.items ?? [];
  const amountCents = items.reduce((sum, i) => sum + (CATALOG.find((c) => c.sku === i.sku)?.priceCents ?? 0) * (typeof i.quantity === 'number' ? i.quantity : 1), 0);
  await requestJson('POST', `${serviceUrl('payments')}/payments/authorize`, { orderId: String(orderId), amountCents });
}

serve(app, { name: 'gateway', port: PORTS.gateway, shutdownTelemetry });
