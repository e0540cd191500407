import type { AlertRenderer } from '../scheduler/notifications.js';
import type { TeamStore } from '../store/teams.js';
import { renderAlert, renderThreadNote } from './alert-view.js';

/** Renders alerts in each team's zone (UTC until the team sets one). */
export function createAlertRenderer(teams: TeamStore): AlertRenderer {
  const timezoneOf = async (teamId: string) => (await teams.get(teamId)).timezone ?? 'UTC';
  return {
    async alert(monitor, incident, teamId, now) {
      return renderAlert(monitor, incident, { timezone: await timezoneOf(teamId), now });
    },
    async threadNote(note, teamId, now) {
      return renderThreadNote(note, { timezone: await timezoneOf(teamId), now });
    },
  };
}
