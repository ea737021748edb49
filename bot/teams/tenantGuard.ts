/**
 * The tenant lock (`ALLOWED_TENANT_IDS`): a middleware that lets only activities from allowed Entra tenants reach
 * the bot. A single-tenant bot registration does not stop other tenants from messaging the bot, so this check
 * is what does.
 */
import { teamsGetTenant, type Middleware, type TurnContext } from 'botbuilder';
import type { Logger } from '../logging';
import { turnLoggerOf } from './turnLogger';

/** The error code in the invoke response of a refused invoke. */
export const TENANT_NOT_ALLOWED = 'tenantNotAllowed';

/** What a person from another tenant sees; deliberately says nothing about the bot or its configuration. */
export const TENANT_REFUSAL_TEXT = 'This app is not available to your organization.';

/** Options of the guard. */
export interface TenantGuardOptions {
  /** Whether a refused message gets one short refusal line (default true); other activities never get a reply. */
  readonly replyToMessages?: boolean;
}

/** The tenant of an activity: `channelData.tenant.id`, else `conversation.tenantId`; undefined when neither. */
export function activityTenantId(context: TurnContext): string | undefined {
  const id = teamsGetTenant(context.activity)?.id ?? context.activity.conversation?.tenantId;
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/**
 * Refuses every activity whose tenant is not allowed, before any later middleware or handler runs: messages get
 * at most one short refusal line, invokes a 403 `application/vnd.microsoft.error` invoke response (Teams would
 * otherwise show "Unable to reach app"), everything else is dropped. Each refusal is logged as a warning with
 * the tenant, activity type and conversation type, never the text.
 * @remarks Tenant ids are compared case-insensitively (they are GUIDs). An activity with no tenant at all is
 * refused too.
 */
export class TenantGuard implements Middleware {
  private readonly allowed: ReadonlySet<string>;
  private readonly replyToMessages: boolean;

  constructor(
    allowedTenantIds: readonly string[],
    private readonly logger: Logger,
    options: TenantGuardOptions = {},
  ) {
    this.allowed = new Set(allowedTenantIds.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''));
    this.replyToMessages = options.replyToMessages ?? true;
  }

  /** Whether the tenant may use the bot. */
  isAllowed(tenantId: string | undefined): boolean {
    return tenantId !== undefined && this.allowed.has(tenantId.toLowerCase());
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const tenantId = activityTenantId(context);
    if (this.isAllowed(tenantId)) {
      await next();
      return;
    }
    const a = context.activity;
    turnLoggerOf(context, this.logger).warn(
      {
        tenantId: tenantId ?? '(none)',
        activityType: a.type,
        ...(a.type === 'invoke' && a.name ? { activityName: a.name } : {}),
        channelId: a.channelId,
        conversationType: a.conversation?.conversationType,
      },
      'activity from a tenant that is not allowed was refused',
    );
    if (a.type === 'invoke') {
      await context.sendActivity({
        type: 'invokeResponse',
        value: {
          status: 403,
          body: {
            statusCode: 403,
            type: 'application/vnd.microsoft.error',
            value: { code: TENANT_NOT_ALLOWED, message: TENANT_REFUSAL_TEXT },
          },
        },
      });
    } else if (a.type === 'message' && this.replyToMessages) {
      await context.sendActivity(TENANT_REFUSAL_TEXT);
    }
  }
}
