// Drives Nango's own Node SDK against a running Unigate and prints what each call returned, as JSON.
// Usage: node nango_node_client.mjs <node_modules dir> <host> <secret key> [connections|actions]
import { createRequire } from 'node:module';

const [modules, host, secretKey, part = 'connections'] = process.argv.slice(2);
const require = createRequire(`${modules}/`);
const { Nango } = await import(require.resolve('@nangohq/node'));
const nango = new Nango({ host, secretKey });
const out = {};

async function failure(call) {
  try {
    await call();
    return null;
  } catch (err) {
    return { status: err.response?.status, body: err.response?.data };
  }
}

if (part === 'actions') {
  // the server runs the test provider `doer`; integration doer-prod and connection c1 exist
  const input = { issue: 5, labels: ['from-sdk'] };
  out.sync = await nango.triggerAction('doer-prod', 'c1', 'add-labels', input);
  out.accepted = await nango.triggerActionAsync('doer-prod', 'c1', 'add-labels', input);
  out.polls = [];
  for (let i = 0; i < 200; i++) {
    const answer = await nango.getAsyncActionResult({ statusUrl: out.accepted.statusUrl });
    out.polls.push(answer);
    if (answer.status !== 'pending' && answer.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  out.by_id = await nango.getAsyncActionResult({ id: out.accepted.id });
  out.unknown = await failure(() => nango.triggerAction('doer-prod', 'c1', 'close-issue', {}));
  out.invalid = await failure(() => nango.triggerAction('doer-prod', 'c1', 'add-labels', { issue: 'x' }));
  console.log(JSON.stringify(out));
  process.exit(0);
}

out.created = await nango.createIntegration({
  provider: 'github', unique_key: 'gh',
  credentials: { type: 'OAUTH2', client_id: 'client-id', client_secret: 'client-secret', scopes: 'repo' },
});
out.integrations = await nango.listIntegrations();
out.integration = await nango.getIntegration({ uniqueKey: 'gh' }, { include: ['credentials'] });

const imported = await fetch(`${host}/connections`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
  body: JSON.stringify({
    provider_config_key: 'gh', connection_id: 'user-1', end_user: { id: 'end-user-1' },
    credentials: { type: 'OAUTH2', access_token: 'gho_token', refresh_token: 'ghr_refresh', expires_at: '2031-01-01T00:00:00Z' },
  }),
});
out.import_status = imported.status;

out.connections = await nango.listConnections();
out.connections_by_user = await nango.listConnections({ userId: 'end-user-1' });
out.connection = await nango.getConnection('gh', 'user-1');
out.connection_with_refresh = await nango.getConnection('gh', 'user-1', false, true);
out.token = await nango.getToken('gh', 'user-1');
await nango.setMetadata('gh', 'user-1', { plan: 'pro' });
await nango.updateMetadata('gh', 'user-1', { seats: 3 });
out.metadata = await nango.getMetadata('gh', 'user-1');
out.patched = await nango.patchConnection({ connectionId: 'user-1', provider_config_key: 'gh' }, { tags: { team: 'core' } });
out.deleted_status = (await nango.deleteConnection('gh', 'user-1')).status;
out.missing = await failure(() => nango.getConnection('gh', 'user-1'));
out.bad_key = await failure(() => new Nango({ host, secretKey: '00000000-0000-4000-8000-000000000000' }).listIntegrations());
console.log(JSON.stringify(out));
