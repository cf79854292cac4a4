// Every domain's part of the read graph: importing this module fills the registry.
import '../governance/governance.graph.js';
import '../profiles/profiles.graph.js';
import '../enrollment/enrollment.graph.js';
import '../scim/scim.graph.js';
import '../reconciliation/reconciliation.graph.js';
import '../requests/requests.graph.js';
import '../certifications/certifications.graph.js';
import '../auth/auth.graph.js';
import '../live/live.graph.js';
