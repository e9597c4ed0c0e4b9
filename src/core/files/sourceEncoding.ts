// The encoding of a source file a fix rewrites, so the rewrite writes back the very bytes it read wherever the fix
// did not change the text: UTF-8 (with or without a byte-order mark), UTF-16 LE/BE with a byte-order mark, and,
// for files that are not valid UTF-8, windows-1252 (Latin-1 plus the printable 0x80–0x9F characters) when every
// byte is one of its characters. Anything else is refused with a message: reading it as UTF-8 would replace each
// invalid byte by U+FFFD, also in lines the fix never touched.
import { isUnsafeCodePoint } from '../code/codegen/unsafeCharacters';
import { SpanLensError } from '../errors';

export type SourceEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedSource {
  readonly text: string;
  readonly encoding: SourceEncoding;
}

/** windows-1252 characters of the bytes 0x80–0x9F; 0 for the five bytes it leaves undefined. */
const cp1252High: readonly number[] = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const cp1252Encode = new Map<number, number>(cp1252High.flatMap((cp, i) => (cp === 0 ? [] : [[cp, 0x80 + i] as [number, number]])));

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A name for messages. */
export function encodingLabel(encoding: SourceEncoding): string {
  switch (encoding) {
    case 'utf-8':
      return 'UTF-8';
    case 'utf-8-bom':
      return 'UTF-8 with BOM';
    case 'utf-16le':
      return 'UTF-16 LE';
    case 'utf-16be':
      return 'UTF-16 BE';
    case 'windows-1252':
      return 'windows-1252 (Latin-1)';
  }
}

function refuse(file: string, why: string): never {
  throw new SpanLensError(
    'malformed-file',
    `${file} is not text Span Lens can rewrite byte for byte (${why}): it reads UTF-8 (with or without BOM), UTF-16 with a BOM and windows-1252/Latin-1. Convert the file to UTF-8 and try again; it was left unchanged.`,
    { file },
  );
}

function swapBytes(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  out.swap16();
  return out;
}

function decodeCp1252(bytes: Uint8Array, file: string): string {
  let out = '';
  const chunk: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) refuse(file, `a NUL byte at offset ${i}: binary, or UTF-16 without a BOM`);
    let cp = b;
    if (b >= 0x80 && b <= 0x9f) {
      cp = cp1252High[b - 0x80]!;
      if (cp === 0) refuse(file, `byte 0x${b.toString(16).toUpperCase()} at offset ${i} is neither UTF-8 nor windows-1252`);
    }
    chunk.push(cp);
    if (chunk.length === 8192) {
      out += String.fromCharCode(...chunk);
      chunk.length = 0;
    }
  }
  return out + String.fromCharCode(...chunk);
}

/** Decodes a source file's bytes; throws a SpanLensError naming the file when they are not one of the encodings. */
export function decodeSource(bytes: Uint8Array, file: string): DecodedSource {
  let decoded: DecodedSource;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      decoded = { text: utf8Strict.decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
    } catch {
      return refuse(file, 'a UTF-8 byte-order mark followed by bytes that are not UTF-8');
    }
  } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    if (bytes.length % 2 !== 0) refuse(file, 'a UTF-16 byte-order mark but an odd number of bytes');
    const le = bytes[0] === 0xff;
    const body = bytes.subarray(2);
    // Buffer's UTF-16 decoding keeps lone surrogates as they are, so the text encodes back to the same bytes.
    decoded = { text: (le ? Buffer.from(body) : swapBytes(body)).toString('utf16le'), encoding: le ? 'utf-16le' : 'utf-16be' };
  } else {
    try {
      decoded = { text: utf8Strict.decode(bytes), encoding: 'utf-8' };
    } catch {
      decoded = { text: decodeCp1252(bytes, file), encoding: 'windows-1252' };
    }
  }
  // The promise is byte for byte: check it rather than trust the tables above.
  if (!Buffer.from(bytes).equals(encodeSource(decoded.text, decoded.encoding, file))) refuse(file, `its ${encodingLabel(decoded.encoding)} reading does not give back the same bytes`);
  return decoded;
}

/** Encodes text in `encoding`; throws a SpanLensError when it holds a character the encoding cannot (e.g. 中 in Latin-1). */
export function encodeSource(text: string, encoding: SourceEncoding, file: string): Buffer {
  switch (encoding) {
    case 'utf-8':
      return Buffer.from(text, 'utf8');
    case 'utf-8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf-16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf-16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swapBytes(Buffer.from(text, 'utf16le'))]);
    case 'windows-1252': {
      const out = Buffer.allocUnsafe(text.length);
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const b = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : cp1252Encode.get(c);
        if (b === undefined) {
          const cp = text.codePointAt(i)!;
          const shown = `${isUnsafeCodePoint(cp) ? '' : `'${String.fromCodePoint(cp)}' `}(U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
          throw new SpanLensError(
            'bad-input',
            `${file} is ${encodingLabel(encoding)} text, which cannot hold the character ${shown} that the change adds; convert the file to UTF-8 and try again. It was left unchanged.`,
            { file },
          );
        }
        out[i] = b;
      }
      return out;
    }
  }
}
