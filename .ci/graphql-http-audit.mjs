// Runs graphql-http's server audits (GraphQL over HTTP conformance) against
// the URL given as the only argument, prints every result, and exits 1 when a
// MUST or a SHOULD audit fails (MAY audits are printed, never fatal).
// Run by .ci/graphql-http-audit.sh, which installs graphql-http beside it.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql-http-audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const failures = { MUST: 0, SHOULD: 0, MAY: 0 };
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const level = result.name.split(' ')[0];
  if (result.status === 'ok') {
    console.log(`ok    ${result.id} ${result.name}`);
    continue;
  }
  failures[level] = (failures[level] ?? 0) + 1;
  console.log(`FAIL  ${result.id} ${result.name}: ${result.reason}`);
  if (result.response) {
    const body = await result.response.text().catch(() => '');
    console.log(`      HTTP ${result.response.status} ${result.response.headers.get('content-type') ?? ''} ${body.slice(0, 300)}`);
  }
}
console.log(`\nfailures: ${failures.MUST} MUST, ${failures.SHOULD} SHOULD, ${failures.MAY} MAY (MAY is optional)`);
process.exit(failures.MUST + failures.SHOULD > 0 ? 1 : 0);
