// The holder's wallet in s4c's OpenID4VCI tests: the OpenWallet Foundation's
// @openid4vc/openid4vci and @openid4vc/oauth2 (not our code) run the pre-authorized code
// flow against a running `s4c serve`. Keys and JWT signatures use node:crypto.
//
//   node wallet.mjs '<json options>'
//   options: {offer, txCode, alg: "ES256"|"EdDSA", copies, scenario, cookie, clientId,
//             redirectUri, attestation}
//   scenario: "good" | "reuse" (redeem the code twice) | "stale-nonce" (a proof with a nonce
//   of our own making) | "foreign-key" (a proof whose header names another key) |
//   "wrong-verifier" (authorization code flow: a PKCE verifier not of the challenge) |
//   "no-attestation-at-token" (an attested wallet that does not authenticate at the token
//   endpoint) | "more" (after the copies, `more` copies again with the same token) |
//   "reuse-nonce" (the first c_nonce for every configuration)
// DPoP nonces (RFC 9449 §8): the library answers `use_dpop_nonce` by trying again with the
// server's nonce; the wallet then keeps the last DPoP-Nonce it was given for its next proof.
// An offer with an `authorization_code` grant runs that flow: PAR and PKCE by the library;
// the holder's browser step (sign-in cookie `cookie`, then "Add them to my wallet") is
// played here with fetch, as a browser would. The wallet is the public client `clientId`
// (registered by the test with `redirectUri`), or, with `attestation` ({providerJwk: the
// wallet provider's private JWK, x5c?: its certificate chain, sub, walletName?,
// redirectUris?}), a wallet whose provider attests it: the library makes the Wallet
// Attestation (createClientAttestationJwt) for a fresh instance key and sends it with a new
// PoP at PAR and at the token endpoint (OAuth-Client-Attestation and -PoP headers).
// Prints one JSON line: {ok: true, credentials, metadata, holderKeys, dpopChallenges} or
// {ok: false, stage, error, dpopChallenges}. `dpopChallenges`: the paths that answered
// `use_dpop_nonce`. `holderKeys`: the private JWKs the credentials are bound to (the OpenID4VP tests
// present the credentials with them).
import crypto from 'node:crypto'
import { setGlobalConfig } from '@openid4vc/utils'
import {
  clientAuthenticationAnonymous, clientAuthenticationClientAttestationJwt, clientAuthenticationNone,
  createClientAttestationJwt, preAuthorizedCodeGrantIdentifier
} from '@openid4vc/oauth2'
import { Openid4vciClient } from '@openid4vc/openid4vci'

// The test server listens on http://127.0.0.1 (loopback, no TLS): allowed for this run only.
setGlobalConfig({ allowInsecureUrls: true })

const options = JSON.parse(process.argv[2])
const b64u = (buf) => Buffer.from(buf).toString('base64url')

function newKey (alg) {
  const pair = alg === 'EdDSA'
    ? crypto.generateKeyPairSync('ed25519')
    : crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = pair.publicKey.export({ format: 'jwk' })
  return { alg, privateKey: pair.privateKey, publicJwk: jwk }
}

const keys = new Map() // JSON of a public JWK -> its key
function keyFor (jwk) {
  const found = keys.get(JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }))
  if (!found) throw new Error('no private key for this JWK')
  return found
}
function remember (key) {
  const j = key.publicJwk
  keys.set(JSON.stringify({ kty: j.kty, crv: j.crv, x: j.x, y: j.y }), key)
  return key
}

function sign (key, header, payload) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`
  const signature = key.alg === 'EdDSA'
    ? crypto.sign(null, Buffer.from(input), key.privateKey)
    : crypto.sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64u(signature)}`
}

let signWith = null // a key that signs instead of the one the header names (foreign-key)
let providerKey = null // the wallet provider's key, for a Wallet Attestation with x5c
let stage = 'offer'
const dpopChallenges = []
async function watchedFetch (url, init) {
  const response = await fetch(url, init)
  const challenged = response.status === 401
    ? /error="use_dpop_nonce"/.test(response.headers.get('WWW-Authenticate') ?? '')
    : response.status === 400 && (await response.clone().json().catch(() => ({}))).error === 'use_dpop_nonce'
  if (challenged) dpopChallenges.push(new URL(url).pathname)
  return response
}
const callbacks = {
  fetch: watchedFetch,
  hash: (data, alg) => new Uint8Array(crypto.createHash(alg.replace('-', '')).update(data).digest()),
  generateRandom: (n) => new Uint8Array(crypto.randomBytes(n)),
  clientAuthentication: clientAuthenticationAnonymous(),
  signJwt: async (signer, { header, payload }) => {
    if (signer.method === 'x5c' && providerKey) return { jwt: sign(providerKey, header, payload) }
    if (signer.method !== 'jwk') throw new Error(`signer ${signer.method} not supported here`)
    const key = keyFor(signer.publicJwk)
    return { jwt: sign(signWith ?? key, header, payload), signerJwk: signer.publicJwk }
  }
}

const CLIENT_ID = options.attestation?.sub ?? options.clientId ?? 's4c-test-wallet'
const REDIRECT_URI = options.redirectUri ?? 'https://wallet.example/callback'

function importKey (privateJwk) {
  const privateKey = crypto.createPrivateKey({ key: privateJwk, format: 'jwk' })
  const { d, ...publicJwk } = privateJwk
  return { alg: privateJwk.kty === 'OKP' ? 'EdDSA' : 'ES256', privateKey, publicJwk }
}

// How the wallet authenticates: a registered public client names its client_id (RFC 6749
// §4.1.3); the pre-authorized code needs nothing (OpenID4VCI §6.1); an attested wallet sends
// its Wallet Attestation with a fresh PoP at PAR and at the token endpoint.
async function clientAuthentication () {
  const anonymous = clientAuthenticationAnonymous()
  const none = clientAuthenticationNone({ clientId: CLIENT_ID })
  if (!options.attestation) {
    return (o) => (o.body?.grant_type === preAuthorizedCodeGrantIdentifier ? anonymous(o) : none(o))
  }
  const a = options.attestation
  const provider = remember(importKey(a.providerJwk))
  const instance = remember(newKey('ES256'))
  if (a.x5c) providerKey = provider
  const now = Math.floor(Date.now() / 1000)
  const additionalPayload = {}
  if (a.walletName) additionalPayload.wallet_name = a.walletName
  if (a.redirectUris) additionalPayload.redirect_uris = a.redirectUris
  const clientAttestationJwt = await createClientAttestationJwt({
    issuer: a.iss ?? 'https://wallet-provider.example', clientId: a.sub,
    expiresAt: new Date((now + (a.expiresIn ?? 3600)) * 1000),
    confirmation: { jwk: instance.publicJwk }, additionalPayload, callbacks,
    signer: a.x5c
      ? { method: 'x5c', alg: provider.alg, x5c: a.x5c }
      : { method: 'jwk', alg: provider.alg, publicJwk: provider.publicJwk }
  })
  const attested = clientAuthenticationClientAttestationJwt({ clientAttestationJwt, callbacks })
  return (o) => (stage === 'token' && options.scenario === 'no-attestation-at-token' ? none(o) : attested(o))
}

// The holder's browser: the authorization page with their session cookie, then agreeing.
async function agree (url) {
  const headers = { cookie: options.cookie ?? '' }
  const page = await fetch(url, { headers, redirect: 'manual' })
  if (page.status !== 200) throw new Error(`authorization page answered ${page.status} ${page.headers.get('location') ?? ''}`)
  const html = await page.text()
  const field = (name) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1]
  const form = new URLSearchParams({
    csrf_token: field('csrf_token'), request_uri: field('request_uri').replaceAll('&#34;', '"'),
    client_id: field('client_id'), decision: 'allow'
  })
  const answer = await fetch(url, {
    method: 'POST', body: form, redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
  })
  const location = answer.headers.get('location')
  if (answer.status !== 303 || !location?.startsWith(REDIRECT_URI)) throw new Error(`no redirect to the wallet: ${answer.status} ${location}`)
  return new URL(location)
}

async function authorizationCodeFlow (client, offer, issuerMetadata, dpop, setStage) {
  setStage('par')
  const started = await client.initiateAuthorization({
    credentialOffer: offer, issuerMetadata, clientId: CLIENT_ID, redirectUri: REDIRECT_URI, dpop
  })
  setStage('authorize')
  const back = await agree(started.authorizationRequestUrl)
  if (back.searchParams.get('iss') !== issuerMetadata.credentialIssuer.credential_issuer) throw new Error('no iss in the response (RFC 9207)')
  setStage('token')
  const verifier = options.scenario === 'wrong-verifier' ? 'x'.repeat(64) : started.pkce.codeVerifier
  return await client.retrieveAuthorizationCodeAccessTokenFromOffer({
    credentialOffer: offer, issuerMetadata, authorizationCode: back.searchParams.get('code'),
    pkceCodeVerifier: verifier, redirectUri: REDIRECT_URI, dpop
  })
}

async function main () {
  try {
    callbacks.clientAuthentication = await clientAuthentication()
    const client = new Openid4vciClient({ callbacks })
    const offer = await client.resolveCredentialOffer(options.offer)
    stage = 'metadata'
    const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer)
    const dpopKey = remember(newKey('ES256'))
    let dpop = { signer: { method: 'jwk', alg: 'ES256', publicJwk: dpopKey.publicJwk } }
    stage = 'token'
    const { accessTokenResponse, dpop: dpopAfterToken } = offer.grants?.authorization_code
      ? await authorizationCodeFlow(client, offer, issuerMetadata, dpop, (s) => { stage = s })
      : await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer, issuerMetadata, txCode: options.txCode, dpop
      })
    if (options.scenario === 'reuse') {
      stage = 'token-again'
      await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
        credentialOffer: offer, issuerMetadata, txCode: options.txCode, dpop
      })
    }
    dpop = { ...dpop, nonce: dpopAfterToken?.nonce } // the token response's DPoP-Nonce
    const credentials = []
    const holderKeys = []
    let firstNonce = null
    const batches = offer.credential_configuration_ids.map((id) => [id, options.copies ?? 1])
    if (options.scenario === 'more') batches.push([batches[0][0], options.more ?? 1])
    for (const [index, [configurationId, copies]] of batches.entries()) {
      stage = index === offer.credential_configuration_ids.length ? 'credential-more' : 'nonce'
      let { c_nonce: nonce } = await client.requestNonce({ issuerMetadata })
      if (options.scenario === 'stale-nonce') nonce = `${Math.floor(Date.now() / 1000) - 10}.x.y`
      if (options.scenario === 'reuse-nonce') nonce = firstNonce ??= nonce
      const proofs = []
      for (let i = 0; i < copies; i++) {
        const holderKey = remember(newKey(options.alg ?? 'ES256'))
        holderKeys.push(holderKey.privateKey.export({ format: 'jwk' }))
        if (options.scenario === 'foreign-key') signWith = remember(newKey(holderKey.alg))
        const { jwt } = await client.createCredentialRequestJwtProof({
          issuerMetadata, credentialConfigurationId: configurationId, nonce,
          signer: { method: 'jwk', alg: holderKey.alg, publicJwk: holderKey.publicJwk }
        })
        signWith = null
        proofs.push(jwt)
      }
      if (stage !== 'credential-more') stage = 'credential'
      const response = await client.retrieveCredentials({
        issuerMetadata, credentialConfigurationId: configurationId,
        proofs: { jwt: proofs }, accessToken: accessTokenResponse.access_token, dpop
      })
      dpop = { ...dpop, nonce: response.dpop?.nonce ?? dpop.nonce }
      credentials.push({ configurationId, credentials: response.credentialResponse.credentials })
    }
    console.log(JSON.stringify({ ok: true, credentials, holderKeys, tokenType: accessTokenResponse.token_type, dpopChallenges }))
  } catch (error) {
    const detail = error.response?.body ?? error.errorResponse ?? error.message
    console.log(JSON.stringify({ ok: false, stage, error: String(error.message), detail, dpopChallenges }))
  }
}

main()
