// Approve every approval task waiting for you or one of your groups (and complete your fulfilment tasks).
//
//   IG_URL=http://127.0.0.1:4000/graphql IG_API_KEY=igk_… node dist/examples/approve-my-tasks.js
//
// The key is a personal key with APPROVER. Prints one line per task; exits 1 if any failed.
import { clientFromEnvironment, describeFailure, DecideTaskDocument, MeDocument, MyOpenTasksDocument } from '../client/index.js';

const client = clientFromEnvironment();
let failed = 0;
try {
  const { me } = await client.request(MeDocument, {});
  if (!me.person) throw new Error('This key belongs to no person: use a personal key');
  const { tasks } = await client.request(MyOpenTasksDocument, { login: me.person.login });
  if (tasks.nodes.length === 0) process.stdout.write(`no open tasks for ${me.person.login}\n`);
  for (const task of tasks.nodes) {
    const action = task.type === 'FULFILMENT_TASK' ? 'COMPLETE' : 'APPROVE';
    try {
      // A task offered to a group is claimed first, then decided.
      if (task.assigneeType === 'Group') await client.request(DecideTaskDocument, { id: task.id, action: 'CLAIM' });
      const { performTaskAction: done } = await client.request(DecideTaskDocument, { id: task.id, action, comment: 'Approved by script' });
      process.stdout.write(`${action.toLowerCase()}d ${task.name} of ${done.request.requestId}: request now ${done.request.status}\n`);
    } catch (error) {
      failed++;
      process.stdout.write(`could not ${action.toLowerCase()} ${task.name} (${task.id}): ${describeFailure(error)}\n`);
    }
  }
} catch (error) {
  process.stderr.write(`approve-my-tasks failed: ${describeFailure(error)}\n`);
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
