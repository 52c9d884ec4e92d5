// Verifies WebAuthn ceremonies with @simplewebauthn/server, an implementation StepUp did not write.
// Usage: node verify.mjs CASES.json  →  prints a JSON array with one verdict per case.
// Each case: { name, kind: "registration" | "authentication", response, expectedChallenge,
//              expectedOrigin, expectedRPID, requireUserVerification,
//              credential?: { id, publicKey (base64url COSE), counter } }
import { readFileSync } from 'node:fs';
import { verifyRegistrationResponse, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const verdicts = [];

for (const c of cases) {
  const common = {
    response: c.response,
    expectedChallenge: c.expectedChallenge,
    expectedOrigin: c.expectedOrigin,
    expectedRPID: c.expectedRPID,
    requireUserVerification: c.requireUserVerification,
  };
  try {
    if (c.kind === 'registration') {
      const r = await verifyRegistrationResponse({ ...common, supportedAlgorithmIDs: [-7, -257] });
      const info = r.registrationInfo;
      verdicts.push({
        name: c.name,
        verified: r.verified,
        credentialId: info?.credential.id ?? null,
        publicKey: info ? isoBase64URL.fromBuffer(info.credential.publicKey) : null,
        counter: info?.credential.counter ?? null,
        fmt: info?.fmt ?? null,
        aaguid: info?.aaguid ?? null,
        userVerified: info?.userVerified ?? null,
        backedUp: info?.credentialBackedUp ?? null,
        deviceType: info?.credentialDeviceType ?? null,
      });
    } else {
      const r = await verifyAuthenticationResponse({
        ...common,
        credential: {
          id: c.credential.id,
          publicKey: isoBase64URL.toBuffer(c.credential.publicKey),
          counter: c.credential.counter,
        },
      });
      const info = r.authenticationInfo;
      verdicts.push({
        name: c.name,
        verified: r.verified,
        counter: info?.newCounter ?? null,
        userVerified: info?.userVerified ?? null,
        backedUp: info?.credentialBackedUp ?? null,
        deviceType: info?.credentialDeviceType ?? null,
      });
    }
  } catch (e) {
    verdicts.push({ name: c.name, verified: false, error: String(e?.message ?? e) });
  }
}

process.stdout.write(JSON.stringify(verdicts));
