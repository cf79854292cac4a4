// Load people into the SCIM directory from a JSON file (see examples/people.json), one SCIM
// POST /scim/v2/Users each; a person whose userName exists already is left as it is.
//
//   IG_URL=http://127.0.0.1:4000/graphql IG_API_KEY=igk_… node dist/examples/load-people-scim.js examples/people.json
//
// The key needs SCIM_PROVISIONER. Prints one line per person and a summary; exits 1 if any failed.
import fs from 'node:fs';

interface Person {
  userName: string;
  givenName: string;
  familyName: string;
  email?: string;
  title?: string;
}

const file = process.argv[2];
const apiKey = process.env.IG_API_KEY;
if (!file || !apiKey) {
  process.stderr.write('usage: IG_API_KEY=igk_… node dist/examples/load-people-scim.js <people.json>\n');
  process.exit(2);
}
// SCIM lives next to GraphQL: http://host:port/scim/v2.
const base = new URL('/scim/v2', process.env.IG_URL ?? 'http://127.0.0.1:4000/graphql').href;

let people: Person[];
try {
  people = JSON.parse(fs.readFileSync(file, 'utf8')) as Person[];
  if (!Array.isArray(people) || people.some((p) => typeof p?.userName !== 'string')) throw new Error('expected an array of { userName, givenName, familyName, email?, title? }');
} catch (error) {
  process.stderr.write(`cannot read ${file}: ${(error as Error).message}\n`);
  process.exit(2);
}

const counts = { created: 0, existing: 0, failed: 0 };
for (const person of people) {
  const response = await fetch(`${base}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: person.userName,
      name: { givenName: person.givenName, familyName: person.familyName },
      displayName: `${person.givenName} ${person.familyName}`,
      title: person.title,
      emails: person.email ? [{ value: person.email, type: 'work', primary: true }] : undefined,
      active: true,
    }),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: string; detail?: string; scimType?: string };
  if (response.status === 201) {
    counts.created++;
    process.stdout.write(`created ${person.userName} (${body.id})\n`);
  } else if (response.status === 409 && body.scimType === 'uniqueness') {
    counts.existing++;
    process.stdout.write(`exists  ${person.userName}\n`);
  } else {
    counts.failed++;
    process.stdout.write(`failed  ${person.userName}: ${response.status} ${body.detail ?? ''}\n`);
  }
}
process.stdout.write(`${counts.created} created, ${counts.existing} already there, ${counts.failed} failed\n`);
process.exit(counts.failed > 0 ? 1 : 0);
