/**
 * Simulated devices that visit URLs and meet the Defender part's indicators.
 */
import type { RegisterPart } from '../contracts';

/** Registers the device control routes. */
export const registerDevices: RegisterPart = () => ({
  reset(): void {},
});
