/**
 * The Microsoft Graph part of the simulator: alerts_v2, runHuntingQuery and group membership.
 */
import type { RegisterPart } from '../contracts';

/** Registers the Graph routes. */
export const registerGraph: RegisterPart = () => ({
  reset(): void {},
});
