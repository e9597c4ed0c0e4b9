/** Where each shop service listens: SHOP_BASE_PORT (default 7070) and the ports after it, on loopback. */
export const HOST = '127.0.0.1';

const base = Number(process.env['SHOP_BASE_PORT'] ?? 7070);
if (!Number.isInteger(base) || base < 1 || base > 65530) throw new Error(`SHOP_BASE_PORT must be a port number, not ${process.env['SHOP_BASE_PORT']}`);

export const PORTS = {
  gateway: base,
  orders: base + 1,
  inventory: base + 2,
  queue: base + 3,
  /** The Go pricing service (samples/shop/go/pricing), when built. */
  pricing: base + 5,
  /** The Java service (samples/shop/java/payments reads the same SHOP_BASE_PORT). */
  payments: base + 6,
  /** The Python service (samples/shop/python/recommendations reads the same SHOP_BASE_PORT). */
  recommendations: base + 8,
} as const;

export function serviceUrl(service: keyof typeof PORTS): string {
  return `http://${HOST}:${PORTS[service]}`;
}

/** The SKU whose checkout always fails (the "failing path" for Span Lens to find). */
export const DISCONTINUED_SKU = 'BROKEN-1';

export const CATALOG: readonly { readonly sku: string; readonly name: string; readonly priceCents: number }[] = [
  { sku: 'MUG-1', name: 'Trace mug', priceCents: 1200 },
  { sku: 'TEE-2', name: 'Span T-shirt', priceCents: 2500 },
  { sku: 'CAP-3', name: 'Collector cap', priceCents: 1800 },
  { sku: 'PIN-4', name: 'Baggage pin', priceCents: 400 },
  { sku: DISCONTINUED_SKU, name: 'Discontinued sampler', priceCents: 100 },
];

/**
 * The release of the shop the processes run as (`SHOP_VERSION`, default 1.0.0), recorded as `service.version`.
 * Release 1.1.0 carries a regression for Span Lens to find: its inventory reservation query lost an index and takes
 * 60 ms instead of 4 (far more than a busy machine's noise, so the tests that look for it are deterministic).
 */
export const SHOP_VERSION = process.env['SHOP_VERSION'] ?? '1.0.0';
export const RESERVE_QUERY_MS = SHOP_VERSION === '1.1.0' ? 60 : 4;
