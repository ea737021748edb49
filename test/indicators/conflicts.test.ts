import assert from 'node:assert/strict';
import { validateValue } from '../../bot/indicators/validateValue';
import type { ExistingIndicator, ProductAction, Scope } from '../../bot/indicators/types';
import { context } from './fixtures';

const existing: ExistingIndicator[] = [
  {
    id: '1',
    indicatorType: 'DomainName',
    indicatorValue: 'evil.example.com',
    action: 'Block',
    rbacGroupNames: [],
    expirationTime: '2027-01-01T00:00:00Z',
  },
  {
    id: '2',
    indicatorType: 'DomainName',
    indicatorValue: 'good.example.net',
    action: 'Allowed',
    rbacGroupNames: [],
  },
  {
    id: '3',
    indicatorType: 'Url',
    indicatorValue: 'https://files.example.org/share/kit',
    action: 'Allowed',
    rbacGroupNames: [],
  },
  {
    id: '4',
    indicatorType: 'IpAddress',
    indicatorValue: '8.8.4.4',
    action: 'Block',
    rbacGroupNames: ['Windows servers'],
  },
  {
    id: '5',
    indicatorType: 'FileSha1',
    indicatorValue: 'DEADBEAFB263B10B284405889FB25DCC3BF1AEBB',
    action: 'Allowed',
    rbacGroupNames: [],
  },
  {
    id: '6',
    indicatorType: 'Url',
    indicatorValue: 'https://cdn.example.io/x',
    action: 'Block',
    rbacGroupNames: [],
  },
];

function check(value: string, action: ProductAction = 'block', scope: Scope = { kind: 'allDevices' }) {
  return validateValue(value, context({ existing, action, scope }));
}

describe('conflict analysis', () => {
  const cases: {
    name: string;
    value: string;
    action?: ProductAction;
    scope?: Scope;
    code: string;
    id: string;
  }[] = [
    {
      name: 'the same value, action and scope is a duplicate',
      value: 'evil.example.com',
      code: 'duplicate',
      id: '1',
    },
    {
      name: 'the same value compared case-insensitively is a duplicate',
      value: 'EVIL.example.com',
      code: 'duplicate',
      id: '1',
    },
    {
      name: 'the same value and action in another scope is a scope conflict',
      value: '8.8.4.4',
      code: 'conflictScope',
      id: '4',
    },
    {
      name: 'the same value with another action is an action conflict',
      value: 'evil.example.com',
      action: 'allow',
      code: 'conflictAction',
      id: '1',
    },
    {
      name: 'a subdomain of a blocked domain is already covered',
      value: 'a.evil.example.com',
      code: 'coveredByDomain',
      id: '1',
    },
    {
      name: 'a subdomain of an allowed domain conflicts with the covering domain',
      value: 'x.good.example.net',
      code: 'conflictCoveringDomain',
      id: '2',
    },
    {
      name: 'a URL on an allowed domain conflicts with the covering domain',
      value: 'https://good.example.net/x',
      code: 'conflictCoveringDomain',
      id: '2',
    },
    {
      name: 'a domain covering an existing indicator with another action is reported',
      value: 'example.net',
      code: 'conflictCoveredIndicator',
      id: '2',
    },
    {
      name: 'a shorter URL under which a longer allowed path exists is told the longer path wins',
      value: 'https://files.example.org/share',
      code: 'conflictUrlPath',
      id: '3',
    },
    {
      name: 'a longer URL under an existing blocked URL is reported as overlapping',
      value: 'https://cdn.example.io/x/y',
      code: 'overlappingUrl',
      id: '6',
    },
    {
      name: 'a file hash with another action than an existing one is an action conflict',
      value: 'deadbeafb263b10b284405889fb25dcc3bf1aebb',
      code: 'conflictAction',
      id: '5',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = check(c.value, c.action, c.scope);
      const finding = result.findings.find((f) => f.code === c.code);
      assert.ok(finding, result.findings.map((f) => f.code).join());
      assert.equal(finding.relatedId, c.id);
      assert.equal(finding.level, 'warning');
    });
  }

  it('a duplicate suggests extending the existing indicator', () => {
    const finding = check('evil.example.com').findings.find((f) => f.code === 'duplicate');
    assert.match(finding?.suggestion ?? '', /Extend or update #1/);
  });

  it('an Allow overriding an existing Block explains the precedence', () => {
    const finding = check('evil.example.com', 'allow').findings.find((f) => f.code === 'conflictAction');
    assert.match(finding?.message ?? '', /Your Allow would override it \(Allow > Warn > Block\)/);
  });

  it('a Block under an existing Allow is told it would have no effect', () => {
    const finding = check('good.example.net').findings.find((f) => f.code === 'conflictAction');
    assert.match(finding?.message ?? '', /wins over your Block.*no effect/);
  });

  it('an unrelated value has no conflicts', () => {
    assert.deepEqual(
      check('other.example.com').findings.filter((f) => f.relatedId !== undefined),
      [],
    );
  });

  it('a sibling URL path on the same host is not a conflict', () => {
    assert.ok(!check('https://files.example.org/other').findings.some((f) => f.relatedId === '3'));
  });
});
