/**
 * State shared by the Graph and devices parts of one simulator: the alerts and advanced-hunting events that
 * simulated device visits produce. Both parts receive the same {@link SimulatorPartDeps}, so the store is kept
 * per deps object (and per indicator view), never as a process-wide singleton: tests start many simulators.
 */
import type { SimulatorPartDeps } from '../contracts';

/** A value in an advanced-hunting row. */
export type HuntingValue = string | number | boolean | null;

/** One advanced-hunting row, keyed by the real column names. */
export type HuntingRow = Readonly<Record<string, HuntingValue>>;

/** Advanced-hunting tables the store holds events for (DeviceInfo is derived from the device fixture). */
export type EventTable = 'DeviceEvents' | 'DeviceNetworkEvents';

/** A Graph `microsoft.graph.security.alert` as the simulator stores it (reference §7.2). */
export interface SimGraphAlert {
  readonly '@odata.type': '#microsoft.graph.security.alert';
  readonly id: string;
  readonly createdDateTime: string;
  readonly lastUpdateDateTime: string;
  readonly status: string;
  readonly severity: string;
  readonly serviceSource: string;
  readonly detectionSource: string;
  readonly classification: string | null;
  readonly determination: string | null;
  readonly assignedTo: string | null;
  readonly [property: string]: unknown;
}

/** Alerts and hunting events of one simulator. */
export class EventStore {
  private alerts: SimGraphAlert[] = [];
  private readonly rows = new Map<EventTable, HuntingRow[]>();
  private reportId = 1000;
  private alertSeq = 0;

  /** Stores an alert. */
  addAlert(alert: SimGraphAlert): void {
    this.alerts.push(alert);
  }

  /** All alerts, oldest first by `lastUpdateDateTime`, then id. */
  listAlerts(): readonly SimGraphAlert[] {
    return [...this.alerts].sort(
      (a, b) =>
        a.lastUpdateDateTime.localeCompare(b.lastUpdateDateTime) ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    );
  }

  /** Stores a hunting row; the row must carry `Timestamp` (ISO) and `ReportId`. */
  addRow(table: EventTable, row: HuntingRow): void {
    const list = this.rows.get(table) ?? [];
    list.push(row);
    this.rows.set(table, list);
  }

  /** Rows of a table, in insertion order. */
  listRows(table: EventTable): readonly HuntingRow[] {
    return this.rows.get(table) ?? [];
  }

  /** A fresh `ReportId` (unique per simulator). */
  nextReportId(): number {
    this.reportId += 1;
    return this.reportId;
  }

  /** A fresh sequence number for alert ids. */
  nextAlertSeq(): number {
    this.alertSeq += 1;
    return this.alertSeq;
  }

  /** Forgets every alert and event. */
  clear(): void {
    this.alerts = [];
    this.rows.clear();
  }
}

const byDeps = new WeakMap<object, EventStore>();

/** The event store of the simulator these deps belong to (created on first use). */
export function eventStoreFor(deps: SimulatorPartDeps): EventStore {
  const existing = byDeps.get(deps) ?? byDeps.get(deps.indicators) ?? byDeps.get(deps.switches);
  const store = existing ?? new EventStore();
  byDeps.set(deps, store);
  byDeps.set(deps.indicators, store);
  byDeps.set(deps.switches, store);
  return store;
}
