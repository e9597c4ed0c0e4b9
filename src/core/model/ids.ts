/** Jaeger prints ids unpadded (31-hex trace ids and 15-hex span ids occur); we always compare them padded. */
export function normalizeTraceId(id: string): string {
  return padHex(id, 32);
}

export function normalizeSpanId(id: string): string {
  return padHex(id, 16);
}

function padHex(id: string, width: number): string {
  const hex = id.trim().toLowerCase();
  return hex.length >= width ? hex : '0'.repeat(width - hex.length) + hex;
}

const HEX = /^[0-9a-f]+$/i;

export function isHexId(id: string): boolean {
  return id.length > 0 && id.length <= 32 && HEX.test(id);
}
