// The OpenWallet Foundation's SD-JWT VC and Token Status List libraries (npm @sd-jwt/*,
// pinned in package-lock.json), driven by tests/test_sd_jwt_interop.py: one JSON request on
// stdin, one JSON answer on stdout.
//   {"op": "verify", "sdJwt", "issuerJwk", "nonce"?, "statusListToken"?}
//       -> {"ok": true, "payload", "kb"} or {"ok": false, "error"}
//   {"op": "issue", "claims", "disclosable": [names], "nonce", "aud"}
//       -> {"issued", "presentation", "issuerJwk", "holderJwk"}
//   {"op": "status", "token", "jwk", "idx"} -> {"status", "bits", "sub"}
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';

const read = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

const jwtPart = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString());

async function verify(request) {
  const verifier = await ES256.getVerifier(request.issuerJwk);
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier,
    // the KB-JWT must be signed by the holder key the issuer put in cnf
    kbVerifier: async (data, signature, payload) =>
      (await ES256.getVerifier(payload.cnf.jwk))(data, signature),
    statusListFetcher: async () => {
      if (!request.statusListToken) throw new Error('no status list token given');
      return request.statusListToken;
    },
  });
  try {
    const options = request.nonce ? { keyBindingNonce: request.nonce } : {};
    const result = await sdjwt.verify(request.sdJwt, options);
    return { ok: true, payload: await sdjwt.getClaims(request.sdJwt), header: result.header,
             kb: result.kb ? result.kb.payload : null };
  } catch (error) {
    return { ok: false, error: String(error && error.message || error) };
  }
}

async function issue(request) {
  const issuer = await ES256.generateKeyPair();
  const holder = await ES256.generateKeyPair();
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    signer: await ES256.getSigner(issuer.privateKey),
    signAlg: ES256.alg,
    verifier: await ES256.getVerifier(issuer.publicKey),
    kbSigner: await ES256.getSigner(holder.privateKey),
    kbSignAlg: ES256.alg,
  });
  const payload = { ...request.claims, cnf: { jwk: holder.publicKey } };
  const issued = await sdjwt.issue(payload, { _sd: request.disclosable });
  const frame = Object.fromEntries(request.present.map((name) => [name, true]));
  const presentation = await sdjwt.present(issued, frame, {
    kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: request.aud,
                     nonce: request.nonce } },
  });
  return { issued, presentation, issuerJwk: issuer.publicKey, holderJwk: holder.publicKey };
}

async function status(request) {
  const verifier = await ES256.getVerifier(request.jwk);
  const [header, payload] = [jwtPart(request.token, 0), jwtPart(request.token, 1)];
  const signed = request.token.split('.').slice(0, 2).join('.');
  if (!(await verifier(signed, request.token.split('.')[2]))) {
    return { ok: false, error: 'bad signature' };
  }
  const list = getListFromStatusListJWT(request.token);
  return { ok: true, typ: header.typ, sub: payload.sub, bits: list.getBitsPerStatus(),
           status: list.getStatus(request.idx) };
}

const request = await read();
const handlers = { verify, issue, status };
process.stdout.write(JSON.stringify(await handlers[request.op](request)));
