/**
 * Simulated devices that visit URLs and meet the Defender part's indicators. Control API (no token):
 * - `GET /_sim/devices` lists the devices;
 * - `POST /_sim/devices/:deviceId/visit` `{ url, remoteIp?, browser? }` decides the visit with the documented
 *   matching rules and records what Defender would record: a `DeviceNetworkEvents` connection row for every visit,
 *   a `DeviceEvents` network-protection row for a Warn/Block/Audit hit, and a Graph alert for an Audit/Block hit
 *   whose indicator has `generateAlert` — on iOS/Android only while `switches.mobileAlerts` is on, because
 *   current docs say mobile hits raise no alerts (reference §5.4).
 */
import type { RegisterPart, SimResponse, SimulatorPartDeps } from '../contracts';
import { recordIndicatorAlert } from '../graph/alertFactory';
import { eventStoreFor, type EventStore } from '../graph/eventStore';
import { isMobile, SIM_DEVICES, type SimDevice } from './deviceFixture';
import { decideVisit, type MatchOptions, type VisitDecision } from './indicatorMatcher';

/** Answer of the visit control route. */
export interface VisitOutcome {
  readonly decision: VisitDecision;
  readonly indicatorId?: string;
  readonly alertId?: string;
  readonly huntingEventId?: string;
}

/** Body of `POST /_sim/devices/:deviceId/visit`. */
export interface VisitRequest {
  readonly url: string;
  readonly remoteIp?: string;
  readonly browser?: 'edge' | 'other';
}

const ACTION_TYPES: Readonly<Record<'blocked' | 'warned' | 'audited', string>> = {
  blocked: 'ExploitGuardNetworkProtectionBlocked',
  warned: 'ExploitGuardNetworkProtectionBlocked',
  audited: 'ExploitGuardNetworkProtectionAudited',
};

function controlError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { code, message } } };
}

function parseVisitRequest(body: unknown): VisitRequest | string {
  if (typeof body !== 'object' || body === null) return 'The body must be a JSON object with a "url".';
  const { url, remoteIp, browser } = body as Record<string, unknown>;
  if (typeof url !== 'string' || url.length === 0) return '"url" must be a non-empty string.';
  if (remoteIp !== undefined && typeof remoteIp !== 'string') return '"remoteIp" must be a string.';
  if (browser !== undefined && browser !== 'edge' && browser !== 'other')
    return '"browser" must be edge or other.';
  return {
    url,
    ...(remoteIp === undefined ? {} : { remoteIp }),
    ...(browser === undefined ? {} : { browser }),
  };
}

function toUrl(raw: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  try {
    const url = new URL(withScheme);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function processName(device: SimDevice, browser: 'edge' | 'other'): string {
  if (device.platform === 'Windows') return browser === 'edge' ? 'msedge.exe' : 'chrome.exe';
  if (device.platform === 'macOS') return browser === 'edge' ? 'Microsoft Edge' : 'Google Chrome';
  return device.platform === 'iOS' ? 'Safari' : 'com.android.chrome';
}

/**
 * Decides and records one visit.
 * @remarks Exported for the composition root and tests; the control route calls it.
 */
export function recordVisit(
  deps: SimulatorPartDeps,
  store: EventStore,
  device: SimDevice,
  request: VisitRequest,
  url: URL,
  options: MatchOptions = {},
): VisitOutcome {
  const at = deps.now();
  const timestamp = at.toISOString();
  const browser = request.browser ?? 'edge';
  const visit = { url, browser, ...(request.remoteIp === undefined ? {} : { remoteIp: request.remoteIp }) };
  const result = decideVisit(device, visit, deps.indicators.listActive(at), options);
  const remoteIp = request.remoteIp ?? null;
  const common = {
    Timestamp: timestamp,
    DeviceId: device.deviceId,
    DeviceName: device.deviceName,
    RemoteUrl: url.href,
    RemoteIP: remoteIp,
    RemotePort: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
    LocalIP: device.localIp,
    InitiatingProcessFileName: processName(device, browser),
    InitiatingProcessAccountName: device.accountName,
    InitiatingProcessAccountUpn: device.userPrincipalName,
    InitiatingProcessAccountObjectId: device.userId,
  };
  // The decision is taken after the TCP/TLS handshake, so even a blocked site shows ConnectionSuccess (§4).
  store.addRow('DeviceNetworkEvents', {
    ...common,
    ActionType: 'ConnectionSuccess',
    Protocol: 'Tcp',
    ReportId: store.nextReportId(),
  });
  const outcome: { -readonly [K in keyof VisitOutcome]: VisitOutcome[K] } = { decision: result.decision };
  const indicator = result.indicator;
  if (indicator !== undefined) outcome.indicatorId = indicator.id;
  if (indicator === undefined || result.decision === 'allowed' || result.decision === 'notEnforced') {
    return outcome;
  }
  const reportId = store.nextReportId();
  store.addRow('DeviceEvents', {
    ...common,
    ActionType: ACTION_TYPES[result.decision],
    FileName: null,
    AdditionalFields: JSON.stringify({
      IsAudit: result.decision === 'audited',
      ResponseCategory: 'CustomBlockList',
      DisplayName: indicator.title,
    }),
    ReportId: reportId,
  });
  outcome.huntingEventId = String(reportId);
  const alerting = result.decision === 'audited' || result.decision === 'blocked';
  if (alerting && indicator.generateAlert && (!isMobile(device.platform) || deps.switches.mobileAlerts)) {
    const alert = recordIndicatorAlert(store, {
      device,
      indicator,
      kind: result.decision === 'audited' ? 'audit' : 'block',
      url: url.href,
      ...(request.remoteIp === undefined ? {} : { remoteIp: request.remoteIp }),
      at,
      tenantId: deps.tenantId,
    });
    outcome.alertId = alert.id;
  }
  return outcome;
}

/** Builds the devices part with the given behaviour switches. */
export function createDevicesPart(options: MatchOptions = {}): RegisterPart {
  return (routes, deps) => {
    const store = eventStoreFor(deps);
    routes.add('GET', '/_sim/devices', () => ({ status: 200, body: { value: SIM_DEVICES } }), {
      endpoint: 'sim.control',
    });
    routes.add(
      'POST',
      '/_sim/devices/:deviceId/visit',
      (req) => {
        const device = SIM_DEVICES.find((d) => d.deviceId === req.params.deviceId);
        if (device === undefined) {
          return controlError(404, 'NotFound', `No simulated device '${req.params.deviceId ?? ''}'.`);
        }
        const request = parseVisitRequest(req.body);
        if (typeof request === 'string') return controlError(400, 'InvalidRequestBody', request);
        const url = toUrl(request.url);
        if (url === undefined)
          return controlError(400, 'InvalidUrl', `'${request.url}' is not an http(s) URL.`);
        return { status: 200, body: recordVisit(deps, store, device, request, url, options) };
      },
      { endpoint: 'sim.control' },
    );
    return {
      reset(): void {
        store.clear();
      },
    };
  };
}

/** Registers the device control routes with the current documentation's behaviour. */
export const registerDevices: RegisterPart = createDevicesPart();
