/**
 * The indicator views of SPEC §3: `/list`, `/show`, `/remove`, `/expiring` (with Extend), `/export` and `/import`.
 * Removal, extension and import requests share the request services of the create flow, so they are approved
 * and submitted the same way.
 *
 * @remarks Two Teams events have no route in the bot's routers, so this feature adds adapter middleware for them
 * (it runs after the tenant guard): a personal-chat message that carries only a file (no text) is routed as
 * `/import`, and the `fileConsent/invoke` of an export consent card is answered here.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { Feature, FeatureDeps } from '../../feature';
import { normaliseCommandText } from '../../teams/commandRouter';
import { errorText } from '../../teams/replies';
import { requestServices } from '../requestServices';
import { ChangeRequests } from './changeRequests';
import { ExpiringCommand, extendAction } from './expiringCommand';
import { EXPORT_CONSENT_KIND, ExportCommand, type FileConsentValue } from './exportCommand';
import { FILE_DOWNLOAD_INFO, ImportCommand, ImportFlow, importActions } from './importCommand';
import { IndicatorListView, ListCommand, listPageAction } from './listCommand';
import { RemoveCommand } from './removeCommand';
import { ShowCommand, type HitLookup } from './showCommand';

/** The feature factory. */
export function createIndicatorViewsFeature(deps: FeatureDeps, hits?: HitLookup): Feature {
  const services = requestServices(deps);
  const changes = new ChangeRequests(deps, services);
  const view = new IndicatorListView(deps.defender);
  const exporter = new ExportCommand(deps);
  const imports = new ImportFlow(deps, services);
  services.submissions.onChange((r) => imports.refresh(r));

  deps.adapter.use(async (context: TurnContext, next: () => Promise<void>) => {
    const a = context.activity;
    if (a.type === String(ActivityTypes.Invoke) && a.name === 'fileConsent/invoke') {
      const value = (a.value ?? {}) as FileConsentValue;
      if (value.context?.kind === EXPORT_CONSENT_KIND) {
        await answerConsent(context, exporter, value, deps);
        return;
      }
    }
    if (a.type === String(ActivityTypes.Message) && isFileOnly(context)) a.text = 'import';
    await next();
  });

  return {
    name: 'indicatorViews',
    commands: [
      new ListCommand(deps, view),
      new ShowCommand(deps, services, hits),
      new RemoveCommand(deps, changes),
      new ExpiringCommand(deps),
      exporter,
      new ImportCommand(imports),
    ],
    cardActions: [listPageAction(deps, view), extendAction(deps, changes), ...importActions(imports)],
  };
}

/** A personal-chat message with a Teams file and no text of its own. */
function isFileOnly(context: TurnContext): boolean {
  const a = context.activity;
  if ((a.conversation?.conversationType ?? 'personal') !== 'personal') return false;
  if (!(a.attachments ?? []).some((x) => x.contentType === FILE_DOWNLOAD_INFO)) return false;
  return normaliseCommandText(a.text ?? '') === '';
}

async function answerConsent(
  context: TurnContext,
  exporter: ExportCommand,
  value: FileConsentValue,
  deps: FeatureDeps,
): Promise<void> {
  try {
    await exporter.onConsent(context, value);
  } catch (error) {
    const correlationId = randomUUID();
    deps.logger.warn({ correlationId, err: error }, 'export upload failed');
    await context.sendActivity(errorText(error, correlationId));
  }
  // Teams expects 200 for a handled consent; the outcome was told in the chat.
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200 } });
}
