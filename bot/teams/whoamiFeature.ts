/**
 * The `/whoami` feature: tells callers who the bot thinks they are and which roles they have.
 */
import { ApproverPolicy } from '../approvals/approverPolicy';
import type { Feature, FeatureDeps } from '../feature';
import { WhoamiCommand } from './commands/whoamiCommand';

/** Builds the feature from the shared dependencies. */
export function whoamiFeature(deps: FeatureDeps): Feature {
  const policy = new ApproverPolicy({
    settings: deps.config.approval,
    graph: deps.graph,
    logger: deps.logger,
    now: deps.now,
  });
  return {
    name: 'whoami',
    commands: [
      new WhoamiCommand({
        cards: deps.cards,
        policy,
        allowedTenantIds: deps.config.allowedTenantIds,
        approvalMode: deps.config.approval.mode,
        now: deps.now,
      }),
    ],
  };
}
