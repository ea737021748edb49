import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'mocha';
import { checkFileUrl, downloadFile, uploadFile } from '../../bot/requests/listing/fileTransfer';

describe('indicator views: bounded file transfer', () => {
  let server: Server;
  let base = '';
  const uploads: { headers: Record<string, unknown>; body: string }[] = [];

  before(async () => {
    // writeHead and end are called apart: restify (loaded by other suites) replaces writeHead without chaining.
    const answer = (
      res: ServerResponse,
      status: number,
      headers: Record<string, string>,
      body?: string | Buffer,
    ) => {
      res.writeHead(status, headers);
      res.end(body);
    };
    server = createServer((req, res) => {
      const url = req.url ?? '';
      if (req.method === 'PUT') {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          uploads.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          answer(res, 201, {}, '{}');
        });
        return;
      }
      if (url === '/small') answer(res, 200, { 'content-type': 'text/csv' }, 'a,b\r\n1,2\r\n');
      else if (url === '/declared-big') answer(res, 200, { 'content-length': '9999999' });
      else if (url === '/streamed-big') answer(res, 200, {}, Buffer.alloc(4096, 'x'));
      else if (url === '/redirect-ok') answer(res, 302, { location: '/small' });
      else if (url === '/redirect-away') answer(res, 302, { location: 'http://10.1.2.3/file.csv' });
      else if (url === '/hang')
        return; // never answers
      else answer(res, 404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const limits = { mode: 'local' as const, maxBytes: 1024, timeoutMs: 2000 };

  it('downloads a small file', async () => {
    assert.equal((await downloadFile(`${base}/small`, limits)).toString('utf8'), 'a,b\r\n1,2\r\n');
  });

  it('follows a redirect to an allowed link', async () => {
    assert.equal((await downloadFile(`${base}/redirect-ok`, limits)).toString('utf8'), 'a,b\r\n1,2\r\n');
  });

  it('refuses a redirect to a link the mode does not allow', async () => {
    await assert.rejects(downloadFile(`${base}/redirect-away`, limits), {
      name: 'ValidationError',
      code: 'validation',
    });
  });

  it('refuses a file whose declared size is over the limit', async () => {
    await assert.rejects(downloadFile(`${base}/declared-big`, limits), {
      name: 'ValidationError',
      code: 'validation',
    });
  });

  it('stops reading a file that grows over the limit', async () => {
    await assert.rejects(downloadFile(`${base}/streamed-big`, limits), {
      name: 'ValidationError',
      code: 'validation',
    });
  });

  it('gives up on a server that does not answer in time', async () => {
    await assert.rejects(downloadFile(`${base}/hang`, { ...limits, timeoutMs: 200 }), {
      name: 'UpstreamError',
      code: 'upstream',
    });
  });

  it('reports a missing file as an upstream failure', async () => {
    await assert.rejects(downloadFile(`${base}/nothing`, limits), {
      name: 'UpstreamError',
      code: 'upstream',
    });
  });

  it('refuses a loopback http link in production mode', async () => {
    await assert.rejects(downloadFile(`${base}/small`, { ...limits, mode: 'production' }), {
      name: 'ValidationError',
      code: 'validation',
    });
  });

  it('uploads the whole file with a content range', async () => {
    await uploadFile(`${base}/upload`, Buffer.from('x,y\r\n'), limits);
    const last = uploads.at(-1);
    assert.equal(last?.body, 'x,y\r\n');
    assert.equal(last?.headers['content-range'], 'bytes 0-4/5');
  });
});

describe('file links in production mode', () => {
  const accepted = [
    'https://contoso-my.sharepoint.com/personal/alex/Documents/iocs.csv',
    'https://contoso.sharepoint.us/sites/soc/iocs.csv',
  ];
  for (const link of accepted) {
    it(`accepts the OneDrive/SharePoint link ${link}`, () => {
      assert.equal(checkFileUrl(link, 'production').href, link);
    });
  }

  const refused = [
    'https://internal-admin.corp/secrets',
    'https://10.0.0.5/api',
    'https://169.254.169.254/metadata/identity',
    'https://[::1]/x',
    'https://sharepoint.com.evil.example/x',
    'https://evilsharepoint.com/x',
    'http://contoso-my.sharepoint.com/x',
  ];
  for (const link of refused) {
    it(`refuses ${link}, which a crafted attachment could name`, () => {
      assert.throws(() => checkFileUrl(link, 'production'), { name: 'ValidationError', code: 'validation' });
    });
  }
});
