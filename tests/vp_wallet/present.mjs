// The holder's wallet in s4c's OpenID4VP tests: the OpenWallet Foundation's
// @openid4vc/openid4vp (not our code) resolves the employer's authorization request (fetches
// and verifies the signed request object, checks the client identifier prefix), creates the
// authorization response (encrypted with panva's jose for direct_post.jwt) and submits it.
// What a wallet app does itself is done here with node:crypto: checking the x5c chain to the
// trust anchor it was given, and making the presentation (an SD-JWT VC with a KB-JWT, or a
// Verifiable Presentation with an eddsa-jcs-2022 proof, challenge = nonce, domain = client_id).
//
//   node present.mjs '<json options>'
//   options: {uri, format: "dc+sd-jwt"|"ldp_vc", queryId, credential, holderKey (private JWK),
//             anchorPem, scenario, postTo}
//   scenario: "good" | "wrong-nonce" | "missing-claim" (the SD-JWT VC without `name`) |
//   "replay" (the same response posted twice) | "wrong-audience" | "forged" (a stranger who
//   saw the QR code: the credential altered - the SD-JWT's issuer signature, the W3C
//   credential's holder name - then presented, bound to this request with the wallet's key)
//   postTo: submit to this response_uri instead of the request's (another request's)
// Prints one JSON line: {ok, request, submissions: [{status, body}]} or {ok: false, stage, error}.
import crypto from 'node:crypto'
import { setGlobalConfig } from '@openid4vc/utils'
import { Openid4vpClient } from '@openid4vc/openid4vp'
import { CompactEncrypt, importJWK, base64url } from 'jose'

// The test server listens on http://localhost (loopback, no TLS): allowed for this run only.
setGlobalConfig({ allowInsecureUrls: true })

const options = JSON.parse(process.argv[2])
const b64u = (buf) => Buffer.from(buf).toString('base64url')
const sha256 = (data) => crypto.createHash('sha256').update(data).digest()

function x509Chain (x5c) {
  const certs = x5c.map((c) => new crypto.X509Certificate(Buffer.from(c, 'base64')))
  const anchor = new crypto.X509Certificate(options.anchorPem)
  const now = new Date()
  for (let i = 0; i < certs.length; i++) {
    const issuer = certs[i + 1] ?? anchor
    if (!certs[i].checkIssued(issuer) || !certs[i].verify(issuer.publicKey)) throw new Error('the x5c chain does not lead to the trust anchor')
    if (new Date(certs[i].validFrom) > now || new Date(certs[i].validTo) < now) throw new Error('a certificate of the x5c chain is not valid now')
  }
  return certs[0]
}

function verifyEs256 (publicKey, compact) {
  const [h, p, s] = compact.split('.')
  return crypto.verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))
}

const callbacks = {
  fetch,
  hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
  generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
  verifyJwt: async (signer, { compact }) => {
    if (signer.method !== 'x5c') return { verified: false }
    const leaf = x509Chain(signer.x5c)
    const signerJwk = leaf.publicKey.export({ format: 'jwk' })
    return verifyEs256(leaf.publicKey, compact) ? { verified: true, signerJwk } : { verified: false, signerJwk }
  },
  getX509CertificateMetadata: (certificate) => {
    const names = (new crypto.X509Certificate(Buffer.from(certificate, 'base64')).subjectAltName ?? '').split(', ')
    return {
      sanDnsNames: names.filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
      sanUriNames: names.filter((n) => n.startsWith('URI:')).map((n) => n.slice(4))
    }
  },
  encryptJwe: async (encryptor, data) => {
    const key = await importJWK(encryptor.publicJwk, encryptor.alg)
    const jwe = new CompactEncrypt(new TextEncoder().encode(data))
      .setProtectedHeader({ alg: encryptor.alg, enc: encryptor.enc, kid: encryptor.publicJwk.kid })
    const parameters = {}
    if (encryptor.apu) parameters.apu = base64url.decode(encryptor.apu)
    if (encryptor.apv) parameters.apv = base64url.decode(encryptor.apv)
    jwe.setKeyManagementParameters(parameters)
    return { jwe: await jwe.encrypt(key), encryptionJwk: encryptor.publicJwk }
  }
}

function signJws (privateJwk, header, payload) {
  const key = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' })
  const alg = privateJwk.crv === 'Ed25519' ? 'EdDSA' : 'ES256'
  const input = `${b64u(JSON.stringify({ ...header, alg }))}.${b64u(JSON.stringify(payload))}`
  const signature = alg === 'EdDSA'
    ? crypto.sign(null, Buffer.from(input), key)
    : crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64u(signature)}`
}

// RFC 9901 §4.3: the presented SD-JWT (chosen Disclosures) and a KB-JWT over it
function forgedSignature (jwt) {
  const [h, p, sig] = jwt.split('.')
  const bytes = Buffer.from(sig, 'base64url')
  bytes[10] ^= 0xff
  return `${h}.${p}.${b64u(bytes)}`
}

function presentSdJwt (issued, nonce, audience) {
  let [jwt, ...rest] = issued.split('~')
  if (options.scenario === 'forged') jwt = forgedSignature(jwt)
  let disclosures = rest.filter(Boolean)
  if (options.scenario === 'missing-claim') {
    disclosures = disclosures.filter((d) => JSON.parse(Buffer.from(d, 'base64url'))[1] !== 'name')
  }
  const presented = [jwt, ...disclosures].join('~') + '~'
  const kb = signJws(options.holderKey, { typ: 'kb+jwt' }, {
    iat: Math.floor(Date.now() / 1000), aud: audience, nonce, sd_hash: b64u(sha256(presented))
  })
  return presented + kb
}

// RFC 8785 JSON canonicalization (our documents hold strings, integers and booleans)
function jcs (value) {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${jcs(value[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
function base58 (bytes) {
  let n = BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'))
  let out = ''
  while (n > 0n) { out = ALPHABET[Number(n % 58n)] + out; n /= 58n }
  for (const b of bytes) { if (b !== 0) break; out = '1' + out }
  return out
}

// VC DI EdDSA 1.0 §3.4 (eddsa-jcs-2022), proof purpose authentication with challenge, domain
function presentLdp (credential, nonce, audience) {
  if (options.scenario === 'forged') {
    credential = structuredClone(credential)
    for (const id of credential.credentialSubject.identifier ?? []) {
      if (id.identityType === 'name') id.identityHash = 'Mallory Forger'
    }
  }
  const did = credential.credentialSubject.id
  const vp = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiablePresentation'],
    holder: did,
    verifiableCredential: [credential]
  }
  const proof = {
    '@context': vp['@context'],
    type: 'DataIntegrityProof',
    cryptosuite: 'eddsa-jcs-2022',
    created: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    verificationMethod: `${did}#0`,
    proofPurpose: 'authentication',
    challenge: nonce,
    domain: audience
  }
  const hash = Buffer.concat([sha256(jcs(proof)), sha256(jcs(vp))])
  const key = crypto.createPrivateKey({ key: options.holderKey, format: 'jwk' })
  return { ...vp, proof: { ...proof, proofValue: 'z' + base58(crypto.sign(null, hash, key)) } }
}

async function main () {
  const client = new Openid4vpClient({ callbacks })
  let stage = 'parse'
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: options.uri })
    stage = 'resolve'
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params })
    const request = resolved.authorizationRequestPayload
    const nonce = options.scenario === 'wrong-nonce' ? `${request.nonce}x` : request.nonce
    const audience = options.scenario === 'wrong-audience' ? 'x509_san_dns:elsewhere.example' : request.client_id
    stage = 'present'
    const presentation = options.format === 'dc+sd-jwt'
      ? presentSdJwt(options.credential, nonce, audience)
      : presentLdp(options.credential, nonce, audience)
    stage = 'response'
    const encrypted = request.response_mode === 'direct_post.jwt'
    const { authorizationResponsePayload, jarm } = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: { vp_token: { [options.queryId]: [presentation] } },
      jarm: encrypted
        ? {
            encryption: { nonce: b64u(crypto.randomBytes(16)) },
            serverMetadata: {
              authorization_encryption_alg_values_supported: ['ECDH-ES'],
              authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
              authorization_signing_alg_values_supported: []
            }
          }
        : undefined
    })
    stage = 'submit'
    const submissions = []
    for (let i = 0; i < (options.scenario === 'replay' ? 2 : 1); i++) {
      const { response } = await client.submitOpenid4vpAuthorizationResponse({
        authorizationRequestPayload: { response_uri: options.postTo ?? request.response_uri },
        authorizationResponsePayload,
        jarm: jarm ? { responseJwt: jarm.responseJwt } : undefined
      })
      submissions.push({ status: response.status, body: await response.json() })
    }
    console.log(JSON.stringify({
      ok: true, submissions, clientId: request.client_id, version: resolved.version,
      signed: resolved.jar !== undefined, responseMode: request.response_mode
    }))
  } catch (error) {
    const detail = error.errorResponse ?? error.response?.body ?? error.message
    console.log(JSON.stringify({ ok: false, stage, error: String(error.message), detail }))
  }
}

main()
