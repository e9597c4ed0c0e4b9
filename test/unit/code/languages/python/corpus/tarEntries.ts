// Reads the regular files of a .tar.gz (an sdist) with node:zlib: ustar headers, GNU long names and pax `path`
// records, which is what setuptools, hatchling and flit write.
import * as zlib from 'node:zlib';

export interface TarEntry {
  readonly name: string;
  readonly text: string;
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
}

export function tarGzEntries(gz: Buffer, wanted: (name: string) => boolean): TarEntry[] {
  const tar = zlib.gunzipSync(gz);
  const out: TarEntry[] = [];
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (m) longName = m[1];
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if ((type === '0' || type === '\0') && wanted(name)) out.push({ name, text: data.toString('utf8') });
  }
  return out;
}
