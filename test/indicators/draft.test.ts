import assert from 'node:assert/strict';
import { buildDraft } from '../../bot/indicators/draft';
import { validateValue } from '../../bot/indicators/validateValue';
import { context } from './fixtures';

describe('buildDraft', () => {
  it('builds exactly what would be submitted, with generated title and description', () => {
    const result = validateValue(
      'hxxps://evil[.]example[.]com/kit',
      context({ scope: { kind: 'groups', groups: ['windows servers'] } }),
    );
    assert.deepEqual(buildDraft(result, { expirationTime: '2026-12-31T10:00:00Z', requestedBy: 'Ada' }), {
      indicatorType: 'Url',
      indicatorValue: 'https://evil.example.com/kit',
      action: 'Block',
      title: 'Block https://evil.example.com/kit',
      description: 'Requested in Teams by Ada.',
      severity: 'Medium',
      generateAlert: false,
      expirationTime: '2026-12-31T10:00:00Z',
      rbacGroupNames: ['Windows servers'],
    });
  });

  it('forces generateAlert for Audit even when the form says no', () => {
    const result = validateValue('evil.example.com', context({ action: 'audit' }));
    assert.equal(buildDraft(result, { expirationTime: null, generateAlert: false })?.generateAlert, true);
  });

  it('gives no draft for a value with an error verdict', () => {
    assert.equal(buildDraft(validateValue('10.0.0.1', context()), { expirationTime: null }), undefined);
  });

  it('keeps the analyst’s title, description, severity and recommended actions', () => {
    const draft = buildDraft(validateValue('evil.example.com', context()), {
      expirationTime: null,
      title: 'Phish kit',
      description: 'Campaign 42',
      severity: 'High',
      recommendedActions: 'Reset passwords',
    });
    assert.deepEqual(
      [draft?.title, draft?.description, draft?.severity, draft?.recommendedActions, draft?.rbacGroupNames],
      ['Phish kit', 'Campaign 42', 'High', 'Reset passwords', []],
    );
  });
});
