import type { AlertRenderer } from '../scheduler/notifications.js';
import type { TeamStore } from '../store/teams.js';
import { renderAlert, renderThreadNote } from './alert-view.js';

/** Renders alerts in each team's zone (UTC until the team sets one). */
export function createAlertRenderer(teams: TeamStore): AlertRenderer {
  // Alerts of one team rendered at the same time share one read of its settings, as when many
  // of its deadlines pass at once.
  const reading = new Map<string, Promise<string>>();
  const timezoneOf = (teamId: string): Promise<string> => {
    let read = reading.get(teamId);
    if (read === undefined) {
      read = teams.get(teamId).then((settings) => settings.timezone ?? 'UTC');
      const done = () => reading.delete(teamId);
      read.then(done, done);
      reading.set(teamId, read);
    }
    return read;
  };
  return {
    async alert(monitor, incident, teamId, now) {
      return renderAlert(monitor, incident, { timezone: await timezoneOf(teamId), now });
    },
    async threadNote(note, teamId, now) {
      return renderThreadNote(note, { timezone: await timezoneOf(teamId), now });
    },
  };
}
