import assert from 'node:assert/strict';
import {
  fromApiAction,
  toApiAction,
  requiresAlert,
  type IndicatorType,
  type ProductAction,
} from '../../bot/indicators/types';

describe('toApiAction', () => {
  const cases: [ProductAction, IndicatorType, string][] = [
    ['allow', 'DomainName', 'Allowed'],
    ['audit', 'Url', 'Audit'],
    ['warn', 'IpAddress', 'Warn'],
    ['block', 'Url', 'Block'],
    ['block', 'FileSha256', 'Block'],
    ['blockAndRemediate', 'FileSha1', 'BlockAndRemediate'],
    ['blockAndRemediate', 'CertificateThumbprint', 'BlockAndRemediate'],
    ['block', 'CertificateThumbprint', 'BlockAndRemediate'],
    ['allow', 'CertificateThumbprint', 'Allowed'],
  ];
  for (const [action, type, api] of cases) {
    it(`maps ${action} on ${type} to ${api}`, () => {
      assert.equal(toApiAction(action, type), api);
    });
  }

  const refused: [ProductAction, IndicatorType][] = [
    ['blockAndRemediate', 'IpAddress'],
    ['blockAndRemediate', 'DomainName'],
    ['blockAndRemediate', 'Url'],
    ['audit', 'CertificateThumbprint'],
    ['warn', 'CertificateThumbprint'],
  ];
  for (const [action, type] of refused) {
    it(`refuses ${action} on ${type} with a ValidationError`, () => {
      assert.throws(() => toApiAction(action, type), { name: 'ValidationError', code: 'validation' });
    });
  }

  it('requires generateAlert for Audit only', () => {
    assert.deepEqual(
      (['Allowed', 'Audit', 'Warn', 'Block', 'BlockAndRemediate'] as const).map(requiresAlert),
      [false, true, false, false, false],
    );
  });

  it('maps the legacy Alert and AlertAndBlock to Audit and Block and remediate', () => {
    assert.deepEqual(
      [fromApiAction('Alert'), fromApiAction('AlertAndBlock')],
      ['audit', 'blockAndRemediate'],
    );
  });
});
