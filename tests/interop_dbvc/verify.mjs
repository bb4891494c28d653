// digitalbazaar's `vc` as an independent verifier of what s4c signs.
// Usage: node verify.mjs CONTEXTS_DIR NOW [URL=FILE ...] < credential.json
// CONTEXTS_DIR holds the pinned contexts and their manifest.json (vc/pinned_contexts), each
// URL=FILE one more local context (as `s4c vc verify --context`): contexts are never fetched. did:key issuers resolve offline: the key is the DID itself.
// Prints {"verified": bool, "error": string|null}; exit 0 when verified, 1 when not.
import fs from 'node:fs';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [contextsDir, now, ...extra] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(path.join(contextsDir, 'manifest.json'), 'utf8'));
const files = Object.fromEntries(
  Object.entries(manifest).map(([url, entry]) => [url, path.join(contextsDir, entry.file)]));
for(const pair of extra) {
  const at = pair.indexOf('=');
  files[pair.slice(0, at)] = pair.slice(at + 1);
}
const credential = JSON.parse(fs.readFileSync(0, 'utf8'));
const proofs = [].concat(credential.proof || []);
const ed2020 = proofs.some(p => p && p.type === 'Ed25519Signature2020');

function didKey(did) {
  const multibase = did.slice('did:key:'.length);
  const id = `${did}#${multibase}`;
  // the key type each suite expects of its verification method
  const [context, type] = ed2020 ?
    ['https://w3id.org/security/suites/ed25519-2020/v1', 'Ed25519VerificationKey2020'] :
    ['https://w3id.org/security/multikey/v1', 'Multikey'];
  const method = {id, type, controller: did, publicKeyMultibase: multibase};
  return {
    method: {'@context': context, ...method},
    document: {
      '@context': ['https://www.w3.org/ns/did/v1', context], id: did,
      verificationMethod: [method], assertionMethod: [id], authentication: [id]
    }
  };
}

async function documentLoader(url) {
  if(files[url]) {
    return {contextUrl: null, documentUrl: url,
      document: JSON.parse(fs.readFileSync(files[url], 'utf8'))};
  }
  if(url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const {method, document} = didKey(did);
    return {contextUrl: null, documentUrl: url, document: fragment ? method : document};
  }
  throw new Error(`no network: ${url} is neither a pinned context nor a did:key`);
}

const suite = [new Ed25519Signature2020(),
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022})];
let result;
try {
  result = await vc.verifyCredential({
    credential, suite, documentLoader, now: now ? new Date(now) : undefined
  });
} catch(e) {
  result = {verified: false, error: e};
}
const error = result.verified ? null : String(
  (result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ')) ||
  JSON.stringify(result.results || result));
process.stdout.write(JSON.stringify({verified: result.verified, error}) + '\n');
process.exit(result.verified ? 0 : 1);
