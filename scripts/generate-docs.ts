import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from '@guangfo/contracts';

/** `npm run docs:generate` — writes docs/asyncapi.yaml from the event contracts. */
writeFileSync(
  'docs/asyncapi.yaml',
  `# Generated from libs/contracts by npm run docs:generate — do not edit.\n${stringify(buildAsyncApiDocument())}`,
);
process.stdout.write('docs/asyncapi.yaml written\n');
