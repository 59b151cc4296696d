// The local file bucket: before a managed file is replaced or removed, its content is kept
// here by checksum, so `kasper filebucket restore` can bring any earlier version back.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@kasper/files';

export interface BucketEntry {
  checksum: string;
  paths: string[];
}

export class FileBucket {
  readonly dir: string;
  /** The digest content is keyed by: the digest_algorithm setting, sha256 by default (Puppet 7's clientbucket). */
  readonly algorithm: string;
  constructor(dir: string, algorithm = 'sha256') {
    this.dir = dir;
    this.algorithm = algorithm;
  }

  private entryDir(sum: string): string {
    return join(this.dir, sum.slice(0, 2), sum);
  }

  /** Stores content (and the path it came from); returns its checksum (the bucket's digest, hex). */
  backup(content: Buffer, path: string): string {
    const sum = createHash(this.algorithm).update(content).digest('hex');
    const d = this.entryDir(sum);
    mkdirSync(d, { recursive: true, mode: 0o750 });
    if (!existsSync(join(d, 'contents'))) writeFileAtomic(join(d, 'contents'), content, 0o600);
    const pathsFile = join(d, 'paths');
    const paths = existsSync(pathsFile) ? readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean) : [];
    if (!paths.includes(path)) writeFileSync(pathsFile, [...paths, path].join('\n') + '\n');
    return sum;
  }

  get(sum: string): Buffer | undefined {
    const p = join(this.entryDir(sum), 'contents');
    return existsSync(p) ? readFileSync(p) : undefined;
  }

  list(): BucketEntry[] {
    if (!existsSync(this.dir)) return [];
    const out: BucketEntry[] = [];
    for (const prefix of readdirSync(this.dir).sort()) {
      for (const sum of readdirSync(join(this.dir, prefix)).sort()) {
        const pathsFile = join(this.dir, prefix, sum, 'paths');
        out.push({ checksum: sum, paths: existsSync(pathsFile) ? readFileSync(pathsFile, 'utf8').split('\n').filter(Boolean) : [] });
      }
    }
    return out;
  }
}
