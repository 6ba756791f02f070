// A real OpenID Connect provider (the oidc-provider package) for the single sign-on tests.
// Started by tests/accounts/test_single_sign_on.py on 127.0.0.1 with a port and the relying
// party's redirect URI; it prints "ready" once it listens. Its sign-in page accepts any
// account id (the email typed) and any password: it is a test provider, never a real one.
//
// Clients:
//   pep-portal       an ordinary client
//   short-lived      its ID tokens expire one second after they are issued
//   wrong-audience   its ID tokens are re-signed (with the provider's own key) for another
//                    audience, as a misconfigured or hostile provider would send them
import { createServer } from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const client = (clientId) => ({
  client_id: clientId,
  client_secret: `${clientId}-secret`,
  redirect_uris: [redirectUri],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  clients: [client('pep-portal'), client('short-lived'), client('wrong-audience')],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  ttl: {
    IdToken: (ctx, token, c) => (c.clientId === 'short-lived' ? 1 : 3600),
    AccessToken: 600,
    AuthorizationCode: 60,
    Session: 600,
    Interaction: 600,
    Grant: 600,
  },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id };
      },
    };
  },
});
provider.proxy = false;

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && ctx.body && ctx.body.id_token
      && ctx.oidc && ctx.oidc.client && ctx.oidc.client.clientId === 'wrong-audience') {
    const claims = { ...decodeJwt(ctx.body.id_token), aud: 'another-service' };
    ctx.body = {
      ...ctx.body,
      id_token: await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(privateKey),
    };
  }
});

createServer(provider.callback()).listen(Number(port), '127.0.0.1', () => {
  console.log('ready');
});
