// Service names in dotenv text and OpenTelemetry's environment variables.

/** Parses dotenv text: `KEY=value`, `export KEY=value`, quotes, `#` comments. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.indexOf(quote, 1) > 0) {
      value = value.slice(1, value.indexOf(quote, 1));
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash);
      value = value.trim();
    }
    out.set(m[1]!, value);
  }
  return out;
}

/** `service.name` from an `OTEL_RESOURCE_ATTRIBUTES` value (`k=v,k2=v2`, values percent-encoded). */
export function serviceNameFromResourceAttributes(value: string): string | undefined {
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() !== 'service.name') continue;
    const raw = pair.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw) || undefined;
    } catch {
      return raw || undefined;
    }
  }
  return undefined;
}

/** The service an env file names: OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES, as in the SDK. */
export function serviceNameFromEnv(env: ReadonlyMap<string, string>): string | undefined {
  const direct = env.get('OTEL_SERVICE_NAME')?.trim();
  if (direct) return direct;
  const attrs = env.get('OTEL_RESOURCE_ATTRIBUTES');
  return attrs ? serviceNameFromResourceAttributes(attrs) : undefined;
}

