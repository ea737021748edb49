import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import {
  CSV_COLUMNS,
  exportIndicatorCsv,
  parseIndicatorCsv,
  type CsvContext,
  type ExportableIndicator,
} from '../../bot/indicators/csvFormat';
import { NOW } from './fixtures';

const HEADER = CSV_COLUMNS.join(',');

function ctx(overrides: Partial<CsvContext> = {}): CsvContext {
  return {
    now: NOW,
    maxDays: 365,
    knownGroups: ['GroupName1', 'GroupName2'],
    protectedDomains: [],
    tenantDomains: ['contoso.com'],
    ...overrides,
  };
}

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n');
}

describe('parseIndicatorCsv', () => {
  it('reads the portal sample rows with quoted lists', () => {
    const { rows } = parseIndicatorCsv(
      csv(
        'FileSha1,deadbeafb263b10b284405889fb25dcc3bf1aebb,2027-01-16T12:11:06.2446367Z,BlockAndRemediate,Informational,"File SHA1 custom TI example","malware downloader","Recommended actions should be here","GroupName1,GroupName2","SuspiciousActivity","T0000,T0001,T0002",true',
      ),
      ctx(),
    );
    assert.deepEqual(rows[0]?.draft, {
      indicatorType: 'FileSha1',
      indicatorValue: 'deadbeafb263b10b284405889fb25dcc3bf1aebb',
      action: 'BlockAndRemediate',
      title: 'File SHA1 custom TI example',
      description: 'malware downloader',
      severity: 'Informational',
      generateAlert: true,
      expirationTime: '2027-01-16T12:11:06Z',
      rbacGroupNames: ['GroupName1', 'GroupName2'],
      recommendedActions: 'Recommended actions should be here',
    });
    assert.deepEqual(rows[0]?.mitreTechniques, ['T0000', 'T0001', 'T0002']);
  });

  it('tolerates a BOM and CRLF line ends', () => {
    const text = `\ufeff${HEADER}\r\nDomainName,evil.example.com,,Block,Low,t,d,,,,,false\r\n`;
    const { rows, report } = parseIndicatorCsv(text, ctx());
    assert.equal(rows[0]?.draft?.indicatorValue, 'evil.example.com');
    assert.deepEqual(report.fileFindings, []);
  });

  it('treats an empty expiration as never', () => {
    const { rows } = parseIndicatorCsv(csv('DomainName,evil.example.com,,Block,Low,t,d,,,,,false'), ctx());
    assert.equal(rows[0]?.draft?.expirationTime, null);
  });

  it('accepts Allow as well as the template’s Allowed', () => {
    const { rows } = parseIndicatorCsv(
      csv(
        'DomainName,a.example.com,,Allowed,Low,t,d,,,,,false',
        'DomainName,b.example.com,,Allow,Low,t,d,,,,,false',
      ),
      ctx(),
    );
    assert.deepEqual(
      rows.map((r) => r.draft?.action),
      ['Allowed', 'Allowed'],
    );
  });

  it('maps the legacy AlertAndBlock to BlockAndRemediate with a warning', () => {
    const { rows } = parseIndicatorCsv(
      csv(
        'FileSha256,deadbeafd034a66599407e2fa2ccaf15d11f1079fc0d012bb7b2b8ce66673689,,AlertAndBlock,Low,t,d,,,,,true',
      ),
      ctx(),
    );
    assert.equal(rows[0]?.draft?.action, 'BlockAndRemediate');
    assert.ok(rows[0]?.findings.some((f) => f.code === 'legacyAction'));
  });

  it('forces generateAlert on Audit rows that leave it empty', () => {
    const { rows } = parseIndicatorCsv(csv('DomainName,evil.example.com,,Audit,Low,t,d,,,,,'), ctx());
    assert.equal(rows[0]?.draft?.generateAlert, true);
  });

  it('refuses an Audit row with GenerateAlert false', () => {
    const { rows } = parseIndicatorCsv(csv('DomainName,evil.example.com,,Audit,Low,t,d,,,,,false'), ctx());
    assert.equal(rows[0]?.verdict, 'error');
    assert.ok(rows[0]?.findings.some((f) => f.code === 'auditNeedsAlert'));
  });

  it('refuses BlockAndRemediate on a network indicator, as the portal would not import it', () => {
    const { rows } = parseIndicatorCsv(
      csv('Url,http://evil.example.com/x,,BlockAndRemediate,Low,t,d,,,,,false'),
      ctx(),
    );
    assert.ok(rows[0]?.findings.some((f) => f.code === 'actionNotSupported'));
  });

  it('numbers rows as a spreadsheet does, with the header as row 1', () => {
    const { report } = parseIndicatorCsv(
      csv(
        'DomainName,ok.example.com,,Block,Low,t,d,,,,,false',
        'IpAddress,10.10.10.10,,Allowed,Low,t,d,,,,,false',
      ),
      ctx(),
    );
    assert.ok(
      report.lines.some((l) => l.startsWith('Row 3 (error): 10.10.10.10 is a private address')),
      report.lines.join('\n'),
    );
  });

  it('validates each row like a chat value, refusing a tenant domain', () => {
    const { rows } = parseIndicatorCsv(csv('DomainName,contoso.com,,Block,Low,t,d,,,,,false'), ctx());
    assert.ok(rows[0]?.findings.some((f) => f.code === 'protectedDomain'));
  });

  it('infers the type when the IndicatorType cell is empty', () => {
    const { rows } = parseIndicatorCsv(
      csv(',hxxps://evil[.]example[.]com/x,,Block,Low,t,d,,,,,false'),
      ctx(),
    );
    assert.equal(rows[0]?.draft?.indicatorType, 'Url');
    assert.equal(rows[0]?.draft?.indicatorValue, 'https://evil.example.com/x');
  });

  it('reports an unknown indicator type', () => {
    const { rows } = parseIndicatorCsv(csv('Email,a@b.example.com,,Block,Low,t,d,,,,,false'), ctx());
    assert.ok(rows[0]?.findings.some((f) => f.code === 'csvType'));
  });

  it('reports a past expiration time', () => {
    const { rows } = parseIndicatorCsv(
      csv('DomainName,evil.example.com,2018-09-16T12:11:06.2446367Z,Block,Low,t,d,,,,,false'),
      ctx(),
    );
    assert.ok(rows[0]?.findings.some((f) => f.code === 'expiryNotFuture'));
  });

  it('generates a title and description when the cells are empty', () => {
    const { rows } = parseIndicatorCsv(csv('DomainName,evil.example.com,,Block,Low,,,,,,,false'), ctx());
    assert.equal(rows[0]?.draft?.title, 'Block evil.example.com');
    assert.equal(rows[0]?.draft?.description, 'Imported from CSV row 2.');
  });

  it('accepts columns in another order and header case', () => {
    const text = 'indicatorvalue,ACTION,indicatortype\nevil.example.com,block,DomainName\n';
    const { rows } = parseIndicatorCsv(text, ctx());
    assert.equal(rows[0]?.draft?.action, 'Block');
  });

  it('refuses a file without an IndicatorValue column', () => {
    const { report } = parseIndicatorCsv('Type,Value\nDomainName,evil.example.com\n', ctx());
    assert.equal(report.fileFindings[0]?.code, 'csvMissingColumns');
  });

  it('reports an unreadable file instead of throwing', () => {
    const { report } = parseIndicatorCsv(`${HEADER}\n"unterminated,evil.example.com\n`, ctx());
    assert.equal(report.fileFindings[0]?.code, 'csvUnreadable');
  });

  it('flags a row repeating an earlier one', () => {
    const { rows } = parseIndicatorCsv(
      csv(
        'DomainName,evil.example.com,,Block,Low,t,d,,,,,false',
        'DomainName,EVIL.example.com,,Block,Low,t,d,,,,,false',
      ),
      ctx(),
    );
    assert.match(rows[1]?.findings.find((f) => f.code === 'duplicateInFile')?.message ?? '', /row 2/);
  });

  it('skips empty lines without shifting row numbers', () => {
    const { rows } = parseIndicatorCsv(
      csv('', 'DomainName,evil.example.com,,Block,Low,t,d,,,,,false'),
      ctx(),
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.row, 3);
  });

  it('splits accepted rows into batches of at most 500', () => {
    const lines = Array.from(
      { length: 1203 },
      (_, i) => `DomainName,h${i}.evil.example.com,,Block,Low,t,d,,,,,false`,
    );
    const { batches, report } = parseIndicatorCsv(csv(...lines), ctx());
    assert.deepEqual(
      batches.map((b) => b.length),
      [500, 500, 203],
    );
    assert.equal(report.batchCount, 3);
  });

  it('removes the formula-escape quote that the export adds', () => {
    const { rows } = parseIndicatorCsv(
      csv(`DomainName,evil.example.com,,Block,Low,'=cmd,d,,,,,false`),
      ctx(),
    );
    assert.equal(rows[0]?.draft?.title, '=cmd');
  });
});

describe('exportIndicatorCsv', () => {
  const indicators: ExportableIndicator[] = [
    {
      indicatorType: 'DomainName',
      indicatorValue: 'evil.example.com',
      action: 'Allowed',
      expirationTime: null,
      severity: 'Low',
      title: 'Partner site',
      description: 'needed',
      rbacGroupNames: ['GroupName1', 'GroupName2'],
      generateAlert: false,
    },
    {
      indicatorType: 'Url',
      indicatorValue: 'https://evil.example.com/x',
      action: 'AlertAndBlock',
      title: '=HYPERLINK("http://x","click")',
      description: '+1 danger',
      recommendedActions: '@SUM(A1)',
      category: '-2',
      generateAlert: true,
    },
  ];

  it('starts with a BOM and the template header in order, with CRLF line ends', () => {
    const out = exportIndicatorCsv(indicators);
    assert.ok(out.startsWith(`\ufeff${HEADER}\r\n`));
  });

  it('writes Allowed, an empty expiration for never and a quoted group list', () => {
    const out = exportIndicatorCsv(indicators);
    assert.ok(
      out.includes(
        'DomainName,evil.example.com,,Allowed,Low,Partner site,needed,,"GroupName1,GroupName2",,,false\r\n',
      ),
    );
  });

  it('writes a legacy action under its current name', () => {
    const records: string[][] = parse(exportIndicatorCsv(indicators), { bom: true });
    assert.equal(records[2]?.[3], 'BlockAndRemediate');
  });

  const injections: [string, number][] = [
    ['=', 5],
    ['+', 6],
    ['@', 7],
    ['-', 9],
  ];
  for (const [char, column] of injections) {
    it(`neutralises a cell starting with ${char} against formula injection`, () => {
      const records: string[][] = parse(exportIndicatorCsv(indicators), { bom: true });
      const cell = records[2]?.[column] ?? '';
      assert.ok(cell.startsWith(`'${char}`), cell);
    });
  }

  it('round-trips through the importer', () => {
    const { rows } = parseIndicatorCsv(exportIndicatorCsv(indicators.slice(0, 1)), ctx());
    assert.equal(rows[0]?.draft?.indicatorValue, 'evil.example.com');
    assert.deepEqual(rows[0]?.draft?.rbacGroupNames, ['GroupName1', 'GroupName2']);
    assert.equal(rows[0]?.draft?.action, 'Allowed');
  });
});
