/**
 * Hits from Microsoft Graph `alerts_v2` (reference defender-api §7.2): alerts polled by `lastUpdateDateTime`,
 * kept where `detectionSource == customTi`, with the device from `deviceEvidence` and the target from
 * `urlEvidence` / `ipEvidence`. Current docs say custom-indicator hits on iOS and Android raise no alerts
 * (§5.1), so on mobile this source is usually silent; it is kept for tenants where they do appear.
 */
import type { GraphAlert, GraphClient } from '../graph/graphClient';
import type { HitAction, RawHit } from './hitRecord';
import type { HitPollResult, HitSource } from './hitSource';

/** Settings of {@link AlertsHitSource}. */
export interface AlertsHitSourceOptions {
  /** First poll reads this far back (default 1 h). */
  readonly initialLookbackSeconds?: number;
  /** Each poll re-reads this much before the checkpoint, for late updates (default 120 s). */
  readonly overlapSeconds?: number;
}

const EVIDENCE = {
  device: '#microsoft.graph.security.deviceEvidence',
  url: '#microsoft.graph.security.urlEvidence',
  ip: '#microsoft.graph.security.ipEvidence',
} as const;

/** Turns one custom-TI alert into hits (one per device evidence); other alerts give none. */
export function hitsFromAlert(alert: GraphAlert): RawHit[] {
  if (alert.detectionSource !== 'customTi') return [];
  const devices = alert.evidence.filter((e) => e['@odata.type'] === EVIDENCE.device && e.mdeDeviceId);
  const url = alert.evidence.find((e) => e['@odata.type'] === EVIDENCE.url && e.url);
  const ip = alert.evidence.find((e) => e['@odata.type'] === EVIDENCE.ip && e.ipAddress);
  const network = url ?? ip;
  if (devices.length === 0 || network === undefined) return [];
  const status = network.remediationStatus ?? '';
  const action: HitAction = status === 'blocked' || status === 'prevented' ? 'Block' : 'Audit';
  return devices.map((device) => {
    const user = device.loggedOnUsers?.[0];
    const userText = user?.accountName
      ? user.domainName
        ? `${user.domainName}\\${user.accountName}`
        : user.accountName
      : undefined;
    return {
      source: 'alerts',
      sourceId: devices.length === 1 ? alert.id : `${alert.id}:${device.mdeDeviceId ?? ''}`,
      timestamp: alert.firstActivityDateTime ?? alert.createdDateTime,
      deviceId: device.mdeDeviceId ?? '',
      ...(device.deviceDnsName ? { deviceName: device.deviceDnsName } : {}),
      ...(device.osPlatform ? { osPlatform: device.osPlatform } : {}),
      ...(device.rbacGroupName ? { deviceGroup: device.rbacGroupName } : {}),
      ...(userText ? { user: userText } : {}),
      ...(url?.url ? { url: url.url } : {}),
      ...(ip?.ipAddress ? { remoteIp: ip.ipAddress } : {}),
      action,
      ...(alert.alertWebUrl ? { portalUrl: alert.alertWebUrl } : {}),
    } satisfies RawHit;
  });
}

/** {@link HitSource} over `GET /security/alerts_v2`. */
export class AlertsHitSource implements HitSource {
  readonly name = 'alerts' as const;
  readonly description =
    'Graph alerts_v2, detectionSource customTi. Current Microsoft docs: no alerts for custom-indicator hits on iOS/Android, so expect this source to be silent for mobile.';

  constructor(
    private readonly graph: GraphClient,
    private readonly options: AlertsHitSourceOptions = {},
  ) {}

  async poll(checkpoint: string | undefined, now: Date): Promise<HitPollResult> {
    const since = checkpoint
      ? new Date(Date.parse(checkpoint) - (this.options.overlapSeconds ?? 120) * 1000)
      : new Date(now.getTime() - (this.options.initialLookbackSeconds ?? 3600) * 1000);
    const hits: RawHit[] = [];
    for await (const alert of this.graph.listAlerts({ since })) hits.push(...hitsFromAlert(alert));
    return { hits, checkpoint: now.toISOString() };
  }
}
