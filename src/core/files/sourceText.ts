// Reading a source file for a rewrite and writing the rewrite back: decoded in its own encoding (BOM included),
// encoded the same way, replaced atomically.
import * as fs from 'node:fs';
import { SpanLensError } from '../errors';
import { writeFileAtomic } from './atomicWrite';
import { type DecodedSource, decodeSource, encodeSource, type SourceEncoding } from './sourceEncoding';

export function readSourceText(file: string): DecodedSource {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new SpanLensError('not-found', `Cannot read ${file}: give the path of a file that exists and can be read.`, { file, cause: e });
  }
  return decodeSource(bytes, file);
}

/** Writes `text` back in `encoding` (refusing characters it cannot hold) through the atomic writer. */
export function writeSourceText(file: string, text: string, encoding: SourceEncoding): void {
  writeFileAtomic(file, encodeSource(text, encoding, file));
}
