// Renders an incident's alert as it reads now, for the `UPDATE_MESSAGE` response to a button
// press. The notification worker renders the same view when it edits the message.

import type { AlertRenderer } from '../../scheduler/notifications.js';
import type { MonitorStore } from '../../store/monitors.js';
import type { AlertView } from '../views.js';

/** Renders the alert of `incidentId`, or returns null when the monitor or incident is gone. */
export type CurrentAlertRenderer = (
  monitorId: string,
  incidentId: string,
) => Promise<AlertView | null>;

/** How many closed incidents are searched for the one a pressed alert belongs to. */
const ARCHIVE_LOOKUP = 20;

export function createCurrentAlertRenderer(
  store: Pick<MonitorStore, 'get' | 'incidents'>,
  renderer: Pick<AlertRenderer, 'alert'>,
  now: () => number,
): CurrentAlertRenderer {
  return async (monitorId, incidentId) => {
    const stored = await store.get(monitorId);
    if (stored === null) return null;
    const monitor = stored.monitor;
    let incident = monitor.incident?.id === incidentId ? monitor.incident : null;
    // A press can close the incident (Pause), which moves it to the history.
    incident ??=
      (await store.incidents(monitorId, ARCHIVE_LOOKUP)).find((item) => item.id === incidentId) ??
      null;
    if (incident === null) return null;
    return renderer.alert(monitor, incident, monitor.teamId, now());
  };
}
