import { DataSource } from 'typeorm';
import { AUDIT_STALE_AFTER_MS, buildDataSourceOptions, verifyAuditChain } from '@guangfo/platform';

/**
 * `npm run audit:verify` — walks the audit hash chain of DATABASE_URL: exit 1 at the first broken
 * link; exit 3 when the chain is intact but a record not linked yet is older than
 * AUDIT_STALE_AFTER_MS (default 5 minutes: the chainer is not running); else 0.
 */
const main = async (): Promise<number> => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('DATABASE_URL: required (postgres://…)\n');
    return 2;
  }
  const ds = new DataSource(buildDataSourceOptions(url, []));
  await ds.initialize();
  try {
    const staleAfterMs = process.env.AUDIT_STALE_AFTER_MS ? Number(process.env.AUDIT_STALE_AFTER_MS) : undefined;
    const v = await verifyAuditChain(ds, { staleAfterMs });
    const u = v.unchained;
    const tail = u.count
      ? `${u.count} records not linked yet, the oldest seq ${u.oldestSeq} at ${u.oldestAt} (${Math.round((u.oldestAgeMs ?? 0) / 1000)} s old)`
      : 'no record waiting to be linked';
    if (!v.ok) {
      process.stdout.write(
        `audit chain BROKEN at position ${v.brokenAtPos} (seq ${v.brokenAtSeq}): ${v.reason} (${v.count} records verified before it); ${tail}\n`,
      );
      return 1;
    }
    process.stdout.write(`audit chain intact: ${v.count} records, head ${v.head}; ${tail}\n`);
    if (u.stale) {
      process.stdout.write(
        `audit chain STALE: a record has waited longer than ${staleAfterMs ?? AUDIT_STALE_AFTER_MS} ms to be linked — is the chainer running?\n`,
      );
      return 3;
    }
    return 0;
  } finally {
    await ds.destroy();
  }
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`audit verification failed: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
