// Test OAuth 2.0 authorization server: panva's oidc-provider on loopback, configured from JSON.
//
// Usage: node server.mjs '<json config>'   (or the JSON in UNIGATE_OAUTH_SERVER_CONFIG)
// The node_modules folder holding oidc-provider comes from config.modules or OIDC_PROVIDER_MODULES.
// Prints `listening <issuer>` on stdout once ready. See tests/oauth_server/__init__.py for the config keys.
//
// Our own additions around the provider:
// - GET /interaction/:uid renders a plain form; POST /interaction/:uid/login (field `login`),
//   POST /interaction/:uid/confirm and POST /interaction/:uid/abort (-> error=access_denied) finish it.
// - GET /__stats -> token-endpoint requests by grant_type (?outcome=success|error for outcomes); DELETE resets.
// - Every confidential client accepts both client_secret_basic and client_secret_post: the request is
//   rewritten to the client's registered method before oidc-provider authenticates it (secret still checked).

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.argv[2] ?? process.env.UNIGATE_OAUTH_SERVER_CONFIG ?? '{}');
const modules = config.modules ?? process.env.OIDC_PROVIDER_MODULES;
if (!modules) throw new Error('set config.modules or OIDC_PROVIDER_MODULES to the node_modules holding oidc-provider');
const entry = createRequire(join(modules, 'noop.js')).resolve('oidc-provider');
const { default: Provider, errors } = await import(pathToFileURL(entry).href);

const host = config.host ?? '127.0.0.1';
const accessTokenTTL = config.access_token_ttl ?? 60;
const apiScopes = config.scopes ?? ['read', 'write'];
const accounts = new Set(config.accounts ?? ['user-1']);
const BOTH = ['client_secret_basic', 'client_secret_post'];

const server = createServer();
await new Promise((resolve) => server.listen(config.port ?? 0, host, resolve));
const issuer = config.issuer ?? `http://${host}:${server.address().port}`;
const resource = config.resource ?? `${issuer}/api`;

const authMethods = new Map(); // client_id -> accepted token endpoint auth methods
const clients = (config.clients ?? []).map((c) => {
  const methods = c.client_secret ? (c.token_endpoint_auth_methods ?? BOTH) : ['none'];
  authMethods.set(c.client_id, methods);
  const metadata = {
    client_id: c.client_id,
    redirect_uris: c.redirect_uris ?? [],
    grant_types: c.grant_types ?? ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: c.response_types ?? ['code'],
    token_endpoint_auth_method: methods[0],
  };
  if (c.client_secret) metadata.client_secret = c.client_secret;
  if (c.scope) metadata.scope = c.scope;
  if (!metadata.grant_types.includes('authorization_code')) metadata.response_types = [];
  return metadata;
});

const provider = new Provider(issuer, {
  clients,
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access', ...apiScopes],
  clientAuthMethods: [...BOTH, 'none'],
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => config.pkce_required ?? true },
  rotateRefreshToken: true,
  // Like most SaaS providers: a refresh token whenever the client may refresh, offline_access or not.
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token')
    && (!config.refresh_requires_offline_access || code.scopes.has('offline_access')),
  expiresWithSession: async () => false,
  ttl: {
    AccessToken: accessTokenTTL,
    ClientCredentials: accessTokenTTL,
    AuthorizationCode: config.code_ttl ?? 60,
    RefreshToken: config.refresh_token_ttl ?? 14 * 24 * 3600,
    Interaction: 600,
    Session: 3600,
    Grant: 14 * 24 * 3600,
    IdToken: 3600,
  },
  findAccount: async (ctx, id) =>
    accounts.has(id) ? { accountId: id, claims: async () => ({ sub: id, email: `${id}@example.test` }) } : undefined,
  interactions: { url: async (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Every request targets our one API unless it names a resource: the API scopes then land in the token.
      defaultResource: async (ctx, client, oneOf) => oneOf ?? resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return {
          scope: apiScopes.join(' '),
          audience: resource,
          accessTokenTTL,
          accessTokenFormat: config.access_token_format ?? 'opaque',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
});
provider.on('server_error', (ctx, err) => console.error('server_error', err));

const outcomes = { success: {}, error: {} };
const requests = {};
function resetStats() {
  for (const counts of [requests, outcomes.success, outcomes.error]) {
    for (const key of Object.keys(counts)) delete counts[key];
    for (const key of ['authorization_code', 'refresh_token', 'client_credentials']) counts[key] = 0;
  }
}
resetStats();
const bump = (counts, grantType) => {
  counts[grantType] = (counts[grantType] ?? 0) + 1;
};
provider.on('grant.success', (ctx) => bump(outcomes.success, ctx.oidc.params.grant_type));
provider.on('grant.error', (ctx) => bump(outcomes.error, ctx.oidc.params?.grant_type ?? 'unknown'));

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

function send(res, status, body, type = 'application/json') {
  const text = type === 'application/json' ? JSON.stringify(body) : body;
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(text);
}

const escape = (s) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(uid, prompt, params, message = '') {
  const form = (action, inner, label) =>
    `<form method="post" action="/interaction/${uid}/${action}">${inner}<button>${label}</button></form>`;
  const main = prompt === 'login'
    ? form('login', '<input name="login" value="user-1">', 'Sign in')
    : form('confirm', '', 'Allow');
  return `<!doctype html><title>${prompt}</title><h1 data-prompt="${prompt}">${escape(params.client_id)}`
    + ` asks for: ${escape(params.scope ?? '')}</h1><p>${escape(message)}</p>${main}${form('abort', '', 'Deny')}`;
}

async function interaction(req, res, path) {
  const [, , uid, action] = path.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, { error: 'interaction mismatch' });
  const { prompt, params, session, grantId } = details;
  if (req.method === 'GET' && !action) return send(res, 200, page(uid, prompt.name, params), 'text/html');
  if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
  const form = new URLSearchParams(await readBody(req));
  if (action === 'abort') {
    const result = { error: 'access_denied', error_description: 'End-User denied the request' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  if (action === 'login' && prompt.name === 'login') {
    const login = form.get('login') ?? '';
    if (!accounts.has(login)) return send(res, 403, page(uid, 'login', params, 'unknown user'), 'text/html');
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (action === 'confirm' && prompt.name === 'consent') {
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const missing = prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const result = { consent: { grantId: await grant.save() } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
  return send(res, 400, { error: `cannot ${action} during ${prompt.name}` });
}

function basicCredentials(header) {
  const [scheme, token] = (header ?? '').split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !token) return undefined;
  const decoded = Buffer.from(token, 'base64').toString();
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unform = (s) => decodeURIComponent(s.replace(/\+/g, '%20'));
  try {
    return [unform(decoded.slice(0, colon)), unform(decoded.slice(colon + 1))];
  } catch {
    return undefined;
  }
}

// Reads a token/introspection/revocation body (counting grant types), moves client credentials to the
// client's registered method when the other one of client_secret_basic/_post was used, and hands the
// body to oidc-provider pre-read (it reads req.body when the stream was consumed).
async function prepareClientRequest(req, isToken) {
  const form = new URLSearchParams(await readBody(req));
  if (isToken) bump(requests, form.get('grant_type') ?? 'unknown');
  const basic = basicCredentials(req.headers.authorization);
  const clientId = basic?.[0] ?? form.get('client_id');
  const methods = authMethods.get(clientId);
  if (methods?.length === 2) {
    if (methods[0] === 'client_secret_basic' && !basic && form.has('client_secret')) {
      const encode = (s) => encodeURIComponent(s);
      const pair = `${encode(clientId)}:${encode(form.get('client_secret'))}`;
      req.headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
      form.delete('client_id');
      form.delete('client_secret');
    } else if (methods[0] === 'client_secret_post' && basic && !form.has('client_secret')) {
      delete req.headers.authorization;
      form.set('client_id', basic[0]);
      form.set('client_secret', basic[1]);
    }
  }
  req.body = form.toString();
  req.headers['content-length'] = String(Buffer.byteLength(req.body));
}

const callback = provider.callback();
const clientEndpoints = new Map([['/token', true], ['/token/introspection', false], ['/token/revocation', false]]);

server.on('request', async (req, res) => {
  const path = new URL(req.url, issuer).pathname;
  try {
    if (path === '/__stats') {
      if (req.method === 'DELETE') {
        resetStats();
        return send(res, 204, '', 'text/plain');
      }
      const outcome = new URL(req.url, issuer).searchParams.get('outcome');
      return send(res, 200, outcome ? outcomes[outcome] ?? {} : requests);
    }
    if (path.startsWith('/interaction/')) return await interaction(req, res, path);
    if (req.method === 'POST' && clientEndpoints.has(path)) await prepareClientRequest(req, clientEndpoints.get(path));
    return callback(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) send(res, err.statusCode ?? 500, { error: err.name, error_description: err.message });
    else res.end();
  }
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
process.stdout.write(`listening ${issuer}\n`);
