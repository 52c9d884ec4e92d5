// Verifies StepUp elevation tokens with jose, a JOSE implementation StepUp did not write.
// Usage: node verify.mjs INPUT.json  →  prints a JSON array with one verdict per case.
// INPUT: { "jwks": { "keys": [ … ] } (the body of GET /.well-known/jwks.json),
//          "cases": [ { "name", "token", "issuer", "audience" } ] }
// Verdict: { name, verified: true, header, payload } or { name, verified: false, code, claim }.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';

const input = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const jwks = createLocalJWKSet(input.jwks);
const verdicts = [];

for (const c of input.cases) {
  try {
    const { payload, protectedHeader } = await jwtVerify(c.token, jwks, {
      issuer: c.issuer,
      audience: c.audience,
      typ: 'stepup+jwt',
      algorithms: ['ES256'],
    });
    verdicts.push({ name: c.name, verified: true, header: protectedHeader, payload });
  } catch (error) {
    verdicts.push({ name: c.name, verified: false, code: error.code ?? String(error), claim: error.claim ?? null });
  }
}

process.stdout.write(JSON.stringify(verdicts));
