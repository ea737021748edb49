import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { APPROVAL_CARD_MAX_ITEMS, approvalCardData } from '../../bot/approvals/approvalCards';
import { CARD_SIZE_BUDGET_BYTES, CardRenderer } from '../../bot/cards/cardRenderer';
import { pendingRequest } from './fixtures';

describe('approval card size', () => {
  const base = pendingRequest();
  const template = base.items[0];
  const many = pendingRequest({
    items: Array.from({ length: 400 }, (_, n) => ({
      ...template,
      input: `host${n}.malware-drop.net`,
      draft: template.draft ? { ...template.draft, indicatorValue: `host${n}.malware-drop.net` } : undefined,
    })),
  });

  it('shows at most the first values of a large request and says how many are not shown', () => {
    const data = approvalCardData(many, { approver: true });
    assert.equal((data.items as unknown[]).length, APPROVAL_CARD_MAX_ITEMS);
    assert.match(String(data.moreText), /and 375 more values/);
  });

  it('keeps the card of a 400-value request under the size budget', () => {
    const card = new CardRenderer().render('approval', approvalCardData(many, { approver: true }));
    assert.ok(Buffer.byteLength(JSON.stringify(card)) < CARD_SIZE_BUDGET_BYTES);
  });
});
