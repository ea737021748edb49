import type { ValidationContext } from '../../bot/indicators/validateValue';

/** A validation context for tests: block on all devices, a few known groups, contoso as the tenant. */
export function context(overrides: Partial<ValidationContext> = {}): ValidationContext {
  return {
    action: 'block',
    scope: { kind: 'allDevices' },
    knownGroups: ['Mobile', 'Android phones', 'Windows servers'],
    mobileOnlyGroups: ['Mobile', 'Android phones'],
    protectedDomains: ['partner-portal.example.org'],
    tenantDomains: ['contoso.com', 'contoso.onmicrosoft.com'],
    ...overrides,
  };
}

export const NOW = new Date('2026-12-01T10:00:00Z');
