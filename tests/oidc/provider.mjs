// tests/oidc/provider.mjs PORT — a real OpenID Connect provider (npm oidc-provider) on
// http://127.0.0.1:PORT for tests/integration/oidc.sh.  Prints "ready" once it listens.
//
// Clients: lyre-rs (secret lyre-rs-secret, RS256 ID tokens) and lyre-es (lyre-es-secret,
// ES256), redirect URIs http://127.0.0.1:P/auth/test/callback and .../auth/test-es/callback
// for every P in $LYRE_OIDC_WEB_PORTS (default 8081,8082,8121).  PKCE is required.
//
// Nobody types anything: GET /interaction/UID signs in the test account named by the
// authorization request's login_hint (else $LYRE_OIDC_ACCOUNT, else alice) and grants
// what was asked.  login_hint=deny answers the client with error=access_denied instead.
//   alice  alice@example.test  verified
//   bob    bob@example.test    NOT verified
//   carol  carol@example.test  verified
//   dave   no address (for linking to an existing account from its account page)
//   erin   carol@example.test  verified (another person claiming carol's address)
// The keys (RSA 2048 "rs-1", EC P-256 "es-1") are made at start and kept while it runs.
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] || 8093);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error('usage: node provider.mjs PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const webPorts = (process.env.LYRE_OIDC_WEB_PORTS || '8081,8082,8121')
  .split(/[ ,]+/).filter((p) => /^[0-9]+$/.test(p));
const redirectUris = webPorts.flatMap((p) => [
  `http://127.0.0.1:${p}/auth/test/callback`,
  `http://127.0.0.1:${p}/auth/test-es/callback`,
]);

const accounts = {
  alice: { email: 'alice@example.test', email_verified: true, name: 'Alice Example' },
  bob: { email: 'bob@example.test', email_verified: false, name: 'Bob Example' },
  carol: { email: 'carol@example.test', email_verified: true, name: 'Carol Example' },
  dave: { name: 'Dave Example' },
  erin: { email: 'carol@example.test', email_verified: true, name: 'Erin Example' },
};

function privateJwk(type, options, kid, alg) {
  const { privateKey } = crypto.generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

const client = (id, alg) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: redirectUris,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: alg,
});

const provider = new Provider(issuer, {
  clients: [client('lyre-rs', 'RS256'), client('lyre-es', 'ES256')],
  jwks: {
    keys: [
      privateJwk('rsa', { modulusLength: 2048 }, 'rs-1', 'RS256'),
      privateJwk('ec', { namedCurve: 'P-256' }, 'es-1', 'ES256'),
    ],
  },
  pkce: { required: () => true, methods: ['S256'] },
  // Email and name in the ID token itself, not only from userinfo.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false } },
  findAccount: (ctx, id) => (accounts[id] ? {
    accountId: id,
    claims: () => ({ sub: id, preferred_username: id, ...accounts[id] }),
  } : undefined),
});

// The auto-approving interaction.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const who = details.params.login_hint || process.env.LYRE_OIDC_ACCOUNT || 'alice';
  if (who === 'deny' || !accounts[who]) {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: 'The test account refused.',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: who, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope || 'openid');
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: who },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const handle = provider.callback();
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && /^\/interaction\/[^/?]+/.test(req.url)) {
    interaction(req, res).catch((err) => {
      console.error('interaction:', err.message);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('interaction failed\n');
    });
    return;
  }
  handle(req, res);
});

for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
server.listen(port, '127.0.0.1', () => console.log('ready'));
