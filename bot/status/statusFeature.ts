/**
 * `/status`: whether Defender and Graph answer, whether the app's tokens carry the roles each feature needs,
 * storage, every feature's own section (hit sources and their pollers), and the version.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Feature, FeatureDeps, StatusSection } from '../feature';
import { graphScopeFor } from '../graph/graphClient';
import { repoRoot } from '../paths';
import { runHealthChecks, type HealthCheck } from '../server';
import type { CommandHandler } from '../teams/commandRouter';
import type { Reply } from '../teams/replies';
import { escapeMarkdown } from '../cards/cardRenderer';

/** An app role the bot needs, and for what. */
export interface RequiredRole {
  readonly api: 'defender' | 'graph';
  readonly role: string;
  readonly for: string;
  /** Other roles that also satisfy it (e.g. the broader ReadWrite). */
  readonly alternatives?: readonly string[];
  readonly optional?: boolean;
}

/** What each feature needs (least privilege; the README justifies each). */
export function requiredRoles(deps: FeatureDeps): RequiredRole[] {
  const roles: RequiredRole[] = [
    { api: 'defender', role: 'Ti.ReadWrite.All', for: 'submitting, listing and removing indicators' },
    {
      api: 'defender',
      role: 'Score.Read.All',
      for: 'discovering device groups (else the configured groups are used)',
      optional: true,
    },
    {
      api: 'graph',
      role: 'SecurityAlert.Read.All',
      for: 'hit notifications from alerts',
      alternatives: ['SecurityAlert.ReadWrite.All'],
    },
    {
      api: 'graph',
      role: 'ThreatHunting.Read.All',
      for: 'hit notifications from advanced hunting and device counts',
    },
  ];
  if (deps.config.approval.approverGroupId) {
    roles.push({
      api: 'graph',
      role: 'GroupMember.Read.All',
      for: 'checking approver group membership',
      alternatives: ['Directory.Read.All'],
    });
  }
  return roles;
}

/** The `roles` claim of a JWT access token (no signature check: it is our own token, read for display). */
export function tokenRoles(accessToken: string): string[] {
  const payload = accessToken.split('.')[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

const TIMEOUT_MS = 5000;

class StatusCommand implements CommandHandler {
  readonly keywords = ['status'] as const;
  private readonly version: string;

  constructor(
    private readonly deps: FeatureDeps,
    private readonly features: readonly Feature[],
    private readonly baseHealth: readonly HealthCheck[],
  ) {
    this.version = (
      JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }
    ).version;
  }

  async handle(): Promise<Reply> {
    const sections = await this.sections();
    const data = {
      heading: `Status of defender-ioc-bot ${this.version}`,
      summary: sections.every((s) => s.ok)
        ? 'Everything answers.'
        : 'Something needs attention (marked below).',
      summaryColor: sections.every((s) => s.ok) ? 'Good' : 'Attention',
      sections: sections.map((s) => ({
        title: `${s.ok ? '✓' : '✗'} ${escapeMarkdown(s.title)}`,
        color: s.ok ? 'Default' : 'Attention',
        facts: s.facts.map((f) => ({ title: escapeMarkdown(f.title), value: escapeMarkdown(f.value) })),
      })),
    };
    return { card: this.deps.cards.attachment('status', data) };
  }

  async sections(): Promise<StatusSection[]> {
    const d = this.deps;
    const general: StatusSection = {
      title: 'Bot',
      ok: true,
      facts: [
        { title: 'Version', value: this.version },
        { title: 'Mode', value: d.config.mode },
        {
          title: 'Approval',
          value: d.config.approval.mode === 'none' ? 'none (local demo: no second person)' : 'required',
        },
        { title: 'Tenants answered', value: d.config.allowedTenantIds.join(', ') },
      ],
    };
    const [reach, roles, health, own] = await Promise.all([
      this.reachability(),
      this.roles(),
      runHealthChecks(this.baseHealth, TIMEOUT_MS),
      Promise.all(
        this.features.flatMap((f) =>
          f.status
            ? [
                f.status().catch((e: unknown): StatusSection => ({
                  title: f.name,
                  ok: false,
                  facts: [{ title: 'Error', value: e instanceof Error ? e.message : String(e) }],
                })),
              ]
            : [],
        ),
      ),
    ]);
    const storage: StatusSection = {
      title: 'Dependencies',
      ok: health.every((h) => h.ok),
      facts: health.map((h) => ({
        title: h.name,
        value: h.ok ? (h.detail ?? 'ok') : `failing: ${h.detail ?? ''}`,
      })),
    };
    return [general, reach, roles, ...(health.length > 0 ? [storage] : []), ...own];
  }

  private async reachability(): Promise<StatusSection> {
    const d = this.deps;
    const timed = async (
      name: string,
      fn: () => Promise<unknown>,
    ): Promise<{ title: string; value: string; ok: boolean }> => {
      const started = Date.now();
      try {
        await withTimeout(fn(), TIMEOUT_MS);
        return { title: name, value: `answers (${Date.now() - started} ms)`, ok: true };
      } catch (e) {
        return {
          title: name,
          value: `not reachable: ${e instanceof Error ? e.message : String(e)}`,
          ok: false,
        };
      }
    };
    const results = await Promise.all([
      timed(`Defender (${d.config.defender.apiUrl ?? '?'})`, () => d.defender.list({ top: 1 })),
      timed(`Graph (${d.config.graph.apiUrl ?? '?'})`, async () => {
        const alerts = d.graph.listAlerts({ since: d.now(), top: 1 });
        for await (const _ of alerts) break;
      }),
    ]);
    return { title: 'Reachability', ok: results.every((r) => r.ok), facts: results };
  }

  private async roles(): Promise<StatusSection> {
    const d = this.deps;
    const credential = d.credential;
    if (!credential)
      return {
        title: 'Token roles',
        ok: true,
        facts: [{ title: 'Roles', value: 'not checked (no credential)' }],
      };
    const scopes = {
      defender: d.config.defender.tokenScope,
      graph: graphScopeFor(d.config.graph.apiUrl ?? 'https://graph.microsoft.com'),
    };
    const granted: Record<'defender' | 'graph', string[] | string> = { defender: [], graph: [] };
    for (const api of ['defender', 'graph'] as const) {
      try {
        const token = await withTimeout(credential.getToken(scopes[api]), TIMEOUT_MS);
        granted[api] = token ? tokenRoles(token.token) : 'no token';
      } catch (e) {
        granted[api] = `no token: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    let ok = true;
    const facts = requiredRoles(d).map((r) => {
      const have = granted[r.api];
      if (typeof have === 'string') {
        ok = false;
        return { title: `${r.role} (${r.api})`, value: have };
      }
      const present = [r.role, ...(r.alternatives ?? [])].some((x) => have.includes(x));
      if (!present && !r.optional) ok = false;
      return {
        title: `${r.role} (${r.api})`,
        value: present
          ? `granted — ${r.for}`
          : `${r.optional ? 'missing (optional)' : 'MISSING'} — needed for ${r.for}`,
      };
    });
    return { title: 'Token roles', ok, facts };
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `/status` feature; it reads the other features' sections. */
export function createStatusFeature(
  deps: FeatureDeps,
  features: readonly Feature[],
  baseHealth: readonly HealthCheck[],
): Feature {
  return { name: 'status', commands: [new StatusCommand(deps, features, baseHealth)] };
}
