// Request an entitlement for yourself and follow the request until it is provisioned.
//
//   IG_URL=http://127.0.0.1:4000/graphql IG_API_KEY=igk_… node dist/examples/request-access.js "Google Workspace User"
//
// The key is a personal key with REQUESTER. Status changes arrive over the requestStatusChanged
// subscription (graphql-ws); the request is also read every IG_POLL_MS (default 5000), so a
// change made before the subscription started is not missed. Exits 0 once the request is
// Completed, 1 if it ends otherwise (Rejected, Cancelled, Expired).
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { print } from 'graphql';
import {
  clientFromEnvironment,
  describeFailure,
  FindEntitlementDocument,
  MeDocument,
  RequestAccessDocument,
  RequestStatusChangedDocument,
  RequestStatusDocument,
} from '../client/index.js';

const keyword = process.argv[2];
if (!keyword) {
  process.stderr.write('usage: node dist/examples/request-access.js "<entitlement name>"\n');
  process.exit(2);
}
const client = clientFromEnvironment();
const FINAL = new Set(['Completed', 'Rejected', 'Cancelled', 'Expired']);

try {
  const { me } = await client.request(MeDocument, {});
  if (!me.person) throw new Error('This key belongs to no person: use a personal key (npm run keys -- create --person <login> …)');
  const found = await client.request(FindEntitlementDocument, { keyword });
  const entitlement = found.searchCatalog.nodes.find((n) => n.__typename === 'Entitlement');
  if (entitlement?.__typename !== 'Entitlement') throw new Error(`No entitlement matches "${keyword}"`);
  const login = me.person.login;
  const submitted = await client.request(RequestAccessDocument, {
    input: {
      justification: `Requested by a script for ${login}`,
      cart: { requester: { login }, cartItems: [{ beneficiaries: { login }, entityId: entitlement.id, entityType: 'ENTITLEMENT', type: 'CREATE' }] },
    },
  });
  const request = submitted.submitCart.requests[0];
  process.stdout.write(`submitted ${request.requestId} (${request.id}) for ${entitlement.displayName}: ${request.status}\n`);
  const status = await follow(request.id, request.status);
  process.exit(status === 'Completed' ? 0 : 1);
} catch (error) {
  process.stderr.write(`request-access failed: ${describeFailure(error)}\n`);
  process.exit(1);
}

/** Prints each new status until a final one; resolves with it. */
async function follow(id: string, initial: string): Promise<string> {
  let last = initial;
  const ws = createClient({
    url: (process.env.IG_URL ?? 'http://127.0.0.1:4000/graphql').replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${process.env.IG_API_KEY}` },
  });
  return new Promise<string>((resolve, reject) => {
    const seen = (status: string) => {
      if (status !== last) process.stdout.write(`status: ${status}\n`);
      last = status;
      if (FINAL.has(status)) {
        clearInterval(timer);
        unsubscribe();
        void ws.dispose();
        resolve(status);
      }
    };
    const reread = () =>
      client
        .request(RequestStatusDocument, { id })
        .then((r) => r.request && seen(r.request.status))
        .catch(reject);
    const unsubscribe = ws.subscribe<{ requestStatusChanged: { status: string } | null }>(
      { query: print(RequestStatusChangedDocument), variables: { id } },
      { next: (event) => event.data?.requestStatusChanged && seen(event.data.requestStatusChanged.status), error: reject, complete: () => {} },
    );
    const timer = setInterval(reread, Number(process.env.IG_POLL_MS ?? 5000));
    void reread();
  });
}
