/**
 * Builds the Graph alerts_v2 alert Defender raises when a custom indicator is hit (reference §7.2, §10.8):
 * `detectionSource: customTi`, `serviceSource: microsoftDefenderForEndpoint`, evidence `deviceEvidence` plus
 * `urlEvidence` or `ipEvidence`. Block indicators raise a generic informational alert; Audit indicators an alert
 * with the indicator's title and severity (reference §4, "Known issues").
 */
import type { SimIndicator } from '../contracts';
import type { SimDevice } from '../devices/deviceFixture';
import type { EventStore, SimGraphAlert } from './eventStore';

/** What the factory needs to know about one hit. */
export interface IndicatorHit {
  readonly device: SimDevice;
  readonly indicator: SimIndicator;
  readonly kind: 'audit' | 'block';
  readonly url: string;
  readonly remoteIp?: string;
  readonly at: Date;
  readonly tenantId: string;
}

/** Detector id the simulator uses for custom-indicator alerts (the real one is not documented). */
export const CUSTOM_TI_DETECTOR_ID = '6f7c9b52-5c46-4f3a-9d0e-8e0b1a7d2c11';

/** Title of the generic alert a Block indicator raises (wording not documented; made up). */
export const GENERIC_BLOCK_TITLE = 'A connection to a custom indicator was blocked';

const TICKS_AT_EPOCH = 621355968000000000n;

function severityOf(indicator: SimIndicator, kind: 'audit' | 'block'): string {
  if (kind === 'block' || indicator.severity === null) return 'informational';
  return indicator.severity.toLowerCase();
}

/** Creates, stores and returns the alert for a hit. */
export function recordIndicatorAlert(store: EventStore, hit: IndicatorHit): SimGraphAlert {
  const seq = store.nextAlertSeq();
  const ticks = BigInt(hit.at.getTime()) * 10000n + TICKS_AT_EPOCH;
  const id = `da${ticks.toString()}_${-(900000000 + seq)}`;
  const incidentId = String(28000 + seq);
  const at = hit.at.toISOString();
  const { device, indicator } = hit;
  const networkEvidence =
    indicator.indicatorType === 'IpAddress'
      ? {
          '@odata.type': '#microsoft.graph.security.ipEvidence',
          createdDateTime: at,
          verdict: 'suspicious',
          remediationStatus: hit.kind === 'block' ? 'blocked' : 'none',
          remediationStatusDetails: null,
          roles: ['destination'],
          tags: [],
          ipAddress: hit.remoteIp ?? indicator.indicatorValue,
          countryLetterCode: null,
        }
      : {
          '@odata.type': '#microsoft.graph.security.urlEvidence',
          createdDateTime: at,
          verdict: 'suspicious',
          remediationStatus: hit.kind === 'block' ? 'blocked' : 'none',
          remediationStatusDetails: null,
          roles: ['destination'],
          tags: [],
          url: hit.url,
        };
  const alert: SimGraphAlert = {
    '@odata.type': '#microsoft.graph.security.alert',
    id,
    providerAlertId: id,
    incidentId,
    status: 'new',
    severity: severityOf(indicator, hit.kind),
    classification: null,
    determination: null,
    serviceSource: 'microsoftDefenderForEndpoint',
    detectionSource: 'customTi',
    detectorId: CUSTOM_TI_DETECTOR_ID,
    tenantId: hit.tenantId,
    title: hit.kind === 'block' ? GENERIC_BLOCK_TITLE : indicator.title,
    description: hit.kind === 'block' ? `Access to ${hit.url} was blocked.` : indicator.description,
    recommendedActions: '',
    category: 'SuspiciousActivity',
    assignedTo: null,
    alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${hit.tenantId}`,
    incidentWebUrl: `https://security.microsoft.com/incidents/${incidentId}?tid=${hit.tenantId}`,
    actorDisplayName: null,
    threatDisplayName: null,
    threatFamilyName: null,
    mitreTechniques: [],
    createdDateTime: at,
    lastUpdateDateTime: at,
    resolvedDateTime: null,
    firstActivityDateTime: at,
    lastActivityDateTime: at,
    comments: [],
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.deviceEvidence',
        createdDateTime: at,
        verdict: 'unknown',
        remediationStatus: 'none',
        remediationStatusDetails: null,
        firstSeenDateTime: '2026-01-05T09:00:00Z',
        mdeDeviceId: device.deviceId,
        azureAdDeviceId: device.aadDeviceId,
        deviceDnsName: device.deviceName,
        osPlatform: device.osPlatform,
        osBuild: null,
        version: device.osVersion,
        healthStatus: 'active',
        riskScore: 'none',
        rbacGroupId: device.rbacGroupId,
        rbacGroupName: device.rbacGroupName,
        onboardingStatus: 'onboarded',
        defenderAvStatus: 'unknown',
        ipInterfaces: [device.localIp],
        loggedOnUsers: [{ accountName: device.accountName, domainName: 'EXAMPLE' }],
        roles: ['compromised'],
        detailedRoles: ['Main device'],
        tags: [],
        vmMetadata: null,
      },
      networkEvidence,
    ],
    systemTags: [],
  };
  store.addAlert(alert);
  return alert;
}
