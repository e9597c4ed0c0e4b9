import { shutdownTelemetry } from './instrument'; // first: instruments http and express before they load
import express from 'express';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { CATALOG, PORTS, serviceUrl } from './lib/config';
import { requestJson } from './lib/httpJson';
import { serve } from './lib/serve';

const tracer = trace.getTracer('shop-gateway', '1.0.0');
const app = express();
// start-all says whether the Java payments service runs (it needs java); without it checkout skips payment.
const paymentsOn = process.env['SHOP_PAYMENTS'] === 'on';
app.use(express.json());

app.get('/products', async (_req, res) => {
  const reply = await tracer.startActiveSpan('catalog.list', async (span) => {
    try {
      return await requestJson('GET', `${serviceUrl('inventory')}/stock`);
    } finally {
      span.end();
    }
  });
  res.status(reply.status).json(reply.body);
});

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
