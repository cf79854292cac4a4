import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { gql, type GraphQLClient } from 'graphql-request';
import { startTestApp, errorsOf, type TestApp } from './harness.js';
import { Workspace } from '../src/auth/workspace.entity.js';
import { createApiKey } from '../src/auth/api-key.service.js';
import { Authority } from '../src/auth/authorities.js';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { Attachment, TaskComment } from '../src/requests/task-comment.entity.js';

let app: TestApp;
let admin: GraphQLClient;
let token: string;
let taskId: string;

const COMMENT = `mutation ($taskId: ID!, $user: String!, $message: String!, $attachment: Upload) {
  addTaskComment(taskId: $taskId, userLogin: $user, message: $message, attachment: $attachment) {
    id comments { comment userLogin timestamp attachmentId attachment { id filename contentType size sha256 contentBase64 } }
  }
}`;
type CommentData = {
  addTaskComment: {
    id: string;
    comments: Array<{
      comment: string;
      userLogin: string;
      timestamp: string;
      attachmentId: string | null;
      attachment: { id: string; filename: string; contentType: string; size: number; sha256: string; contentBase64: string };
    }>;
  };
};

beforeAll(async () => {
  app = await startTestApp();
  admin = await app.client('acme');
  const em = app.orm.em.fork();
  ({ token } = await createApiKey(em, em.getReference(Workspace, await app.workspace('acme')), 'uploader', [Authority.ORG_ADMIN]));
  // Jerome Fern requests Buffer: the manager task goes to zachary.
  const submitted = await admin.request<{ submitCart: { requests: Array<{ tasks: Array<{ id: string }> }> } }>(
    gql`mutation { submitCart(input: { cart: { requester: { login: "jerome" }, cartItems: [{ beneficiaries: { login: "jerome" }, entityId: "63aee3b793ccdf675cc62d3d", entityType: TARGET_SYSTEM }] } }) { requests { tasks { id } } } }`,
  );
  taskId = submitted.submitCart.requests[0].tasks[0].id;
});
afterAll(async () => {
  await app?.stop();
});

/** A GraphQL multipart request (operations, map, file), as Apollo Client's upload link sends it. */
function upload(content: Buffer, options: { filename?: string; type?: string; headers?: Record<string, string>; user?: string; map?: unknown } = {}) {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: COMMENT, variables: { taskId, user: options.user ?? 'zachary', message: 'signed access form attached', attachment: null } }));
  form.append('map', JSON.stringify(options.map ?? { 0: ['variables.attachment'] }));
  form.append('0', new Blob([new Uint8Array(content)], { type: options.type ?? 'application/pdf' }), options.filename ?? 'access-form.pdf');
  return app.fetch('/graphql', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true', ...options.headers } });
}

async function counts() {
  const em = app.orm.em.fork();
  return { comments: await em.count(TaskComment, {}), attachments: await em.count(Attachment, {}), audit: await em.count(AuditEvent, {}) };
}

describe('addTaskComment with a multipart file upload', () => {
  it('stores the file in the database and reads it back through the task, byte for byte', async () => {
    const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(200_000), Buffer.from([0, 255, 0, 13, 10])]);
    const res = await upload(content);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    const [comment] = body.data.addTaskComment.comments;
    const sha256 = createHash('sha256').update(content).digest('hex');
    expect(comment).toMatchObject({
      comment: 'signed access form attached',
      userLogin: 'zachary',
      attachmentId: comment.attachment.id,
      attachment: { filename: 'access-form.pdf', contentType: 'application/pdf', size: content.length, sha256 },
    });
    expect(Buffer.from(comment.attachment.contentBase64, 'base64').equals(content)).toBe(true);

    const again = await admin.request<{ task: { comments: Array<{ attachment: { sha256: string; contentBase64: string } }> } }>(
      gql`query ($id: ID!) { task(id: $id) { comments { attachment { sha256 contentBase64 } } } }`,
      { id: taskId },
    );
    expect(Buffer.from(again.task.comments[0].attachment.contentBase64, 'base64').equals(content)).toBe(true);
    const stored = await app.orm.em.fork().findOneOrFail(Attachment, comment.attachment.id, { populate: ['content'] });
    expect(Buffer.from(stored.content).equals(content)).toBe(true);
    expect(stored.sha256).toBe(sha256);
    const log = await app.orm.em.fork().find(AuditEvent, { entityId: taskId, action: 'task.comment' });
    expect(log).toHaveLength(1);
    expect(log[0].after).toMatchObject({ attachment: { filename: 'access-form.pdf', size: content.length, sha256 } });
  });

  it('refuses a file over the limit with BAD_USER_INPUT on field attachment, writing nothing', async () => {
    const before = await counts();
    const res = await upload(Buffer.alloc(app.config.maxUploadBytes + 1, 1));
    const body = await res.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachment' });
    expect(body.errors[0].message).toBe(`The attachment is ${app.config.maxUploadBytes + 1} bytes; it may be at most ${app.config.maxUploadBytes} bytes`);
    expect(body.data).toBe(null);
    expect(await counts()).toEqual(before);
  });

  it('refuses a body far over the limit before reading it all (413)', async () => {
    const before = await counts();
    const res = await upload(Buffer.alloc(app.config.maxUploadBytes + 2 * 1024 * 1024, 1));
    expect(res.status).toBe(413);
    const body = await res.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(body.errors[0].message).toMatch(/Request body exceeds/);
    expect(await counts()).toEqual(before);
  });

  it('requires the apollo-require-preflight header (CSRF prevention): 400 without it, nothing written', async () => {
    const before = await counts();
    const form = new FormData();
    form.append('operations', JSON.stringify({ query: COMMENT, variables: { taskId, user: 'zachary', message: 'x', attachment: null } }));
    form.append('map', JSON.stringify({ 0: ['variables.attachment'] }));
    form.append('0', new Blob(['hello']), 'a.txt');
    const res = await app.fetch('/graphql', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/Cross-Site Request Forgery/);
    expect(await counts()).toEqual(before);
  });

  it('rejects a malformed multipart request with BAD_REQUEST', async () => {
    const missing = await upload(Buffer.from('x'), { map: { 1: ['variables.attachment'] } });
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: '`map` names the file field "1", which the request does not carry' });
    const wrongPath = await upload(Buffer.from('x'), { map: { 0: ['variables.nothing'] } });
    expect((await wrongPath.json()).errors[0].message).toBe('`map` path "variables.nothing" does not name a null variable of the operation');
  });

  it('an Upload cannot be sent as JSON', async () => {
    const errors = await errorsOf(admin.request(COMMENT, { taskId, user: 'zachary', message: 'x', attachment: 'aGVsbG8=' }));
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'attachment' });
  });
});

describe('addTaskComment checks', () => {
  it('a comment without a file; the requester may comment too', async () => {
    const data = await admin.request<CommentData>(COMMENT, { taskId, user: 'jerome', message: 'please approve before Friday' });
    expect(data.addTaskComment.comments.at(-1)).toMatchObject({ comment: 'please approve before Friday', userLogin: 'jerome', attachment: null, attachmentId: null });
  });

  it.each([
    ['someone not involved', { user: 'aaron', message: 'hi' }, 'FORBIDDEN', undefined],
    ['an empty message', { user: 'zachary', message: '  ' }, 'BAD_USER_INPUT', 'message'],
    ['an unknown person', { user: 'nobody', message: 'hi' }, 'NOT_FOUND', 'userLogin'],
  ])('refuses %s, writing nothing', async (_name, vars, code, field) => {
    const before = await counts();
    const errors = await errorsOf(admin.request(COMMENT, { taskId, ...vars }));
    expect(errors[0].extensions?.code).toBe(code);
    expect(errors[0].extensions?.field).toBe(field);
    expect(await counts()).toEqual(before);
  });

  it('an unknown task is NOT_FOUND; a READ_ONLY key is FORBIDDEN', async () => {
    const unknown = await errorsOf(admin.request(COMMENT, { taskId: 'ffffffffffffffffffffffff', user: 'zachary', message: 'x' }));
    expect(unknown[0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'taskId' });
    const reader = await app.client('acme', [Authority.READ_ONLY]);
    const denied = await errorsOf(reader.request(COMMENT, { taskId, user: 'zachary', message: 'x' }));
    expect(denied[0].extensions).toMatchObject({ code: 'FORBIDDEN', action: 'tasks:act' });
  });
});
