// The city's sign-in provider for tests/api/oidc.rs: oidc-provider (a certified OpenID
// Provider) on 127.0.0.1, with its own login and consent forms (devInteractions: any login
// name is the subject, any password passes), the clients and the accounts the test names.
//
//   OIDC_PORT          the port to listen on
//   OIDC_REDIRECT_URI  the relying party's callback, registered for every client
//   OIDC_CLIENTS       JSON [{"id": "...", "secret": "..."}]
//   OIDC_ACCOUNTS      JSON [{"sub": "...", "name": "...", "email": "...", "email_verified": true}]
//   OIDC_MODE          "provider" (the default), or a provider of our own that signs ID
//                      tokens for the first account: "wrong-audience" (for another client,
//                      with its published key), "rotated-key" (for the first client, with a
//                      key it publishes only from its second key set on, as after a rotation)
//
// Prints "oidc provider listening on <issuer>" once it listens; runs until killed.

import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = process.env.OIDC_REDIRECT_URI;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '[]');
const mode = process.env.OIDC_MODE || 'provider';

function listening() {
  console.log(`oidc provider listening on ${issuer}`);
}

if (mode === 'provider') {
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
    })),
    async findAccount(ctx, id) {
      const account = accounts.find((a) => a.sub === id);
      return account && { accountId: id, async claims() { return { ...account }; } };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
  });
  provider.listen(port, '127.0.0.1', listening);
} else if (mode === 'wrong-audience' || mode === 'rotated-key') {
  // wrong-audience: everything is in order but the audience, as in a token stolen from
  // another site that uses the same provider. rotated-key: everything is in order, but the
  // key is one the relying party fetched no key set with yet.
  const key = (kid) => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
  };
  const old = key('old');
  const signing = mode === 'rotated-key' ? key('new') : old;
  const audience = mode === 'rotated-key' ? clients[0].id : 'another-client';
  let keySets = 0;
  const nonces = new Map();
  const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  http.createServer((req, res) => {
    const url = new URL(req.url, issuer);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (url.pathname === '/jwks') {
      keySets += 1;
      return json(res, 200, { keys: [keySets === 1 ? old.jwk : signing.jwk] });
    }
    if (url.pathname === '/auth') {
      const code = crypto.randomBytes(16).toString('hex');
      nonces.set(code, url.searchParams.get('nonce'));
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state'));
      res.writeHead(303, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code');
        if (!nonces.has(code)) return json(res, 400, { error: 'invalid_grant' });
        const account = accounts[0];
        const now = Math.floor(Date.now() / 1000);
        const claims = { ...account, iss: issuer, aud: audience, iat: now, exp: now + 300, nonce: nonces.get(code) };
        nonces.delete(code);
        const signed = `${b64({ alg: 'RS256', kid: signing.jwk.kid, typ: 'JWT' })}.${b64(claims)}`;
        const signature = crypto.sign('sha256', Buffer.from(signed), signing.privateKey).toString('base64url');
        return json(res, 200, { access_token: 'opaque', token_type: 'Bearer', expires_in: 300, id_token: `${signed}.${signature}` });
      });
      return undefined;
    }
    res.writeHead(404);
    return res.end();
  }).listen(port, '127.0.0.1', listening);
} else {
  console.error(`unknown OIDC_MODE ${mode}`);
  process.exit(2);
}
