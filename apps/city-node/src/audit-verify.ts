import { DataSource } from 'typeorm';
import { buildDataSourceOptions, verifyAuditChain } from '@guangfo/platform';

/** `npm run audit:verify` — walks the audit hash chain of DATABASE_URL; exit 1 at the first broken link. */
const main = async (): Promise<number> => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('DATABASE_URL: required (postgres://…)\n');
    return 2;
  }
  const ds = new DataSource(buildDataSourceOptions(url, []));
  await ds.initialize();
  try {
    const v = await verifyAuditChain(ds);
    if (v.ok) {
      process.stdout.write(`audit chain intact: ${v.count} records, head ${v.head}\n`);
      return 0;
    }
    process.stdout.write(`audit chain BROKEN at seq ${v.brokenAtSeq}: ${v.reason} (${v.count} records verified before it)\n`);
    return 1;
  } finally {
    await ds.destroy();
  }
};

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`audit verification failed: ${(err as Error).message}\n`);
  process.exit(2);
});
