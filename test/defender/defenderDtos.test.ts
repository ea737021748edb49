import assert from 'node:assert/strict';
import {
  errorDtoSchema,
  importResultDtoSchema,
  indicatorDtoSchema,
  indicatorListDtoSchema,
  indicatorSubmissionSchema,
  machineGroupScoreListDtoSchema,
} from '../../bot/defender/defenderDtos';
import * as fx from './referenceFixtures';

describe('Defender DTO checks on the documented examples', () => {
  it('accept the 2020 indicator entity with its legacy action', () => {
    const dto = indicatorDtoSchema.parse(JSON.parse(fx.indicatorEntity2020));
    assert.deepEqual([dto.id, dto.action, dto.rbacGroupNames], ['994', 'AlertAndBlock', ['team1']]);
  });

  it('accept the 2025 indicator entity', () => {
    assert.equal(indicatorDtoSchema.parse(JSON.parse(fx.indicatorEntity2025)).action, 'BlockAndRemediate');
  });

  it('accept the real list response with undocumented fields and keep them', () => {
    const list = indicatorListDtoSchema.parse(JSON.parse(fx.listWithUndocumentedFields));
    const first = list.value[0];
    assert.deepEqual([first?.category, first?.generateAlert, first?.notificationId], [1, true, null]);
  });

  it('accept both list examples', () => {
    const ids = [fx.listExample1, fx.listExample2].flatMap((t) =>
      indicatorListDtoSchema.parse(JSON.parse(t)).value.map((i) => i.id),
    );
    assert.deepEqual(ids, ['995', '996', '997']);
  });

  it('read the per-item outcome of the import response', () => {
    const result = importResultDtoSchema.parse(JSON.parse(fx.importResponse));
    assert.deepEqual(
      result.value.map((v) => [v.id, v.isFailed]),
      [
        ['2841', false],
        ['2842', false],
      ],
    );
  });

  it('read the code of every documented error body', () => {
    const codes = fx.errorExamples.map((t) => errorDtoSchema.parse(JSON.parse(t)).error.code);
    assert.deepEqual(codes, ['ResourceNotFound', 'InvalidRequestBody', 'InvalidInput']);
  });

  it('read the group names of the machine-group exposure scores', () => {
    const scores = machineGroupScoreListDtoSchema.parse(JSON.parse(fx.machineGroupScores));
    assert.deepEqual(
      scores.value.map((s) => s.rbacGroupName),
      ['GroupOne', 'GroupTwo'],
    );
  });

  it('accept the documented submit request body as a submission', () => {
    assert.equal(indicatorSubmissionSchema.safeParse(JSON.parse(fx.submitRequest)).success, true);
  });

  const rejected: { name: string; patch: Record<string, unknown> }[] = [
    { name: 'an id that is not a decimal string', patch: { id: 'abc' } },
    { name: 'a category that is not an integer', patch: { category: 1.5 } },
    { name: 'an unknown indicator type', patch: { indicatorType: 'Email' } },
    { name: 'an unknown action', patch: { action: 'Quarantine' } },
    { name: 'an unreadable date', patch: { creationTimeDateTimeUtc: 'yesterday' } },
    { name: 'a missing value', patch: { indicatorValue: undefined } },
  ];
  for (const r of rejected) {
    it(`reject an indicator with ${r.name}`, () => {
      const dto = { ...(JSON.parse(fx.indicatorEntity2025) as Record<string, unknown>), ...r.patch };
      assert.equal(indicatorDtoSchema.safeParse(dto).success, false);
    });
  }

  it('convert a numeric id to its decimal string', () => {
    const dto = { ...(JSON.parse(fx.indicatorEntity2025) as Record<string, unknown>), id: 994 };
    assert.equal(indicatorDtoSchema.parse(dto).id, '994');
  });

  it('refuse an Audit submission without generateAlert', () => {
    const body = { ...(JSON.parse(fx.submitRequest) as Record<string, unknown>), action: 'Audit' };
    assert.equal(indicatorSubmissionSchema.safeParse(body).success, false);
  });
});
