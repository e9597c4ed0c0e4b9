// The one way Span Lens replaces a file on disk (fixes, `lint --fix`, the tracing setup and its package.json edit,
// HTML exports): the new content goes to a temporary file beside the target, is flushed to the disk, and is renamed
// over the target. A write that fails half way (a full disk, a file-size limit, a quota) then leaves the original
// exactly as it was and no temporary file behind; writing the target in place would have truncated it. The file
// keeps its mode (and its owner where this process may set it); through a symbolic link the file it points to is
// replaced. A file with several hard links gets a new inode under this name, as with any save-by-rename.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpanLensError } from '../errors';

export interface AtomicWriteOptions {
  /** Refuse to replace an existing file (for files that are created, like the tracing setup). */
  readonly mustNotExist?: boolean;
  /** Mode of a new file (default 0o666 less the umask, like any new file); an existing file keeps its own. */
  readonly newFileMode?: number;
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full';
    case 'EFBIG':
      return 'the file would exceed the file-size limit (ulimit -f)';
    case 'EDQUOT':
      return 'the disk quota is exceeded';
    case 'EROFS':
      return 'the file system is read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the folder must be writable: the new content is written beside the file, then renamed over it)';
    case 'EEXIST':
      return 'it already exists';
    case 'ENOENT':
      return 'its folder does not exist';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function currentUmask(): number {
  // process.umask() without an argument is deprecated; reading it by setting and restoring it is the documented way.
  const mask = process.umask(0o022);
  process.umask(mask);
  return mask;
}

/**
 * The new file is created by this process, so it belongs to its user: give it the old file's owner and group where
 * that differs (root fixing another user's file, a file of a shared group). Only root may give a file away, and a
 * user may only pick a group of theirs; where that is not allowed the file keeps this process's owner, as any editor's
 * save-by-rename would.
 */
function keepOwner(fd: number, owner: { uid: number; gid: number }): void {
  if (process.getuid?.() === owner.uid && process.getgid?.() === owner.gid) return;
  try {
    fs.fchownSync(fd, owner.uid, owner.gid);
  } catch {
    // EPERM: not ours to give; the content and the mode are what matter.
  }
}

/** Writes `data` to `file` atomically (see the module comment); throws a SpanLensError saying why it could not. */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  let target = path.resolve(file);
  let mode: number | undefined;
  let owner: { uid: number; gid: number } | undefined;
  try {
    // Through a symbolic link, replace the file it points to and keep the link.
    target = fs.realpathSync(target);
    if (options.mustNotExist) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    const stat = fs.statSync(target);
    mode = stat.mode & 0o7777;
    owner = { uid: stat.uid, gid: stat.gid };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SpanLensError('write-failed', `Cannot write ${file}: ${reason(e)}; nothing was changed.`, { file, cause: e });
  }
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.spanlens-${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
    fs.fchmodSync(fd, mode ?? (options.newFileMode ?? 0o666) & ~currentUmask());
    if (owner) keepOwner(fd, owner);
    for (let offset = 0; offset < bytes.length; ) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    if (options.mustNotExist && fs.existsSync(target)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    fs.renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing: the close error adds nothing.
      }
    }
    fs.rmSync(temp, { force: true });
    const kept = mode !== undefined ? `${file} was left as it was` : 'nothing was written';
    throw new SpanLensError('write-failed', `Cannot write ${file}: ${reason(e)}; ${kept}.`, { file, cause: e });
  }
  try {
    // Make the rename itself durable; some file systems cannot open a folder for this, which is no failure.
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Best effort only.
  }
}
