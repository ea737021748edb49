/**
 * The simulated devices: one per platform that matters for custom network indicators.
 * Each device belongs to exactly one device group (MDE puts a device in the highest-ranked matching group only,
 * reference §8); ids look like MDE machine ids (40 hex characters).
 */
import type { SimOsPlatform } from '../contracts';

/** A simulated device onboarded to Defender for Endpoint. */
export interface SimDevice {
  /** MDE device id (`mdeDeviceId`, `DeviceId` in advanced hunting). */
  readonly deviceId: string;
  readonly deviceName: string;
  readonly platform: SimOsPlatform;
  /** The platform string Defender reports (`deviceEvidence.osPlatform`, `DeviceInfo.OSPlatform`). */
  readonly osPlatform: string;
  readonly osVersion: string;
  /** iOS only: supervised devices let Defender see the whole URL, unsupervised ones only the domain. */
  readonly supervised?: boolean;
  readonly rbacGroupId: number;
  readonly rbacGroupName: string;
  readonly deviceType: 'Workstation' | 'Mobile';
  readonly deviceSubtype?: 'Smartphone' | 'Tablet';
  readonly aadDeviceId: string;
  /** Entra object id and name of the signed-in user. */
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly accountName: string;
  readonly localIp: string;
}

/** Device group ids and names used by the fixture. */
export const DEVICE_GROUPS = [
  { rbacGroupId: 101, rbacGroupName: 'Windows' },
  { rbacGroupId: 102, rbacGroupName: 'macOS' },
  { rbacGroupId: 103, rbacGroupName: 'iOS' },
  { rbacGroupId: 104, rbacGroupName: 'Android' },
] as const;

/** The fixture devices. */
export const SIM_DEVICES: readonly SimDevice[] = [
  {
    deviceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345601',
    deviceName: 'desktop-alexw01',
    platform: 'Windows',
    osPlatform: 'Windows11',
    osVersion: '10.0.22631',
    rbacGroupId: 101,
    rbacGroupName: 'Windows',
    deviceType: 'Workstation',
    aadDeviceId: '10000000-0000-4000-8000-000000000001',
    userId: '00000000-0000-0000-0000-0000000000020',
    userPrincipalName: 'alexw@example.com',
    accountName: 'alexw',
    localIp: '10.0.0.11',
  },
  {
    deviceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345602',
    deviceName: 'mbp-meganb',
    platform: 'macOS',
    osPlatform: 'macOS',
    osVersion: '15.1',
    rbacGroupId: 102,
    rbacGroupName: 'macOS',
    deviceType: 'Workstation',
    aadDeviceId: '10000000-0000-4000-8000-000000000002',
    userId: '00000000-0000-0000-0000-0000000000021',
    userPrincipalName: 'meganb@example.com',
    accountName: 'meganb',
    localIp: '10.0.0.12',
  },
  {
    deviceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345603',
    deviceName: 'iphone-alexw',
    platform: 'iOS',
    osPlatform: 'iOS',
    osVersion: '18.1',
    supervised: true,
    rbacGroupId: 103,
    rbacGroupName: 'iOS',
    deviceType: 'Mobile',
    deviceSubtype: 'Smartphone',
    aadDeviceId: '10000000-0000-4000-8000-000000000003',
    userId: '00000000-0000-0000-0000-0000000000020',
    userPrincipalName: 'alexw@example.com',
    accountName: 'alexw',
    localIp: '10.0.1.13',
  },
  {
    deviceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345604',
    deviceName: 'ipad-adelev',
    platform: 'iOS',
    osPlatform: 'iOS',
    osVersion: '17.6',
    supervised: false,
    rbacGroupId: 103,
    rbacGroupName: 'iOS',
    deviceType: 'Mobile',
    deviceSubtype: 'Tablet',
    aadDeviceId: '10000000-0000-4000-8000-000000000004',
    userId: '00000000-0000-0000-0000-0000000000022',
    userPrincipalName: 'adelev@example.com',
    accountName: 'adelev',
    localIp: '10.0.1.14',
  },
  {
    deviceId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345605',
    deviceName: 'pixel-isaiahl',
    platform: 'Android',
    osPlatform: 'Android',
    osVersion: '15',
    rbacGroupId: 104,
    rbacGroupName: 'Android',
    deviceType: 'Mobile',
    deviceSubtype: 'Smartphone',
    aadDeviceId: '10000000-0000-4000-8000-000000000005',
    userId: '00000000-0000-0000-0000-0000000000023',
    userPrincipalName: 'isaiah@example.com',
    accountName: 'isaiahl',
    localIp: '10.0.1.15',
  },
];

/** Short, stable names for the fixture devices, for tests and the control API. */
export const DEVICE_IDS = {
  windows: SIM_DEVICES[0].deviceId,
  macos: SIM_DEVICES[1].deviceId,
  iosSupervised: SIM_DEVICES[2].deviceId,
  iosUnsupervised: SIM_DEVICES[3].deviceId,
  android: SIM_DEVICES[4].deviceId,
} as const;

/** Whether the platform is one of the mobile platforms (iOS, Android). */
export function isMobile(platform: SimOsPlatform): boolean {
  return platform === 'iOS' || platform === 'Android';
}
