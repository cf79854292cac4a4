// Run a certification of one role's holders, certified by you, and decide every review item.
//
//   IG_URL=http://127.0.0.1:4000/graphql IG_API_KEY=igk_… node dist/examples/run-certification.js <role id> [CERTIFY|REVOKE]
//
// The key is a personal key that may manage certifications and decide them (ORG_ADMIN, or
// CATALOG_ADMIN with CERTIFIER). Prints the campaign's progress at the end.
import {
  clientFromEnvironment,
  describeFailure,
  CampaignProgressDocument,
  CreateCertificationDocument,
  DecideReviewItemDocument,
  MeDocument,
  ReviewItemsDocument,
} from '../client/index.js';
import { RunCertificationDocument, type ReviewDecision } from '../client/index.js';

const [roleId, decisionArg = 'CERTIFY'] = process.argv.slice(2);
if (!roleId || !['CERTIFY', 'REVOKE'].includes(decisionArg)) {
  process.stderr.write('usage: node dist/examples/run-certification.js <role id> [CERTIFY|REVOKE]\n');
  process.exit(2);
}
const decision = decisionArg as ReviewDecision;
const client = clientFromEnvironment();

try {
  const { me } = await client.request(MeDocument, {});
  if (!me.person) throw new Error('This key belongs to no person: the certifier is the key’s person');
  const certifier = me.person;
  const { createCertification: certification } = await client.request(CreateCertificationDocument, {
    input: {
      name: `Review of role ${roleId} (${new Date().toISOString().slice(0, 10)})`,
      description: 'Created by examples/run-certification',
      type: 'USER_ACCESS',
      approverType: 'NONE',
      workflowName: 'Certification',
      workflowDescription: 'Default Certification Workflow',
      status: 'ACTIVE',
      userCertificationBy: 'QUERY',
      userQuery: '{"$and":[{"status":"Active"}]}',
      certificationBy: 'manually',
      onlySelected: true,
      resources: [{ id: roleId, collection: 'ROLE' }],
      certifierType: 'USER',
      certifier: certifier.login,
      certifierDisplayName: certifier.displayName,
      repeat: 'Do not repeat',
      commentsOnCertify: false,
      commentsOnRevoke: true,
      reassignment: false,
      selfCertification: true,
      automaticEscalation: false,
      certificationReminderEmail: false,
      alternateCertifier: 'USER_MANAGER',
      certificationDurationType: 'DAYS',
      certificationDuration: 7,
    },
  });
  const { runCertification: campaign } = await client.request(RunCertificationDocument, { id: certification.id });
  process.stdout.write(`campaign ${campaign.id} of "${campaign.name}": ${campaign.itemCount} review items\n`);
  const { reviewItems } = await client.request(ReviewItemsDocument, { campaignId: campaign.id });
  for (const item of reviewItems.nodes.filter((i) => !i.decision)) {
    await client.request(DecideReviewItemDocument, { itemId: item.id, decision, comment: `${decision.toLowerCase()} by script` });
  }
  const { certificationCampaign: done } = await client.request(CampaignProgressDocument, { id: campaign.id });
  const p = done?.progress;
  process.stdout.write(`progress: ${p?.decided}/${p?.total} decided (${p?.certified} certified, ${p?.revoked} revoked), campaign ${done?.status}\n`);
} catch (error) {
  process.stderr.write(`run-certification failed: ${describeFailure(error)}\n`);
  process.exit(1);
}
