// The last step of `deploy`: the registry's first configuration, from the topology's `registry` section,
// through the Gateway, as the real client path. Reading the configuration through every authority org's
// Gateway is also the final readiness check: a client of each org can evaluate.
import { AuthorityClient } from '@meterledger/authority';
import { connect, MeterledgerError, type MeterledgerConnection } from '@meterledger/client';
import { REGISTRY_CONTRACT, type RegistryConfig } from '@meterledger/contract-api';
import type { StatePaths } from './paths';
import { StepError } from './process';
import { registryBootstrap, type PeerOrg, type Topology } from './topology';

/** The org's identity holding the `admin` role attribute (what initConfig requires). */
export function adminIdentity(org: PeerOrg): string {
  const admin = org.identities.find((i) => i.role === 'admin');
  if (!admin) throw new StepError('configuring the registry', undefined, `${org.name} declares no identity with role admin in the topology`);
  return admin.name;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export async function bootstrapRegistryConfig(t: Topology, paths: StatePaths): Promise<string> {
  const wanted = registryBootstrap(t);
  const authorities = t.orgs.filter((o) => wanted.authorityMspIds.includes(o.mspId));
  const connections: MeterledgerConnection[] = [];
  const open = async (org: PeerOrg) => {
    const c = await connect({ profile: paths.profile, org: org.name, identity: adminIdentity(org), transport: 'gateway' });
    connections.push(c);
    return c;
  };
  try {
    const first = await open(authorities[0]);
    let inForce: RegistryConfig;
    try {
      inForce = (await new AuthorityClient(first).getConfig()).config;
    } catch (err) {
      if (!(err instanceof MeterledgerError && err.code === 'NOT_CONFIGURED')) throw err;
      // Endorsed by every authority org, so no single org's peers can write the first configuration.
      const written = await first
        .contract(REGISTRY_CONTRACT)
        .submitWithOptions<RegistryConfig>('initConfig', [wanted], { endorsingOrganizations: wanted.authorityMspIds });
      inForce = written.result;
    }
    for (const org of authorities.slice(1)) await new AuthorityClient(await open(org)).getConfig();
    const summary = `threshold ${inForce.approvalThreshold} of ${inForce.authorityMspIds.join(', ')}`;
    const differs = inForce.approvalThreshold !== wanted.approvalThreshold || !sameSet(inForce.authorityMspIds, wanted.authorityMspIds);
    return differs ? `in force: ${summary} (the topology's differs; change it with registry:proposeConfig)` : summary;
  } catch (err) {
    throw new StepError('configuring the registry', paths.log('deploy'), err instanceof Error ? err.message : String(err));
  } finally {
    for (const c of connections) c.close();
  }
}
