import * as fs from 'node:fs';

/**
 * Writes a generated Jaeger JSON trace file of `spans` spans, streamed to disk (never one big string):
 * - `flat`: one root and spans−1 children of it,
 * - `chain`: each span the child of the one before, `spans` levels deep.
 * Returns the file's size in bytes.
 */
export function writeBigJaegerTrace(file: string, shape: 'flat' | 'chain', spans: number): number {
  const traceId = 'abcdef0123456789abcdef0123456789';
  const hex = (i: number): string => (i + 1).toString(16).padStart(16, '0');
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let buffer = `{"data":[{"traceID":"${traceId}","processes":{"p1":{"serviceName":"svc","tags":[]}},"warnings":null,"spans":[`;
  const flush = (): void => {
    bytes += fs.writeSync(fd, buffer);
    buffer = '';
  };
  try {
    for (let i = 0; i < spans; i++) {
      const parent = i === 0 ? undefined : shape === 'flat' ? 0 : i - 1;
      const refs = parent === undefined ? '[]' : `[{"refType":"CHILD_OF","traceID":"${traceId}","spanID":"${hex(parent)}"}]`;
      // Durations nest: every span ends when its parent does, so there is no clock-skew warning per span.
      const duration = shape === 'flat' ? (i === 0 ? spans + 10 : 5) : spans - i + 10;
      buffer +=
        `${i ? ',' : ''}{"traceID":"${traceId}","spanID":"${hex(i)}","operationName":"op${i % 10}","references":${refs},` +
        `"startTime":${1_700_000_000_000_000 + i},"duration":${duration},"tags":[],"logs":[],"processID":"p1","warnings":null}`;
      if (buffer.length > 1 << 20) flush();
    }
    buffer += ']}]}';
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}
